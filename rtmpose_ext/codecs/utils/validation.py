"""Shape checks for codec inputs: a wrong rank or length raises a ValueError that names the field."""
from typing import Optional, Tuple

import numpy as np


def _shape_error(owner: str, field: str, expected: str, got: np.ndarray) -> ValueError:
    return ValueError(f'{owner}: `{field}` must have shape {expected}; got shape {tuple(np.shape(got))}')


def as_float_array(value, owner: str, field: str) -> np.ndarray:
    """``value`` as a numpy array of a floating dtype (integers and bools become float32)."""
    try:
        array = np.asarray(value)
    except Exception as exc:  # e.g. ragged nested lists
        raise ValueError(f'{owner}: `{field}` must be an array; got {type(value).__name__} ({exc})') from exc
    if array.dtype == object:
        raise ValueError(f'{owner}: `{field}` must be a numeric array; got dtype object')
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float32)
    return array


def check_keypoints(keypoints, keypoints_visible: Optional[np.ndarray],
                    owner: str) -> Tuple[np.ndarray, np.ndarray]:
    """Check ``keypoints`` (N, K, 2) and ``keypoints_visible`` (N, K) (``None``: all visible, float32).

    Returns both as floating arrays; nothing is copied when the inputs already are.
    """
    if not (type(keypoints) is np.ndarray and keypoints.dtype.kind == 'f'):
        keypoints = as_float_array(keypoints, owner, 'keypoints')
    if keypoints.ndim != 3 or keypoints.shape[-1] != 2:
        raise _shape_error(owner, 'keypoints', '(N, K, 2) (instances, keypoints, xy)', keypoints)
    if keypoints_visible is None:
        return keypoints, np.ones(keypoints.shape[:2], dtype=np.float32)
    visible = keypoints_visible
    if not (type(visible) is np.ndarray and visible.dtype.kind == 'f'):
        visible = as_float_array(visible, owner, 'keypoints_visible')
    if visible.shape != keypoints.shape[:2]:
        raise _shape_error(owner, 'keypoints_visible', f'(N, K) = {keypoints.shape[:2]} like `keypoints`',
                           visible)
    return keypoints, visible


def check_simcc(simcc_x, simcc_y, owner: str) -> Tuple[np.ndarray, np.ndarray, Tuple[int, ...]]:
    """Check SimCC predictions: (N, K, Wx) and (N, K, Wy), or (K, Wx) and (K, Wy) for one instance.

    Returns 2-D views (N*K, Wx), (N*K, Wy) and the leading shape (N, K) (N = 1 for 2-D inputs).
    """
    simcc_x = as_float_array(simcc_x, owner, 'simcc_x')
    simcc_y = as_float_array(simcc_y, owner, 'simcc_y')
    if simcc_x.ndim not in (2, 3) or simcc_x.shape[-1] == 0:
        raise _shape_error(owner, 'simcc_x', '(N, K, Wx) or (K, Wx) with Wx > 0', simcc_x)
    if simcc_y.ndim != simcc_x.ndim or simcc_y.shape[:-1] != simcc_x.shape[:-1] or simcc_y.shape[-1] == 0:
        expected = ('(N, K, Wy)' if simcc_x.ndim == 3 else '(K, Wy)') + \
            f' with leading dims {simcc_x.shape[:-1]} like `simcc_x` and Wy > 0'
        raise _shape_error(owner, 'simcc_y', expected, simcc_y)
    lead = simcc_x.shape[:-1] if simcc_x.ndim == 3 else (1, ) + simcc_x.shape[:-1]
    return (simcc_x.reshape(-1, simcc_x.shape[-1]), simcc_y.reshape(-1, simcc_y.shape[-1]), lead)


def check_heatmaps(heatmaps,
                   heatmap_size: Tuple[int, int],
                   channels_multiple: int,
                   owner: str,
                   field: str = 'encoded') -> np.ndarray:
    """Check heatmaps (C, H, W) or (N, C, H, W) with [W, H] == heatmap_size and C % channels_multiple == 0.

    Returns a 4-D view (N, C, H, W) (N = 1 for 3-D input).
    """
    if not (type(heatmaps) is np.ndarray and heatmaps.dtype.kind == 'f'):
        heatmaps = as_float_array(heatmaps, owner, field)
    W, H = heatmap_size
    ok = heatmaps.ndim in (3, 4) and heatmaps.shape[-2:] == (H, W) and \
        heatmaps.shape[-3] % channels_multiple == 0
    if not ok:
        c = 'K' if channels_multiple == 1 else f'{channels_multiple}*K'
        raise _shape_error(owner, field, f'({c}, H, W) or (N, {c}, H, W) with (H, W) = {(H, W)}', heatmaps)
    return heatmaps if heatmaps.ndim == 4 else heatmaps[None]
