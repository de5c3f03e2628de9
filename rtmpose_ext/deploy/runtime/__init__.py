"""Inference of exported SimCC pose models and person detectors, and multi-person pose tracking, with numpy
+ OpenCV (+ scipy for the tracker's assignment) + the backend's runtime only.

No torch and no OpenMMLab package is imported; the backend runtime (onnxruntime, openvino or ncnn) is
imported when a model of that kind is loaded. The package uses relative imports only, so it also works
copied on its own (e.g. as ``rtmpose_runtime/`` next to an application).

    from rtmpose_ext.deploy.runtime import PoseEstimator
    estimator = PoseEstimator('work_dirs/rtmpose-t_ort')     # a directory written by the conversion
    keypoints, scores = estimator(image_bgr, bboxes_xyxy)    # (N, K, 2) image pixels, (N, K)

    from rtmpose_ext.deploy.runtime import PersonDetector
    detector = PersonDetector('work_dirs/rtmdet-nano_ort')   # a detector directory written by the conversion
    boxes, scores = detector(image_bgr)                      # (N, 4) x1, y1, x2, y2 image pixels, (N,)

    tracker = PoseTracker(detector, estimator, det_interval=5)
    people = tracker(frame_bgr, timestamp_s)                  # track_ids, boxes, keypoints, scores
"""
from .boxes import boxes_from_keypoints, iou_matrix
from .cpu import cpu_flags, cpu_summary
from .detector import PersonDetector
from .detector_info import DetectorInfo
from .detector_postprocess import DetectionParams, box_iou, nms
from .detector_preprocess import build_preprocess, preprocess_picture
from .engines import ENGINES, PRECISION_HINTS, Engine, create_engine
from .estimator import PoseEstimator
from .model_info import ModelInfo, NetworkInfo
from .oks import COCO_SIGMAS, oks_matrix
from .one_euro import OneEuroFilter
from .pose_nms import oks_nms
from .postprocess import decode_simcc, to_image_coords
from .preprocess import bbox_xyxy_to_center_scale, crop, fix_aspect_ratio, normalize, preprocess, warp_matrix
from .tensorrt_engine import TensorRTEngine  # registers the engine of .engine files
from .tracker import PoseTracker, TrackedPoses, pipeline_engine_options

__all__ = [
    'COCO_SIGMAS', 'ENGINES', 'PRECISION_HINTS', 'DetectionParams', 'DetectorInfo', 'Engine', 'ModelInfo',
    'NetworkInfo', 'OneEuroFilter', 'PersonDetector', 'PoseEstimator', 'PoseTracker', 'TensorRTEngine',
    'TrackedPoses', 'bbox_xyxy_to_center_scale', 'box_iou', 'boxes_from_keypoints', 'build_preprocess',
    'cpu_flags', 'cpu_summary', 'create_engine', 'crop', 'decode_simcc', 'fix_aspect_ratio', 'iou_matrix',
    'nms', 'normalize', 'oks_matrix', 'oks_nms', 'pipeline_engine_options', 'preprocess', 'preprocess_picture', 'to_image_coords',
    'warp_matrix'
]
