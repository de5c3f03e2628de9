"""Batched Gaussian blur of many 1-D rows or 2-D maps with one ``cv2.GaussianBlur`` call each.

Kernels are OpenCV's for ``sigma=0`` (derived from the kernel size), as DARK decoding uses. A blur
"with zero padding" equals blurring each row / map on its own after padding it with zeros (mmpose's
``gaussian_blur`` / ``gaussian_blur1d``): rows are blurred along their length only, and maps are
stacked vertically with ``ksize // 2`` zero rows between them, so no map reaches into another.
"""
from typing import Tuple

import cv2
import numpy as np


def _as_float32(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float32)


def blur_rows_zero_padded(rows: np.ndarray, ksize: int) -> np.ndarray:
    """Blur each row of ``rows`` (M, L) with a 1-D Gaussian of ``ksize`` taps; zeros outside. float32."""
    rows = _as_float32(rows)
    if ksize <= 1 or rows.size == 0:
        return rows.copy()
    return cv2.GaussianBlur(rows, (ksize, 1), 0, borderType=cv2.BORDER_CONSTANT)


def blur_maps_zero_padded_stack(maps: np.ndarray, ksize: int) -> Tuple[np.ndarray, int]:
    """Blur each map of ``maps`` (M, H, W) with a ``ksize`` x ``ksize`` Gaussian; zeros outside.

    Returns the contiguous float32 stack (M, gap + H, W) and ``gap``: map ``m`` is ``stack[m, gap:]``.
    """
    M, H, W = maps.shape
    gap = ksize // 2 if ksize > 1 else 0
    stack = np.zeros((M, gap + H, W), dtype=np.float32)
    stack[:, gap:] = maps
    if gap and stack.size:
        cv2.GaussianBlur(stack.reshape(M * (gap + H), W), (ksize, ksize),
                         0,
                         dst=stack.reshape(M * (gap + H), W),
                         borderType=cv2.BORDER_CONSTANT)
    return stack, gap


def blur_maps_zero_padded(maps: np.ndarray, ksize: int) -> np.ndarray:
    """Blur each map of ``maps`` (M, H, W) with a ``ksize`` x ``ksize`` Gaussian; zeros outside. float32.

    The result may be a non-contiguous view (M, H, W).
    """
    stack, gap = blur_maps_zero_padded_stack(maps, ksize)
    return stack[:, gap:]


def blur_maps_reflect(maps: np.ndarray, ksize: int) -> np.ndarray:
    """Blur each map of ``maps`` (M, H, W) like ``cv2.GaussianBlur(map, (ksize, ksize), 0)`` on its own
    (border ``BORDER_REFLECT_101``), in float64 for float64 input and float32 otherwise. The result may
    be a non-contiguous view."""
    M, H, W = maps.shape
    maps = np.ascontiguousarray(maps, dtype=np.float64 if maps.dtype == np.float64 else np.float32)
    if ksize <= 1 or maps.size == 0:
        return maps.copy()
    r = ksize // 2
    padded = np.pad(maps, ((0, 0), (r, r), (r, r)), mode='reflect')
    out = cv2.GaussianBlur(padded.reshape(M * (H + 2 * r), W + 2 * r), (ksize, ksize), 0)
    return out.reshape(M, H + 2 * r, W + 2 * r)[:, r:r + H, r:r + W]
