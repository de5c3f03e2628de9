"""The COCO person-keypoint definition: 17 keypoints, 19 skeleton links, flip pairs and OKS sigmas.

Written out here (not imported from mmpose) so that the generator needs only numpy and OpenCV; a test
checks it against mmpose's ``configs/_base_/datasets/coco.py``.
"""
from typing import Dict, List, Tuple

KEYPOINT_NAMES: Tuple[str, ...] = (
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear',
    'left_shoulder', 'right_shoulder', 'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist',
    'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle', 'right_ankle')
NUM_KEYPOINTS = len(KEYPOINT_NAMES)
KEYPOINT_INDEX: Dict[str, int] = {name: i for i, name in enumerate(KEYPOINT_NAMES)}

# COCO's 19 links as name pairs, in the order of the official annotation files.
SKELETON_NAMES: Tuple[Tuple[str, str], ...] = (
    ('left_ankle', 'left_knee'), ('left_knee', 'left_hip'), ('right_ankle', 'right_knee'),
    ('right_knee', 'right_hip'), ('left_hip', 'right_hip'), ('left_shoulder', 'left_hip'),
    ('right_shoulder', 'right_hip'), ('left_shoulder', 'right_shoulder'),
    ('left_shoulder', 'left_elbow'), ('right_shoulder', 'right_elbow'), ('left_elbow', 'left_wrist'),
    ('right_elbow', 'right_wrist'), ('left_eye', 'right_eye'), ('nose', 'left_eye'),
    ('nose', 'right_eye'), ('left_eye', 'left_ear'), ('right_eye', 'right_ear'),
    ('left_ear', 'left_shoulder'), ('right_ear', 'right_shoulder'))
SKELETON: Tuple[Tuple[int, int], ...] = tuple(
    (KEYPOINT_INDEX[a], KEYPOINT_INDEX[b]) for a, b in SKELETON_NAMES)  # 0-based

# OKS sigmas of COCO's keypoint evaluation (fraction of the object scale), per keypoint.
SIGMAS: Tuple[float, ...] = (0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062,
                             0.062, 0.107, 0.107, 0.087, 0.087, 0.089, 0.089)


def mirror_name(name: str) -> str:
    """``'left_knee'`` <-> ``'right_knee'``; names without a side (``'nose'``) are returned as they are."""
    if name.startswith('left_'):
        return 'right_' + name[len('left_'):]
    if name.startswith('right_'):
        return 'left_' + name[len('right_'):]
    return name


FLIP_INDICES: Tuple[int, ...] = tuple(KEYPOINT_INDEX[mirror_name(n)] for n in KEYPOINT_NAMES)
FLIP_PAIRS: Tuple[Tuple[int, int], ...] = tuple(
    (i, j) for i, j in enumerate(FLIP_INDICES) if i < j)

PERSON_CATEGORY_ID = 1


def coco_categories() -> List[dict]:
    """The ``categories`` list of a COCO person-keypoints json (skeleton 1-based, as COCO writes it)."""
    return [dict(id=PERSON_CATEGORY_ID, name='person', supercategory='person',
                 keypoints=list(KEYPOINT_NAMES),
                 skeleton=[[a + 1, b + 1] for a, b in SKELETON])]
