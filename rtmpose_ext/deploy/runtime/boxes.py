"""Box helpers of the tracker: IoU matrices and boxes around keypoints. Boxes are x1, y1, x2, y2 px."""
from typing import Tuple

import numpy as np


def box_area(boxes: np.ndarray) -> np.ndarray:
    """(N,) areas (px^2) of boxes (N, 4)."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    return np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(boxes[:, 3] - boxes[:, 1], 0, None)


def iou_matrix(boxes_a: np.ndarray, boxes_b: np.ndarray) -> np.ndarray:
    """(Na, Nb) intersection over union of boxes (Na, 4) and (Nb, 4)."""
    a = np.asarray(boxes_a, np.float64).reshape(-1, 4)
    b = np.asarray(boxes_b, np.float64).reshape(-1, 4)
    lo = np.maximum(a[:, None, :2], b[None, :, :2])
    hi = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), -1)
    union = box_area(a)[:, None] + box_area(b)[None] - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.)


def boxes_from_keypoints(keypoints: np.ndarray, scores: np.ndarray, kpt_thr: float, min_keypoints: int,
                         bbox_scale: float) -> Tuple[np.ndarray, np.ndarray]:
    """Boxes around the confident keypoints of each pose, not yet clipped to the image.

    The box of the keypoints scoring >= ``kpt_thr``, scaled about its centre by ``bbox_scale``; a pose
    with fewer than ``min_keypoints`` such keypoints gets none (MMDeploy's ``keypoints_to_bbox``).

    Args:
        keypoints (np.ndarray): (N, K, 2) px.
        scores (np.ndarray): (N, K) keypoint scores.

    Returns:
        tuple: boxes (N, 4) float32 (zeros where invalid) and valid (N,) bool.
    """
    keypoints = np.asarray(keypoints, np.float32).reshape(len(scores), -1, 2)
    confident = np.asarray(scores) >= kpt_thr
    valid = confident.sum(1) >= max(int(min_keypoints), 1)
    big = np.float32(np.inf)
    lo = np.where(confident[..., None], keypoints, big).min(1)
    hi = np.where(confident[..., None], keypoints, -big).max(1)
    lo, hi = np.where(valid[:, None], lo, 0), np.where(valid[:, None], hi, 0)
    center, half = (lo + hi) / 2, (hi - lo) / 2 * np.float32(bbox_scale)
    boxes = np.where(valid[:, None], np.concatenate([center - half, center + half], 1), 0).astype(np.float32)
    return boxes, valid


def keypoint_extent(keypoints: np.ndarray) -> np.ndarray:
    """(N, 4) float32 boxes spanning all keypoints of each pose (N, K, 2), whatever their scores."""
    keypoints = np.asarray(keypoints, np.float32)
    return np.concatenate([keypoints.min(1), keypoints.max(1)], 1)


def clip_boxes(boxes: np.ndarray, image_shape: Tuple[int, ...]) -> np.ndarray:
    """Boxes (N, 4) clipped to an image of ``image_shape`` (H, W, ...)."""
    h, w = image_shape[:2]
    return np.clip(np.asarray(boxes, np.float32), 0, np.array([w, h, w, h], np.float32))


def outside_fraction(boxes: np.ndarray, image_shape: Tuple[int, ...]) -> np.ndarray:
    """(N,) fraction of each box's area outside an image of ``image_shape`` (H, W, ...)."""
    area = box_area(boxes)
    return np.where(area > 0, 1 - box_area(clip_boxes(boxes, image_shape)) / np.maximum(area, 1e-12), 0.)
