"""DARK refinement (Zhang et al., CVPR 2020) of arg-max locations, for SimCC vectors and UDP heatmaps.

Modulation as in mmpose: blur each row / map with a zero-padded Gaussian, rescale it so that its maximum
is the original maximum, clip to [1e-3, 50] and take the log. Then one Newton (second-order Taylor)
step from the integer arg-max, with finite differences of the log (edge-replicated at the borders).

Only the maxima and the few stencil samples of each modulated row / map are needed, so the rescaling,
clipping and log are applied to those samples alone. Arithmetic follows mmpose's dtypes and order
(float32 for float32 input; the 2x2 Hessian solve in float64), so SimCC results are mmpose's bit for
bit. For UDP heatmaps, maps whose result provably does not depend on the rescale take a fast path
that blurs only a crop around the arg-max (see ``refine_heatmap_dark_udp``).
"""
import functools
from typing import Optional

import cv2
import numpy as np

from .blur import blur_maps_zero_padded_stack, blur_rows_zero_padded

_HESSIAN_EPS = float(np.finfo(np.float32).eps)
_F32_ULP = float(np.finfo(np.float32).eps)
# Largest effect of float rounding (bounded to first order) that the UDP DARK fast path may have on a
# location, in heatmap pixels; beyond it the map takes mmpose's exact path.
FAST_PATH_TOLERANCE = 5e-5


def simcc_dark_kernel_size(sigma: float) -> int:
    """The blur kernel size mmpose's SimCCLabel uses for DARK at label sigma ``sigma`` (odd, >= 1)."""
    k = int((sigma * 20 - 7) // 3)
    k -= int(k % 2 == 0)
    return max(k, 1)


def _modulated_log(samples_f32: np.ndarray, original_max: np.ndarray, blurred_max: np.ndarray,
                   dtype: np.dtype) -> np.ndarray:
    """log(clip(sample * original_max / blurred_max, 1e-3, 50)) of blurred samples (S, P), in ``dtype``.

    A blurred map whose maximum is 0 is not rescaled (mmpose divides by 0 there).
    """
    zero = blurred_max == 0
    if zero.any():
        blurred_max = np.where(zero, 1, blurred_max).astype(dtype)
        original_max = np.where(zero, 1, original_max).astype(dtype)
    values = samples_f32.astype(dtype) * (original_max / blurred_max)[:, None]
    # np.clip(values, 1e-3, 50.), spelled out (np.clip costs more than the work on a few samples)
    np.minimum(values, 50., out=values)
    np.maximum(values, 1e-3, out=values)
    return np.log(values, out=values)


def _clamped(index: np.ndarray, size: int) -> np.ndarray:
    """Indices clamped to [0, size - 1] (edge replication), in place."""
    np.maximum(index, 0, out=index)
    return np.minimum(index, size - 1, out=index)


_SIMCC_STENCIL = np.arange(-2, 3)


def refine_simcc_dark(locs: np.ndarray, simcc: np.ndarray, kernel_size: int,
                      refine: np.ndarray) -> np.ndarray:
    """DARK-refined SimCC locations along one axis.

    Args:
        locs: integer arg-max bins (M, ) float32
        simcc: SimCC rows (M, L), not modified
        kernel_size: odd blur kernel size (1: no blur)
        refine: bool (M, ): rows to refine (others are returned as they are)

    Returns:
        float32 (M, ) locations in bins
    """
    out = locs.astype(np.float32, copy=True)
    sel = np.flatnonzero(refine)
    if sel.size == 0:
        return out
    M, L = simcc.shape
    dtype = simcc.dtype
    blurred = blur_rows_zero_padded(simcc, kernel_size)  # contiguous (M, L)
    original_max = np.max(simcc, axis=1)[sel]
    blurred_max = np.max(blurred, axis=1)[sel].astype(dtype)
    cols = _clamped(locs[sel].astype(np.intp)[:, None] + _SIMCC_STENCIL, L)
    samples = blurred.reshape(-1).take(cols + (sel * L)[:, None])
    v = _modulated_log(samples, original_max, blurred_max, dtype)
    v_2, v_1, v0, v1, v2 = v.T
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        dx = 0.5 * (v1 - v_1)
        dxx = 1e-9 + 0.25 * (v2 - 2 * v0 + v_2)
        out[sel] = locs[sel] - dx / dxx
    return out


# UDP stencil, in this order: centre, x+1, y+1, x-1, y-1, (x+1, y+1), (x-1, y-1)
_UDP_STENCIL_X = np.array([0, 1, 0, -1, 0, 1, -1])
_UDP_STENCIL_Y = np.array([0, 0, 1, 0, -1, 1, -1])
# rows: the stencil samples; columns: dx, dy, dxx, dyy, dxy as mmpose computes them
_UDP_DERIVATIVES = np.array([
    [0, 0, -2, -2, 1],
    [0.5, 0, 1, 0, -0.5],
    [0, 0.5, 0, 1, -0.5],
    [-0.5, 0, 1, 0, -0.5],
    [0, -0.5, 0, 1, -0.5],
    [0, 0, 0, 0, 0.5],
    [0, 0, 0, 0, 0.5],
])


def _udp_stencil(locs: np.ndarray, W: int, H: int):
    """Stencil coordinates (S, 7) around integer locations (S, 2), edge-clamped (mmpose pads with 'edge')."""
    x = locs[:, 0].astype(np.intp)
    y = locs[:, 1].astype(np.intp)
    xs = x[:, None] + _UDP_STENCIL_X
    ys = y[:, None] + _UDP_STENCIL_Y
    if not np.all((x > 0) & (x < W - 1) & (y > 0) & (y < H - 1)):
        xs, ys = _clamped(xs, W), _clamped(ys, H)
    return x, y, xs, ys


@functools.lru_cache(maxsize=16)
def _crop_offsets(size: int, row_stride: int) -> np.ndarray:
    offsets = (np.arange(size)[:, None] * row_stride + np.arange(size)).reshape(-1)
    offsets.flags.writeable = False
    return offsets


def _blurred_at_stencil(maps: np.ndarray, x: np.ndarray, y: np.ndarray, xs: np.ndarray, ys: np.ndarray,
                        kernel_size: int) -> np.ndarray:
    """Zero-padded Gaussian blur of ``maps`` (S, H, W) at the stencil points (S, 7), float32.

    Blurs only the (kernel_size + 2)^2 crop around each location, all crops in one cv2 call: the 3 x 3
    block around the location depends on no pixel outside its crop.
    """
    S, H, W = maps.shape
    r = kernel_size // 2
    pad, C = r + 1, 2 * r + 3
    PH, PW = H + 2 * pad, W + 2 * pad
    padded = np.zeros((S, PH, PW), dtype=np.float32)
    padded[:, pad:pad + H, pad:pad + W] = maps
    # the crop of location (x, y) starts at padded (y, x), i.e. map (y - r - 1, x - r - 1)
    crops = padded.reshape(-1).take((np.arange(S) * (PH * PW) + y * PW + x)[:, None] + _crop_offsets(C, PW))
    if r:
        cv2.GaussianBlur(crops.reshape(S * C, C), (kernel_size, kernel_size),
                         0,
                         dst=crops.reshape(S * C, C),
                         borderType=cv2.BORDER_CONSTANT)
    index = (np.arange(S) * (C * C) + (r + 1) * (C + 1) - y * C - x)[:, None] + ys * C + xs
    return crops.reshape(-1).take(index)


def _udp_newton_step(v: np.ndarray, locs: np.ndarray) -> np.ndarray:
    """Newton step from the log samples ``v`` (S, 7) at integer locations (S, 2) with mmpose's arithmetic
    (float32 finite differences in its order, float64 (Hessian + eps I)^-1). Returns (S, 2) float64."""
    i_ = v[:, 0:1]
    fwd, bwd = v[:, 1:3], v[:, 3:5]  # (x+1, y+1), (x-1, y-1)
    ix1, iy1, ix1_, iy1_, ix1y1, ix1_y1_ = v[:, 1], v[:, 2], v[:, 3], v[:, 4], v[:, 5], v[:, 6]
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        grad = 0.5 * (fwd - bwd)  # dx, dy
        diag = fwd - 2 * i_ + bwd  # dxx, dyy
        dxy = 0.5 * (ix1y1 - ix1 - iy1 + i_[:, 0] + i_[:, 0] - ix1_ - iy1_ + ix1_y1_)
        return _solve(grad.astype(np.float64), diag.astype(np.float64), dxy.astype(np.float64), locs)[0]


def _solve(grad: np.ndarray, diag: np.ndarray, dxy: np.ndarray, locs: np.ndarray, with_norm: bool = False):
    """``locs - (H + eps I)^-1 grad`` in float64 with H = [[dxx, dxy], [dxy, dyy]]; also the offset and,
    if asked, |(H + eps I)^-1|_F. A singular matrix leaves the location unrefined (mmpose raises
    ``LinAlgError``)."""
    diag = diag + _HESSIAN_EPS
    det = diag[:, 0] * diag[:, 1] - dxy * dxy
    singular = det == 0
    det[singular] = np.inf
    offset = (diag[:, ::-1] * grad - dxy[:, None] * grad[:, ::-1]) / det[:, None]
    inv_norm = None
    if with_norm:
        inv_norm = np.sqrt((diag * diag).sum(axis=1) + 2 * dxy * dxy) / np.abs(det)
        inv_norm[singular] = np.inf
    return locs.astype(np.float64) - offset, offset, inv_norm


def refine_heatmap_dark_udp(locs: np.ndarray,
                            heatmaps: np.ndarray,
                            kernel_size: int,
                            refine: np.ndarray,
                            original_max: Optional[np.ndarray] = None) -> np.ndarray:
    """DARK-refined heatmap locations (UDP variant, as mmpose's ``refine_keypoints_dark_udp``).

    Args:
        locs: integer arg-max locations (M, 2) as (x, y), float32
        heatmaps: (M, H, W), not modified
        kernel_size: odd blur kernel size (1: no blur)
        refine: bool (M, ): maps to refine (others are returned as they are)
        original_max: the maxima of ``heatmaps`` (M, ), if known

    Returns:
        float32 (M, 2) locations in heatmap pixels. Where the regularised Hessian is singular (mmpose
        raises ``LinAlgError`` there) the location is left unrefined.

    The modulation rescales each blurred map by ``original_max / blurred_max`` before the clip and the log.
    The rescale only adds ``log(ratio)`` to the seven log samples, which the finite differences cancel,
    unless a sample is clipped. The ratio is >= 1 (a blur by a normalised non-negative kernel does not
    raise the maximum), so no sample is clipped when every blurred sample is >= 1e-3 and the original
    maximum is <= 50. For such maps only the crops around the arg-max are blurred and the rescale is
    skipped: the same result up to float rounding, used where the effect of a few float32 ulps on the
    samples is bounded (to first order) by ``FAST_PATH_TOLERANCE`` heatmap pixels. All other maps take
    mmpose's exact arithmetic (full blur, rescale, clip, log), which gives mmpose's numbers bit for bit.
    """
    out = locs.astype(np.float32, copy=True)
    sel = np.flatnonzero(refine)
    if sel.size == 0:
        return out
    M, H, W = heatmaps.shape
    dtype = heatmaps.dtype
    if original_max is None:
        original_max = np.max(heatmaps.reshape(M, -1), axis=1)
    if sel.size < M:
        original_max, maps, locs = original_max[sel], heatmaps[sel], locs[sel]
    else:
        maps = heatmaps
    x, y, xs, ys = _udp_stencil(locs, W, H)

    samples = _blurred_at_stencil(maps, x, y, xs, ys, kernel_size)
    with np.errstate(divide='ignore', invalid='ignore', over='ignore'):
        v = np.log(samples.astype(dtype)).astype(np.float64)
        d = v @ _UDP_DERIVATIVES  # dx, dy, dxx, dyy, dxy
        new, offset, inv_norm = _solve(d[:, 0:2], d[:, 2:4], d[:, 4], locs, with_norm=True)
        # first-order effect of eps-sized errors in the derivatives: |H^-1| eps (1 + |offset|)
        eps = 8 * _F32_ULP * np.maximum(np.abs(v).max(axis=1), 1.)
        bound = eps * inv_norm * (1 + np.abs(offset).sum(axis=1))
    fast = (original_max > 0) & (original_max <= 49.9) & (samples.min(axis=1) >= 1.001e-3) & \
        (bound <= FAST_PATH_TOLERANCE)
    slow = np.flatnonzero(~fast)
    if slow.size:  # the full blur, rescale, clip and log, as mmpose
        stack, gap = blur_maps_zero_padded_stack(maps[slow], kernel_size)
        blurred_max = np.max(stack[:, gap:].reshape(slow.size, -1), axis=1).astype(dtype)
        index = (np.arange(slow.size) * ((gap + H) * W))[:, None] + (ys[slow] + gap) * W + xs[slow]
        v = _modulated_log(stack.reshape(-1).take(index), original_max[slow], blurred_max, dtype)
        new[slow] = _udp_newton_step(v, locs[slow])
    if sel.size < M:
        out[sel] = new
        return out
    return new.astype(np.float32)
