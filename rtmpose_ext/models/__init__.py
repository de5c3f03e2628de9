"""Models: SimCC heads (RTMCCHead, SimCCHead), KLDiscretLoss and their building blocks.

Importing registers the heads and the loss in :data:`rtmpose_ext.registry.MODELS` under mmpose's names.
"""
from . import heads, losses, utils  # noqa: F401
