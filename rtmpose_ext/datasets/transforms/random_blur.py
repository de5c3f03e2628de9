"""Box blur with a random odd kernel size: albumentations 1.x ``Blur`` without albumentations."""
from typing import List, Optional, Sequence, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from rtmpose_ext.registry import TRANSFORMS

from ._checks import check_odd_kernel_range, check_prob


@TRANSFORMS.register_module()
class RandomBlur(BaseTransform):
    """With probability ``prob``, blur the image with a box filter (``cv2.blur``) of random odd size.

    Same semantics as albumentations 1.x ``Blur(blur_limit=7, p=prob)`` as used by RTMPose's configs
    through mmpose's ``Albumentation`` wrapper: with probability ``prob`` a kernel size ``k`` is drawn
    uniformly from the odd integers in ``[kernel_size[0], kernel_size[1]]`` and the image becomes
    ``cv2.blur(img, (k, k))`` (border ``cv2.BORDER_DEFAULT``). Only the image changes.

    Randomness comes from numpy's global RNG (``np.random``), like mmpose's transforms, so mmengine's
    ``randomness=dict(seed=...)`` makes it reproducible; the draws are not albumentations' (which uses
    Python's ``random``), only their distribution is the same.

    Required Keys:

    - img (np.ndarray (H, W) or (H, W, C), or a list of them; all get the same kernel)

    Modified Keys:

    - img

    Args:
        prob (float): Probability of blurring, in [0, 1]. Defaults to 0.1.
        kernel_size (int | Sequence[int]): ``(low, high)``: odd bounds of the kernel size, or one odd
            int for a fixed size. Defaults to ``(3, 7)`` (kernels 3, 5 and 7, like ``blur_limit=7``).
    """

    def __init__(self, prob: float = 0.1, kernel_size: Union[int, Sequence[int]] = (3, 7)) -> None:
        name = type(self).__name__
        self.prob = check_prob(name, prob)
        self.kernel_size = check_odd_kernel_range(name, kernel_size)
        self._kernel_sizes = np.arange(self.kernel_size[0], self.kernel_size[1] + 1, 2)

    @cache_randomness
    def _sample_kernel_size(self) -> Optional[int]:
        """The kernel size to use, or None when this call does not blur."""
        if np.random.rand() >= self.prob:
            return None
        return int(np.random.choice(self._kernel_sizes))

    def _filter(self, img: np.ndarray, ksize: int) -> np.ndarray:
        """The filtered image (same shape as ``img``)."""
        return cv2.blur(img, (ksize, ksize))

    def _apply(self, img: np.ndarray, ksize: int) -> np.ndarray:
        # cv2 drops a trailing channel axis of size 1 and rejects negative strides.
        return self._filter(np.ascontiguousarray(img), ksize).reshape(img.shape)

    def transform(self, results: dict) -> dict:
        """Blur ``results['img']`` (with probability ``prob``); return ``results``."""
        ksize = self._sample_kernel_size()
        if ksize is None:
            return results
        img: Union[np.ndarray, List[np.ndarray]] = results['img']
        if isinstance(img, list):
            results['img'] = [self._apply(i, ksize) for i in img]
        else:
            results['img'] = self._apply(img, ksize)
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(prob={self.prob}, kernel_size={self.kernel_size})'
