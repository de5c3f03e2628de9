"""Image transforms replacing mmpose's ``Albumentation`` wrapper in RTMPose's pipelines.

``RandomBlur``, ``RandomMedianBlur`` and ``CoarseDropout`` reproduce albumentations 1.x ``Blur``,
``MedianBlur`` and ``CoarseDropout`` (image only) with numpy and OpenCV, registered in
``rtmpose_ext.registry.TRANSFORMS``.
"""
from .coarse_dropout import CoarseDropout
from .random_blur import RandomBlur
from .random_median_blur import RandomMedianBlur

__all__ = ['CoarseDropout', 'RandomBlur', 'RandomMedianBlur']
