"""What the runtime needs to know about an exported detector, read from the SDK description files
(``deploy.json``, ``pipeline.json``, ``detail.json`` of a conversion with a detection deploy config)."""
from dataclasses import dataclass
from typing import List, Optional, Tuple

from .detector_postprocess import DetectionParams
from .model_info import NetworkInfo, pipeline_tasks, read_sdk_files


@dataclass
class DetectorInfo(NetworkInfo):
    """Preprocessing, post-processing and file information of an exported detector.

    Attributes (besides :class:`~.model_info.NetworkInfo`'s; ``output_names``: ``dets``, ``labels`` with
    NMS in the graph, or ``boxes``, ``scores`` of every prior):
        transforms (list[dict]): The Preprocess transforms of pipeline.json (mmdet's test pipeline).
        input_shape (tuple[int, int], optional): (w, h) of a static network input; None if dynamic.
        params (DetectionParams): The model config's ``test_cfg`` (thresholds, NMS IoU, boxes per image).
        with_nms (bool): Whether the graph ends with NMS.
    """
    transforms: List[dict]
    input_shape: Optional[Tuple[int, int]]
    params: DetectionParams
    with_nms: bool

    @classmethod
    def from_work_dir(cls, work_dir: str) -> 'DetectorInfo':
        """Read the three SDK files of ``work_dir`` (a ``ValueError`` if it holds another task's model)."""
        deploy, pipeline, detail = read_sdk_files(work_dir, 'ObjectDetection')
        tasks = pipeline_tasks(pipeline)
        test_cfg = tasks['postprocess']['params']
        onnx_cfg = detail['onnx_config']
        dynamic = bool((onnx_cfg.get('dynamic_axes') or {}).get(onnx_cfg['input_names'][0]))
        shape = onnx_cfg.get('input_shape')
        return cls(
            **NetworkInfo.fields(work_dir, deploy, detail),
            transforms=list(tasks['Preprocess']['transforms']),
            input_shape=None if dynamic or not shape else (int(shape[0]), int(shape[1])),
            params=DetectionParams(score_thr=float(test_cfg['score_thr']),
                                   nms_thr=float(test_cfg['nms']['iou_threshold']),
                                   max_per_img=int(test_cfg.get('max_per_img', 100)),
                                   min_bbox_size=float(test_cfg.get('min_bbox_size', 0)),
                                   nms_pre=int(test_cfg.get('nms_pre', -1))),
            with_nms=bool(test_cfg.get('with_nms', True)))
