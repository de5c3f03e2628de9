"""COCO keypoint AP over the frames of clips (each frame one picture; pycocotools' COCOeval)."""
import contextlib
import copy
import io
from typing import List, Sequence, Tuple

import numpy as np

from .clip_truth import ClipTruth


def _results(truth: ClipTruth, predictions: Sequence[dict]) -> List[dict]:
    results = []
    for frame, pred in zip(truth.frames, predictions):
        k = frame.keypoints.shape[1]
        keypoints = np.asarray(pred['keypoints'], np.float64).reshape(-1, k, 2)
        scores = np.asarray(pred['scores'], np.float64).reshape(-1, k)
        for kpts, s in zip(keypoints, scores):
            flat = np.concatenate([kpts, s[:, None]], 1).ravel()
            results.append(
                dict(image_id=frame.image_id, category_id=1, keypoints=flat.tolist(), score=float(s.mean())))
    return results


def frame_keypoint_ap(clips: Sequence[Tuple[ClipTruth, Sequence[dict]]]) -> dict:
    """COCO keypoint metrics (AP, AP50, AP75, AR) of the predictions of every frame of ``clips``
    ((truth, predictions) pairs), the frames pooled as one picture set; a pose's score is its mean
    keypoint score."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    images, annotations, results = [], [], []
    for truth, predictions in clips:
        images += truth.coco['images']
        annotations += truth.coco['annotations']
        results += _results(truth, predictions)
    gt = COCO()
    gt.dataset = copy.deepcopy(
        dict(images=images, annotations=annotations, categories=clips[0][0].coco['categories']))
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        if not results:
            return dict(AP=0., AP50=0., AP75=0., AR=0.)
        evaluator = COCOeval(gt, gt.loadRes(results), 'keypoints')
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    s = evaluator.stats
    return dict(AP=float(s[0]), AP50=float(s[1]), AP75=float(s[2]), AR=float(s[5]))
