"""Datasets and transforms (registered in rtmpose_ext.registry)."""
from .transforms import CoarseDropout, RandomBlur, RandomMedianBlur

__all__ = ['CoarseDropout', 'RandomBlur', 'RandomMedianBlur']
