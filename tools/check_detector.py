#!/usr/bin/env python
"""Exported detectors against PyTorch on a folder of pictures: ``PersonDetector`` of each model directory
against mmdet's ``inference_detector`` of the checkpoint.

For every picture the boxes scoring at least ``--margin`` above the model's score threshold (a box
closer to it can be above it on one side and below on the other) are paired, each PyTorch box with the
runtime box of highest IoU. Printed per directory: pictures, boxes, boxes without a pair of IoU >= 0.99
and score difference <= 1e-3, pictures with a different number of boxes, the smallest IoU, the largest
score difference and coordinate difference (px) of the pairs. Exit status 1 if any box has no pair.

Usage: python tools/check_detector.py CONFIG CHECKPOINT IMG_DIR WORK_DIR [WORK_DIR ...]
                                      [--limit N] [--margin 0.005]
OpenVINO directories run in float32 (``precision_hint='f32'``).
"""
import argparse
import glob
import os.path as osp
import sys

import rtmpose_ext  # noqa: F401  (registers our classes, applies the torch 2.13 fixes)
import cv2
import numpy as np
from mmengine.registry import DefaultScope

from rtmpose_ext.deploy.runtime import PersonDetector, box_iou

IOU_MIN, SCORE_MAX = 0.99, 1e-3


def match(ref_boxes: np.ndarray, ref_scores: np.ndarray, boxes: np.ndarray, scores: np.ndarray):
    """For each reference box, the index of the box of highest IoU among ``boxes`` (-1 if none), that IoU,
    the largest coordinate difference (px) and the score difference (also used by the detector tests)."""
    n = len(ref_boxes)
    index, iou, px, dscore = np.full(n, -1), np.zeros(n), np.full(n, np.inf), np.full(n, np.inf)
    for i in range(n):
        if len(boxes):
            ious = box_iou(ref_boxes[i], boxes)
            j = int(ious.argmax())
            index[i], iou[i] = j, ious[j]
            px[i] = np.abs(boxes[j] - ref_boxes[i]).max()
            dscore[i] = abs(float(scores[j]) - float(ref_scores[i]))
    return index, iou, px, dscore


def check(model, detector, pictures, margin):
    """Counts and extremes of the pairs of one runtime detector over ``pictures``."""
    from mmdet.apis import inference_detector
    threshold = detector.params.score_thr + margin
    found, count_diff, total = [], 0, 0
    for path in pictures:
        image = cv2.imread(path)
        with DefaultScope.overwrite_default_scope('mmdet'):
            result = inference_detector(model, image).pred_instances
        ref_keep = result.scores.numpy() >= threshold
        boxes, scores = detector(image)
        keep = scores >= threshold
        count_diff += int(keep.sum() != ref_keep.sum())
        total += int(ref_keep.sum())
        _, iou, px, dscore = match(result.bboxes.numpy()[ref_keep], result.scores.numpy()[ref_keep],
                                   boxes[keep], scores[keep])
        found.append(np.stack([iou, dscore, px], 1))
    found = np.concatenate(found)
    paired = (found[:, 0] >= IOU_MIN) & (found[:, 1] <= SCORE_MAX)
    good = found[paired] if paired.any() else np.array([[1., 0., 0.]])
    return dict(boxes=total, unpaired=int((~paired).sum()), count_diff=count_diff, min_iou=good[:, 0].min(),
                max_dscore=good[:, 1].max(), max_dpx=good[:, 2].max())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='detector config')
    parser.add_argument('checkpoint', help='its checkpoint (the one the directories were converted from)')
    parser.add_argument('img_dir', help='folder of pictures (*.jpg, *.png)')
    parser.add_argument('work_dirs', nargs='+', help='exported detector directories')
    parser.add_argument('--limit', type=int, default=None, help='the first N pictures only')
    parser.add_argument('--margin', type=float, default=0.005, help='score margin above the threshold')
    args = parser.parse_args(argv)
    from mmdet.apis import init_detector
    pictures = sorted(glob.glob(osp.join(args.img_dir, '*.jpg')) + glob.glob(osp.join(args.img_dir, '*.png')))
    pictures = pictures[:args.limit]
    if not pictures:
        parser.error(f'IMG_DIR: no .jpg or .png pictures in {args.img_dir!r}')
    with DefaultScope.overwrite_default_scope('mmdet'):
        model = init_detector(args.config, args.checkpoint, device='cpu')
    print(f'{"model directory":<40}{"pictures":>9}{"boxes":>7}{"unpaired":>9}{"count diff":>11}'
          f'{"min IoU":>10}{"max dscore":>12}{"max dpx":>9}')
    unpaired = 0
    for work_dir in args.work_dirs:
        options = dict(precision_hint='f32') if osp.isfile(osp.join(work_dir, 'end2end.xml')) else {}
        r = check(model, PersonDetector(work_dir, **options), pictures, args.margin)
        unpaired += r['unpaired']
        print(f'{work_dir:<40}{len(pictures):>9}{r["boxes"]:>7}{r["unpaired"]:>9}{r["count_diff"]:>11}'
              f'{r["min_iou"]:>10.5f}{r["max_dscore"]:>12.2e}{r["max_dpx"]:>9.4f}')
    return 1 if unpaired else 0


if __name__ == '__main__':
    sys.exit(main())
