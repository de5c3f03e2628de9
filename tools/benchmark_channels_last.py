#!/usr/bin/env python
"""Time RTMPose-t training steps with NCHW (contiguous) and NHWC (channels-last) weights, side by side.

What ``ChannelsLastHook`` buys on this machine. Two copies of the demo config's model (same initial
weights), one converted as the hook converts it, each run forward + backward + AdamW step on the same
batch of random images and targets, alternating, after warm-up. Before timing, the two copies'
losses are checked to agree (rtol 1e-4). The ratio is that of the best (minimum) step times, the
estimate least disturbed by other load; medians are shown too.

Usage: python tools/benchmark_channels_last.py [--config configs/demo/rtmpose-t_synthetic.py]
           [--batch 32] [--repeats 10] [--threads N]
"""
import argparse
import copy
import statistics

import rtmpose_ext  # noqa: F401  (registers rtmpose_ext's classes)
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from bench_common import check_positive, time_alternating
from rtmpose_ext.demo import DEMO_CONFIG
from rtmpose_ext.registry import MODELS


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=DEMO_CONFIG, help='a SimCC model config (default: the demo\'s)')
    p.add_argument('--batch', type=int, default=32)
    p.add_argument('--repeats', type=int, default=10)
    p.add_argument('--threads', type=int, default=None, help='torch threads (default: torch\'s)')
    args = p.parse_args()
    check_positive(p, args, ('batch', 'repeats', 'threads'))
    return args


def random_batch(model, batch: int, input_size):
    """(inputs (B, 3, H, W), targets (B, K, Wx), (B, K, Hy)) as the head's loss expects them."""
    w, h = input_size
    g = torch.Generator().manual_seed(0)
    k = model.head.out_channels
    ratio = model.head.simcc_split_ratio
    inputs = torch.randn(batch, 3, h, w, generator=g)
    target_x = torch.rand(batch, k, int(w * ratio), generator=g)
    target_y = torch.rand(batch, k, int(h * ratio), generator=g)
    return inputs, target_x, target_y


def make_step(model, inputs, target_x, target_y):
    """A closure running one forward + KL loss + backward + AdamW step; returns the loss."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, foreach=True)
    weights = torch.ones(target_x.shape[:2])

    def step():
        pred_x, pred_y = model.head(model.extract_feat(inputs))
        loss = model.head.loss_module((pred_x, pred_y), (target_x, target_y), weights)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    init_default_scope('rtmpose_ext')
    cfg = Config.fromfile(args.config)
    torch.manual_seed(0)
    nchw = MODELS.build(cfg.model).train()
    nhwc = copy.deepcopy(nchw).to(memory_format=torch.channels_last)
    batch = random_batch(nchw, args.batch, cfg.codec.input_size)
    steps = dict(nchw=make_step(nchw, *batch), nhwc=make_step(nhwc, *batch))
    losses = {name: step() for name, step in steps.items()}       # warm-up, and the same numbers
    if abs(losses['nchw'] - losses['nhwc']) > 1e-4 * abs(losses['nchw']):
        raise AssertionError(f'the two layouts disagree: losses {losses}')
    times = time_alternating(steps, args.repeats, warmup=0)          # (warmed up just above)
    w, h = cfg.codec.input_size
    print(f'RTMPose-t training step, batch {args.batch}, input {w}x{h}, {torch.get_num_threads()} threads, '
          f'{args.repeats} repeats')
    for name, ts in times.items():
        print(f'  {name}: best {min(ts) * 1e3:7.1f} ms  median {statistics.median(ts) * 1e3:7.1f} ms  '
              f'({args.batch / min(ts):.0f} crops/s)')
    print(f'  speed-up of channels-last (best / best): {min(times["nchw"]) / min(times["nhwc"]):.2f}x')


if __name__ == '__main__':
    main()
