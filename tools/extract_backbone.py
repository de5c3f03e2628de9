"""A pre-training checkpoint -> a backbone checkpoint for the RTMPose configs' ``backbone_checkpoint``.

    python tools/extract_backbone.py CHECKPOINT OUT [--weights ema|raw] [--prefix backbone.]

CHECKPOINT: a checkpoint of a pre-training run (``configs/pretrain/cspnext-*_udp_*.py``, trained with
EMA). OUT gets the tensors under ``--prefix`` of its EMA weights (``--weights raw``: the raw training
weights), keys unchanged, as ``{'state_dict': ..., 'meta': ...}``. Load it with
``init_cfg=dict(type='Pretrained', prefix='backbone.', checkpoint=OUT)``: ``tools/train.py RTMPOSE_CONFIG
--backbone-checkpoint OUT``, or a config that inherits an RTMPose config and sets ``backbone_checkpoint``
and that ``init_cfg`` (with ``_delete_=True``: the base's is None; see docs/pretraining.md).
"""
import argparse
import sys


def parse_args(argv=None) -> argparse.Namespace:
    from rtmpose_ext.apis.backbone_checkpoint import WEIGHTS
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('checkpoint', help='pre-training checkpoint (.pth)')
    p.add_argument('out', help='backbone checkpoint to write (.pth)')
    p.add_argument('--weights', choices=WEIGHTS, default='ema',
                   help='the EMA weights (default) or the raw training weights')
    p.add_argument('--prefix', default='backbone.', help='keep the tensors under this key prefix')
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import rtmpose_ext  # noqa: F401  (torch 2.13 checkpoint loading)
    from rtmpose_ext.apis.backbone_checkpoint import BackboneCheckpointError, extract_backbone
    try:
        meta = extract_backbone(args.checkpoint, args.out, args.weights, args.prefix)
    except (BackboneCheckpointError, FileNotFoundError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    print(f'{args.out}: {meta["tensors"]} tensors ({meta["numel"] / 1e6:.2f} M values) under '
          f'{meta["prefix"]!r}, {meta["weights"]} weights of {meta["source"]}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
