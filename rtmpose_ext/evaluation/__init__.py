"""Measures of pose tracking on annotated clips (numpy, scipy and pycocotools only).

Predictions of a clip are a list over its frames of dicts with ``track_ids`` (N,), ``keypoints`` (N, K, 2)
and ``scores`` (N, K) (what :class:`~rtmpose_ext.deploy.runtime.PoseTracker` gives, as in the inference
command's JSON); the ground truth is the clip's COCO/PoseTrack annotation file
(:mod:`rtmpose_ext.datasets.synthetic.video`).
"""
from .clip_truth import ClipTruth
from .frame_ap import frame_keypoint_ap
from .id_switches import count_id_switches
from .jitter import keypoint_jitter
from .matching import match_frames
from .tracking_report import tracking_report

__all__ = [
    'ClipTruth', 'count_id_switches', 'frame_keypoint_ap', 'keypoint_jitter', 'match_frames',
    'tracking_report'
]
