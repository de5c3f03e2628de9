"""Drawing tracked poses: the COCO skeleton in one colour per track id, with its box and id (OpenCV)."""
import colorsys
from typing import Sequence, Tuple

import cv2
import numpy as np

# COCO's 19 links (0-based keypoint indices)
COCO_SKELETON: Tuple[Tuple[int, int], ...] = ((15, 13), (13, 11), (16, 14), (14, 12), (11, 12), (5, 11),
                                              (6, 12), (5, 6), (5, 7), (6, 8), (7, 9), (8, 10), (1, 2),
                                              (0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 6))


def track_colour(track_id: int) -> Tuple[int, int, int]:
    """A bright BGR colour for ``track_id``; neighbouring ids get far-apart hues (golden-ratio steps)."""
    r, g, b = colorsys.hsv_to_rgb((int(track_id) * 0.618033988749895) % 1.0, 0.85, 1.0)
    return int(255 * b), int(255 * g), int(255 * r)


def draw_poses(image: np.ndarray,
               track_ids: Sequence[int],
               boxes: np.ndarray,
               keypoints: np.ndarray,
               scores: np.ndarray,
               kpt_thr: float = 0.3,
               skeleton=COCO_SKELETON) -> np.ndarray:
    """A copy of ``image`` (H, W, 3) uint8 BGR with each person's box, id, links between keypoints scoring
    >= ``kpt_thr`` and those keypoints, in the colour of their track id."""
    out = image.copy()
    thick = max(1, round(max(image.shape[:2]) / 320))
    for track_id, box, kpts, kpt_scores in zip(track_ids, boxes, keypoints, scores):
        colour = track_colour(track_id)
        x1, y1, x2, y2 = (int(round(float(v))) for v in box)
        cv2.rectangle(out, (x1, y1), (x2, y2), colour, 1, cv2.LINE_AA)
        cv2.putText(out, str(int(track_id)), (x1 + 2, max(y1 - 3, 10)), cv2.FONT_HERSHEY_SIMPLEX, 0.4 * thick,
                    colour, thick, cv2.LINE_AA)
        shown = np.asarray(kpt_scores) >= kpt_thr
        pts = np.round(np.asarray(kpts, np.float64)).astype(np.int32)
        for a, b in skeleton:
            if shown[a] and shown[b]:
                cv2.line(out, tuple(pts[a]), tuple(pts[b]), colour, 2 * thick, cv2.LINE_AA)
        for p in pts[shown]:
            cv2.circle(out, tuple(p), 2 * thick, (255, 255, 255), -1, cv2.LINE_AA)
            cv2.circle(out, tuple(p), 2 * thick, colour, 1, cv2.LINE_AA)
    return out
