"""SimCC decoding and the mapping of keypoints from the crop back to the image.

Decoding is our ``SimCCLabel.decode`` without DARK: per keypoint the first arg-max of the x and of the y
logits, the score is the smaller of the two maxima, a location whose score is <= 0 becomes -1, and
locations are divided by the split ratio (bins per pixel).
"""
from typing import Tuple

import numpy as np


def decode_simcc(simcc_x: np.ndarray, simcc_y: np.ndarray,
                 split_ratio: float) -> Tuple[np.ndarray, np.ndarray]:
    """Keypoints (N, K, 2) float32 in input pixels and scores (N, K) from logits (N, K, Wx), (N, K, Wy)."""
    x = np.asarray(simcc_x, np.float32)
    y = np.asarray(simcc_y, np.float32)
    if x.ndim != 3 or y.ndim != 3 or x.shape[:2] != y.shape[:2]:
        raise ValueError(f'decode_simcc: expected logits (N, K, Wx) and (N, K, Wy), got {x.shape} and '
                         f'{y.shape}')
    idx_x, idx_y = x.argmax(-1), y.argmax(-1)
    max_x = np.take_along_axis(x, idx_x[..., None], -1)[..., 0]
    max_y = np.take_along_axis(y, idx_y[..., None], -1)[..., 0]
    scores = np.where(max_x > max_y, max_y, max_x)
    locs = np.stack([idx_x, idx_y], -1).astype(np.float32)
    locs[scores <= 0] = -1
    return locs / np.float32(split_ratio), scores


def to_image_coords(keypoints: np.ndarray, centers: np.ndarray, scales: np.ndarray,
                    input_size: Tuple[int, int]) -> np.ndarray:
    """Keypoints (N, K, 2) in crop pixels -> image pixels, for crops of ``centers``/``scales`` (N, 2)
    (the aspect-ratio-fixed scales) resized to ``input_size`` (w, h)."""
    size = np.asarray(input_size, np.float32)
    return keypoints / size * scales[:, None] + (centers - 0.5 * scales)[:, None]
