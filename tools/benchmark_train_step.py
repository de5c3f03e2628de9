#!/usr/bin/env python
"""Time the per-step bookkeeping of a training step besides forward/backward, side by side: AdamW's
update (per-tensor loop, ``foreach=True``, ``fused=True``) and the EMA update (mmengine's per-tensor
loop vs ``ExpMomentumEMA``'s foreach update), on the demo config's model with its parameter groups;
and, when the demo data exists (``make demo`` generates it), the data preprocessor on a batch of the
weak training pipeline's samples packed with all of mmpose's meta keys vs the config's
``train_meta_keys``.

Each variant starts from the same weights and gradients; before timing, one AdamW step of each variant
is checked to give the same weights as the per-tensor loop (rtol 1e-5) and one EMA update of each the
same average. Variants are timed alternately after a warm-up; the ratio is that of the best (minimum)
times, the estimate least disturbed by other load; medians are shown too.

Usage: python tools/benchmark_train_step.py [--config configs/demo/rtmpose-t_synthetic.py]
           [--data-root data/synthetic_easy] [--repeats 30] [--threads N]
"""
import argparse
import copy
import os.path as osp
import statistics

import rtmpose_ext  # noqa: F401  (registers rtmpose_ext's classes)
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.model import BaseAveragedModel
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from bench_common import check_positive, time_alternating
from rtmpose_ext.demo import DEMO_CONFIG
from rtmpose_ext.engine.hooks import ExpMomentumEMA
from rtmpose_ext.registry import DATASETS, MODELS


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=DEMO_CONFIG, help='a model config (default: the demo\'s)')
    p.add_argument('--data-root', default='data/synthetic_easy',
                   help='a synthetic split for the data preprocessor part (skipped if missing)')
    p.add_argument('--repeats', type=int, default=30)
    p.add_argument('--threads', type=int, default=None, help='torch threads (default: torch\'s)')
    args = p.parse_args()
    check_positive(p, args, ('repeats', 'threads'))
    return args


def set_grads(model):
    """Random gradients on every parameter, the same for every copy of the model (seeded)."""
    gen = torch.Generator().manual_seed(0)
    for p in model.parameters():
        p.grad = torch.randn(p.shape, generator=gen) * 1e-2


def adamw_variants(cfg, model):
    """{name: (model copy, its optimizer built through the config's optim_wrapper)}."""
    variants = {}
    for name, flags in (('per-tensor', dict(foreach=False)), ('foreach', dict(foreach=True)),
                        ('fused', dict(fused=True))):
        optim_cfg = copy.deepcopy(cfg.optim_wrapper)
        for key in ('foreach', 'fused'):
            optim_cfg.optimizer.pop(key, None)
        optim_cfg.optimizer.update(flags)
        copy_ = copy.deepcopy(model)          # (deepcopy leaves .grad behind)
        set_grads(copy_)
        variants[name] = (copy_, build_optim_wrapper(copy_, optim_cfg).optimizer)
    return variants


def check_adamw(variants):
    """One step of each; every variant's weights must equal the per-tensor loop's, and have moved."""
    before = {k: p.detach().clone() for k, p in variants['per-tensor'][0].named_parameters()}
    for _, opt in variants.values():
        opt.step()
    ref = dict(variants['per-tensor'][0].named_parameters())
    if all(torch.equal(p, before[k]) for k, p in ref.items()):
        raise RuntimeError('AdamW step left the weights unchanged: no gradients?')
    for name, (model, _) in variants.items():
        for key, p in model.named_parameters():
            torch.testing.assert_close(p, ref[key], rtol=1e-5, atol=1e-7, msg=f'{name}: {key}')


def ema_variants(model):
    """{name: update closure}: mmengine's per-tensor loop and ExpMomentumEMA's foreach update."""
    ours, loop = (ExpMomentumEMA(model, momentum=1e-3, gamma=50, update_buffers=True) for _ in range(2))
    for ema in (ours, loop):
        ema.update_parameters(model)           # the first update copies
    return ours, loop, {'per-tensor': lambda: BaseAveragedModel.update_parameters(loop, model),
                        'foreach': lambda: ours.update_parameters(model)}


def packed_batches(cfg, data_root, meta_keys, count=4):
    """``count`` collated batches of the weak (second-stage) training pipeline's samples, packed with
    ``meta_keys`` (None: PackPoseInputs' default, all of mmpose's keys)."""
    switch = next(h for h in cfg.custom_hooks if h.type == 'PipelineSwitchHook')
    pipeline = copy.deepcopy(switch.switch_pipeline)
    pipeline[-1].pop('meta_keys', None)
    if meta_keys is not None:
        pipeline[-1]['meta_keys'] = meta_keys
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, data_root=osp.abspath(data_root) + '/',
                                  pipeline=pipeline))
    size = cfg.train_dataloader.batch_size
    return [pseudo_collate([dataset[i] for i in range(b * size, (b + 1) * size)]) for b in range(count)]


def preprocessor_variants(cfg, data_root):
    """{name: closure running the model's data preprocessor over a few training batches}."""
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    variants = {}
    for name, keys in (('all keys', None), ('train keys', cfg.get('train_meta_keys'))):
        batches = packed_batches(cfg, data_root, keys)
        variants[name] = lambda batches=batches: [preprocessor(b, True) for b in batches]
    return variants


def report(title, times, base_name='per-tensor'):
    base = min(times[base_name])
    print(f'{title}')
    for name, ts in times.items():
        print(f'  {name:<11} best {min(ts) * 1e3:7.2f} ms   median {statistics.median(ts) * 1e3:7.2f} ms'
              f'   {base_name} / this {base / min(ts):5.2f}x')


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = Config.fromfile(args.config)
    init_default_scope(cfg.get('default_scope', 'rtmpose_ext'))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    optimizers = adamw_variants(cfg, model)
    groups = len(optimizers['fused'][1].param_groups)
    print(f'{args.config}: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M parameters in '
          f'{groups} AdamW parameter groups, torch {torch.__version__}, {torch.get_num_threads()} threads')
    check_adamw(optimizers)
    report('AdamW step', time_alternating({n: opt.step for n, (_, opt) in optimizers.items()}, args.repeats))
    ours, loop, updates = ema_variants(model)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.)
    for fn in updates.values():
        fn()
    for (key, a), b in zip(ours.state_dict().items(), loop.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-7, msg=f'EMA: {key}')
    report('EMA update (ExpMomentumEMA, buffers averaged)', time_alternating(updates, args.repeats))
    if not cfg.get('train_meta_keys'):
        print('data preprocessor: skipped (the config has no train_meta_keys)')
    elif not osp.isdir(osp.join(args.data_root, 'annotations')):
        print(f'data preprocessor: skipped ({args.data_root} not generated: make demo makes it)')
    else:
        report(f'data preprocessor, 4 batches of {cfg.train_dataloader.batch_size} training samples',
               time_alternating(preprocessor_variants(cfg, args.data_root), max(3, args.repeats // 5)),
               base_name='all keys')


if __name__ == '__main__':
    main()
