"""Shared fixtures: paths of the repository, a tiny COCO-format keypoint dataset, and a CLI runner.

The tiny dataset is only a fixture for training-loop tests (stick figures drawn with OpenCV, exact
keypoints); the product's synthetic dataset is :mod:`rtmpose_ext.datasets.synthetic`.
"""
import json
import os
import os.path as osp
import subprocess
import sys
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import cv2
import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
VENV_BIN = osp.dirname(sys.executable)

# COCO's 17 keypoints of a person facing the camera, (x, y) in units of the person's height, x from the
# body's centre line (the person's left is the image's right), y from the top of the head.
_TEMPLATE = np.array([
    [0.00, 0.06],
    [0.03, 0.04],
    [-0.03, 0.04],
    [0.06, 0.06],
    [-0.06, 0.06],  # nose, eyes, ears
    [0.12, 0.19],
    [-0.12, 0.19],
    [0.17, 0.35],
    [-0.17, 0.35],
    [0.19, 0.50],  # shoulders, elbows, l wrist
    [-0.19, 0.50],
    [0.08, 0.52],
    [-0.08, 0.52],
    [0.09, 0.74],
    [-0.09, 0.74],  # r wrist, hips, knees
    [0.09, 0.97],
    [-0.09, 0.97],  # ankles
])
_LIMBS = [(15, 13), (13, 11), (16, 14), (14, 12), (11, 12), (5, 11), (6, 12), (5, 6), (5, 7), (6, 8), (7, 9),
          (8, 10), (1, 2), (0, 1), (0, 2), (1, 3), (2, 4), (3, 5), (4, 6)]
KEYPOINT_NAMES = [
    'nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow',
    'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee',
    'left_ankle', 'right_ankle'
]
IMAGE_SIZE = (320, 240)  # (w, h)


def _draw_person(img: np.ndarray, rng: np.random.Generator, x_range: Sequence[float]) -> dict:
    """Draw one stick figure inside the horizontal band ``x_range`` (px); return its COCO annotation."""
    w, h = img.shape[1], img.shape[0]
    height = rng.uniform(0.55, 0.9) * h
    cx = rng.uniform(x_range[0] + 0.25 * height, x_range[1] - 0.25 * height)
    top = rng.uniform(0.02 * h, h - height - 0.02 * h)
    pts = _TEMPLATE * height + rng.normal(0, 0.012 * height, _TEMPLATE.shape)
    if rng.random() < 0.5:  # arms up
        pts[[9, 10], 1] = pts[[5, 6], 1] - 0.1 * height
    pts += [cx, top]
    colour = tuple(int(c) for c in rng.integers(40, 255, 3))
    thickness = max(2, int(0.03 * height))
    for a, b in _LIMBS:
        cv2.line(img, tuple(int(v) for v in pts[a]), tuple(int(v) for v in pts[b]), colour, thickness)
    cv2.circle(img, tuple(int(v) for v in pts[0]), int(0.06 * height), colour, -1)
    visible = np.full(17, 2)
    visible[rng.random(17) < 0.1] = 1  # a few labelled but "occluded" keypoints
    x0, y0 = pts.min(0) - 0.05 * height
    x1, y1 = pts.max(0) + 0.05 * height
    x0, y0, x1, y1 = max(x0, 0.), max(y0, 0.), min(x1, w - 1.), min(y1, h - 1.)
    keypoints = np.concatenate([pts, visible[:, None]], axis=1).round(2)
    return dict(keypoints=keypoints.reshape(-1).tolist(),
                num_keypoints=17,
                iscrowd=0,
                category_id=1,
                bbox=[round(x0, 2), round(y0, 2),
                      round(x1 - x0, 2), round(y1 - y0, 2)],
                area=round(0.5 * (x1 - x0) * (y1 - y0), 2))


def write_tiny_coco(root: str, num_train: int = 8, num_val: int = 4, seed: int = 0) -> str:
    """Write a COCO-style keypoint dataset under ``root`` with COCO's layout and file names.

    ``root/annotations/person_keypoints_{train,val}2017.json``, ``root/{train,val}2017/*.jpg``: images of
    320x240 px with one or two stick figures each (17 COCO keypoints, visibility 2 or 1). Returns ``root``.
    """
    rng = np.random.default_rng(seed)
    categories = [
        dict(id=1,
             name='person',
             supercategory='person',
             keypoints=KEYPOINT_NAMES,
             skeleton=[[a + 1, b + 1] for a, b in _LIMBS])
    ]
    os.makedirs(osp.join(root, 'annotations'), exist_ok=True)
    image_id, ann_id = 1, 1
    for split, count in (('train2017', num_train), ('val2017', num_val)):
        os.makedirs(osp.join(root, split), exist_ok=True)
        images, annotations = [], []
        for _ in range(count):
            w, h = IMAGE_SIZE
            img = np.empty((h, w, 3), np.uint8)
            img[:] = rng.integers(0, 120, 3)
            img = cv2.add(img, rng.integers(0, 40, (h, w, 3), dtype=np.uint8))
            bands = [(0, w)] if rng.random() < 0.5 else [(0, w / 2), (w / 2, w)]
            for band in bands:
                ann = _draw_person(img, rng, band)
                annotations.append(dict(ann, id=ann_id, image_id=image_id))
                ann_id += 1
            file_name = f'{image_id:012d}.jpg'
            cv2.imwrite(osp.join(root, split, file_name), img)
            images.append(dict(id=image_id, file_name=file_name, width=w, height=h))
            image_id += 1
        with open(osp.join(root, 'annotations', f'person_keypoints_{split}.json'), 'w') as f:
            json.dump(dict(images=images, annotations=annotations, categories=categories), f)
    return root


@dataclass
class TinyCoco:
    """The tiny dataset's root and the ``--cfg-options`` that point a COCO config at it."""
    data_root: str

    @property
    def val_ann_file(self) -> str:
        return osp.join(self.data_root, 'annotations', 'person_keypoints_val2017.json')

    def cfg_options(self,
                    max_epochs: int = 3,
                    train_instances: Optional[int] = None,
                    batch_size: int = 2,
                    val_instances: Optional[int] = None,
                    val_batch_size: int = 4,
                    extra: Optional[Dict] = None) -> List[str]:
        """``key=value`` strings: data paths, training batches of ``batch_size`` (from the first
        ``train_instances`` person instances if given; likewise for validation and test), no worker
        processes, ``max_epochs`` epochs with validation and a checkpoint (all kept) after each, logging
        every iteration."""
        root = self.data_root.rstrip('/') + '/'
        options = {
            'train_cfg.max_epochs': max_epochs,
            'train_cfg.val_interval': 1,
            'default_hooks.checkpoint.interval': 1,
            'default_hooks.checkpoint.max_keep_ckpts': -1,
            'default_hooks.logger.interval': 1,
            'val_evaluator.ann_file': self.val_ann_file,
            'test_evaluator.ann_file': self.val_ann_file
        }
        for loader, size in (('train_dataloader', batch_size), ('val_dataloader', val_batch_size),
                             ('test_dataloader', val_batch_size)):
            options.update({
                f'{loader}.dataset.data_root': root,
                f'{loader}.batch_size': size,
                f'{loader}.num_workers': 0,
                f'{loader}.persistent_workers': False
            })
        if train_instances is not None:
            options['train_dataloader.dataset.indices'] = train_instances
        if val_instances is not None:
            options['val_dataloader.dataset.indices'] = options[
                'test_dataloader.dataset.indices'] = val_instances
        options.update(extra or {})
        return [f'{k}={v}' for k, v in options.items()]

    def cfg_dict(self, **kwargs) -> Dict:
        """The same overrides as a dict for ``Config.merge_from_dict`` (values parsed as DictAction does)."""
        from mmengine.config import DictAction
        return {
            k: DictAction._parse_iterable(v)
            for k, v in (o.split('=', 1) for o in self.cfg_options(**kwargs))
        }


@pytest.fixture(scope='session')
def tiny_coco(tmp_path_factory) -> TinyCoco:
    """8 training and 4 validation images in COCO's layout (written once per test session)."""
    return TinyCoco(write_tiny_coco(str(tmp_path_factory.mktemp('tiny_coco'))))


def run_cli(args: Sequence[str],
            cwd: str,
            timeout: float = 300,
            env: Optional[Dict] = None,
            expect_ok: bool = True) -> str:
    """Run a command (``mim`` from this venv, or python), return its stdout + stderr; on an unexpected exit
    status fail with the output's tail. ``env`` adds variables; a ``PYTHONPATH`` in it is prepended."""
    full_env = dict(os.environ, PATH=VENV_BIN + os.pathsep + os.environ.get('PATH', ''))
    for key, value in (env or {}).items():
        if key == 'PYTHONPATH' and full_env.get(key):
            value = value + os.pathsep + full_env[key]
        full_env[key] = value
    proc = subprocess.run(list(args),
                          cwd=cwd,
                          env=full_env,
                          stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT,
                          text=True,
                          timeout=timeout)
    if (proc.returncode == 0) != expect_ok:
        errors = [
            line[:500] for line in proc.stdout.splitlines() if 'Error' in line or line.startswith('error')
        ]
        pytest.fail(f'{" ".join(args)}\nexited with {proc.returncode}; error lines:\n' +
                    '\n'.join(errors[-10:]) + f'\noutput tail:\n{proc.stdout[-3000:]}')
    return proc.stdout


@pytest.fixture(scope='session')
def cli():
    """:func:`run_cli`."""
    return run_cli
