"""python -m rtmpose_ext.datasets.synthetic --out data/synthetic --train 1500 --val 200 --seed 0"""
import argparse
import sys

from .generate import generate_split
from .scene import DIFFICULTIES


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog='python -m rtmpose_ext.datasets.synthetic',
        description='Generate synthetic person-keypoint pictures with COCO annotations '
                    '(images/{split}/*.jpg, annotations/person_keypoints_{split}.json).')
    p.add_argument('--out', default='data/synthetic', help='output folder (default: data/synthetic)')
    p.add_argument('--train', type=int, default=1500, help='pictures in the train split (default 1500)')
    p.add_argument('--val', type=int, default=200, help='pictures in the val split (default 200)')
    p.add_argument('--seed', type=int, default=0, help='base random seed (default 0)')
    p.add_argument('--size', type=int, nargs=2, default=(320, 256), metavar=('W', 'H'),
                   help='picture size in px (default 320 256)')
    p.add_argument('--difficulty', choices=sorted(DIFFICULTIES), default='normal',
                   help='scene difficulty (default normal)')
    p.add_argument('--workers', type=int, default=1, help='processes to render with (default 1)')
    p.add_argument('--force', action='store_true', help='remake splits even if already made alike')
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    for split, n in (('train', args.train), ('val', args.val)):
        if n > 0:
            generate_split(args.out, split, n, args.seed, tuple(args.size), args.difficulty,
                           args.workers, args.force, progress=sys.stderr)


if __name__ == '__main__':
    main()
