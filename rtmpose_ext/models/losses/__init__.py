"""Losses (registered in rtmpose_ext.registry.MODELS)."""
from .kl_discret_loss import KLDiscretLoss

__all__ = ['KLDiscretLoss']
