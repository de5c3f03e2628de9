"""Top-down preprocessing, as in training/testing with mmpose: box -> center/scale -> affine crop ->
normalised NCHW float32.

The steps of mmpose's ``bbox_xyxy2cs`` (center, size x padding), ``TopdownAffine`` (the size widened or
heightened to the input's aspect ratio; ``cv2.warpAffine`` with bilinear interpolation, the warp matrix
from three point pairs as ``get_warp_matrix`` builds it) and ``PoseDataPreprocessor`` (BGR -> RGB, then
``(x - mean) / std`` in float32).
"""
from typing import Tuple

import cv2
import numpy as np


def bbox_xyxy_to_center_scale(bboxes: np.ndarray, padding: float = 1.25) -> Tuple[np.ndarray, np.ndarray]:
    """Centers (N, 2) and scales (N, 2) = box size x ``padding``, float32, of boxes (N, 4) x1y1x2y2 px."""
    bboxes = np.asarray(bboxes, np.float32)
    center = (bboxes[:, 2:] + bboxes[:, :2]) * 0.5
    scale = (bboxes[:, 2:] - bboxes[:, :2]) * padding
    return center, scale


def fix_aspect_ratio(scale: np.ndarray, aspect_ratio: float) -> np.ndarray:
    """Scales (N, 2) enlarged in one direction to width / height = ``aspect_ratio``."""
    w, h = scale[:, 0:1], scale[:, 1:2]
    return np.where(w > h * aspect_ratio, np.hstack([w, w / aspect_ratio]), np.hstack([h * aspect_ratio, h]))


def warp_matrix(center: np.ndarray, scale: np.ndarray, output_size: Tuple[int, int]) -> np.ndarray:
    """(2, 3) affine matrix mapping the region ``center`` +- ``scale`` / 2 (px) onto an image of
    ``output_size`` (w, h), without rotation, from three point pairs: the centers, the points half a width
    to their left, and the centers rotated by 90 degrees about those (as mmpose's ``get_warp_matrix``)."""
    dst_w, dst_h = output_size
    src = np.zeros((3, 2), np.float32)
    dst = np.zeros((3, 2), np.float32)
    src[0] = center
    src[1] = center + np.array([-0.5 * scale[0], 0.], np.float32)
    dst[0] = [dst_w * 0.5, dst_h * 0.5]
    dst[1] = dst[0] + np.array([-0.5 * dst_w, 0.], np.float32)
    # third point: the first rotated by 90 degrees anticlockwise about the second
    rot90 = np.array([-1, 1], np.float32)
    src[2] = src[1] + (src[0] - src[1])[::-1] * rot90
    dst[2] = dst[1] + (dst[0] - dst[1])[::-1] * rot90
    return cv2.getAffineTransform(src, dst)


def crop(image: np.ndarray, center: np.ndarray, scale: np.ndarray, input_size: Tuple[int, int]) -> np.ndarray:
    """The (h, w, C) crop of ``image`` around one box (``scale`` already at the input's aspect ratio)."""
    w, h = input_size
    return cv2.warpAffine(image, warp_matrix(center, scale, (w, h)), (int(w), int(h)), flags=cv2.INTER_LINEAR)


def check_image(image: np.ndarray) -> None:
    """Raise a ``ValueError`` unless ``image`` is a non-empty (H, W, 3) uint8 array (BGR, as
    ``cv2.imread`` returns)."""
    if not (isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] == 3
            and image.dtype == np.uint8):
        got = f'{getattr(image, "shape", None)} {getattr(image, "dtype", type(image).__name__)}'
        raise ValueError(f'image: expected an (H, W, 3) uint8 BGR array, got {got}')
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f'image: expected an (H, W, 3) uint8 BGR array with H, W >= 1, got an empty '
                         f'{image.shape} array')


def normalize_channels(pixels: np.ndarray, mean: np.ndarray, std: np.ndarray, to_rgb: bool) -> np.ndarray:
    """Pixels (..., 3) -> float32 ``(x - mean) / std`` (after BGR -> RGB), channels last."""
    x = pixels.astype(np.float32)
    if to_rgb:
        x = x[..., ::-1]
    return (x - mean) / std


def normalize(crops: np.ndarray, mean: np.ndarray, std: np.ndarray, to_rgb: bool) -> np.ndarray:
    """Crops (N, h, w, 3) uint8 -> (N, 3, h, w) float32 ``(x - mean) / std`` (after BGR -> RGB)."""
    return np.ascontiguousarray(normalize_channels(crops, mean, std, to_rgb).transpose(0, 3, 1, 2))


def preprocess(image: np.ndarray, bboxes: np.ndarray, input_size: Tuple[int, int], padding: float,
               mean: np.ndarray, std: np.ndarray, to_rgb: bool) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Network inputs for the boxes of one image.

    Args:
        image (np.ndarray): (H, W, 3) uint8 BGR image.
        bboxes (np.ndarray): (N, 4) boxes x1, y1, x2, y2 in pixels.
        input_size (tuple[int, int]): Network input (w, h).
        padding (float): Box padding factor.
        mean, std (np.ndarray): (3, ) normalisation.
        to_rgb (bool): Convert BGR -> RGB first.

    Returns:
        tuple: inputs (N, 3, h, w) float32, centers (N, 2) and scales (N, 2) of the crops (px).
    """
    center, scale = bbox_xyxy_to_center_scale(bboxes, padding)
    scale = fix_aspect_ratio(scale, input_size[0] / input_size[1])
    crops = np.stack([crop(image, c, s, input_size) for c, s in zip(center, scale)])
    return normalize(crops, mean, std, to_rgb), center, scale
