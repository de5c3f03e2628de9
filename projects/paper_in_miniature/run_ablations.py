#!/usr/bin/env python
"""The RTMPose / SimCC / DARK papers' design choices, each ablated in miniature on the synthetic people.

    python projects/paper_in_miniature/run_ablations.py [--data-root data/synthetic_easy]
        [--backbone work_dirs/demo/pretrain/backbone.pth] [--epochs 3] [--seeds 0 1] [--only NAME ...]
        [--out-dir projects/paper_in_miniature/results] [--threads 1] [--toy]

Every run is the demo's RTMPose-t recipe (configs/demo/rtmpose-t_synthetic.py: input 112x144, batch 32,
AdamW, flat-cosine, EMA, strong-then-weak augmentation, tau 0.1, sigma = sqrt(bins / 16), 7x7 kernel,
GAU, split ratio 2) for ``--epochs`` epochs (the schedule scaled as ``make demo`` scales it), started from
the same ``--backbone`` (the demo's UDP-heatmap pre-trained CSPNeXt-t: from scratch, runs of minutes sit
on the plateau where nothing is learnt yet), with exactly one thing changed; the heatmap runs use the
demo's pre-training config (configs/demo/cspnext-t_udp_synthetic.py) the same way. Each run trains, then
is evaluated on the val split (COCO AP, ground-truth boxes, flip test); the EMA and DARK ablations are
evaluations of the same checkpoints (EMA does not change the training; DARK is a decoding step). Every
run appends a line to ``OUT_DIR/results.jsonl`` (a run already there is skipped: the script resumes) and
the table is rewritten to ``OUT_DIR/results.md`` after each run. ``--toy``: 16 train / 8 val pictures,
1 epoch, tiny batches (the smoke test; its numbers mean nothing).
"""
import argparse
import json
import math
import os
import os.path as osp
import resource
import sys
import time
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.realpath(__file__))))
SIMCC = osp.join(REPO_ROOT, 'configs', 'demo', 'rtmpose-t_synthetic.py')
HEATMAP = osp.join(REPO_ROOT, 'configs', 'demo', 'cspnext-t_udp_synthetic.py')
SIZES = ((64, 80), (88, 112), (112, 144))        # (w, h): about 64x64 up to the demo's


# ------------------------------------------------------------------------------------------- config edits
def pipelines(cfg):
    """Every pipeline the run uses: training (both stages) and evaluation."""
    yield cfg.train_dataloader.dataset.pipeline
    for hook in cfg.custom_hooks:
        if hook.type == 'PipelineSwitchHook':
            yield hook.switch_pipeline
    for loader in (cfg.val_dataloader, cfg.test_dataloader):
        if loader is not None:
            yield loader.dataset.pipeline


def set_codec(cfg, **changes) -> None:
    """Change the codec everywhere it is used (targets, the head's decoder, the crop size)."""
    cfg.codec.update(changes)
    head = cfg.model.head
    head.decoder = dict(cfg.codec)
    if cfg.codec.type == 'SimCCLabel':
        w, h = cfg.codec.input_size
        head.update(input_size=cfg.codec.input_size, simcc_split_ratio=cfg.codec.simcc_split_ratio,
                    in_featuremap_size=(math.ceil(w / 32), math.ceil(h / 32)))
    for pipeline in pipelines(cfg):
        for t in pipeline:
            if t.type == 'GenerateTarget':
                t.encoder = dict(cfg.codec)
            elif t.type == 'TopdownAffine':
                t.input_size = cfg.codec.input_size


def set_input_size(size) -> Callable:
    """Input (w, h); SimCC: sigma = sqrt(bins / 16) per axis follows; heatmaps: 8x the feature map."""
    def edit(cfg):
        w, h = size
        if cfg.codec.type == 'SimCCLabel':
            set_codec(cfg, input_size=size, sigma='auto')
        else:
            set_codec(cfg, input_size=size, heatmap_size=(8 * math.ceil(w / 32), 8 * math.ceil(h / 32)))
    return edit


def set_split_ratio(k: float) -> Callable:
    return lambda cfg: set_codec(cfg, simcc_split_ratio=k, sigma='auto')


def set_head(**changes) -> Callable:
    return lambda cfg: cfg.model.head.update(changes)


def set_tau(tau: float) -> Callable:
    return lambda cfg: cfg.model.head.loss.update(beta=1. / tau)


def plain_cosine(cfg) -> None:
    cfg.param_scheduler[0].cosine_begin = 0


def one_stage(cfg) -> None:
    """The strong augmentation for the whole run (no switch to the weak one)."""
    cfg.custom_hooks = [h for h in cfg.custom_hooks if h.type != 'PipelineSwitchHook']


# ------------------------------------------------------------------------------------------- the ablations
class Run(NamedTuple):
    name: str                       # unique; the reference run is 'reference'
    config: str
    edits: Sequence[Callable] = ()
    evals: Sequence[str] = ()       # extra evaluations of its checkpoint: 'raw' (no EMA), 'no-dark'


class Ablation(NamedTuple):
    name: str
    claim: str                      # the paper's claim
    better: str                     # the row the paper says wins
    rows: Dict[str, str]            # row label -> run name (+ ':raw' / ':no-dark' for an evaluation)
    command: str = ''               # --only NAME


RUNS = [Run('reference', SIMCC, (set_input_size(SIZES[-1]), ), evals=('raw', )),
        Run('heatmap-112x144', HEATMAP, (set_input_size(SIZES[-1]), ), evals=('no-dark', )),
        Run('simcc-64x80', SIMCC, (set_input_size(SIZES[0]), )),
        Run('heatmap-64x80', HEATMAP, (set_input_size(SIZES[0]), ), evals=('no-dark', )),
        Run('tau-1', SIMCC, (set_input_size(SIZES[-1]), set_tau(1.))),
        Run('sigma-6', SIMCC, (set_input_size(SIZES[-1]), lambda cfg: set_codec(cfg, sigma=6.))),
        Run('kernel-1x1', SIMCC, (set_input_size(SIZES[-1]), set_head(final_layer_kernel_size=1))),
        Run('no-gau', SIMCC, (set_input_size(SIZES[-1]), set_head(use_gau=False))),
        Run('split-1', SIMCC, (set_input_size(SIZES[-1]), set_split_ratio(1.))),
        Run('split-3', SIMCC, (set_input_size(SIZES[-1]), set_split_ratio(3.))),
        Run('plain-cosine', SIMCC, (set_input_size(SIZES[-1]), plain_cosine)),
        Run('one-stage', SIMCC, (set_input_size(SIZES[-1]), one_stage)),
        Run('simcc-88x112', SIMCC, (set_input_size(SIZES[1]), )),
        Run('heatmap-88x112', HEATMAP, (set_input_size(SIZES[1]), ), evals=('no-dark', ))]
RUN_BY_NAME = {r.name: r for r in RUNS}

ABLATIONS = [
    Ablation('tau', 'RTMPose Table 3: KL loss with temperature tau = 0.1 beats tau = 1', 'tau 0.1',
             {'tau 0.1': 'reference', 'tau 1': 'tau-1'}),
    Ablation('sigma', 'RTMPose Eq. 6: sigma = sqrt(bins / 16) per axis beats a fixed sigma = 6',
             'sigma = sqrt(bins/16)', {'sigma = sqrt(bins/16)': 'reference', 'sigma = 6': 'sigma-6'}),
    Ablation('kernel', 'RTMPose Table 2: a 7x7 final conv beats 1x1', '7x7',
             {'7x7': 'reference', '1x1': 'kernel-1x1'}),
    Ablation('gau', 'RTMPose Table 2: the GAU self-attention beats the FC features alone', 'GAU',
             {'GAU': 'reference', 'no GAU': 'no-gau'}),
    Ablation('split', 'RTMPose uses split ratio k = 2 (SimCC: k = 2-3 beat k = 1)', 'k = 2',
             {'k = 1': 'split-1', 'k = 2': 'reference', 'k = 3': 'split-3'}),
    Ablation('resolution-64x80', 'SimCC: SimCC beats heatmaps at low input resolution', 'SimCC',
             {'SimCC': 'simcc-64x80', 'UDP heatmap': 'heatmap-64x80'}),
    Ablation('resolution-88x112', 'SimCC: SimCC beats heatmaps at low input resolution', 'SimCC',
             {'SimCC': 'simcc-88x112', 'UDP heatmap': 'heatmap-88x112'}),
    Ablation('resolution-112x144', 'SimCC: on par with heatmaps at larger inputs', 'SimCC',
             {'SimCC': 'reference', 'UDP heatmap': 'heatmap-112x144'}),
    Ablation('dark', 'DARK: distribution-aware decoding beats the arg-max (heatmap model, 112x144)', 'DARK',
             {'DARK': 'heatmap-112x144', 'arg-max': 'heatmap-112x144:no-dark'}),
    Ablation('dark-64x80', 'DARK: its gain grows at low resolution (heatmap model, 64x80)', 'DARK',
             {'DARK': 'heatmap-64x80', 'arg-max': 'heatmap-64x80:no-dark'}),
    Ablation('ema', 'RTMPose Sec. 3.3: EMA weights beat the raw weights', 'EMA',
             {'EMA': 'reference', 'raw weights': 'reference:raw'}),
    Ablation('schedule', 'RTMPose Sec. 3.3: flat-cosine beats plain cosine', 'flat-cosine',
             {'flat-cosine': 'reference', 'plain cosine': 'plain-cosine'}),
    Ablation('augmentation', 'RTMPose Sec. 3.3: two-stage (strong, then weak) beats strong only',
             'two-stage', {'two-stage': 'reference', 'one-stage (strong)': 'one-stage'}),
]


# ------------------------------------------------------------------------------------------- running
def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data-root', default=osp.join('data', 'synthetic_easy'),
                   help='synthetic split (made if missing, as make demo makes it)')
    p.add_argument('--backbone', default=None, help='backbone checkpoint every run starts from '
                   '(tools/extract_backbone.py; default: none, from scratch)')
    p.add_argument('--epochs', type=int, default=3)
    p.add_argument('--seeds', type=int, nargs='+', default=[0],
                   help='seeds of every run (the reference also runs with seed + 1 for the spread)')
    p.add_argument('--only', nargs='+', default=None, choices=[a.name for a in ABLATIONS],
                   help='only the runs these ablations need')
    p.add_argument('--out-dir', default=osp.join('projects', 'paper_in_miniature', 'results'))
    p.add_argument('--threads', type=int, default=None, help='torch threads (default: torch\'s)')
    p.add_argument('--toy', action='store_true', help='toy scale (the smoke test)')
    args = p.parse_args(argv)
    if args.epochs < 1:
        p.error(f'--epochs: expected an integer >= 1, got {args.epochs}')
    if args.backbone is not None and not osp.isfile(args.backbone):
        p.error(f'--backbone: no file {args.backbone!r}')
    return args


def runs_needed(args) -> List[tuple]:
    """(run, seed) pairs in priority order: the reference's two seeds first."""
    ablations = [a for a in ABLATIONS if args.only is None or a.name in args.only]
    names = {row.split(':')[0] for a in ablations for row in a.rows.values()} | {'reference'}
    pairs = [(RUN_BY_NAME['reference'], s) for s in sorted(set(args.seeds) | {args.seeds[0] + 1})]
    return pairs + [(r, s) for r in RUNS if r.name in names and r.name != 'reference' for s in args.seeds]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def raw_weights_checkpoint(checkpoint: str) -> str:
    """A copy of ``checkpoint`` whose ``state_dict`` holds the raw training weights (EMAHook saved the
    EMA ones there and the raw ones in ``ema_state_dict``)."""
    import torch
    ckpt = torch.load(checkpoint, map_location='cpu', weights_only=False)
    raw = {k[len('module.'):]: v for k, v in ckpt.pop('ema_state_dict').items() if k.startswith('module.')}
    ckpt['state_dict'] = dict(ckpt['state_dict'], **raw)
    path = checkpoint.replace('.pth', '_raw.pth')
    torch.save(ckpt, path)
    return path


def evaluate_all(run: Run, cfg, checkpoint: str) -> Dict[str, Dict[str, float]]:
    """AP, AP50, AR of the checkpoint as trained and of each of the run's extra evaluations."""
    from rtmpose_ext.demo import METRIC_KEYS, evaluate
    results = {'': evaluate(cfg, checkpoint)}
    for kind in run.evals:
        if kind == 'raw':
            results[kind] = evaluate(cfg, raw_weights_checkpoint(checkpoint))
        elif kind == 'no-dark':
            nodark = cfg.copy()
            nodark.model.head.decoder = dict(nodark.model.head.decoder, use_dark=False)
            results[kind] = evaluate(nodark, checkpoint)
    return {k: {name: float(m[key]) for name, key in METRIC_KEYS} for k, m in results.items()}


def train_and_evaluate(run: Run, seed: int, args, ann_files, people) -> dict:
    from rtmpose_ext.demo import prepared_config, train, use_backbone
    work_dir = osp.join(args.out_dir, 'work', f'{run.name}_seed{seed}')
    demo_args = argparse.Namespace(data_root=args.data_root, quick=args.toy)
    cfg = prepared_config(run.config, demo_args, ann_files, people, work_dir, 1 if args.toy else args.epochs)
    cfg.randomness = dict(seed=seed)
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None      # evaluated once, afterwards
    cfg.default_hooks.logger.interval = 20
    if args.backbone:
        use_backbone(cfg, args.backbone)
    for edit in run.edits:
        edit(cfg)
    start, cpu = time.perf_counter(), cpu_seconds()
    checkpoint, _ = train(cfg)
    train_s, train_cpu = time.perf_counter() - start, cpu_seconds() - cpu
    metrics = evaluate_all(run, cfg, checkpoint)
    return dict(run=run.name, seed=seed, metrics=metrics, epochs=cfg.train_cfg.max_epochs,
                input_size=list(cfg.codec.input_size), train_seconds=train_s, train_cpu_seconds=train_cpu,
                load_average=' '.join(f'{v:.1f}' for v in os.getloadavg()), backbone=args.backbone)


def load_results(path: str) -> Dict[tuple, dict]:
    if not osp.isfile(path):
        return {}
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    return {(r['run'], r['seed']): r for r in records}


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    import warnings
    warnings.filterwarnings('ignore', category=FutureWarning)
    import torch
    import rtmpose_ext  # noqa: F401
    from mmpose.utils import register_all_modules

    from rtmpose_ext.demo import count_people, make_data
    from table import write_table
    register_all_modules(init_default_scope=False)
    if args.threads:
        torch.set_num_threads(args.threads)
    os.makedirs(args.out_dir, exist_ok=True)
    results_path = osp.join(args.out_dir, 'results.jsonl')
    ann_files = make_data(args.data_root, args.toy, 'easy')
    people = {split: count_people(path) for split, path in ann_files.items()}
    done = load_results(results_path)
    todo = [(r, s) for r, s in runs_needed(args) if (r.name, s) not in done]
    print(f'{len(todo)} runs to go ({len(done)} already in {results_path})', flush=True)
    for i, (run, seed) in enumerate(todo, 1):
        print(f'\n=== [{i}/{len(todo)}] {run.name}, seed {seed}', flush=True)
        record = train_and_evaluate(run, seed, args, ann_files, people)
        with open(results_path, 'a') as f:
            f.write(json.dumps(record) + '\n')
        done[(run.name, seed)] = record
        write_table(ABLATIONS, done, osp.join(args.out_dir, 'results.md'), args)
        print(f'  AP {record["metrics"][""]["AP"]:.3f}  ({record["train_seconds"] / 60:.1f} min)', flush=True)
    write_table(ABLATIONS, done, osp.join(args.out_dir, 'results.md'), args)
    return 0


if __name__ == '__main__':
    sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
    sys.exit(main())
