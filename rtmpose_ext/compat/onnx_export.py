"""mmdeploy's ONNX export under torch >= 2.9, whose ``torch.onnx.export`` defaults to ``dynamo=True``.

mmdeploy 1.3.1 relies on the TorchScript exporter (its function rewriters and symbolic overrides hook
into it), and calls ``torch.onnx.export`` without ``dynamo``; with the new default, ``torch2onnx`` fails.

Fix: ``torch.onnx.export`` is wrapped once; a call made *from mmdeploy's own code* that does not pass
``dynamo`` gets ``dynamo=False``. Every other caller, and any explicit ``dynamo=...``, is passed through
untouched, so user code keeps torch's default.
"""
import functools
import inspect
import sys

import torch

_MARK = '_rtmpose_ext_mmdeploy_legacy_exporter'


def _called_from_mmdeploy(depth: int = 2) -> bool:
    """Whether the function ``depth`` frames up belongs to the ``mmdeploy`` package."""
    module = sys._getframe(depth).f_globals.get('__name__', '')
    return module == 'mmdeploy' or module.startswith('mmdeploy.')


def apply_onnx_export_fix() -> None:
    """Wrap ``torch.onnx.export`` once so that mmdeploy's calls use the TorchScript exporter."""
    current = torch.onnx.export
    if getattr(current, _MARK, False):
        return
    if 'dynamo' not in inspect.signature(current).parameters:
        return  # torch < 2.5: there is only the TorchScript exporter

    @functools.wraps(current)
    def export(*args, **kwargs):
        if 'dynamo' not in kwargs and _called_from_mmdeploy():
            kwargs['dynamo'] = False
        return current(*args, **kwargs)

    setattr(export, _MARK, True)
    torch.onnx.export = export
