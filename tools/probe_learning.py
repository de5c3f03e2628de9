"""How soon does RTMPose-t start to learn? A bare training loop on the demo's model and data.

    python tools/probe_learning.py [--data-root data/synthetic_easy] [--iters 1250] [--batch 16]
        [--lr 1e-3] [--size WxH] [--sigma-scale 1] [--pipeline weak|strong|none]
        [--head-init mmpose|std0.01|torch] [--threads 1] [--log-every 50]

docs/demo.md (What limits it) was measured with it: from scratch the training loss
stays at the level of an input-independent prediction for the first 10-25k crops, whatever the
variant. Each line gives the mean loss and ``acc_pose`` (PCK@0.05 of the input size) of the last
``--log-every`` iterations; the loss is summed over the batch (compare runs at the same batch size).
No EMA, no schedule beyond a 50-iteration warm-up, no validation: only the learning signal.
"""
import argparse
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEMO_CONFIG = osp.join(REPO, 'configs', 'demo', 'rtmpose-t_synthetic.py')
HEAD_INITS = {
    'mmpose': None,                                        # the head's default (mmpose's): conv std 0.001
    'std0.01': [dict(type='Normal', layer=['Conv2d'], std=0.01),
                dict(type='Normal', layer=['Linear'], std=0.01, bias=0)],
    'torch': [],                                           # PyTorch's own layer init
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data-root', default=osp.join('data', 'synthetic_easy'),
                   help='a synthetic split made by python -m rtmpose_ext.datasets.synthetic or make demo')
    p.add_argument('--iters', type=int, default=1250)
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--lr', type=float, default=1e-3)
    p.add_argument('--size', default=None, help='input WxH, e.g. 96x128 (default: the demo config\'s)')
    p.add_argument('--sigma-scale', type=float, default=1.0, help='factor on sigma = sqrt(bins / 16)')
    p.add_argument('--pipeline', choices=('weak', 'strong', 'none'), default='weak',
                   help='the demo\'s stage-2 (weak) or stage-1 (strong) augmentation, or none')
    p.add_argument('--head-init', choices=sorted(HEAD_INITS), default='mmpose')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--log-every', type=int, default=50)
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args(argv)
    if args.size is not None:
        try:
            args.size = tuple(int(v) for v in args.size.lower().split('x'))
            assert len(args.size) == 2 and min(args.size) >= 32
        except (ValueError, AssertionError):
            p.error(f'--size: expected WxH with both >= 32 (e.g. 96x128), got {args.size!r}')
    ann = osp.join(args.data_root, 'annotations', 'person_keypoints_train.json')
    if not osp.isfile(ann):
        p.error(f'--data-root: no {ann}; make the split first (python -m rtmpose_ext.datasets.synthetic '
                f'--out {args.data_root} --difficulty easy, or make demo)')
    for name in ('iters', 'batch', 'threads', 'log_every'):
        if getattr(args, name) < 1:
            p.error(f'--{name.replace("_", "-")}: expected an integer >= 1, got {getattr(args, name)}')
    return args


def probe_config(args):
    """The demo config at ``args.size`` with the chosen pipeline, label width and head init."""
    from mmengine.config import Config
    cfg = Config.fromfile(DEMO_CONFIG)
    w, h = args.size or tuple(cfg.codec.input_size)
    ratio = cfg.codec.simcc_split_ratio
    codec = dict(cfg.codec, input_size=(w, h),
                 sigma=tuple(args.sigma_scale * (s * ratio / 16)**0.5 for s in (w, h)))
    pipeline = dict(weak=cfg.train_pipeline_stage2, strong=cfg.train_pipeline,
                    none=cfg.val_pipeline[:-1] + [dict(type='GenerateTarget'), cfg.val_pipeline[-1]])
    pipeline = [dict(t) for t in pipeline[args.pipeline]]
    for t in pipeline:
        if 'input_size' in t:
            t['input_size'] = (w, h)
        if t['type'] == 'GenerateTarget':
            t['encoder'] = codec
    cfg.model.head.update(input_size=(w, h), decoder=codec, in_featuremap_size=(-(-w // 32), -(-h // 32)))
    if HEAD_INITS[args.head_init] is not None:
        cfg.model.head.init_cfg = HEAD_INITS[args.head_init] + [dict(type='Constant', layer='BatchNorm2d',
                                                                      val=1)]
    dataset = dict(cfg.train_dataloader.dataset, data_root=osp.abspath(args.data_root) + '/',
                   pipeline=pipeline)
    return cfg, dataset


def main(argv=None):
    args = parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    import rtmpose_ext  # noqa: F401  (registers our classes; torch 2.13 fixes)
    from mmengine.dataset import pseudo_collate
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import init_default_scope
    from torch.utils.data import DataLoader

    from rtmpose_ext.registry import DATASETS, MODELS
    init_default_scope('rtmpose_ext')
    cfg, dataset_cfg = probe_config(args)
    loader = DataLoader(DATASETS.build(dataset_cfg), batch_size=args.batch, shuffle=True, num_workers=1,
                        collate_fn=pseudo_collate, drop_last=True, persistent_workers=True,
                        generator=torch.Generator().manual_seed(args.seed))
    torch.manual_seed(args.seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    optim = build_optim_wrapper(model, dict(cfg.optim_wrapper, optimizer=dict(cfg.optim_wrapper.optimizer,
                                                                               lr=args.lr)))
    w, h = cfg.model.head.input_size
    print(f'probe: {args.iters} iterations of batch {args.batch}, lr {args.lr}, input {w}x{h}, '
          f'{args.pipeline} pipeline, head init {args.head_init}, sigma x{args.sigma_scale}', flush=True)
    return train_loop(model, optim, loader, args)


def train_loop(model, optim, loader, args):
    """Run ``args.iters`` steps; print the windowed means; return the per-window records."""
    t0, window, records, step = time.perf_counter(), [], [], 0
    while step < args.iters:
        for batch in loader:
            for group in optim.optimizer.param_groups:
                group['lr'] = args.lr * min(1., (step + 1) / 50)
            out = model.train_step(batch, optim)
            window.append((out['loss'].item(), out['acc_pose'].item()))
            step += 1
            if step % args.log_every == 0 or step == args.iters:
                rec = dict(iter=step, crops=step * args.batch, loss=sum(w[0] for w in window) / len(window),
                           acc=sum(w[1] for w in window) / len(window), seconds=time.perf_counter() - t0)
                records.append(rec)
                window = []
                print(f'it {rec["iter"]:5d}  crops {rec["crops"]:6d}  loss {rec["loss"]:.4f}  acc_pose '
                      f'{rec["acc"]:.3f}  ({rec["seconds"]:.0f} s)', flush=True)
            if step >= args.iters:
                break
    return records


if __name__ == '__main__':
    sys.exit(0 if main() else 1)
