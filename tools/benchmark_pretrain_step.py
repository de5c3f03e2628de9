#!/usr/bin/env python
"""Time the training steps of the demo's two stages side by side: the UDP-heatmap pre-training model and
RTMPose-t (SimCC), what the demo's "equal compute" rests on.

Each config's model (NHWC weights, as ``ChannelsLastHook`` sets them) runs forward + its loss (MSE on
heatmaps, KL on SimCC vectors; random targets of the output's shape) + backward + AdamW step on the
same batch of random images, alternating, after warm-up. Printed: best and median step times and the
ratio of the best ones (the estimate least disturbed by other load). The data pipeline (~3 ms a crop
in the main process for both) is not included.

Usage: python tools/benchmark_pretrain_step.py [--configs A.py B.py ...] [--batch 32] [--repeats 10]
           [--threads N]
"""
import argparse
import os.path as osp
import statistics

import rtmpose_ext  # noqa: F401  (registers rtmpose_ext's classes)
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from bench_common import check_positive, time_alternating
from rtmpose_ext.demo import DEMO_CONFIG, DEMO_PRETRAIN_CONFIG
from rtmpose_ext.registry import MODELS


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--configs', nargs='+', default=[DEMO_PRETRAIN_CONFIG, DEMO_CONFIG],
                   help='model configs (default: the demo\'s pre-training and fine-tuning configs); the '
                        'ratios are to the first')
    p.add_argument('--cfg-options', nargs='*', default=[],
                   help='extra variants of the first config, each KEY=VALUE (e.g. '
                        'model.head.deconv_out_channels=[256,256,256])')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--repeats', type=int, default=10)
    p.add_argument('--threads', type=int, default=None, help='torch threads (default: torch\'s)')
    args = p.parse_args()
    check_positive(p, args, ('batch', 'repeats', 'threads'))
    return args


def make_step(model, inputs):
    """A closure running forward + the head's loss on random targets + backward + AdamW step."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, fused=True)
    with torch.no_grad():
        outputs = model.head(model.extract_feat(inputs))
    g = torch.Generator().manual_seed(1)
    many = isinstance(outputs, (tuple, list))
    targets = tuple(torch.rand(o.shape, generator=g) for o in (outputs if many else [outputs]))
    weights = torch.ones(targets[0].shape[:2])
    targets = targets if many else targets[0]

    def step():
        loss = model.head.loss_module(model.head(model.extract_feat(inputs)), targets, weights)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


def build(cfg):
    torch.manual_seed(0)
    return MODELS.build(cfg.model).train().to(memory_format=torch.channels_last)


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    init_default_scope('rtmpose_ext')
    cfgs = {osp.basename(c): Config.fromfile(c) for c in args.configs}
    first = next(iter(cfgs))
    for option in args.cfg_options:
        variant = cfgs[first].copy()
        variant.merge_from_dict(dict([_parse_option(option)]))
        cfgs[f'{first} {option}'] = variant
    sizes = {tuple(c.codec.input_size) for c in cfgs.values()}
    if len(sizes) != 1:
        raise SystemExit(f'error: --configs: expected one input size, got {sorted(sizes)}')
    w, h = sizes.pop()
    inputs = torch.randn(args.batch, 3, h, w, generator=torch.Generator().manual_seed(0))
    steps = {name: make_step(build(cfg), inputs) for name, cfg in cfgs.items()}
    times = time_alternating(steps, args.repeats, warmup=2)
    print(f'training step (forward, loss, backward, AdamW), batch {args.batch}, input {w}x{h}, '
          f'{torch.get_num_threads()} threads, {args.repeats} repeats')
    base = min(times[first])
    for name, ts in times.items():
        print(f'  {name}: best {min(ts) * 1e3:7.1f} ms  median {statistics.median(ts) * 1e3:7.1f} ms  '
              f'({args.batch / min(ts):.0f} crops/s)  cost / first: {min(ts) / base:.2f}')


def _parse_option(option):
    from mmengine.config import DictAction
    key, value = option.split('=', 1)
    return key, DictAction._parse_iterable(value)


if __name__ == '__main__':
    main()
