"""Offset targets of UDP's ``'combined'`` heatmap type: a binary disc map and x / y offset maps."""
from typing import Tuple

import numpy as np


def offset_maps(centres: np.ndarray, heatmap_size: Tuple[int, int],
                radius_factor: float) -> Tuple[np.ndarray, np.ndarray]:
    """Class and offset maps of keypoints.

    Args:
        centres: keypoints in heatmap pixels (M, 2), finite
        heatmap_size: [W, H]
        radius_factor: the disc radius is ``radius_factor * max(W, H)``

    Returns:
        tuple: ``maps`` (M, 3, H, W) float32: 1 inside the disc around the keypoint else 0, then
        ``(x_kpt - x) / radius`` and ``(y_kpt - y) / radius``; and ``in_map`` (M, ) bool: whether
        the disc holds a heatmap pixel.
    """
    W, H = heatmap_size
    radius = radius_factor * max(W, H)
    x_offset = (centres[:, 0:1] - np.arange(W)[None, :]) / radius  # float64, like mmpose
    y_offset = (centres[:, 1:2] - np.arange(H)[None, :]) / radius
    x2, y2 = x_offset**2, y_offset**2
    M = centres.shape[0]
    maps = np.empty((M, 3, H, W), dtype=np.float32)
    maps[:, 0] = x2[:, None, :] + y2[:, :, None] <= 1
    maps[:, 1] = x_offset[:, None, :]
    maps[:, 2] = y_offset[:, :, None]
    # The smallest x2 + y2 over the grid is the sum of the two smallest terms (rounding is monotone).
    in_map = x2.min(axis=1, initial=np.inf) + y2.min(axis=1, initial=np.inf) <= 1
    return maps, in_map
