"""Arg-max decoding of SimCC vectors and heatmaps, batched over rows / maps.

Same conventions as mmpose's ``get_simcc_maximum`` / ``get_heatmap_maximum``: the first maximum wins,
a SimCC score is the *smaller* of the x and y maxima, and a location whose score is <= 0 becomes -1.
"""
from typing import Tuple

import numpy as np


def _row_max(rows: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Index and value of the first maximum of each row of a 2-D array."""
    idx = np.argmax(rows, axis=1)
    return idx, rows[np.arange(rows.shape[0]), idx]


def simcc_maximum(simcc_x: np.ndarray, simcc_y: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Locations (M, 2) float32 (in bins) and scores (M, ) of SimCC rows (M, Wx), (M, Wy)."""
    x_idx, x_max = _row_max(simcc_x)
    y_idx, y_max = _row_max(simcc_y)
    # The smaller maximum (written as mmpose does, so NaNs resolve the same way).
    vals = np.where(x_max > y_max, y_max, x_max)
    locs = np.stack((x_idx, y_idx), axis=-1).astype(np.float32)
    locs[vals <= 0.] = -1
    return locs, vals


def simcc_softmax_maximum(simcc_x: np.ndarray, simcc_y: np.ndarray) -> np.ndarray:
    """Scores (M, ) after a softmax over each row: the smaller of the two softmax maxima.

    The softmax maximum of a row is ``1 / sum(exp(row - max(row)))``, so no division pass is needed.
    """

    def softmax_max(rows):
        ex = np.exp(rows - np.max(rows, axis=1, keepdims=True))
        return 1.0 / np.sum(ex, axis=1)

    x_max, y_max = softmax_max(simcc_x), softmax_max(simcc_y)
    return np.where(x_max > y_max, y_max, x_max)


def heatmap_maximum(heatmaps: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Locations (M, 2) float32 as (x, y) and values (M, ) of the maxima of heatmaps (M, H, W)."""
    M, H, W = heatmaps.shape
    idx, vals = _row_max(heatmaps.reshape(M, H * W))
    y, x = np.divmod(idx, W)
    locs = np.empty((M, 2), dtype=np.float32)
    locs[:, 0] = x
    locs[:, 1] = y
    locs[vals <= 0.] = -1
    return locs, vals
