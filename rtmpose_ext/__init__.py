"""rtmpose_ext: RTMPose's pieces (SimCC, RTMCC head, KL loss, DARK-UDP, recipe) as MMPose extensions.

Importing the package applies the torch 2.13 compatibility fixes (:mod:`rtmpose_ext.compat`) and
registers every class in scope ``rtmpose_ext`` (:mod:`rtmpose_ext.registry`), except in a process started
as a torch-free command (``python -m rtmpose_ext.apis.infer``, see :mod:`rtmpose_ext.entry_points`).
"""
from .entry_points import TORCH_FREE
from .version import __version__

if not TORCH_FREE:
    from . import compat

    compat.apply_all()

    from . import codecs, datasets, engine, models  # noqa: F401  (registers the classes)
    from . import deploy  # noqa: F401  (MMDeploy rewriters for our classes, when mmdeploy is installed)
    from .registry import SCOPE
else:
    SCOPE = 'rtmpose_ext'

__all__ = ['SCOPE', '__version__']
