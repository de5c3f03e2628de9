"""Object keypoint similarity (OKS, COCO's keypoint metric) between two sets of poses, vectorised.

OKS of poses a and b = mean over keypoints k of exp(-d_k^2 / (2 * s^2 * (2 sigma_k)^2)), where d_k is the
distance (px) between their keypoints k and s^2 the mean of the two poses' areas (px^2); the formula of
mmpose's ``oks_iou`` (and COCO's evaluation, with the ground truth's area in place of the mean).
"""
import numpy as np

# COCO's per-keypoint OKS sigmas (fraction of the object scale), in COCO's keypoint order
COCO_SIGMAS = np.array([
    0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062, 0.107, 0.107, 0.087, 0.087,
    0.089, 0.089
], np.float64)


def oks_matrix(keypoints_a: np.ndarray,
               keypoints_b: np.ndarray,
               areas_a: np.ndarray,
               areas_b: np.ndarray,
               sigmas: np.ndarray = COCO_SIGMAS) -> np.ndarray:
    """(Na, Nb) OKS between poses ``keypoints_a`` (Na, K, 2) and ``keypoints_b`` (Nb, K, 2), px, with areas
    (Na,) and (Nb,) in px^2 and ``sigmas`` (K,)."""
    a = np.asarray(keypoints_a, np.float64)
    b = np.asarray(keypoints_b, np.float64)
    sigmas = np.asarray(sigmas, np.float64)
    if a.shape[1:] != b.shape[1:] or a.shape[1:] != (len(sigmas), 2):
        raise ValueError(f'oks_matrix: expected keypoints (N, {len(sigmas)}, 2) for {len(sigmas)} sigmas, '
                         f'got {a.shape} and {b.shape}')
    d2 = ((a[:, None] - b[None])**2).sum(-1)  # (Na, Nb, K)
    mean_area = (np.asarray(areas_a, np.float64)[:, None] + np.asarray(areas_b, np.float64)[None]) / 2
    e = d2 / (2 * sigmas)**2 / (mean_area[..., None] + np.spacing(1)) / 2
    return np.exp(-e).mean(-1)
