"""Top-down pose estimation with an exported SimCC model: boxes in, keypoints out."""
from typing import Optional, Tuple

import numpy as np

from .engines import create_engine
from .model_info import ModelInfo
from .postprocess import decode_simcc, to_image_coords
from .preprocess import check_image, preprocess


class PoseEstimator:
    """An exported model directory (``python -m rtmpose_ext.deploy ... --work-dir DIR``) ready to run.

    Args:
        work_dir (str): The model directory (backend files + deploy.json, pipeline.json, detail.json).
        **engine_options: ``num_threads``; ``precision_hint`` ('f32', 'bf16', 'f16'; OpenVINO and ncnn:
            instead of the model's precision), OpenVINO's ``device`` (see :mod:`.engines`).

    Attributes:
        precision (str): What the engine runs: 'f32', 'bf16' or 'f16' (read back from OpenVINO);
            ``engine.precision_detail`` says how.

    Example:
        >>> estimator = PoseEstimator('work_dirs/rtmpose-t_ort')
        >>> keypoints, scores = estimator(cv2.imread('person.jpg'), np.array([[10, 20, 210, 420]]))
    """

    def __init__(self, work_dir: str, **engine_options):
        self.info = ModelInfo.from_work_dir(work_dir)
        self.engine = create_engine(self.info, **engine_options)

    @property
    def precision(self) -> str:
        return self.engine.precision

    def __call__(self, image: np.ndarray,
                 bboxes: Optional[np.ndarray] = None) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints and scores of the people in ``bboxes``.

        Args:
            image (np.ndarray): (H, W, 3) uint8 BGR image (as ``cv2.imread`` returns).
            bboxes (np.ndarray, optional): (N, 4) boxes x1, y1, x2, y2 in pixels; None: the whole image.

        Returns:
            tuple: keypoints (N, K, 2) float32 in image pixels and scores (N, K) float32.
        """
        bboxes = self._check(image, bboxes)
        info = self.info
        inputs, centers, scales = preprocess(image, bboxes, info.input_size, info.padding, info.mean,
                                             info.std, info.to_rgb)
        keypoints, scores = self.decode(self.engine(inputs))
        return to_image_coords(keypoints, centers, scales, info.input_size), scores

    def decode(self, outputs) -> Tuple[np.ndarray, np.ndarray]:
        """Keypoints (N, K, 2) in crop pixels and scores (N, K) from the network's two outputs."""
        if self.info.export_postprocess:
            return outputs[0].astype(np.float32), outputs[1].astype(np.float32)
        return decode_simcc(outputs[0], outputs[1], self.info.split_ratio)

    @staticmethod
    def _check(image: np.ndarray, bboxes: Optional[np.ndarray]) -> np.ndarray:
        check_image(image)
        if bboxes is None:
            h, w = image.shape[:2]
            return np.array([[0, 0, w, h]], np.float32)
        bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4) if np.size(bboxes) else np.zeros((0, 4))
        if len(bboxes) == 0:
            raise ValueError('bboxes: got no boxes; pass (N, 4) x1, y1, x2, y2 with N >= 1')
        if not np.all((bboxes[:, 2] > bboxes[:, 0]) & (bboxes[:, 3] > bboxes[:, 1])):
            raise ValueError(f'bboxes: expected x1 < x2 and y1 < y2 in every row, got {bboxes.tolist()}')
        return bboxes
