"""Render a grid of synthetic pictures with their annotations drawn on, for the docs.

    python tools/make_dataset_samples.py [--out docs/images/synthetic_samples.jpg] [--num 8]
                                         [--seed 0] [--split train] [--difficulty normal]

Per person: the box (white), skeleton links (left side green, right side orange, middle blue, as in
mmpose's COCO colours) and keypoints: filled dots are seen (v=2), hollow rings with a cross are
labelled but hidden (v=1); v=0 keypoints are not drawn. Under each picture: the number of people
annotated and of keypoints seen / hidden.
"""
import argparse
import os
import os.path as osp
import sys

import cv2
import numpy as np

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from rtmpose_ext.datasets.synthetic.coco_meta import KEYPOINT_NAMES, SKELETON  # noqa: E402
from rtmpose_ext.datasets.synthetic.generate import make_scene  # noqa: E402

SIDE_COLOURS = {'left': (0, 255, 0), 'right': (0, 128, 255), 'middle': (255, 153, 51)}   # BGR


def _side(name: str) -> str:
    return name.split('_')[0] if name.startswith(('left', 'right')) else 'middle'


def draw_annotations(image: np.ndarray, annotations, scale: int = 2) -> np.ndarray:
    """``image`` (H, W, 3) upscaled by ``scale`` with boxes, skeletons and keypoints drawn."""
    img = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    pt = lambda x, y: (int(round((x + 0.5) * scale - 0.5)), int(round((y + 0.5) * scale - 0.5)))  # noqa
    for ann in annotations:
        k = ann.keypoints
        x, y, w, h = ann.bbox
        cv2.rectangle(img, pt(x - 0.5, y - 0.5), pt(x + w - 0.5, y + h - 0.5), (255, 255, 255), 1)
        for a, b in SKELETON:
            if k[a, 2] > 0 and k[b, 2] > 0:
                na, nb = KEYPOINT_NAMES[a], KEYPOINT_NAMES[b]
                side = _side(na) if _side(na) == _side(nb) else 'middle'
                cv2.line(img, pt(*k[a, :2]), pt(*k[b, :2]), SIDE_COLOURS[side], 1, cv2.LINE_AA)
        for j, (kx, ky, v) in enumerate(k):
            colour = SIDE_COLOURS[_side(KEYPOINT_NAMES[j])]
            if v == 2:
                cv2.circle(img, pt(kx, ky), 3, colour, -1, cv2.LINE_AA)
                cv2.circle(img, pt(kx, ky), 3, (0, 0, 0), 1, cv2.LINE_AA)
            elif v == 1:
                c = pt(kx, ky)
                cv2.circle(img, c, 4, colour, 1, cv2.LINE_AA)
                cv2.line(img, (c[0] - 3, c[1] - 3), (c[0] + 3, c[1] + 3), colour, 1, cv2.LINE_AA)
                cv2.line(img, (c[0] - 3, c[1] + 3), (c[0] + 3, c[1] - 3), colour, 1, cv2.LINE_AA)
    return img


def caption(img: np.ndarray, text: str) -> np.ndarray:
    bar = np.full((18, img.shape[1], 3), 32, np.uint8)
    cv2.putText(bar, text, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (235, 235, 235), 1, cv2.LINE_AA)
    return np.concatenate([img, bar])


def make_grid(num: int, seed: int, split: str, difficulty: str, size, cols: int, scale: int) -> np.ndarray:
    tiles = []
    for i in range(num):
        scene = make_scene(seed, split, i, tuple(size), difficulty)
        v = np.concatenate([a.keypoints[:, 2] for a in scene.annotations] or [np.zeros(0)])
        tile = draw_annotations(scene.image, scene.annotations, scale)
        tiles.append(caption(tile, f'#{i}: {len(scene.annotations)} people, '
                                   f'{int((v == 2).sum())} seen / {int((v == 1).sum())} hidden kpts'))
    while len(tiles) % cols:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.concatenate(tiles[r:r + cols], 1) for r in range(0, len(tiles), cols)]
    return np.concatenate(rows, 0)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--out', default='docs/images/synthetic_samples.jpg')
    p.add_argument('--num', type=int, default=8)
    p.add_argument('--cols', type=int, default=4)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--split', default='train')
    p.add_argument('--difficulty', default='normal')
    p.add_argument('--size', type=int, nargs=2, default=(320, 256), metavar=('W', 'H'))
    p.add_argument('--scale', type=int, default=1, help='upscale each picture by this (default 1)')
    p.add_argument('--quality', type=int, default=88, help='JPEG quality (default 88)')
    args = p.parse_args(argv)
    grid = make_grid(args.num, args.seed, args.split, args.difficulty, args.size, args.cols, args.scale)
    if osp.dirname(args.out):
        os.makedirs(osp.dirname(args.out), exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, args.quality] if args.out.lower().endswith(('.jpg', '.jpeg')) else []
    if not cv2.imwrite(args.out, grid, params):
        raise OSError(f'--out: cannot write {args.out!r}')
    print(f'wrote {args.out} ({grid.shape[1]}x{grid.shape[0]} px, {osp.getsize(args.out) / 1024:.0f} KB)')


if __name__ == '__main__':
    main()
