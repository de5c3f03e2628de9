"""COCO annotations of a rendered scene: keypoints with visibility read off the picture, boxes, areas.

Visibility flags (COCO's): ``2`` the keypoint is seen (the pixel under it shows the body part that
carries the joint); ``1`` labelled but hidden (another person, a distractor in front, or the
person's own other parts cover it; a shoulder or hip on the far side of a turned trunk); ``0`` not
labelled, with ``x = y = 0``: outside the picture, or a face point on the back of the head (as COCO's
annotators leave eyes and nose of a person seen from behind unlabelled).
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np

from .coco_meta import KEYPOINT_NAMES, PERSON_CATEGORY_ID
from .figure import Figure
from .renderer import FACE_MIN_NORMAL_Z, Rendering, decode_label, face_normal_z

# The parts under a keypoint that make it "seen".
KEYPOINT_OWNERS: Dict[str, Tuple[str, ...]] = {'nose': ('head',)}
for _side in ('left', 'right'):
    KEYPOINT_OWNERS.update({
        f'{_side}_eye': ('head',), f'{_side}_ear': ('head',),
        f'{_side}_shoulder': ('torso', f'{_side}_upper_arm'),
        f'{_side}_elbow': (f'{_side}_upper_arm', f'{_side}_forearm'),
        f'{_side}_wrist': (f'{_side}_forearm', f'{_side}_hand'),
        f'{_side}_hip': ('torso', 'pelvis', f'{_side}_thigh'),
        f'{_side}_knee': (f'{_side}_thigh', f'{_side}_shin'),
        f'{_side}_ankle': (f'{_side}_shin', f'{_side}_foot')})
TRUNK_JOINTS = {'shoulder': ('left_shoulder', 'right_shoulder'), 'hip': ('left_hip', 'right_hip')}
FAR_SIDE_Z = -0.85  # a trunk joint is behind the trunk when its sideways direction points this far
#                    away from the viewer (the trunk turned by more than ~58 degrees)


def _behind_trunk(fig: Figure, name: str) -> bool:
    """A shoulder or hip on the far side of a trunk turned sideways."""
    joint = name.split('_', 1)[-1]
    if joint not in TRUNK_JOINTS:
        return False
    left, right = (fig.points[n] for n in TRUNK_JOINTS[joint])
    lateral = (left - right) if name.startswith('left') else (right - left)
    return lateral[2] / max(np.linalg.norm(lateral), 1e-9) < FAR_SIDE_Z


def _seen(labels: np.ndarray, x: float, y: float, person: int, owners: Tuple[str, ...]) -> bool:
    """Whether the pixel nearest to (x, y) shows one of ``owners`` of ``person``. A joint on the very
    edge of its part (an eye on the rim of the head) may round to a pixel just outside it; if that
    pixel shows nothing nearer (background, or a person drawn earlier), a 3x3 neighbour decides."""
    h, w = labels.shape
    r, c = int(round(y)), int(round(x))
    who, part = decode_label(labels[r, c])
    if who == person:
        return part in owners
    if labels[r, c] != 0 and not 0 <= who < person:
        return False                                   # a nearer person or an occluder covers it
    for rr in range(max(r - 1, 0), min(r + 2, h)):
        for cc in range(max(c - 1, 0), min(c + 2, w)):
            who, part = decode_label(labels[rr, cc])
            if who == person and part in owners:
                return True
    return False


def keypoints_of(fig: Figure, person: int, rendering: Rendering) -> np.ndarray:
    """(17, 3) float64 ``[x, y, v]`` of person number ``person`` (drawing order), px."""
    h, w = rendering.labels.shape
    out = np.zeros((len(KEYPOINT_NAMES), 3))
    for k, name in enumerate(KEYPOINT_NAMES):
        x, y = fig.points[name][:2]
        if not (0 <= x <= w - 1 and 0 <= y <= h - 1):
            continue
        if name in FACE_MIN_NORMAL_Z and face_normal_z(fig, name) <= FACE_MIN_NORMAL_Z[name]:
            continue
        seen = _seen(rendering.labels, x, y, person, KEYPOINT_OWNERS[name])
        if seen and _behind_trunk(fig, name):
            who, part = decode_label(rendering.labels[int(round(y)), int(round(x))])
            seen = part not in ('torso', 'pelvis')
        out[k] = (x, y, 2 if seen else 1)
    return out


def bbox_of(mask: np.ndarray, keypoints: np.ndarray) -> Optional[List[float]]:
    """COCO ``[x, y, w, h]`` (px) around the seen pixels ``mask`` (H, W) and the labelled keypoints
    (17, 3), inside the picture; ``None`` if the person is not seen at all. Pixel ``i`` spans
    ``[i, i + 1)``."""
    h, w = mask.shape
    cols, rows = np.flatnonzero(mask.any(0)), np.flatnonzero(mask.any(1))
    if cols.size == 0:
        return None
    x1, y1, x2, y2 = float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1)
    lab = keypoints[keypoints[:, 2] > 0]
    if len(lab):
        x1, y1 = min(x1, lab[:, 0].min()), min(y1, lab[:, 1].min())
        x2, y2 = max(x2, lab[:, 0].max()), max(y2, lab[:, 1].max())
    x1, y1, x2, y2 = max(x1, 0.), max(y1, 0.), min(x2, float(w)), min(y2, float(h))
    return [x1, y1, x2 - x1, y2 - y1]


@dataclass
class PersonAnnotation:
    """One annotated person: ``person`` (drawing order), keypoints (17, 3), bbox, area (px^2)."""
    person: int
    keypoints: np.ndarray
    bbox: List[float]
    area: float

    def to_coco(self, ann_id: int, image_id: int) -> dict:
        kpts = np.round(self.keypoints, 2)
        return dict(id=int(ann_id), image_id=int(image_id), category_id=PERSON_CATEGORY_ID,
                    keypoints=[float(v) if i % 3 < 2 else int(v) for i, v in enumerate(kpts.ravel())],
                    num_keypoints=int((self.keypoints[:, 2] > 0).sum()),
                    bbox=[round(float(v), 2) for v in self.bbox], area=float(self.area), iscrowd=0)


def annotate(figures: List[Figure], rendering: Rendering, min_visible_keypoints: int = 4,
             min_visible_fraction: float = 0.3) -> List[PersonAnnotation]:
    """Annotations of the people in ``figures`` (drawing order) who are seen enough: at least
    ``min_visible_keypoints`` keypoints with v = 2 and ``min_visible_fraction`` of their silhouette
    (inside the picture). People seen less stay in the picture, unannotated."""
    anns = []
    for i, fig in enumerate(figures):
        mask = rendering.visible_mask(i)
        kpts = keypoints_of(fig, i, rendering)
        area = float(mask.sum())
        own = float(rendering.silhouettes[i].sum())
        if (kpts[:, 2] == 2).sum() < min_visible_keypoints or area < min_visible_fraction * max(own, 1.):
            continue
        box = bbox_of(mask, kpts)
        if box is None:
            continue
        anns.append(PersonAnnotation(i, kpts, box, area))
    return anns
