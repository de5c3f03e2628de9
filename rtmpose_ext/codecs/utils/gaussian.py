"""Gaussian targets: SimCC 1-D labels and UDP 2-D heatmaps, rendered for all keypoints at once.

* SimCC labels are centred on integer bins, so each one is a row of a per-axis table holding the
  Gaussian for every centre whose label has an in-range part (the 3-sigma rule); encoding is a gather.
* A UDP heatmap is the outer product of two 1-D Gaussians sampled on the heatmap grid, centred at the
  exact sub-pixel position and cut to the ``2 * 3 * sigma + 1`` window around the nearest pixel.

SimCC values are computed in float64 from the same expressions as mmpose's and stored as float32;
UDP exponents likewise, with the exponential itself in float32 (within 2 float32 ulps of mmpose's).
"""
import functools
from typing import Tuple

import numpy as np

# Above this many float32 values a SimCC lookup table is not worth keeping; labels are then computed directly.
_MAX_TABLE_VALUES = 1 << 24


def _simcc_gaussian(centres: np.ndarray, num_bins: int, sigma: float, normalize: bool) -> np.ndarray:
    """Gaussian labels (M, num_bins) float32 for integer ``centres`` (M, )."""
    x = np.arange(0, num_bins, 1, dtype=np.float32)
    labels = np.exp(-((x[None, :] - centres.astype(np.int64)[:, None])**2) / (2 * sigma**2)).astype(
        np.float32)
    if normalize:
        # Like mmpose: the float32 label divided by the float64 norm, stored as float32.
        labels = (labels / (sigma * np.sqrt(np.pi * 2))).astype(np.float32)
    return labels


@functools.lru_cache(maxsize=16)
def _simcc_gaussian_table(num_bins: int, sigma: float, normalize: bool) -> Tuple[np.ndarray, int]:
    """(table, first_centre): row ``i`` is the label centred at ``first_centre + i``; the last row is 0."""
    radius = 3 * sigma
    first = int(np.floor(-radius - 1)) - 1
    last = int(np.ceil(num_bins + radius)) + 1
    centres = np.arange(first, last + 1, dtype=np.int64)
    table = np.zeros((centres.size + 1, num_bins), dtype=np.float32)
    table[:-1] = _simcc_gaussian(centres, num_bins, sigma, normalize)
    table.flags.writeable = False
    return table, first


def simcc_gaussian_labels(centres: np.ndarray, valid: np.ndarray, num_bins: int, sigma: float,
                          normalize: bool) -> np.ndarray:
    """SimCC Gaussian labels along one axis.

    Args:
        centres: label centres in bins, integer-valued floats of any shape S (only read where ``valid``)
        valid: bool array of shape S; rows of invalid entries are zero. A valid centre must satisfy
            mmpose's 3-sigma rule (``centre - 3 sigma < num_bins`` and ``centre + 3 sigma + 1 >= 0``).
        num_bins: label length
        sigma: Gaussian sigma in bins
        normalize: divide by ``sigma * sqrt(2 pi)``

    Returns:
        float32 array of shape S + (num_bins, )
    """
    shape = valid.shape
    valid = valid.reshape(-1)
    centres = np.where(valid, centres.reshape(-1), 0)
    radius = 3 * sigma
    if (num_bins + 6 * radius + 6) * num_bins <= _MAX_TABLE_VALUES:
        table, first = _simcc_gaussian_table(int(num_bins), float(sigma), bool(normalize))
        rows = np.where(valid, centres - first, table.shape[0] - 1).astype(np.intp)
        return table[rows].reshape(shape + (num_bins, ))
    labels = np.zeros((valid.size, num_bins), dtype=np.float32)
    labels[valid] = _simcc_gaussian(centres[valid], num_bins, sigma, normalize)
    return labels.reshape(shape + (num_bins, ))


def udp_gaussian_factors(centres: np.ndarray, valid: np.ndarray, heatmap_size: Tuple[int, int],
                         sigma: float) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Separable factors of UDP Gaussian heatmaps.

    Args:
        centres: keypoints in heatmap pixels (M, 2), finite, as float32 or float64
        valid: bool (M, ): keypoints to render (the factors of the others are 0)
        heatmap_size: [W, H]
        sigma: Gaussian sigma in heatmap pixels

    Returns:
        tuple: ``ex`` (M, W) and ``ey`` (M, H) float32 (heatmap ``m`` is ``ey[m, :, None] * ex[m, None, :]``)
        and ``in_bounds`` (M, ) bool: whether the Gaussian window holds a heatmap pixel (the factors are
        0 where it does not).

    The window is mmpose's: the nearest pixel is ``mu = trunc(c + 0.5)``, the window covers
    ``[trunc(mu - 3 sigma), trunc(mu + 3 sigma + 1))`` (at most ``len(arange(2 * 3 sigma + 1))`` pixels),
    and inside it the Gaussian is centred at ``left + (2 * 3 sigma + 1) // 2 + (c - mu)``, which is ``c``
    itself except where mmpose's truncation towards zero shifts it (a non-integer ``3 sigma`` near the
    top/left border).
    """
    radius, half, grid, size, neg_inv = _udp_constants(float(sigma), tuple(heatmap_size))
    mu = np.trunc(centres + 0.5).astype(np.float64)  # c + 0.5 in c's dtype, like mmpose
    left = np.trunc(mu - radius)  # (M, 2)
    lo = np.maximum(left, 0.)
    # window end; never more than len(arange(0, 2 * radius + 1)) pixels after ``left``
    hi = np.minimum(np.trunc(mu + radius + 1), size)
    in_bounds = (lo < hi).all(axis=1)  # the window holds a heatmap pixel on both axes
    hi[~(valid & in_bounds)] = -1  # render nothing for these
    d = grid - (left + (half + (centres - mu)))[..., None]  # (M, 2, max(W, H))
    inside = (grid >= lo[..., None]) & (grid < hi[..., None])
    # exponent in float64 as mmpose; the exponential in float32 (vectorised; within 2 float32 ulps of
    # mmpose's float64 exp stored as float32)
    exponent = np.maximum(d * d * neg_inv, -200.)  # exp(-200) is 0 in float32; no overflow in the cast
    factors = np.where(inside, np.exp(exponent.astype(np.float32)), np.float32(0))
    W, H = heatmap_size
    return factors[:, 0, :W], factors[:, 1, :H], in_bounds


@functools.lru_cache(maxsize=16)
def _udp_constants(sigma: float, heatmap_size: Tuple[int, int]):
    radius = sigma * 3
    grid = np.arange(max(heatmap_size), dtype=np.float64)
    size = np.array(heatmap_size, dtype=np.float64)
    grid.flags.writeable = size.flags.writeable = False
    return radius, (2 * radius + 1) // 2, grid, size, -1.0 / (2 * sigma**2)
