"""Image transforms replacing mmpose's ``Albumentation`` wrapper in RTMPose's pipelines.

``RandomBlur``, ``RandomMedianBlur`` and ``CoarseDropout`` reproduce albumentations 1.x ``Blur``,
``MedianBlur`` and ``CoarseDropout`` (image only) with numpy and OpenCV, registered in
``rtmpose_ext.registry.TRANSFORMS``; ``CachedLoadImage`` is mmpose's ``LoadImage`` with the decoded
pictures of a small dataset kept in memory.
"""
from .cached_load_image import CachedLoadImage
from .coarse_dropout import CoarseDropout
from .random_blur import RandomBlur
from .random_median_blur import RandomMedianBlur

__all__ = ['CachedLoadImage', 'CoarseDropout', 'RandomBlur', 'RandomMedianBlur']
