"""The ground truth of one clip, frame by frame, from its COCO/PoseTrack annotation file."""
import json
from dataclasses import dataclass
from typing import List

import numpy as np


@dataclass
class FrameTruth:
    """The annotated people of one frame: ``image_id``, ``track_ids`` (M,), ``keypoints`` (M, K, 3)
    x, y, visibility, ``areas`` (M,) px^2."""
    image_id: int
    track_ids: np.ndarray
    keypoints: np.ndarray
    areas: np.ndarray


@dataclass
class ClipTruth:
    """The frames of a clip in order, and the annotation file's contents (``coco``)."""
    frames: List[FrameTruth]
    coco: dict

    @classmethod
    def load(cls, ann_file: str) -> 'ClipTruth':
        with open(ann_file) as f:
            coco = json.load(f)
        k = len(coco['categories'][0]['keypoints'])
        by_image = {img['id']: [] for img in coco['images']}
        for ann in coco['annotations']:
            by_image[ann['image_id']].append(ann)
        frames = []
        for img in sorted(coco['images'], key=lambda i: i.get('frame_id', i['id'])):
            anns = by_image[img['id']]
            frames.append(
                FrameTruth(img['id'], np.array([a.get('track_id', -1) for a in anns], np.int64),
                           np.array([a['keypoints'] for a in anns], np.float64).reshape(-1, k, 3),
                           np.array([a['area'] for a in anns], np.float64)))
        return cls(frames, coco)
