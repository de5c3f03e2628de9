"""Deployment of SimCC pose models: MMDeploy rewriters, conversion, evaluation and a numpy runtime.

- :mod:`.rewriters`: MMDeploy rewriters for our classes (imported here when mmdeploy is installed, so
  ``import rtmpose_ext.deploy`` registers them; deploy configs also list this module in
  ``codebase_config.module`` so that MMDeploy's own tools import it).
- ``python -m rtmpose_ext.deploy``: conversion (:mod:`.convert`); ``python -m rtmpose_ext.deploy.evaluate``:
  COCO evaluation of an exported model.
- :mod:`.scope`: MMDeploy's task processors keep the model config's default scope (a fix applied here).
- :mod:`.runtime`: inference with numpy + OpenCV + the backend's runtime only (no torch / OpenMMLab).
"""
import importlib.util

from ..entry_points import TORCH_FREE

if (not TORCH_FREE and importlib.util.find_spec('mmdeploy') is not None
        and importlib.util.find_spec('torch') is not None):
    from . import rewriters  # noqa: F401
    from .scope import apply_task_scope_fix

    apply_task_scope_fix()
