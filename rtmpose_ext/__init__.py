"""rtmpose_ext: RTMPose's pieces (SimCC, RTMCC head, KL loss, DARK-UDP, recipe) as MMPose extensions.

Importing the package applies the torch 2.13 compatibility fixes (:mod:`rtmpose_ext.compat`) and
registers every class in scope ``rtmpose_ext`` (:mod:`rtmpose_ext.registry`).
"""
from . import compat

compat.apply_all()

from . import codecs, datasets, engine, models  # noqa: E402,F401  (registers the classes)
from . import deploy  # noqa: E402,F401  (MMDeploy rewriters for our classes, when mmdeploy is installed)
from .registry import SCOPE  # noqa: E402
from .version import __version__  # noqa: E402

__all__ = ['SCOPE', '__version__']
