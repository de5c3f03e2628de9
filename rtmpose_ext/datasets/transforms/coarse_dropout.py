"""Random rectangular holes in the image: albumentations 1.x ``CoarseDropout`` without albumentations."""
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from rtmpose_ext.registry import TRANSFORMS

from ._checks import check_prob, is_int, is_real

Number = Union[int, float]
Hole = Tuple[int, int, int, int]


def _check_size_range(owner: str, dim: str, low, high) -> Tuple[Number, Number]:
    """``(min_<dim>, max_<dim>)``: both ints >= 1 (pixels) or both floats in (0, 1] (fractions)."""
    names = f'min_{dim}={low!r}, max_{dim}={high!r}'
    if is_int(low) and is_int(high):
        low, high = int(low), int(high)
        if low < 1:
            raise ValueError(f'{owner}: integer (pixel) hole sizes must be >= 1, got {names}')
    elif is_real(low) and is_real(high) and not is_int(low) and not is_int(high):
        low, high = float(low), float(high)
        if not (0.0 < low <= 1.0 and 0.0 < high <= 1.0):
            raise ValueError(f'{owner}: float hole sizes are fractions of the image {dim} and must be in '
                             f'(0, 1] (use ints for pixels), got {names}')
    else:
        raise ValueError(f'{owner}: min_{dim} and max_{dim} must both be ints (pixels) or both floats '
                         f'(fractions of the image {dim} in (0, 1]), got {names}')
    if low > high:
        raise ValueError(f'{owner}: min_{dim} must be <= max_{dim}, got {names}')
    return low, high


@TRANSFORMS.register_module()
class CoarseDropout(BaseTransform):
    """Fill random rectangles of the image with ``fill_value``, with probability ``prob``.

    Same semantics as albumentations 1.x ``CoarseDropout(max_holes, max_height, max_width, min_holes,
    min_height, min_width, fill_value, p=prob)`` as used by RTMPose's configs through mmpose's
    ``Albumentation`` wrapper (image only). With probability ``prob``:

    - the number of holes ``n`` is uniform in ``[min_holes, max_holes]`` (integers);
    - each hole's height is uniform in ``[min_height, max_height]``: integers when those are ints
      (pixels), ``int(H * u)`` with ``u`` uniform in ``[min_height, max_height)`` when they are floats
      (fractions of the image height ``H``); the width likewise with ``W``; a size is capped at the
      image size;
    - its top-left corner ``(x1, y1)`` is uniform over the positions where the whole hole fits
      (``y1`` in ``[0, H - h]``, ``x1`` in ``[0, W - w]``); holes may overlap;
    - ``img[y1:y1 + h, x1:x1 + w] = fill_value`` on a copy of the image.

    Keypoints, boxes and every other key are left unchanged (as with mmpose's ``Albumentation``, which
    passes only the image). Randomness comes from numpy's global RNG (``np.random``), like mmpose's
    transforms; the draws are not albumentations' (Python's ``random``), only their distribution is the
    same. Differences from albumentations: a float size of 1.0 is allowed, ``min_holes`` may be 0, a
    pixel size larger than the image is capped instead of failing, and the height pair and the width
    pair may use different units (each pair must use one).

    Required Keys:

    - img (np.ndarray (H, W) or (H, W, C), or a list of same-shaped ones; all get the same holes)

    Modified Keys:

    - img

    Args:
        prob (float): Probability of applying the dropout, in [0, 1]. Defaults to 1.0.
        min_holes (int): Least number of holes, >= 0. Defaults to 1.
        max_holes (int): Largest number of holes, >= max(min_holes, 1). Defaults to 1.
        min_height (int | float): Least hole height: pixels (int >= 1) or a fraction of the image height
            (float in (0, 1]). Defaults to 0.2.
        max_height (int | float): Largest hole height, same unit as ``min_height``. Defaults to 0.4.
        min_width (int | float): Least hole width: pixels (int >= 1) or a fraction of the image width
            (float in (0, 1]). Defaults to 0.2.
        max_width (int | float): Largest hole width, same unit as ``min_width``. Defaults to 0.4.
        fill_value (int | float | Sequence): Value of the hole pixels: a number, or one per channel.
            Defaults to 0.
    """

    def __init__(self,
                 prob: float = 1.0,
                 min_holes: int = 1,
                 max_holes: int = 1,
                 min_height: Number = 0.2,
                 max_height: Number = 0.4,
                 min_width: Number = 0.2,
                 max_width: Number = 0.4,
                 fill_value: Union[Number, Sequence[Number]] = 0) -> None:
        name = type(self).__name__
        self.prob = check_prob(name, prob)
        if not (is_int(min_holes) and is_int(max_holes) and 0 <= min_holes <= max_holes and max_holes >= 1):
            raise ValueError(f'{name}: min_holes and max_holes must be ints with 0 <= min_holes <= max_holes '
                             f'and max_holes >= 1, got min_holes={min_holes!r}, max_holes={max_holes!r}')
        self.min_holes, self.max_holes = int(min_holes), int(max_holes)
        self.min_height, self.max_height = _check_size_range(name, 'height', min_height, max_height)
        self.min_width, self.max_width = _check_size_range(name, 'width', min_width, max_width)
        if is_real(fill_value):
            self.fill_value = fill_value
        elif (isinstance(fill_value, Sequence) and not isinstance(fill_value, str) and len(fill_value) > 0
              and all(is_real(v) for v in fill_value)):
            self.fill_value = tuple(fill_value)
        else:
            raise ValueError(f'{name}: fill_value must be a number or a non-empty sequence of numbers (one '
                             f'per channel), got {fill_value!r}')

    @staticmethod
    def _sample_size(low: Number, high: Number, size: int) -> int:
        if isinstance(low, int):
            length = np.random.randint(low, high + 1)
        else:
            length = int(size * np.random.uniform(low, high))
        return min(int(length), size)

    @cache_randomness
    def _sample_holes(self, height: int, width: int) -> Optional[List[Hole]]:
        """Holes ``(x1, y1, x2, y2)`` for an image of ``height`` x ``width``, or None when not applied."""
        if np.random.rand() >= self.prob:
            return None
        holes = []
        for _ in range(np.random.randint(self.min_holes, self.max_holes + 1)):
            h = self._sample_size(self.min_height, self.max_height, height)
            w = self._sample_size(self.min_width, self.max_width, width)
            y1 = int(np.random.randint(0, height - h + 1))
            x1 = int(np.random.randint(0, width - w + 1))
            holes.append((x1, y1, x1 + w, y1 + h))
        return holes

    def _fill(self, img: np.ndarray) -> np.ndarray:
        """``fill_value`` as an array of ``img``'s dtype that broadcasts over a hole of ``img``."""
        name = type(self).__name__
        values = np.asarray(self.fill_value, dtype=np.float64)
        channels = img.shape[2] if img.ndim == 3 else 1
        if values.ndim == 1 and values.shape[0] != channels:
            raise ValueError(f'{name}: fill_value has {values.shape[0]} values but the image has {channels} '
                             f'channel(s) (shape {img.shape})')
        if np.issubdtype(img.dtype, np.integer):
            info = np.iinfo(img.dtype)
            if values.min() < info.min or values.max() > info.max:
                raise ValueError(f'{name}: fill_value={self.fill_value!r} does not fit the image dtype '
                                 f'{img.dtype} (range [{info.min}, {info.max}])')
        return values.astype(img.dtype)

    def _apply(self, img: np.ndarray, holes: List[Hole]) -> np.ndarray:
        fill = self._fill(img)
        img = img.copy()
        for x1, y1, x2, y2 in holes:
            img[y1:y2, x1:x2] = fill
        return img

    def transform(self, results: dict) -> dict:
        """Cut the holes into ``results['img']`` (with probability ``prob``); return ``results``."""
        img: Union[np.ndarray, List[np.ndarray]] = results['img']
        first = img[0] if isinstance(img, list) else img
        holes = self._sample_holes(first.shape[0], first.shape[1])
        if holes is None:
            return results
        if isinstance(img, list):
            results['img'] = [self._apply(i, holes) for i in img]
        else:
            results['img'] = self._apply(img, holes)
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(prob={self.prob}, min_holes={self.min_holes}, '
                f'max_holes={self.max_holes}, min_height={self.min_height}, max_height={self.max_height}, '
                f'min_width={self.min_width}, max_width={self.max_width}, fill_value={self.fill_value!r})')
