"""``make demo``: build RTMPose-t from our config and predict keypoints for a person box on an image.

    python -m rtmpose_ext.demo [--config CFG] [--checkpoint CKPT] [--image IMG] [--bbox x1 y1 x2 y2]
                               [--out OUT.png]

Without ``--checkpoint`` the model has random weights (no weights can be downloaded here), so the
keypoints show that the whole top-down path runs — config, registries, our head and codec, flip test,
decoding and mapping back to the image — not a trained model's accuracy. Without ``--image`` a
synthetic picture of a stick figure is drawn and its box is used.
"""
import argparse
import os
import os.path as osp
import time
from typing import Tuple

import cv2
import numpy as np

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIG = osp.join(REPO_ROOT, 'configs', 'rtmpose', 'rtmpose-t_8xb256-420e_coco-256x192.py')


def draw_stick_figure(size: Tuple[int, int] = (480, 640)) -> Tuple[np.ndarray, np.ndarray]:
    """A BGR image (H, W, 3) uint8 of a stick figure on a gradient, and its box (4,) x1y1x2y2 px."""
    w, h = size
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = np.linspace(40, 200, w, dtype=np.uint8)[None, :, None]
    joints = {'head': (240, 120), 'neck': (240, 170), 'hip': (240, 330), 'l_hand': (170, 260),
              'r_hand': (310, 260), 'l_foot': (200, 480), 'r_foot': (280, 480)}
    cv2.circle(img, joints['head'], 35, (60, 180, 255), -1)
    for a, b in [('neck', 'hip'), ('neck', 'l_hand'), ('neck', 'r_hand'), ('hip', 'l_foot'),
                 ('hip', 'r_foot')]:
        cv2.line(img, joints[a], joints[b], (30, 30, 220), 14)
    return img, np.array([150, 70, 330, 500], np.float32)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default=DEFAULT_CONFIG, help='model config (default: RTMPose-t)')
    parser.add_argument('--checkpoint', default=None, help='checkpoint to load (default: random weights)')
    parser.add_argument('--image', default=None, help='image file (default: a synthetic stick figure)')
    parser.add_argument('--bbox', nargs=4, type=float, default=None, metavar=('X1', 'Y1', 'X2', 'Y2'),
                        help='person box in pixels (default: the whole image, or the figure\'s box)')
    parser.add_argument('--out', default=osp.join('outputs', 'demo_prediction.png'),
                        help='where to write the picture with the predicted keypoints')
    return parser.parse_args(argv)


def load_input(args: argparse.Namespace) -> Tuple[np.ndarray, np.ndarray]:
    """The image (H, W, 3) BGR and one box (4,) from the arguments, with clear errors."""
    if args.image is None:
        img, bbox = draw_stick_figure()
    else:
        img = cv2.imread(args.image)
        if img is None:
            raise FileNotFoundError(f'--image: cannot read an image from {args.image!r}')
        bbox = np.array([0, 0, img.shape[1], img.shape[0]], np.float32)
    if args.bbox is not None:
        bbox = np.asarray(args.bbox, np.float32)
        if not (bbox[2] > bbox[0] and bbox[3] > bbox[1]):
            raise ValueError(f'--bbox: expected x1 < x2 and y1 < y2, got {args.bbox}')
    return img, bbox


def main(argv=None) -> None:
    args = parse_args(argv)
    t0 = time.perf_counter()
    print(f'[demo] config: {osp.relpath(args.config)}')
    import rtmpose_ext  # noqa: F401  (registers our classes, applies the torch 2.13 fixes)
    from mmpose.apis import inference_topdown, init_model
    from mmpose.structures import merge_data_samples

    model = init_model(args.config, args.checkpoint, device='cpu')
    head = type(model.head)
    print(f'[demo] built {type(model).__name__} with {head.__module__}.{head.__name__} '
          f'({sum(p.numel() for p in model.parameters()) / 1e6:.2f} M parameters); '
          f'weights: {args.checkpoint or "random (no --checkpoint)"}')
    img, bbox = load_input(args)
    result = merge_data_samples(inference_topdown(model, img, bbox[None], bbox_format='xyxy'))
    keypoints = result.pred_instances.keypoints[0]
    scores = result.pred_instances.keypoint_scores[0]
    names = model.dataset_meta['keypoint_id2name']
    print(f'[demo] box {bbox.round(1).tolist()} -> {len(keypoints)} keypoints (x, y px; score):')
    for k, ((x, y), s) in enumerate(zip(keypoints, scores)):
        print(f'  {names[k]:<15} {x:8.1f} {y:8.1f}  {s:.3f}')
    write_picture(args.out, img, bbox, keypoints)
    print(f'[demo] wrote {args.out} ({time.perf_counter() - t0:.1f} s)')


def write_picture(path: str, img: np.ndarray, bbox: np.ndarray, keypoints: np.ndarray) -> None:
    """Draw the box (green) and keypoints (yellow) on a copy of ``img`` and write it to ``path``."""
    canvas = img.copy()
    x1, y1, x2, y2 = bbox.astype(int)
    cv2.rectangle(canvas, (x1, y1), (x2, y2), (0, 255, 0), 2)
    for x, y in keypoints:
        cv2.circle(canvas, (int(round(x)), int(round(y))), 4, (0, 255, 255), -1)
    if osp.dirname(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, canvas):
        raise OSError(f'--out: cannot write {path!r}')


if __name__ == '__main__':
    main()
