"""A detector's preprocessing: mmdet's test pipeline and data preprocessor as ``pipeline.json`` lists them.

The conversion writes the model config's test pipeline into the SDK's ``Preprocess`` task: ``Resize``
(``size`` = mmdet's ``scale``, ``keep_ratio``, ``interpolation``), ``Pad`` (``size`` or ``size_divisor``
or ``pad_to_square``, ``pad_val``, ``padding_mode``), then the data preprocessor's ``Normalize`` (mean,
std, BGR -> RGB) and ``Pad`` (its ``pad_size_divisor``, in normalised values, with 0). Each transform is
built by its entry of :data:`PREPROCESS_STEPS`, with mmcv's arithmetic:

- keep-ratio resize: factor = min(max(scale) / max(h, w), min(scale) / min(h, w)), new size
  ``int(w * factor + 0.5)`` x ``int(h * factor + 0.5)``; otherwise the size is ``scale``; OpenCV's
  ``resize``; the scale factor is (new w / w, new h / h);
- padding: bottom and right, to ``size``, to the next multiple of ``size_divisor``, or to a square;
  never cropping.
"""
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable, Dict, List, Sequence, Tuple, Union

import cv2
import numpy as np

from .preprocess import normalize_channels

INTERPOLATIONS = {'nearest': cv2.INTER_NEAREST, 'bilinear': cv2.INTER_LINEAR, 'bicubic': cv2.INTER_CUBIC,
                  'area': cv2.INTER_AREA, 'lanczos': cv2.INTER_LANCZOS4}
BORDERS = {'constant': cv2.BORDER_CONSTANT, 'edge': cv2.BORDER_REPLICATE, 'reflect': cv2.BORDER_REFLECT_101,
           'symmetric': cv2.BORDER_REFLECT}
# transforms of the SDK's Preprocess task that load, convert or collect (nothing to compute here)
SKIPPED_STEPS = ('LoadImageFromFile', 'LoadImageFromNDArray', 'DefaultFormatBundle', 'ImageToTensor',
                 'Collect')


@dataclass
class Picture:
    """A picture on its way to the network.

    Attributes:
        pixels (np.ndarray): (h, w, 3) uint8 BGR, or float32 once normalised.
        scale_factor (tuple[float, float]): (w, h) factors from the original picture to ``pixels``.
    """
    pixels: np.ndarray
    scale_factor: Tuple[float, float] = (1.0, 1.0)


Step = Callable[[Picture], Picture]


def resized_size(width: int, height: int, scale: Tuple[int, int], keep_ratio: bool) -> Tuple[int, int]:
    """(w, h) of a ``width`` x ``height`` picture after mmcv's resize to ``scale`` (w, h)."""
    if not keep_ratio:
        return int(scale[0]), int(scale[1])
    factor = min(max(scale) / max(height, width), min(scale) / min(height, width))
    return int(width * float(factor) + 0.5), int(height * float(factor) + 0.5)


def resize(picture: Picture, scale: Tuple[int, int], keep_ratio: bool, interpolation: str) -> Picture:
    """``picture`` resized to ``scale`` (w, h), keeping its aspect ratio or not."""
    h, w = picture.pixels.shape[:2]
    new_w, new_h = resized_size(w, h, scale, keep_ratio)
    pixels = cv2.resize(picture.pixels, (new_w, new_h), interpolation=INTERPOLATIONS[interpolation])
    sw, sh = picture.scale_factor
    return Picture(pixels, (sw * new_w / w, sh * new_h / h))


def padded_size(width: int, height: int, size, size_divisor, pad_to_square: bool) -> Tuple[int, int]:
    """(w, h) that mmcv's ``Pad`` pads a ``width`` x ``height`` picture to (never smaller)."""
    target = (max(width, height),) * 2 if pad_to_square else None
    if size_divisor:
        tw, th = target or (width, height)
        target = tuple(int(np.ceil(v / size_divisor)) * size_divisor for v in (tw, th))
    elif size is not None and not pad_to_square:
        target = (int(size[0]), int(size[1]))
    return max(target[0], width), max(target[1], height)


def pad(picture: Picture, size, size_divisor, pad_to_square: bool, value: Union[float, Sequence[float]],
        mode: str) -> Picture:
    """``picture`` padded at the bottom and right (see :func:`padded_size`)."""
    h, w = picture.pixels.shape[:2]
    new_w, new_h = padded_size(w, h, size, size_divisor, pad_to_square)
    if (new_w, new_h) == (w, h):
        return picture
    value = [float(v) for v in value] if isinstance(value, (list, tuple)) else [float(value)] * 3
    pixels = cv2.copyMakeBorder(picture.pixels, 0, new_h - h, 0, new_w - w, BORDERS[mode], value=value)
    return replace(picture, pixels=pixels)


def normalize(picture: Picture, mean: np.ndarray, std: np.ndarray, to_rgb: bool) -> Picture:
    """``(x - mean) / std`` in float32 per channel (after BGR -> RGB)."""
    return replace(picture, pixels=normalize_channels(picture.pixels, mean, std, to_rgb))


def _resize_step(transform: dict) -> Step:
    scale = transform['size']
    scale = (scale, scale) if isinstance(scale, (int, float)) else tuple(scale)
    interpolation = transform.get('interpolation', 'bilinear')
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f'pipeline.json: Resize interpolation {interpolation!r} is not one of '
                         f'{sorted(INTERPOLATIONS)}')
    return partial(resize, scale=scale, keep_ratio=bool(transform.get('keep_ratio', False)),
                   interpolation=interpolation)


def _pad_step(transform: dict) -> Step:
    value = transform.get('pad_val', 0)
    value = value.get('img', 0) if isinstance(value, dict) else value
    mode = transform.get('padding_mode', 'constant')
    if mode not in BORDERS:
        raise ValueError(f'pipeline.json: Pad padding_mode {mode!r} is not one of {sorted(BORDERS)}')
    return partial(pad, size=transform.get('size'), size_divisor=transform.get('size_divisor'),
                   pad_to_square=bool(transform.get('pad_to_square', False)), value=value, mode=mode)


def _normalize_step(transform: dict) -> Step:
    return partial(normalize, mean=np.asarray(transform['mean'], np.float32),
                   std=np.asarray(transform['std'], np.float32), to_rgb=bool(transform.get('to_rgb', False)))


# the builder of each computing transform of the SDK's Preprocess task
PREPROCESS_STEPS: Dict[str, Callable[[dict], Step]] = {
    'Resize': _resize_step, 'Pad': _pad_step, 'Normalize': _normalize_step}


def build_preprocess(transforms: List[dict]) -> List[Step]:
    """The steps of ``pipeline.json``'s Preprocess transforms, in order; ``ValueError`` names a
    transform that is neither computed (:data:`PREPROCESS_STEPS`) nor skipped (:data:`SKIPPED_STEPS`)."""
    steps = []
    for transform in transforms:
        kind = transform.get('type')
        if kind in SKIPPED_STEPS:
            continue
        if kind not in PREPROCESS_STEPS:
            raise ValueError(f'pipeline.json: the preprocessing transform {kind!r} is not implemented by '
                             f'the runtime (it computes {sorted(PREPROCESS_STEPS)})')
        steps.append(PREPROCESS_STEPS[kind](transform))
    if not any(s.func is normalize for s in steps):
        raise ValueError("pipeline.json: the preprocessing has no 'Normalize' transform")
    return steps


def preprocess_picture(image: np.ndarray, steps: List[Step]) -> Tuple[np.ndarray, np.ndarray]:
    """The network input (1, 3, H, W) float32 of an (h, w, 3) uint8 BGR image and the scale factor
    (2,) (w, h) from the image to the input."""
    picture = Picture(image)
    for step in steps:
        picture = step(picture)
    inputs = np.ascontiguousarray(picture.pixels.transpose(2, 0, 1)[None], dtype=np.float32)
    return inputs, np.asarray(picture.scale_factor, np.float64)
