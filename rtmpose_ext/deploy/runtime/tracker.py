"""Real-time multi-person pose tracking (RTMPose's pipeline, section 3.5): detect every K frames, follow
people with boxes from their keypoints in between, OKS pose NMS, global id assignment, One-Euro smoothing,
and early re-detection.

Per frame (:meth:`PoseTracker.__call__`):

1. **Boxes from keypoints.** Each track seen in the last frame proposes the box of its keypoints scoring
   >= ``pose_kpt_thr`` (at least ``pose_min_keypoints`` of them), moved by its velocity to this frame's
   time, padded by ``pose_bbox_scale`` and clipped to the image.
2. **Detection** every ``det_interval`` frames, or earlier (``redetect``) when in the last frame a track was
   lost, a track's mean keypoint score fell below ``redetect_score_drop`` of its running mean, a track's box
   left the image by more than ``redetect_border`` of its area, or nobody was tracked. Detections scoring
   >= ``det_thr`` are **merged** with the tracked boxes: a detection overlapping a tracked box by IoU >=
   ``det_nms_thr`` (one-to-one, global) replaces it and the person keeps their id; other detections
   overlapping a tracked box that much are duplicates and dropped; the rest are newcomers.
3. **One batched pose call** for all boxes.
4. **Pose NMS**: poses with too few confident keypoints are dropped, then OKS NMS (COCO's sigmas) at
   ``pose_nms_thr`` on the mean keypoint score.
5. **Track ids**: Hungarian assignment (``linear_sum_assignment``) of poses to tracks (seen or missing) by
   OKS with each track's predicted pose, over the pairs whose boxes (of all their keypoints) overlap by
   IoU >= ``track_iou_thr``.
   Unmatched poses from detections start new tracks; a track unmatched for more than
   ``track_max_missing`` frames is dropped.
6. **Smoothing**: each track's keypoints go through a :class:`~.one_euro.OneEuroFilter` driven by the
   timestamps (``smooth_params`` = (beta, fc_min Hz, fc_d Hz)).

Parameter names follow MMDeploy's ``PoseTracker`` (``mmdeploy_pose_tracker_param_t``) and so do the
defaults where the meaning is the same; ``smooth_params`` are in seconds, not frames (see ``__init__``).
"""
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .assignment import match
from .boxes import box_area, boxes_from_keypoints, clip_boxes, iou_matrix, keypoint_extent, outside_fraction
from .oks import COCO_SIGMAS, oks_matrix
from .one_euro import OneEuroFilter
from .pose_nms import oks_nms
from .track import Track



def pipeline_engine_options(num_threads: Optional[int] = None) -> dict:
    """Engine options for the detector and the pose model of one :class:`PoseTracker`, which alternate on
    the same cores: ONNX Runtime's idle intra-op threads do not spin-wait (``allow_spinning=False``; the
    other engines ignore it). With spinning, the threads of the model that had just run kept the cores
    from the other's: on 2 cores the tracker ran 58 frames/s instead of 94 (RTMDet-nano 128x128 and
    RTMPose-t 112x144, detection interval 5; projects/realtime_pose/README.md)."""
    options = dict(allow_spinning=False)
    if num_threads is not None:
        options['num_threads'] = num_threads
    return options


@dataclass
class TrackedPoses:
    """What :class:`PoseTracker` gives for one frame, people sorted by track id.

    Attributes:
        track_ids (np.ndarray): (N,) int64.
        boxes (np.ndarray): (N, 4) float32 x1, y1, x2, y2 px: the (smoothed) keypoints' box, clipped.
        keypoints (np.ndarray): (N, K, 2) float32 px (smoothed unless smoothing is off).
        scores (np.ndarray): (N, K) float32 keypoint scores.
        detected (bool): Whether the detector ran on this frame.
        reasons (list[str]): Why it ran: 'interval' (the K-th frame), or early: 'lost', 'collapse',
            'border', 'no tracks'.
    """
    track_ids: np.ndarray
    boxes: np.ndarray
    keypoints: np.ndarray
    scores: np.ndarray
    detected: bool = False
    reasons: List[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.track_ids)


@dataclass
class Candidates:
    """Boxes to estimate poses in: (M, 4) px, and the id of the track each came from (-1: a detection)."""
    boxes: np.ndarray
    track_ids: np.ndarray


class PoseTracker:
    """Frame-by-frame multi-person pose tracking with a person detector and a top-down pose estimator.

    Args:
        detector: ``detector(image) -> (boxes (N, 4) xyxy px, scores (N,))``, e.g.
            :class:`~.detector.PersonDetector`.
        pose_estimator: ``pose_estimator(image, boxes) -> (keypoints (N, K, 2) px, scores (N, K))``, e.g.
            :class:`~.estimator.PoseEstimator` (one engine call for all boxes).
        det_interval (int): Run the detector every this many frames (1: every frame). MMDeploy: 1.
        det_thr (float): Least detection score. MMDeploy: 0.5.
        det_nms_thr (float): IoU at which a detection and a tracked box are the same person. MMDeploy: 0.7.
        pose_kpt_thr (float): Least score of a keypoint that counts for a box. MMDeploy: 0.5.
        pose_min_keypoints (int): Least such keypoints for a valid pose; -1: ceil(K / 2). MMDeploy: -1.
        pose_bbox_scale (float): Box of the keypoints scaled by this about its centre. MMDeploy: 1.25.
        pose_nms_thr (float): OKS above which the lower-scoring of two poses is dropped. MMDeploy: 0.5.
        track_iou_thr (float): Least IoU of a pose's box and a track's predicted box to match. MMDeploy: 0.4.
        track_max_missing (int): Frames a lost track is kept to be found again. MMDeploy: 10.
        smooth_params (tuple): One-Euro (beta, fc_min, fc_d): MMDeploy's order and meaning, but in seconds:
            beta in Hz per px/s, cut-offs in Hz (MMDeploy counts frames: its default (0.007, 1, 1) per frame
            is (0.007, 30 Hz, 30 Hz) at 30 frames/s). None: no smoothing.
        keypoint_sigmas (sequence): OKS sigmas (K,); COCO's by default.
        redetect (bool): Detect before the K-th frame when a track is lost, collapses or leaves the image,
            or nobody is tracked.
        redetect_score_drop (float): A track collapses when its mean keypoint score falls below this
            fraction of its running mean.
        redetect_border (float): A track leaves the image when more than this fraction of its box is out.
        default_fps (float): Frame rate assumed when no timestamps are given.
    """

    def __init__(self,
                 detector,
                 pose_estimator,
                 det_interval: int = 1,
                 det_thr: float = 0.5,
                 det_nms_thr: float = 0.7,
                 pose_kpt_thr: float = 0.5,
                 pose_min_keypoints: int = -1,
                 pose_bbox_scale: float = 1.25,
                 pose_nms_thr: float = 0.5,
                 track_iou_thr: float = 0.4,
                 track_max_missing: int = 10,
                 smooth_params: Optional[Tuple[float, float, float]] = (0.05, 1.0, 1.0),
                 keypoint_sigmas: Sequence[float] = tuple(COCO_SIGMAS),
                 redetect: bool = True,
                 redetect_score_drop: float = 0.5,
                 redetect_border: float = 0.1,
                 default_fps: float = 30.):
        self.detector, self.pose_estimator = detector, pose_estimator
        self.det_interval, self.det_thr, self.det_nms_thr = int(det_interval), float(det_thr), float(
            det_nms_thr)
        self.pose_kpt_thr, self.pose_bbox_scale = float(pose_kpt_thr), float(pose_bbox_scale)
        self.pose_min_keypoints, self.pose_nms_thr = int(pose_min_keypoints), float(pose_nms_thr)
        self.track_iou_thr, self.track_max_missing = float(track_iou_thr), int(track_max_missing)
        self.smooth_params = None if smooth_params is None else tuple(float(v) for v in smooth_params)
        self.sigmas = np.asarray(keypoint_sigmas, np.float64)
        self.redetect, self.redetect_score_drop = bool(redetect), float(redetect_score_drop)
        self.redetect_border, self.default_fps = float(redetect_border), float(default_fps)
        self._check_params()
        self.reset()

    def _check_params(self) -> None:
        checks = [('det_interval', self.det_interval >= 1, 'an int >= 1'),
                  ('pose_bbox_scale', self.pose_bbox_scale > 0, '> 0'),
                  ('track_max_missing', self.track_max_missing >= 0, 'an int >= 0'),
                  ('default_fps', self.default_fps > 0, '> 0'),
                  ('keypoint_sigmas', self.sigmas.ndim == 1 and (self.sigmas > 0).all(), 'K values > 0'),
                  ('smooth_params', self.smooth_params is None
                   or len(self.smooth_params) == 3, '(beta, fc_min, fc_d) or None')]
        for name in ('det_thr', 'det_nms_thr', 'pose_kpt_thr', 'pose_nms_thr', 'track_iou_thr',
                     'redetect_score_drop', 'redetect_border'):
            checks.append((name, 0 <= getattr(self, name) <= 1, 'in [0, 1]'))
        for name, ok, expected in checks:
            if not ok:
                raise ValueError(f'PoseTracker: {name} must be {expected}, got {getattr(self, name, None)}')
        if self.smooth_params is not None:
            self._smoother()  # checks the values

    def reset(self) -> None:
        """Forget every track (a new video)."""
        self.tracks: List[Track] = []
        self.next_id = 0
        self.frame_index = 0
        self._since_detection: Optional[int] = None
        self._reasons: List[str] = ['no tracks']
        self._t: Optional[float] = None

    @property
    def min_keypoints(self) -> int:
        return self.pose_min_keypoints if self.pose_min_keypoints >= 0 else (len(self.sigmas) + 1) // 2

    def _smoother(self) -> Optional[OneEuroFilter]:
        if self.smooth_params is None:
            return None
        beta, fc_min, fc_d = self.smooth_params
        return OneEuroFilter(min_cutoff=fc_min, beta=beta, d_cutoff=fc_d)

    # ------------------------------------------------------------------------------------ one frame
    def __call__(self, image: np.ndarray, timestamp: Optional[float] = None) -> TrackedPoses:
        """Track the people of the next frame.

        Args:
            image (np.ndarray): (H, W, 3) uint8 BGR.
            timestamp (float, optional): Seconds (increasing); default: frame index / ``default_fps``.
        """
        t = self._timestamp(image, timestamp)
        candidates = self._tracked_boxes(image.shape, t)
        reasons = self._detection_reasons()
        if reasons:
            candidates = self._merge_detections(candidates, *self._detect(image))
            self._since_detection = 0
        else:
            self._since_detection += 1
        keypoints, scores, pose_ids = self._estimate(image, candidates)
        self._assign(keypoints, scores, pose_ids, t, image.shape)
        self.frame_index += 1
        return self._result(image.shape, bool(reasons), reasons)

    def _timestamp(self, image: np.ndarray, timestamp: Optional[float]) -> float:
        if not (isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] == 3
                and image.dtype == np.uint8 and image.size):
            got = f'{getattr(image, "shape", None)} {getattr(image, "dtype", type(image).__name__)}'
            raise ValueError(f'image: expected a non-empty (H, W, 3) uint8 BGR array, got {got}')
        t = self.frame_index / self.default_fps if timestamp is None else float(timestamp)
        if self._t is not None and t < self._t:
            raise ValueError(f'timestamp: must not decrease, got {t} s after {self._t} s')
        self._t = t
        return t

    def _detection_reasons(self) -> List[str]:
        if self._since_detection is None or self._since_detection + 1 >= self.det_interval:
            return ['interval']
        return list(self._reasons) if self.redetect else []

    def _detect(self, image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        boxes, scores = self.detector(image)
        boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
        keep = np.asarray(scores, np.float32).reshape(-1) >= self.det_thr
        return clip_boxes(boxes[keep], image.shape), np.asarray(scores, np.float32).reshape(-1)[keep]

    def _tracked_boxes(self, image_shape, t: float) -> Candidates:
        """Step 1: a box from each track seen in the last frame, at its predicted place."""
        seen = [tr for tr in self.tracks if tr.missing == 0]
        if not seen:
            return Candidates(np.zeros((0, 4), np.float32), np.zeros(0, np.int64))
        predicted = np.stack([tr.predict(t) for tr in seen])
        scores = np.stack([tr.scores for tr in seen])
        boxes, valid = boxes_from_keypoints(predicted, scores, self.pose_kpt_thr, self.min_keypoints,
                                            self.pose_bbox_scale)
        boxes = clip_boxes(boxes, image_shape)
        valid &= (boxes[:, 2] > boxes[:, 0] + 1) & (boxes[:, 3] > boxes[:, 1] + 1)
        ids = np.array([tr.track_id for tr in seen], np.int64)
        return Candidates(boxes[valid], ids[valid])

    def _merge_detections(self, tracked: Candidates, det_boxes: np.ndarray,
                          det_scores: np.ndarray) -> Candidates:
        """Step 2: detections replace the tracked boxes they overlap (ids kept); the rest are newcomers."""
        if len(det_boxes) == 0:
            return tracked
        iou = iou_matrix(det_boxes, tracked.boxes)
        rows, cols = match(iou, iou >= self.det_nms_thr)
        boxes = tracked.boxes.copy()
        boxes[cols] = det_boxes[rows]
        newcomer = np.ones(len(det_boxes), bool)
        newcomer[rows] = False
        if iou.size:
            newcomer &= iou.max(1) < self.det_nms_thr
        return Candidates(np.concatenate([boxes, det_boxes[newcomer]]),
                          np.concatenate([tracked.track_ids,
                                          np.full(int(newcomer.sum()), -1, np.int64)]))

    def _estimate(self, image: np.ndarray, candidates: Candidates):
        """Steps 3-4: one pose call for all boxes, then drop weak and duplicate poses."""
        k = len(self.sigmas)
        if len(candidates.boxes) == 0:
            return np.zeros((0, k, 2), np.float32), np.zeros((0, k), np.float32), np.zeros(0, np.int64)
        keypoints, scores = self.pose_estimator(image, candidates.boxes)
        boxes, valid = boxes_from_keypoints(keypoints, scores, self.pose_kpt_thr, self.min_keypoints, 1.0)
        keypoints, scores, boxes, ids = keypoints[valid], scores[valid], boxes[valid], candidates.track_ids[
            valid]
        keep = oks_nms(keypoints, scores.mean(1), box_area(boxes), self.pose_nms_thr, self.sigmas)
        return keypoints[keep], scores[keep], ids[keep]

    def _assign(self, keypoints: np.ndarray, scores: np.ndarray, pose_ids: np.ndarray, t: float,
                image_shape) -> None:
        """Step 5-6: match poses to tracks, start new tracks, age and drop lost ones; note what should make
        the next frame detect early."""
        rows, cols = self._match_tracks(keypoints, scores, t)
        reasons = []
        for i, j in zip(rows, cols):
            self.tracks[j].update(keypoints[i], scores[i], t)
        matched = set(cols.tolist())
        for j, track in enumerate(self.tracks):
            if j not in matched:
                if track.missing == 0:
                    reasons.append('lost')
                track.mark_missing()
        used = set(rows.tolist())
        for i in range(len(keypoints)):
            if i not in used and pose_ids[i] == -1:
                self.tracks.append(Track(self.next_id, keypoints[i], scores[i], t, self._smoother()))
                self.next_id += 1
        self.tracks = [tr for tr in self.tracks if tr.missing <= self.track_max_missing]
        self._reasons = reasons + self._watch(image_shape)

    def _match_tracks(self, keypoints: np.ndarray, scores: np.ndarray, t: float):
        if not self.tracks or not len(keypoints):
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        predicted = np.stack([tr.predict(t) for tr in self.tracks])
        # boxes of all keypoints (also the hidden ones the model guesses): as the person is occluded the set
        # of confident keypoints changes, and so would the box of those alone
        pose_boxes = keypoint_extent(keypoints)
        track_boxes = keypoint_extent(predicted)
        iou = iou_matrix(pose_boxes, track_boxes)
        oks = oks_matrix(keypoints, predicted, box_area(pose_boxes), box_area(track_boxes), self.sigmas)
        return match(oks, iou >= self.track_iou_thr)

    def _watch(self, image_shape) -> List[str]:
        """Reasons, seen in this frame's tracks, to detect early in the next one."""
        seen = [tr for tr in self.tracks if tr.missing == 0]
        if not seen:
            return ['no tracks']
        reasons = []
        if any(tr.scores.mean() < self.redetect_score_drop * tr.mean_score for tr in seen):
            reasons.append('collapse')
        for tr in seen:
            tr.update_score()
        boxes, valid = boxes_from_keypoints(np.stack([tr.keypoints for tr in seen]),
                                            np.stack([tr.scores for tr in seen]), self.pose_kpt_thr,
                                            self.min_keypoints, self.pose_bbox_scale)
        if (outside_fraction(boxes[valid], image_shape) > self.redetect_border).any():
            reasons.append('border')
        return reasons

    def _result(self, image_shape, detected: bool, reasons: List[str]) -> TrackedPoses:
        seen = sorted((tr for tr in self.tracks if tr.missing == 0), key=lambda tr: tr.track_id)
        k = len(self.sigmas)
        if not seen:
            return TrackedPoses(np.zeros(0, np.int64), np.zeros((0, 4), np.float32),
                                np.zeros((0, k, 2), np.float32), np.zeros((0, k), np.float32), detected,
                                reasons)
        keypoints = np.stack([tr.output for tr in seen]).astype(np.float32)
        scores = np.stack([tr.scores for tr in seen]).astype(np.float32)
        boxes, _ = boxes_from_keypoints(keypoints, scores, self.pose_kpt_thr, 1, self.pose_bbox_scale)
        return TrackedPoses(np.array([tr.track_id for tr in seen], np.int64), clip_boxes(boxes, image_shape),
                            keypoints, scores, detected, reasons)
