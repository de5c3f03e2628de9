"""``make demo``: synthetic data -> pre-train the backbone -> train RTMPose-t on the CPU -> COCO AP -> ONNX
-> pictures -> summary.

    python -m rtmpose_ext.demo [--work-dir work_dirs/demo] [--out-dir outputs/demo]
                               [--difficulty easy|normal|hard] [--data-root data/synthetic_easy]
                               [--config CONFIG] [--pretrain-epochs N] [--backbone PTH]
                               [--quick] [--skip-train] [--epochs N] [--threads N]
                               [--cfg-options KEY=VALUE ...]

Seven steps, each announced as ``[i/7]``:

1. data: the synthetic train (1500 pictures) and val (200) splits of
   :mod:`rtmpose_ext.datasets.synthetic` (``--difficulty``, easy by default) under ``--data-root``;
   made once, skipped while its manifest matches the arguments.
2. pre-train: where the config names a ``pretrain_config`` (``--config
   configs/demo/rtmpose-t_synthetic_pretrained.py``, the default for the normal and hard splits, names
   ``cspnext-t_udp_synthetic.py``; the easy split's default, from scratch, names none), CSPNeXt-t
   with a UDP heatmap head for ``pretrain_epochs`` (``--pretrain-epochs``; 0: none) on the same data,
   then its EMA weights' backbone -> ``WORK_DIR/pretrain/backbone.pth``
   (:func:`rtmpose_ext.apis.backbone_checkpoint.extract_backbone`). Cached: a later run with the same
   pre-training config, epochs and data reuses it. ``--backbone PTH`` starts from that file instead.
3. train: RTMPose-t with the config (our recipe scaled for a CPU: head, loss, codec, schedule, EMA,
   stage switch), its backbone from step 2 (from scratch without one), through mmengine's ``Runner``;
   its log shows the iterations, loss and ETA. Every run trains anew; ``--skip-train`` reuses the
   checkpoint of an earlier run in ``--work-dir`` instead (and skips step 2).
4. evaluate: the checkpoint (EMA weights) on the val split's ground-truth boxes with flip test; COCO's
   keypoint metric (AP, AP50, AP75, AR).
5. export: ONNX through our MMDeploy config (``configs/deploy/pose-detection_simcc_onnxruntime_dynamic.py``,
   MMDeploy's ``torch2onnx``); ONNX Runtime and PyTorch run the same val crops and their logits and
   decoded keypoints are compared.
6. pictures: predictions (red) against the ground truth (green) on 6 val pictures
   (``predictions.jpg``) and the loss, learning-rate and AP curves (``curves.png``) in ``--out-dir``.
7. summary: a table (also ``summary.md`` and ``summary.json`` in ``--out-dir``).

``--quick`` runs the same flow at toy scale (16 train / 8 val pictures, 1 pre-training epoch, 2 epochs
crossing the stage switch) in about a minute, for the tests; its numbers mean nothing.
On the easy split the default config, ``configs/demo/rtmpose-t_synthetic.py``, trains from scratch (28
epochs, no step 2); on the normal and hard splits the default is
``configs/demo/rtmpose-t_synthetic_pretrained.py``, which pre-trains for 8 epochs and fine-tunes for 15
at the same CPU time (docs/pretraining.md compares the two on both splits). ``--config`` chooses either.
"""
import argparse
import hashlib
import json
import logging
import math
import os
import os.path as osp
import sys
import time
import warnings
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

# realpath: the package may be imported through a link (site-packages/rtmpose_ext -> the repository's)
REPO_ROOT = osp.dirname(osp.dirname(osp.realpath(__file__)))
DEMO_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'rtmpose-t_synthetic.py')            # default
DEMO_PRETRAIN_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'cspnext-t_udp_synthetic.py')
DEMO_FINETUNE_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'rtmpose-t_synthetic_pretrained.py')
# the default config per --difficulty (docs/pretraining.md): at equal CPU time pre-training did not win on
# the easy split (AP 0.550 vs 0.621 from scratch, two threads) and won by far on the normal one (0.446 vs
# 0.095, where from scratch the plateau takes most of the run)
DEFAULT_CONFIGS = {'easy': DEMO_CONFIG, 'normal': DEMO_FINETUNE_CONFIG, 'hard': DEMO_FINETUNE_CONFIG}
DEPLOY_CONFIG = osp.join(REPO_ROOT, 'configs', 'deploy', 'pose-detection_simcc_onnxruntime_dynamic.py')
NUM_STEPS = 7
METRIC_KEYS = (('AP', 'coco/AP'), ('AP50', 'coco/AP .5'), ('AP75', 'coco/AP .75'), ('AR', 'coco/AR'))


# ------------------------------------------------------------------------------------------- arguments
def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    from mmengine.config import DictAction
    p = argparse.ArgumentParser(prog='python -m rtmpose_ext.demo', description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--work-dir', default=osp.join('work_dirs', 'demo'),
                   help='checkpoints, logs and the ONNX model (default: work_dirs/demo)')
    p.add_argument('--out-dir', default=osp.join('outputs', 'demo'),
                   help='pictures and summary (default: outputs/demo)')
    p.add_argument('--data-root', default=None,
                   help='synthetic dataset folder (default: data/synthetic_easy, data/synthetic for '
                        '--difficulty normal ...; with --quick: WORK_DIR/data)')
    p.add_argument('--difficulty', default='easy', choices=('easy', 'normal', 'hard'),
                   help='synthetic scene difficulty (default: easy)')
    p.add_argument('--config', default=None,
                   help='model and training config (default: for the easy split the demo\'s from scratch, '
                        'configs/demo/rtmpose-t_synthetic.py; for normal and hard '
                        'configs/demo/rtmpose-t_synthetic_pretrained.py: pre-trained backbone, then '
                        'fine-tuning)')
    p.add_argument('--pretrain-epochs', type=int, default=None,
                   help='pre-training epochs (default: the config\'s pretrain_epochs; 0: no pre-training)')
    p.add_argument('--backbone', default=None,
                   help='start from this backbone checkpoint (tools/extract_backbone.py) instead of '
                        'pre-training')
    p.add_argument('--quick', action='store_true',
                   help='toy scale: 16 train / 8 val pictures, 2 epochs (a smoke test, numbers mean nothing)')
    p.add_argument('--skip-train', action='store_true',
                   help='reuse the checkpoint of an earlier run in --work-dir instead of training')
    p.add_argument('--epochs', type=int, default=None,
                   help='train this many epochs instead of the config\'s (schedule, EMA and stage switch '
                        'scaled along)')
    p.add_argument('--threads', type=int, default=None,
                   help='torch / ONNX Runtime threads (default: torch\'s default, one per core)')
    p.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                   help='override config keys (KEY=VALUE, as in mmengine\'s tools)')
    args = p.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        p.error(f'--epochs: expected an integer >= 1, got {args.epochs}')
    if args.pretrain_epochs is not None and args.pretrain_epochs < 0:
        p.error(f'--pretrain-epochs: expected an integer >= 0, got {args.pretrain_epochs}')
    if args.backbone is not None and not osp.isfile(args.backbone):
        p.error(f'--backbone: no file {args.backbone!r}')
    if args.threads is not None and args.threads < 1:
        p.error(f'--threads: expected an integer >= 1, got {args.threads}')
    if args.config is None:
        args.config = DEFAULT_CONFIGS[args.difficulty]
    if args.data_root is None:
        name = 'synthetic' if args.difficulty == 'normal' else f'synthetic_{args.difficulty}'
        args.data_root = osp.join(args.work_dir, 'data') if args.quick else osp.join('data', name)
    return args


class Progress:
    """Prints ``[i/7] title`` headers and remembers how long each step took (seconds)."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.seconds: Dict[str, float] = {}
        self._current: Optional[Tuple[str, float]] = None

    def step(self, index: int, name: str, title: str) -> None:
        self.done()
        print(f'\n[{index}/{NUM_STEPS}] {title}  (load average {load_average()})', flush=True)
        self._current = (name, time.perf_counter())

    def done(self) -> None:
        if self._current is not None:
            name, start = self._current
            self.seconds[name] = time.perf_counter() - start
            self._current = None

    def total(self) -> float:
        return time.perf_counter() - self.t0


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages of this machine as text ('n/a' where unknown)."""
    try:
        return ' '.join(f'{v:.2f}' for v in os.getloadavg())
    except OSError:
        return 'n/a'


# ------------------------------------------------------------------------------------------- 1. data
def split_sizes(quick: bool) -> Dict[str, int]:
    return dict(train=16, val=8) if quick else dict(train=1500, val=200)


def make_data(data_root: str, quick: bool, difficulty: str) -> Dict[str, str]:
    """Make (or find) the train and val splits; return their annotation files by split name."""
    from rtmpose_ext.datasets.synthetic import generate_split
    workers = min(2, os.cpu_count() or 1)        # same pictures whatever the number of workers
    return {split: generate_split(data_root, split, n, seed=0, difficulty=difficulty, workers=workers,
                                  progress=sys.stdout)
            for split, n in split_sizes(quick).items()}


def count_people(ann_file: str) -> int:
    """Annotated people (with at least one labelled keypoint) in a COCO keypoints json."""
    with open(ann_file) as f:
        anns = json.load(f)['annotations']
    return sum(1 for a in anns if a.get('num_keypoints', 0) > 0 and not a.get('iscrowd', 0))


def train_iters_per_epoch(cfg, train_people: int) -> int:
    """Training iterations an epoch: ``train_people`` (:func:`count_people` of the train split) in
    batches of the config's size."""
    return math.ceil(train_people / cfg.train_dataloader.batch_size)


# ------------------------------------------------------------------------------------------- config
def scale_schedule(cfg, epochs: int, iters_per_epoch: int) -> None:
    """Set the run length to ``epochs`` of ``iters_per_epoch`` and scale what depends on it by the demo
    config's fractions: the strong pipeline for the first ``strong_fraction`` of the epochs (at least
    one, and one weak epoch at the end), cosine over the second half, warm-up at most a tenth of the
    run, the EMA's momentum floor averaging over ``ema_window`` of the iterations and its decay time
    ``ema_decay`` of them, validation ~4 times, a checkpoint at the end."""
    total_iters = epochs * iters_per_epoch
    cfg.train_cfg.max_epochs = epochs
    cfg.train_cfg.val_interval = max(1, epochs // 4)
    sched = cfg.param_scheduler[0]
    sched.update(cosine_begin=epochs // 2, end=epochs,
                 warmup_iters=min(cfg.warmup_iters, max(1, total_iters // 10)))
    for hook in cfg.custom_hooks:
        if hook.type == 'EMAHook':
            hook.update(momentum=min(0.5, 1. / (cfg.ema_window * total_iters)),
                        gamma=max(1., cfg.ema_decay * total_iters))
        elif hook.type == 'PipelineSwitchHook':
            hook.switch_epoch = min(epochs - 1, max(1, round(epochs * cfg.strong_fraction)))
    cfg.default_hooks.checkpoint.interval = epochs


def prepared_config(path: str, args: argparse.Namespace, ann_files: Dict[str, str], people: Dict[str, int],
                    work_dir: str, epochs: Optional[int] = None):
    """Config ``path`` pointed at ``args.data_root`` and ``work_dir``, its schedule scaled to ``epochs``
    (default: the config's; 2 with ``--quick``, at toy batch sizes). ``people``: :func:`count_people`
    of each split, for the schedule's iterations per epoch."""
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    data_root = osp.abspath(args.data_root) + os.sep
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = data_root
    for evaluator in ('val_evaluator', 'test_evaluator'):
        cfg[evaluator].ann_file = osp.abspath(ann_files['val'])
    cfg.work_dir = osp.abspath(work_dir)
    cfg.test_evaluator.outfile_prefix = osp.join(cfg.work_dir, 'val')   # -> val.keypoints.json
    if args.quick:
        cfg.train_dataloader.batch_size = 4
        cfg.val_dataloader.batch_size = cfg.test_dataloader.batch_size = 8
        cfg.default_hooks.logger.interval = 1
    epochs = epochs or (2 if args.quick else cfg.train_cfg.max_epochs)
    scale_schedule(cfg, epochs, train_iters_per_epoch(cfg, people['train']))
    return cfg


def build_config(args: argparse.Namespace, ann_files: Dict[str, str], people: Dict[str, int]):
    """The demo config (``args.config``) with the run's overrides (``--epochs``, ``--cfg-options``)."""
    cfg = prepared_config(args.config, args, ann_files, people, args.work_dir,
                          None if args.quick else args.epochs)
    cfg.merge_from_dict(args.cfg_options)
    return cfg


def pretrain_epochs(args: argparse.Namespace, cfg) -> int:
    """Epochs of step 2: ``--pretrain-epochs``, else the config's ``pretrain_epochs`` (1 with
    ``--quick``); 0 without a ``pretrain_config``, with ``--backbone`` or ``--skip-train``."""
    if args.backbone or args.skip_train or not cfg.get('pretrain_config'):
        return 0
    epochs = cfg.get('pretrain_epochs', 0) if args.pretrain_epochs is None else args.pretrain_epochs
    return min(epochs, 1) if args.quick else epochs


def no_pretrain_reason(args: argparse.Namespace) -> str:
    """Why step 2 does not run (for its header)."""
    for flag, given in (('--backbone', args.backbone), ('--skip-train', args.skip_train),
                        ('--pretrain-epochs 0', args.pretrain_epochs == 0)):
        if given:
            return flag
    return 'the config names no pretrain_config'


def pretrain_cache_key(pcfg, ann_files: Dict[str, str]) -> str:
    """What a pre-trained backbone depends on: the pre-training config as run and the train split."""
    digest = hashlib.sha1(pcfg.pretty_text.encode())
    with open(ann_files['train'], 'rb') as f:
        digest.update(f.read())
    return digest.hexdigest()


def pretrain(args: argparse.Namespace, cfg, ann_files: Dict[str, str], people: Dict[str, int],
             epochs: int) -> Dict:
    """Step 2: pre-train the backbone with the config's ``pretrain_config`` for ``epochs`` (validated
    once, at the end) and extract its EMA weights' backbone to ``WORK_DIR/pretrain/backbone.pth``;
    reused when ``backbone.json`` there records the same cache key. Returns that record: backbone
    path, epochs, the heatmap model's val AP, seconds, cached."""
    from rtmpose_ext.apis.backbone_checkpoint import extract_backbone
    work_dir = osp.join(args.work_dir, 'pretrain')
    path = osp.join(osp.dirname(osp.abspath(args.config)), cfg.pretrain_config)
    pcfg = prepared_config(path, args, ann_files, people, work_dir, epochs)
    pcfg.train_cfg.val_interval = epochs
    backbone, record_path = osp.join(work_dir, 'backbone.pth'), osp.join(work_dir, 'backbone.json')
    key = pretrain_cache_key(pcfg, ann_files)
    if osp.isfile(backbone) and osp.isfile(record_path):
        with open(record_path) as f:
            record = json.load(f)
        if record.get('key') == key:
            print(f'  reusing {backbone} (same pre-training config and data)')
            return dict(record, cached=True)
    start = time.perf_counter()
    checkpoint, log_dir = train(pcfg)
    meta = extract_backbone(checkpoint, backbone, weights='ema')
    val = training_records(log_dir)[1]
    record = dict(key=key, backbone=osp.abspath(backbone), config=path, epochs=epochs,
                  heatmap_ap=float(val[-1]['coco/AP']) if val else None,
                  seconds=time.perf_counter() - start, tensors=meta['tensors'], cached=False)
    with open(record_path, 'w') as f:
        json.dump(record, f, indent=2)
    print(f'  {backbone}: {meta["tensors"]} tensors of the EMA weights; heatmap model AP '
          f'{record["heatmap_ap"]}')
    return record


def use_backbone(cfg, backbone: str) -> None:
    """Start the model's backbone from ``backbone`` (a checkpoint with ``backbone.``-prefixed keys)."""
    cfg.model.backbone.init_cfg = dict(type='Pretrained', prefix='backbone.',
                                       checkpoint=osp.abspath(backbone))


# ------------------------------------------------------------------------------------------- runner
def make_runner(cfg, name: str):
    """``Runner.from_cfg(cfg)`` named ``name`` (+ a time stamp; its logger and visualizer too, so that
    runners in one process stay apart) without its start-up dump (environment and the whole config) on
    the console: the runner logs at WARNING while it is built, at INFO afterwards (the config is saved
    in the work dir anyway)."""
    from mmengine.runner import Runner
    cfg = cfg.copy()
    cfg.experiment_name = f'{name}_{time.strftime("%Y%m%d_%H%M%S")}'
    cfg.visualizer.pop('name', None)           # -> the experiment's name
    level = cfg.get('log_level', 'INFO')
    cfg.log_level = 'WARNING'
    runner = Runner.from_cfg(cfg)
    runner.logger.setLevel(level)
    for handler in runner.logger.handlers:
        handler.setLevel(level)
    return runner


def train(cfg) -> Tuple[str, str]:
    """Train; return the last checkpoint's path and the run's log folder (with vis_data/scalars.json)."""
    runner = make_runner(cfg, 'train')
    runner.train()
    checkpoint = last_checkpoint(cfg.work_dir)
    if checkpoint is None:
        raise RuntimeError(f'training finished but left no checkpoint in {cfg.work_dir}')
    return checkpoint, runner.log_dir


def last_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint named in ``work_dir/last_checkpoint`` (mmengine writes it), or None."""
    path = osp.join(work_dir, 'last_checkpoint')
    if not osp.isfile(path):
        return None
    with open(path) as f:
        checkpoint = f.read().strip()
    return checkpoint if osp.isfile(checkpoint) else None


def latest_log_dir(work_dir: str) -> Optional[str]:
    """The newest ``work_dir/<timestamp>/`` that has a training log (vis_data/scalars.json)."""
    runs = sorted(d for d in os.listdir(work_dir)
                  if osp.isfile(osp.join(work_dir, d, 'vis_data', 'scalars.json'))
                  and training_records(osp.join(work_dir, d))[0])
    return osp.join(work_dir, runs[-1]) if runs else None


# ------------------------------------------------------------------------------------------- 4. evaluate
def evaluate(cfg, checkpoint: str) -> Dict[str, float]:
    """COCO keypoint metrics of ``checkpoint`` on the val split (what ``tools/test.py`` does)."""
    cfg = cfg.copy()
    cfg.load_from = checkpoint
    cfg.work_dir = osp.join(cfg.work_dir, 'test')
    return make_runner(cfg, 'test').test()


# ------------------------------------------------------------------------------------------- 5. export
def export_onnx(cfg, checkpoint: str, work_dir: str) -> str:
    """``checkpoint`` -> ``work_dir/end2end.onnx`` with MMDeploy's ``torch2onnx`` and our deploy config
    (its input shape set to the model's input size)."""
    from mmdeploy.apis import torch2onnx
    from mmengine.config import Config
    deploy_cfg = Config.fromfile(DEPLOY_CONFIG)
    w, h = cfg.codec.input_size
    deploy_cfg.onnx_config.input_shape = [w, h]
    image = np.zeros((h, w, 3), np.uint8)
    torch2onnx(image, work_dir, 'end2end.onnx', deploy_cfg, cfg.copy(), model_checkpoint=checkpoint,
               device='cpu')
    path = osp.join(work_dir, 'end2end.onnx')
    if not osp.isfile(path):
        raise RuntimeError(f'torch2onnx wrote no {path}')
    return path


def val_crops(model, cfg, count: int):
    """The first ``count`` people of the val split through the val pipeline and the model's data
    preprocessor: (N, 3, H, W) float32 inputs, normalised as the network sees them."""
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DATASETS, init_default_scope
    init_default_scope(cfg.default_scope)
    dataset = DATASETS.build(cfg.val_dataloader.dataset)
    batch = pseudo_collate([dataset[i] for i in range(min(count, len(dataset)))])
    return model.data_preprocessor(batch, training=False)['inputs']


def compare_onnx(model, cfg, onnx_path: str, threads: Optional[int], count: int = 64) -> Dict:
    """Run the PyTorch ``model`` and ONNX Runtime on ``count`` val crops: largest |logit difference| and
    the mean distance between their decoded keypoints (px of the model's input crop)."""
    import onnxruntime as ort
    import torch
    inputs = val_crops(model, cfg, count)
    with torch.no_grad():
        torch_x, torch_y = (t.numpy() for t in model(inputs, None, mode='tensor'))
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    session = ort.InferenceSession(onnx_path, options, providers=['CPUExecutionProvider'])
    ort_x, ort_y = session.run(None, {session.get_inputs()[0].name: inputs.numpy()})
    decoder = model.head.decoder
    kpt_torch, _ = decoder.decode(torch_x, torch_y)
    kpt_ort, _ = decoder.decode(ort_x, ort_y)
    return dict(crops=int(inputs.shape[0]),
                max_logit_diff=float(max(np.abs(torch_x - ort_x).max(), np.abs(torch_y - ort_y).max())),
                mean_keypoint_diff_px=float(np.linalg.norm(kpt_torch - kpt_ort, axis=-1).mean()))


# ------------------------------------------------------------------------------------------- 6. pictures
def training_records(log_dir: str) -> Tuple[List[dict], List[dict]]:
    """mmengine's ``vis_data/scalars.json``: (training records with 'loss', validation records with
    'coco/AP')."""
    path = osp.join(log_dir, 'vis_data', 'scalars.json')
    with open(path) as f:
        records = [json.loads(line) for line in f if line.strip()]
    return [r for r in records if 'loss' in r], [r for r in records if 'coco/AP' in r]


def plot_curves(log_dir: str, out_path: str, iters_per_epoch: int, switch_epoch: Optional[int] = None,
                final: Optional[Dict[str, float]] = None) -> None:
    """Loss, learning rate (by iteration) and val AP / AR (by epoch) -> a PNG at ``out_path``; a dashed
    line at the stage switch (epoch index ``switch_epoch``), a dotted one at the ``final`` AP."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    train_recs, val_recs = training_records(log_dir)
    iters = [r['iter'] for r in train_recs]
    fig, (ax_loss, ax_lr, ax_ap) = plt.subplots(1, 3, figsize=(13, 3.6), dpi=100)
    ax_loss.plot(iters, [r['loss'] for r in train_recs], color='tab:blue', lw=1.2)
    ax_loss.set(title='training loss (KL, SimCC)', xlabel='iteration', ylabel='loss')
    ax_lr.plot(iters, [r['lr'] for r in train_recs], color='tab:purple', lw=1.2)
    ax_lr.set(title='learning rate (warm-up, flat, cosine)', xlabel='iteration', ylabel='lr')
    if switch_epoch is not None:
        for ax in (ax_loss, ax_lr):
            ax.axvline(switch_epoch * iters_per_epoch, color='grey', ls='--', lw=1)
        ax_loss.text(switch_epoch * iters_per_epoch, ax_loss.get_ylim()[1], ' stage 2', va='top',
                     color='grey', fontsize=8)
    epochs = [r['step'] for r in val_recs]
    for key, label, colour in (('coco/AP', 'AP', 'tab:red'), ('coco/AP .5', 'AP50', 'tab:orange'),
                               ('coco/AR', 'AR', 'tab:green')):
        ax_ap.plot(epochs, [r[key] for r in val_recs], marker='o', color=colour, label=label)
    if final:
        ax_ap.axhline(final['AP'], color='tab:red', ls=':', lw=1)
    ax_ap.axhline(0.6, color='black', ls='--', lw=0.8, label='goal AP 0.60')
    ax_ap.set(title='val (EMA weights, flip test)', xlabel='epoch', ylim=(0, 1))
    ax_ap.legend(loc='lower right', fontsize=8)
    for ax in (ax_loss, ax_lr, ax_ap):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)


def _draw_person(canvas: np.ndarray, kpts: np.ndarray, visible: np.ndarray, colour, scale: float) -> None:
    """Skeleton links and points of one person (keypoints (17, 2) px, visible (17,) bool) on ``canvas``."""
    import cv2
    from rtmpose_ext.datasets.synthetic import SKELETON
    pts = np.round(kpts * scale).astype(int)
    for a, b in SKELETON:
        if visible[a] and visible[b]:
            cv2.line(canvas, tuple(pts[a]), tuple(pts[b]), colour, 2, cv2.LINE_AA)
    for p, v in zip(pts, visible):
        if v:
            cv2.circle(canvas, tuple(p), 3, colour, -1, cv2.LINE_AA)


def draw_predictions(val_ann_file: str, img_dir: str, results_file: str, out_path: str,
                     count: int = 6, columns: int = 3, scale: float = 1.25,
                     score_thr: float = 0.3) -> List[int]:
    """Ground truth (green) and predictions (red, keypoints with score >= ``score_thr``) on the first
    ``count`` val pictures, in a grid -> JPEG at ``out_path``. Returns the image ids drawn."""
    import cv2
    with open(val_ann_file) as f:
        coco = json.load(f)
    with open(results_file) as f:
        results = json.load(f)
    images = sorted(coco['images'], key=lambda im: im['id'])[:count]
    tiles = []
    for im in images:
        img = cv2.imread(osp.join(img_dir, im['file_name']))
        if img is None:
            raise FileNotFoundError(f'cannot read val picture {osp.join(img_dir, im["file_name"])}')
        tile = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
        for ann in (a for a in coco['annotations'] if a['image_id'] == im['id']):
            k = np.asarray(ann['keypoints'], np.float32).reshape(-1, 3)
            _draw_person(tile, k[:, :2], k[:, 2] > 0, (60, 200, 60), scale)
        for res in (r for r in results if r['image_id'] == im['id']):
            k = np.asarray(res['keypoints'], np.float32).reshape(-1, 3)
            _draw_person(tile, k[:, :2], k[:, 2] >= score_thr, (40, 40, 230), scale)
        tiles.append(tile)
    while len(tiles) % columns:
        tiles.append(np.zeros_like(tiles[0]))
    rows = [np.concatenate(tiles[i:i + columns], axis=1) for i in range(0, len(tiles), columns)]
    grid = np.concatenate(rows, axis=0)
    header = np.full((28, grid.shape[1], 3), 255, np.uint8)
    cv2.putText(header, 'green: ground truth   red: RTMPose-t prediction (val split, ground-truth boxes)',
                (8, 19), cv2.FONT_HERSHEY_SIMPLEX, 0.55, (0, 0, 0), 1, cv2.LINE_AA)
    if not cv2.imwrite(out_path, np.concatenate([header, grid], axis=0), [cv2.IMWRITE_JPEG_QUALITY, 85]):
        raise OSError(f'cannot write {out_path}')
    return [im['id'] for im in images]


# ------------------------------------------------------------------------------------------- 7. summary
def summary_rows(summary: Dict) -> List[Tuple[str, str]]:
    m, ort_check, t = summary['metrics'], summary['onnx'], summary['seconds']
    return [
        ('AP (val, GT boxes, flip test)', f'{m["AP"]:.3f}'),
        ('AP50', f'{m["AP50"]:.3f}'),
        ('AP75', f'{m["AP75"]:.3f}'),
        ('AR', f'{m["AR"]:.3f}'),
        ('model', summary['model']),
        ('data', summary['data']),
        ('pre-training time', f'{t.get("pretrain", 0) / 60:.1f} min'
         + (' (cached)' if (summary.get('pretrain') or {}).get('cached') else '')),
        ('train time', f'{t["train"] / 60:.1f} min' + ('' if summary['train_crops_per_s'] is None else
                                                        f' ({summary["train_crops_per_s"]:.0f} crops/s)')),
        ('total time', f'{t["total"] / 60:.1f} min'),
        ('ONNX Runtime vs PyTorch', f'max abs logit diff {ort_check["max_logit_diff"]:.2e}, mean keypoint '
                                    f'diff {ort_check["mean_keypoint_diff_px"]:.4f} px '
                                    f'({ort_check["crops"]} crops)'),
        ('CPU', f'{summary["cpu"]}; load average at the end {summary["load_average_end"]}'),
    ]


def backbone_text(pre: Optional[Dict]) -> str:
    """The summary's words for where the backbone came from (``pre``: :func:`pretrain`'s record)."""
    if pre is None:
        return 'from the given backbone'
    ap = '' if pre['heatmap_ap'] is None else f', heatmap model AP {pre["heatmap_ap"]:.3f}'
    return f'backbone pre-trained with UDP heatmaps for {pre["epochs"]} epochs{ap}'


def write_summary(summary: Dict, out_dir: str) -> str:
    """Print the summary as a Markdown table and write ``summary.md`` and ``summary.json``."""
    rows = summary_rows(summary)
    width = max(len(k) for k, _ in rows)
    table = '\n'.join([f'| {"item":<{width}} | value |', f'|{"-" * (width + 2)}|-------|'] +
                      [f'| {k:<{width}} | {v} |' for k, v in rows])
    print(table, flush=True)
    with open(osp.join(out_dir, 'summary.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(out_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=2)
    return table


# ------------------------------------------------------------------------------------------- main
def step_train(args: argparse.Namespace, cfg) -> Tuple[str, str]:
    """Train (or, with ``--skip-train``, find the earlier run); the checkpoint and the log folder."""
    if not args.skip_train:
        return train(cfg)
    checkpoint, log_dir = last_checkpoint(cfg.work_dir), latest_log_dir(cfg.work_dir)
    if checkpoint is None or log_dir is None:
        raise FileNotFoundError(f'--skip-train: no checkpoint and training log of an earlier run in '
                                f'{cfg.work_dir}; run without --skip-train first')
    print(f'--skip-train: using {checkpoint}')
    return checkpoint, log_dir


def step_export(args: argparse.Namespace, cfg, checkpoint: str) -> Tuple[Dict, int]:
    """ONNX export and the ONNX Runtime vs PyTorch check; (the check's numbers, parameter count)."""
    from mmpose.apis import init_model
    onnx_path = export_onnx(cfg, checkpoint, cfg.work_dir)
    model = init_model(cfg.copy(), checkpoint, device='cpu')
    check = compare_onnx(model, cfg, onnx_path, args.threads, count=8 if args.quick else 64)
    print(f'  {onnx_path}: max abs logit diff {check["max_logit_diff"]:.2e}, mean keypoint diff '
          f'{check["mean_keypoint_diff_px"]:.4f} px on {check["crops"]} val crops')
    return dict(check, path=onnx_path), sum(p.numel() for p in model.parameters())


def step_pictures(args: argparse.Namespace, cfg, ann_files: Dict[str, str], people: Dict[str, int],
                  log_dir: str, metrics: Dict[str, float]) -> Tuple[str, str]:
    """predictions.jpg and curves.png in ``--out-dir``; their paths."""
    predictions = osp.join(args.out_dir, 'predictions.jpg')
    curves = osp.join(args.out_dir, 'curves.png')
    draw_predictions(ann_files['val'], osp.join(args.data_root, 'images', 'val'),
                     cfg.test_evaluator.outfile_prefix + '.keypoints.json', predictions)
    switch = next((hook.switch_epoch for hook in cfg.custom_hooks if hook.type == 'PipelineSwitchHook'), None)
    plot_curves(log_dir, curves, train_iters_per_epoch(cfg, people['train']), switch, metrics)
    print(f'  {predictions}\n  {curves}')
    return predictions, curves


def main(argv: Optional[Sequence[str]] = None) -> Dict:
    args = parse_args(argv)
    progress = Progress()
    warnings.filterwarnings('ignore', category=FutureWarning)   # mmdet's torch.cuda.amp notices
    import torch
    import rtmpose_ext  # noqa: F401  (registers our classes, applies the torch 2.13 fixes)
    from mmpose.utils import register_all_modules
    # mmpose's classes (PoseLocalVisualizer, CocoDataset, ...) are found from our child registries only
    # once mmpose's modules are imported; this imports them without changing the default scope
    register_all_modules(init_default_scope=False)
    if args.threads:
        torch.set_num_threads(args.threads)
    os.makedirs(args.out_dir, exist_ok=True)
    os.makedirs(args.work_dir, exist_ok=True)

    progress.step(1, 'data', f'data: synthetic people ({args.difficulty}) in {args.data_root}')
    ann_files = make_data(args.data_root, args.quick, args.difficulty)
    people = {split: count_people(path) for split, path in ann_files.items()}
    cfg = build_config(args, ann_files, people)
    w, h = cfg.codec.input_size
    epochs, batch = cfg.train_cfg.max_epochs, cfg.train_dataloader.batch_size

    p_epochs = pretrain_epochs(args, cfg)
    progress.step(2, 'pretrain', f'pre-train the backbone with UDP heatmaps: {p_epochs} epochs'
                  if p_epochs else f'pre-train: none ({no_pretrain_reason(args)})')
    pre = pretrain(args, cfg, ann_files, people, p_epochs) if p_epochs else None
    backbone = args.backbone or (pre and pre['backbone'])
    if backbone:
        use_backbone(cfg, backbone)

    start = f'from {backbone}' if backbone else 'from scratch'
    progress.step(3, 'train', f'train RTMPose-t {start}: {epochs} epochs, batch {batch}, input {w}x{h}, '
                  f'{torch.get_num_threads()} threads  -> {args.work_dir}')
    checkpoint, log_dir = step_train(args, cfg)

    progress.step(4, 'evaluate', 'evaluate on the val split (COCO keypoint metric, ground-truth boxes, '
                  'flip test)')
    raw = evaluate(cfg, checkpoint)
    metrics = {name: float(raw[key]) for name, key in METRIC_KEYS}
    print('  ' + '  '.join(f'{k} {v:.3f}' for k, v in metrics.items()))

    progress.step(5, 'export', 'export to ONNX (MMDeploy torch2onnx, our deploy config) and compare '
                  'ONNX Runtime with PyTorch')
    onnx_check, num_params = step_export(args, cfg, checkpoint)

    progress.step(6, 'pictures', f'pictures -> {args.out_dir}')
    predictions, curves = step_pictures(args, cfg, ann_files, people, log_dir, metrics)

    progress.step(7, 'summary', 'summary')
    progress.done()
    sizes = split_sizes(args.quick)
    train_s = progress.seconds['train']
    summary = dict(
        metrics=metrics,
        model=f'RTMPose-t ({num_params / 1e6:.2f} M params), input {w}x{h}, {epochs} epochs, batch {batch}, '
              + (backbone_text(pre) if backbone else 'from scratch'),
        pretrain=pre, backbone=backbone,
        data=f'synthetic {args.difficulty}: {sizes["train"]} train / {sizes["val"]} val pictures '
             f'({people["train"]} / {people["val"]} people)',
        onnx=onnx_check,
        seconds=dict(progress.seconds, total=progress.total()),
        train_crops_per_s=None if args.skip_train else epochs * people['train'] / train_s,
        cpu=f'{os.cpu_count()} cores, {torch.get_num_threads()} torch threads',
        load_average_end=load_average(),
        checkpoint=checkpoint, predictions=predictions, curves=curves, quick=args.quick)
    write_summary(summary, args.out_dir)
    return summary


if __name__ == '__main__':
    main()
