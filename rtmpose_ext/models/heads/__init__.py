"""Heads (registered in rtmpose_ext.registry.MODELS)."""
from .base_simcc_head import BaseSimCCHead
from .rtmcc_head import RTMCCHead
from .simcc_head import SimCCHead

__all__ = ['BaseSimCCHead', 'RTMCCHead', 'SimCCHead']
