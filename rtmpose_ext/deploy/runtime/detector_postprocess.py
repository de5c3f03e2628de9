"""A detector's post-processing in numpy, as mmdet's ``predict_by_feat`` for one picture.

mmdet keeps the scores above ``score_thr`` (at most ``nms_pre`` of them), clips the boxes to the network
input, maps them back to the picture (/ scale factor), drops boxes not wider and taller than
``min_bbox_size``, runs NMS (a box is dropped when its IoU with a higher-scoring kept box is above
``iou_threshold``; IoU with areas (x2 - x1) (y2 - y1), as mmcv's ``nms``) and keeps ``max_per_img``.

- :func:`select_from_priors` does all of it on the boxes of every prior (a graph without NMS). One
  difference: mmdet keeps ``nms_pre`` boxes per feature level, this keeps ``nms_pre`` in all (the same
  while no level has more than ``nms_pre`` boxes above the threshold).
- :func:`select_from_nms` continues after the graph's NMS (of clipped boxes with score above the
  exported threshold, at most ``max_per_img``; :mod:`rtmpose_ext.deploy.rewriters.dense_head`): a
  higher ``score_thr``, mapping back, a ``min_bbox_size`` above 0 and, with a lower IoU threshold than
  the exported one, NMS again.

Only class 0 is kept: the person class of COCO-trained detectors and of one-class person detectors.
"""
from dataclasses import dataclass
from typing import Tuple

import numpy as np

PERSON_CLASS = 0


@dataclass
class DetectionParams:
    """Post-processing settings (the model config's ``test_cfg``)."""
    score_thr: float
    nms_thr: float
    max_per_img: int
    min_bbox_size: float = 0.
    nms_pre: int = -1


def box_iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU (M,) of one box (4,) with boxes (M, 4), x1, y1, x2, y2, areas (x2 - x1) (y2 - y1).

    In the boxes' own dtype and with unclipped areas, as mmcv's ``nms`` computes it (:func:`nms` is tested
    equal to it); the tracker's many-to-many :func:`~.boxes.iou_matrix` clips degenerate boxes instead."""
    w = np.maximum(0., np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]))
    h = np.maximum(0., np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]))
    inter = w * h
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    return inter / (area + areas - inter)


def nms(boxes: np.ndarray, scores: np.ndarray, iou_thr: float) -> np.ndarray:
    """Indices of the boxes (N, 4) kept by greedy NMS, in descending score order."""
    order = np.argsort(-scores, kind='stable')
    keep = []
    while order.size:
        i = order[0]
        keep.append(i)
        rest = order[1:]
        order = rest[~(box_iou(boxes[i], boxes[rest]) > iou_thr)]
    return np.asarray(keep, np.int64)


def _to_picture(boxes: np.ndarray, input_size: Tuple[int, int], scale_factor: np.ndarray) -> np.ndarray:
    """Boxes (N, 4) in network input pixels -> clipped to the input (w, h), then in picture pixels."""
    w, h = input_size
    clipped = np.clip(boxes, 0., np.array([w, h, w, h], np.float32))
    return clipped / np.tile(scale_factor, 2)


def _large_enough(boxes: np.ndarray, min_size: float) -> np.ndarray:
    return ((boxes[:, 2] - boxes[:, 0]) > min_size) & ((boxes[:, 3] - boxes[:, 1]) > min_size)


def _sorted(boxes: np.ndarray, scores: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-scores, kind='stable')
    return boxes[order].astype(np.float32).reshape(-1, 4), scores[order].astype(np.float32)


def select_from_priors(boxes: np.ndarray, scores: np.ndarray, params: DetectionParams,
                       input_size: Tuple[int, int],
                       scale_factor: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Person boxes of a graph without NMS.

    Args:
        boxes (np.ndarray): (A, 4) x1, y1, x2, y2 of every prior, network input pixels.
        scores (np.ndarray): (A, C) class scores (after the sigmoid).
        params (DetectionParams): Thresholds.
        input_size (tuple[int, int]): (w, h) of the network input.
        scale_factor (np.ndarray): (2,) (w, h) factors from the picture to the input.

    Returns:
        tuple: boxes (N, 4) float32 in picture pixels and scores (N,), by descending score.
    """
    person = scores[:, PERSON_CLASS]
    idx = np.flatnonzero(person > params.score_thr)
    idx = idx[np.argsort(-person[idx], kind='stable')]
    if params.nms_pre > 0:
        idx = idx[:params.nms_pre]
    kept_boxes = _to_picture(boxes[idx], input_size, scale_factor)
    kept_scores = person[idx]
    large = _large_enough(kept_boxes, params.min_bbox_size)
    kept_boxes, kept_scores = kept_boxes[large], kept_scores[large]
    keep = nms(kept_boxes, kept_scores, params.nms_thr)[:params.max_per_img]
    return _sorted(kept_boxes[keep], kept_scores[keep])


def select_from_nms(dets: np.ndarray, labels: np.ndarray, params: DetectionParams, exported_nms_thr: float,
                    input_size: Tuple[int, int], scale_factor: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Person boxes of a graph that ends with NMS.

    Args:
        dets (np.ndarray): (K, 5) x1, y1, x2, y2, score (network input pixels); rows of score 0 pad.
        labels (np.ndarray): (K,) class indices.
        params (DetectionParams): Thresholds; ``nms_thr`` below ``exported_nms_thr`` suppresses again.
        exported_nms_thr (float): The IoU threshold of the graph's NMS.
        input_size, scale_factor: as in :func:`select_from_priors`.

    Returns:
        tuple: boxes (N, 4) float32 in picture pixels and scores (N,), by descending score.
    """
    keep = (labels.astype(np.int64) == PERSON_CLASS) & (dets[:, 4] > params.score_thr)
    boxes = _to_picture(dets[keep, :4], input_size, scale_factor)
    scores = dets[keep, 4]
    large = _large_enough(boxes, params.min_bbox_size)
    boxes, scores = boxes[large], scores[large]
    if params.nms_thr < exported_nms_thr:
        order = nms(boxes, scores, params.nms_thr)
        boxes, scores = boxes[order], scores[order]
    return _sorted(boxes[:params.max_per_img], scores[:params.max_per_img])
