"""``import torchvision`` where its C++ ops cannot load (PyPI's CUDA-only wheels on CPU torch).

torchvision 0.28 registers fake kernels for ``torchvision::nms`` / ``qnms`` without checking that its
C++ extension loaded; where it did not, ``import torchvision`` raises ``operator torchvision::nms does
not exist`` and takes ``mmpose.apis`` and mmengine's Runner (its environment report) down with it.

Fix: before torchvision is first imported, if its ``_C`` extension cannot be loaded, declare just those
two operator schemas, with a CPU kernel that raises a clear error. torchvision's Python API then
imports (mmpose only needs ``transforms.ToPILImage``); its C++ ops stay unavailable, as before.
Nothing happens where torchvision is absent, already imported, or its extension loads.
"""
import importlib.util
import os.path as osp
import sys

import torch

_SCHEMA = '(Tensor dets, Tensor scores, float iou_threshold) -> Tensor'
_OPS = ('nms', 'qnms')
_library = None  # keeps the declared schemas alive


def _extension_loads(package_dir: str) -> bool:
    path = osp.join(package_dir, '_C.so')
    if not osp.exists(path):
        return False
    try:
        torch.ops.load_library(path)
        return True
    except (OSError, RuntimeError, ImportError):
        return False


def _unavailable(*args, **kwargs):
    raise RuntimeError('torchvision C++ ops are not available in this environment (its CUDA-only wheel '
                       'cannot load them on CPU torch); use mmcv.ops.nms / mmcv.ops.batched_nms instead.')


def apply_torchvision_ops_fix() -> None:
    """Declare ``torchvision::nms``/``qnms`` if torchvision is installed and its ops cannot load."""
    global _library
    if _library is not None or 'torchvision' in sys.modules:
        return
    spec = importlib.util.find_spec('torchvision')
    if spec is None or not spec.submodule_search_locations:
        return
    if _extension_loads(list(spec.submodule_search_locations)[0]):
        return
    if all(hasattr(torch.ops.torchvision, op) for op in _OPS):  # declared by someone else
        return
    _library = torch.library.Library('torchvision', 'DEF')
    for op in _OPS:
        _library.define(op + _SCHEMA)
        _library.impl(op, _unavailable, 'CPU')
