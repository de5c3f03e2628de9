"""Narrow fixes that let mmengine and mmdeploy run on torch 2.13, applied on ``import rtmpose_ext``.

Each lives in its own module, changes behaviour only on the code path it names, and is idempotent.
"""
from .checkpoint_loading import MMENGINE_CHECKPOINT_GLOBALS, apply_checkpoint_loading_fix
from .onnx_export import apply_onnx_export_fix
from .torchvision_ops import apply_torchvision_ops_fix


def apply_all() -> None:
    """Apply every fix (safe to call more than once)."""
    apply_checkpoint_loading_fix()
    apply_onnx_export_fix()
    apply_torchvision_ops_fix()


__all__ = ['apply_all', 'apply_checkpoint_loading_fix', 'apply_onnx_export_fix', 'apply_torchvision_ops_fix',
           'MMENGINE_CHECKPOINT_GLOBALS']
