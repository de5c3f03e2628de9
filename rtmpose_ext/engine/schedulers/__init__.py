"""Parameter schedulers (registered in rtmpose_ext.registry.PARAM_SCHEDULERS)."""
from .flat_cosine_lr import FlatCosineAnnealingLR

__all__ = ['FlatCosineAnnealingLR']
