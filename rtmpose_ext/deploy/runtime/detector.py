"""Person detection with an exported detector (RTMDet): picture in, person boxes out."""
import dataclasses
from typing import Optional, Tuple

import numpy as np

from .detector_info import DetectorInfo
from .detector_postprocess import select_from_nms, select_from_priors
from .detector_preprocess import build_preprocess, preprocess_picture
from .engines import create_engine
from .preprocess import check_image


def _threshold(name: str, value: Optional[float], exported: float) -> float:
    if value is None:
        return exported
    if not 0. <= float(value) <= 1.:
        raise ValueError(f'{name}: expected a value in [0, 1] or None (the exported {exported}), got '
                         f'{value!r}')
    return float(value)


class PersonDetector:
    """An exported detector directory (``python -m rtmpose_ext.deploy configs/deploy/detection_*.py ...
    --work-dir DIR``) ready to run.

    Preprocessing is mmdet's test pipeline of the model config (resize, pad, normalise; read from
    pipeline.json); the network runs on ONNX Runtime, OpenVINO or ncnn; post-processing keeps the person
    boxes above ``score_thr`` with NMS at ``nms_thr`` in numpy where the graph has no NMS
    (:mod:`.detector_postprocess`).

    Args:
        work_dir (str): The model directory (backend files + deploy.json, pipeline.json, detail.json).
        score_thr (float, optional): Keep boxes scoring above it; None: the model config's ``score_thr``.
        nms_thr (float, optional): NMS IoU threshold; None: the model config's. With NMS in the graph
            only a lower value can be applied (NMS again in numpy).
        num_threads (int, optional): CPU threads of the backend.
        **engine_options: for OpenVINO ``precision_hint`` and ``device``, for ONNX Runtime
            ``allow_spinning`` (see :mod:`.engines`).

    Example:
        >>> detector = PersonDetector('work_dirs/rtmdet-nano_ort')
        >>> boxes, scores = detector(cv2.imread('people.jpg'))   # (N, 4) x1, y1, x2, y2 px, (N,)
    """

    def __init__(self, work_dir: str, score_thr: Optional[float] = None, nms_thr: Optional[float] = None,
                 num_threads: Optional[int] = None, **engine_options):
        self.info = DetectorInfo.from_work_dir(work_dir)
        exported = self.info.params
        self.params = dataclasses.replace(exported, score_thr=_threshold('score_thr', score_thr,
                                                                         exported.score_thr),
                                          nms_thr=_threshold('nms_thr', nms_thr, exported.nms_thr))
        if self.info.with_nms and self.params.nms_thr > exported.nms_thr:
            raise ValueError(f'nms_thr: the graph of {work_dir!r} ends with NMS at IoU {exported.nms_thr}; '
                             f'only a lower threshold can be applied after it, got {nms_thr}')
        self.steps = build_preprocess(self.info.transforms)
        self.engine = create_engine(self.info, num_threads=num_threads, **engine_options)

    def __call__(self, image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Person boxes of one picture.

        Args:
            image (np.ndarray): (H, W, 3) uint8 BGR image (as ``cv2.imread`` returns).

        Returns:
            tuple: boxes (N, 4) float32 x1, y1, x2, y2 in image pixels and scores (N,) float32, by
            descending score; N may be 0.
        """
        check_image(image)
        inputs, scale_factor = self.preprocess(image)
        outputs = self.engine(inputs)
        input_size = (inputs.shape[3], inputs.shape[2])
        if self.info.with_nms:
            return select_from_nms(outputs[0][0], outputs[1][0], self.params, self.info.params.nms_thr,
                                   input_size, scale_factor)
        return select_from_priors(outputs[0][0], outputs[1][0], self.params, input_size, scale_factor)

    def preprocess(self, image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """The network input (1, 3, H, W) float32 and the scale factor (2,) (w, h) from the picture."""
        inputs, scale_factor = preprocess_picture(image, self.steps)
        shape = self.info.input_shape
        if shape is not None and (inputs.shape[3], inputs.shape[2]) != shape:
            raise ValueError(f'image: a {image.shape[1]}x{image.shape[0]} picture becomes '
                             f'{inputs.shape[3]}x{inputs.shape[2]} after the test pipeline, but the network '
                             f'takes {shape[0]}x{shape[1]} (w x h); export a model with a square pad size or '
                             'a dynamic input')
        return inputs, scale_factor
