"""Jitter: how much more a predicted keypoint accelerates than the annotated one."""
from typing import Dict, List, Sequence

import numpy as np

from .clip_truth import ClipTruth


def keypoint_jitter(truth: ClipTruth, matches: List[Dict[int, int]], predictions: Sequence[dict]) -> dict:
    """Mean |a_pred - a_gt| (px / frame^2) over the keypoints of every annotated person seen in three
    consecutive frames, matched each time to the same predicted id, the keypoint labelled in all three;
    a = x[t + 1] - 2 x[t] + x[t - 1]. Also the mean |a_pred|, the mean |a_gt| and the number of samples."""
    errors, pred_acc, gt_acc = [], [], []
    k = truth.frames[0].keypoints.shape[1] if truth.frames else 0
    for t in range(1, len(truth.frames) - 1):
        for gt_id, index in matches[t].items():
            window = [(truth.frames[s], predictions[s], matches[s].get(gt_id)) for s in (t - 1, t, t + 1)]
            if any(i is None for _, _, i in window):
                continue
            if len({int(p['track_ids'][i]) for _, p, i in window}) != 1:
                continue
            gt = np.stack([f.keypoints[list(f.track_ids).index(gt_id)] for f, _, _ in window])
            pred = np.stack(
                [np.asarray(p['keypoints'], np.float64).reshape(-1, k, 2)[i] for _, p, i in window])
            labelled = (gt[..., 2] > 0).all(0)
            a_gt = gt[2, :, :2] - 2 * gt[1, :, :2] + gt[0, :, :2]
            a_pred = pred[2] - 2 * pred[1] + pred[0]
            errors.extend(np.linalg.norm(a_pred - a_gt, axis=-1)[labelled])
            pred_acc.extend(np.linalg.norm(a_pred, axis=-1)[labelled])
            gt_acc.extend(np.linalg.norm(a_gt, axis=-1)[labelled])
    mean = lambda v: float(np.mean(v)) if v else float('nan')  # noqa: E731
    return dict(jitter=mean(errors),
                pred_acceleration=mean(pred_acc),
                gt_acceleration=mean(gt_acc),
                samples=len(errors))
