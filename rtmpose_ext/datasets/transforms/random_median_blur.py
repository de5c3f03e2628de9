"""Median blur with a random odd kernel size: albumentations 1.x ``MedianBlur`` without albumentations."""
import cv2
import numpy as np

from rtmpose_ext.registry import TRANSFORMS

from .random_blur import RandomBlur


@TRANSFORMS.register_module()
class RandomMedianBlur(RandomBlur):
    """Median-filter the image (``cv2.medianBlur``) with a random odd kernel size, with probability ``prob``.

    Same semantics as albumentations 1.x ``MedianBlur(blur_limit=7, p=prob)`` as used by RTMPose's
    configs: with probability ``prob`` a kernel size ``k`` is drawn uniformly from the odd integers in
    ``[kernel_size[0], kernel_size[1]]`` and the image becomes ``cv2.medianBlur(img, k)``. Only the image
    changes. Randomness comes from ``np.random`` (see :class:`RandomBlur`).

    OpenCV's median filter takes 1, 3 or 4 channels; kernels above 5 need ``uint8`` images (``uint16``
    and ``float32`` images work with kernels 3 and 5 only), otherwise :meth:`transform` raises a
    ``ValueError``.

    Required Keys:

    - img (np.ndarray (H, W) or (H, W, C), or a list of them; all get the same kernel)

    Modified Keys:

    - img

    Args:
        prob (float): Probability of filtering, in [0, 1]. Defaults to 0.1.
        kernel_size (int | Sequence[int]): ``(low, high)``: odd bounds of the kernel size, or one odd
            int for a fixed size. Defaults to ``(3, 7)`` (kernels 3, 5 and 7, like ``blur_limit=7``).
    """

    def _filter(self, img: np.ndarray, ksize: int) -> np.ndarray:
        if ksize > 5 and img.dtype != np.uint8:
            raise ValueError(f'{type(self).__name__}: a median kernel of {ksize} needs a uint8 image '
                             f'(OpenCV), got dtype {img.dtype}; use kernel_size <= 5 for other dtypes')
        return cv2.medianBlur(img, ksize)
