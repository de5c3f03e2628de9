"""Stand-ins for the detector and the pose model, driven by a synthetic clip's ground truth, to test the
tracker's logic without trained models.

- :class:`TruthDetector`: the frame's annotated boxes (x1, y1, x2, y2), shifted by a few px, scores 0.9.
- :class:`TruthPoseEstimator`: for each box, the annotated person it covers best (IoU, weighted by how
  many of their keypoints are seen), their keypoints plus noise; scores 0.9 where seen, 0.3 where
  hidden, 0.05 where unlabelled (placed at the mean of the labelled ones). A box over nobody gets a random
  pose scoring 0.05.
Both read the current frame from ``clip_state.frame``.
"""
from types import SimpleNamespace

import numpy as np

from rtmpose_ext.deploy.runtime.boxes import iou_matrix


class ClipState(SimpleNamespace):
    """The frame being processed: ``people`` (dicts of :func:`render_frame`)."""


def xyxy(bbox):
    x, y, w, h = bbox
    return [x, y, x + w, y + h]


class TruthDetector:

    def __init__(self, state: ClipState, shift_px: float = 2., seed: int = 0):
        self.state, self.shift_px, self.rng, self.calls = state, shift_px, np.random.default_rng(seed), []

    def __call__(self, image):
        self.calls.append(self.state.frame)
        people = self.state.people
        boxes = np.array([xyxy(p['bbox']) for p in people], np.float32).reshape(-1, 4)
        boxes += self.rng.uniform(-self.shift_px, self.shift_px, boxes.shape).astype(np.float32)
        return boxes, np.full(len(boxes), 0.9, np.float32)


class TruthPoseEstimator:

    def __init__(self, state: ClipState, noise_px: float = 1., seed: int = 0):
        self.state, self.noise_px, self.rng, self.batches = state, noise_px, np.random.default_rng(seed), []

    def __call__(self, image, boxes):
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        self.batches.append(len(boxes))
        people = self.state.people
        keypoints = self.rng.uniform(0, 100, (len(boxes), 17, 2)).astype(np.float32)
        scores = np.full((len(boxes), 17), 0.05, np.float32)
        if not people:
            return keypoints, scores
        gt_boxes = np.array([xyxy(p['bbox']) for p in people], np.float32)
        seen = np.array([(p['keypoints'][:, 2] == 2).mean() for p in people])
        fit = iou_matrix(boxes, gt_boxes) * (0.5 + seen)[None]
        for i, j in enumerate(fit.argmax(1)):
            if iou_matrix(boxes[i:i + 1], gt_boxes[j:j + 1])[0, 0] < 0.1:
                continue
            kpts = people[j]['keypoints'].copy()
            kpts[kpts[:, 2] == 0, :2] = kpts[kpts[:, 2] > 0, :2].mean(0)  # a model guesses those somewhere
            keypoints[i] = kpts[:, :2] + self.rng.normal(0, self.noise_px, (17, 2))
            scores[i] = np.select([kpts[:, 2] == 2, kpts[:, 2] == 1], [0.9, 0.3], 0.05)
        return keypoints, scores
