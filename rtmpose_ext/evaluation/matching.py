"""Which predicted person is which annotated person, frame by frame (OKS, one-to-one, global)."""
from typing import Dict, List, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..deploy.runtime.oks import COCO_SIGMAS
from .clip_truth import ClipTruth


def gt_oks(gt_keypoints: np.ndarray,
           gt_areas: np.ndarray,
           keypoints: np.ndarray,
           sigmas: np.ndarray = COCO_SIGMAS) -> np.ndarray:
    """(M, N) COCO OKS of predictions (N, K, 2) against annotations (M, K, 3) with areas (M,): over the
    labelled keypoints (v > 0) with the annotation's area, as COCO's evaluation."""
    d2 = ((gt_keypoints[:, None, :, :2] - np.asarray(keypoints, np.float64)[None])**2).sum(-1)
    e = d2 / (2 * sigmas)**2 / (gt_areas[:, None, None] + np.spacing(1)) / 2
    labelled = gt_keypoints[:, None, :, 2] > 0
    count = labelled.sum(-1)
    return np.where(count > 0, (np.exp(-e) * labelled).sum(-1) / np.maximum(count, 1), 0.)


def match_frames(truth: ClipTruth, predictions: Sequence[dict], oks_thr: float = 0.5) -> List[Dict[int, int]]:
    """Per frame, ``{annotated track id: index of the matched prediction}`` (pairs with OKS >= ``oks_thr``
    of the assignment maximising the summed OKS)."""
    if len(predictions) != len(truth.frames):
        raise ValueError(
            f'predictions: expected one entry per frame ({len(truth.frames)}), got {len(predictions)}')
    matches = []
    for frame, pred in zip(truth.frames, predictions):
        keypoints = np.asarray(pred['keypoints'], np.float64).reshape(-1, frame.keypoints.shape[1], 2)
        if not len(frame.track_ids) or not len(keypoints):
            matches.append({})
            continue
        oks = gt_oks(frame.keypoints, frame.areas, keypoints)
        rows, cols = linear_sum_assignment(-oks)
        matches.append({int(frame.track_ids[r]): int(c) for r, c in zip(rows, cols) if oks[r, c] >= oks_thr})
    return matches
