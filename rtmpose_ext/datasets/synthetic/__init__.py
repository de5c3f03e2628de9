"""A procedural generator of person-keypoint pictures with COCO annotations (numpy + OpenCV only).

    python -m rtmpose_ext.datasets.synthetic --out data/synthetic --train 1500 --val 200 --seed 0

or :func:`generate_split`. The files load as they are with mmpose's ``CocoDataset`` and pycocotools.
"""
from .coco_meta import FLIP_INDICES, FLIP_PAIRS, KEYPOINT_NAMES, SIGMAS, SKELETON, coco_categories
from .generate import generate_split, make_scene
from .scene import DIFFICULTIES, SceneConfig, render_scene

__all__ = ['FLIP_INDICES', 'FLIP_PAIRS', 'KEYPOINT_NAMES', 'SIGMAS', 'SKELETON', 'coco_categories',
           'generate_split', 'make_scene', 'DIFFICULTIES', 'SceneConfig', 'render_scene']
