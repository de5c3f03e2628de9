"""OKS-based non-maximum suppression of poses: of two poses of one person, keep the higher-scoring one."""
import numpy as np

from .oks import COCO_SIGMAS, oks_matrix


def oks_nms(keypoints: np.ndarray,
            scores: np.ndarray,
            areas: np.ndarray,
            thr: float,
            sigmas: np.ndarray = COCO_SIGMAS) -> np.ndarray:
    """Indices (int64, best first) of the poses to keep: greedily the best-scoring pose, then drop every
    other pose whose OKS with it is above ``thr``, and so on (mmpose's ``oks_nms``, same order and ties).

    Args:
        keypoints (np.ndarray): (N, K, 2) keypoints, px.
        scores (np.ndarray): (N,) pose scores (e.g. the mean keypoint score).
        areas (np.ndarray): (N,) pose areas, px^2 (e.g. of the boxes around the keypoints).
        thr (float): OKS above which the lower-scoring pose is suppressed.
        sigmas (np.ndarray): (K,) OKS sigmas; COCO's by default.
    """
    scores = np.asarray(scores, np.float64).reshape(-1)
    if len(scores) == 0:
        return np.zeros(0, np.int64)
    overlap = oks_matrix(keypoints, keypoints, areas, areas, sigmas)
    order = scores.argsort()[::-1]
    keep = []
    while len(order):
        i = order[0]
        keep.append(i)
        order = order[1:][overlap[i, order[1:]] <= thr]
    return np.asarray(keep, np.int64)
