"""``make demo-video``: the real-time multi-person pipeline on synthetic clips, with its figures.

    python -m rtmpose_ext.demo_video [--work-dir work_dirs/demo_video] [--out-dir outputs/demo_video]
                                     [--pose-work-dir work_dirs/demo] [--det-checkpoint CKPT]
                                     [--pose-checkpoint CKPT] [--intervals 1 5 10] [--threads N]

Six steps, each announced as ``[i/6]``:

1. data: the still pictures of the easy split (for the detector; the ones ``make demo`` trains on) and
   the synthetic clips (:mod:`rtmpose_ext.datasets.synthetic.video`: 3 clips of 100 frames at 25 frames/s,
   people walking, crossing, entering, leaving, waving and turning); made once, then cached.
2. detector: RTMDet-nano person detector trained on the stills (``configs/rtmdet/`` synthetic config), once;
   a checkpoint in ``--work-dir/detector`` is reused.
3. pose model: the checkpoint of ``make demo`` (``--pose-work-dir``); if there is none, ``make demo`` runs
   first (about 10 minutes on 2 cores).
4. convert: both models to ONNX Runtime (``python -m rtmpose_ext.deploy``'s conversion).
5. track: :class:`~rtmpose_ext.deploy.runtime.PoseTracker` on every clip at each detection interval, with
   and without One-Euro smoothing; per-frame keypoint AP on the detector's boxes, frames/s, jitter and id
   switches against the clips' ground truth.
6. outputs: an annotated mp4 and a short GIF of the first clip (``--out-dir``), and the summary table
   (also ``summary.md`` and ``summary.json``).
"""
import argparse
import json
import os
import os.path as osp
import sys
from typing import Dict, List, Optional, Sequence

import numpy as np

from .demo import REPO_ROOT, Progress, last_checkpoint, load_average, make_runner

NUM_STEPS = 6
DET_CONFIG = osp.join(REPO_ROOT, 'configs', 'rtmdet', 'rtmdet_nano_128-1xb16_synthetic-person.py')
DET_DEPLOY_CONFIG = osp.join(REPO_ROOT, 'configs', 'deploy', 'detection_onnxruntime_static.py')
# the network of make demo's model (the pre-trained default and the from-scratch config share it)
POSE_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'rtmpose-t_synthetic.py')
POSE_DEPLOY_CONFIG = osp.join(REPO_ROOT, 'configs', 'deploy', 'pose-detection_simcc_onnxruntime_dynamic.py')
STILLS_ROOT = osp.join('data', 'synthetic_easy')
CLIPS_ROOT = osp.join('data', 'synthetic_video')
CLIPS = dict(num_clips=3, num_frames=100, fps=25.)
# the CPU-scaled synthetic detector scores half the people of the clips below 0.51 (its best box of each
# person: 10 % below 0.22, 25 % below 0.40): MMDeploy's det_thr 0.5 would miss about half of them
DET_THR = 0.25
GIF_FRAMES = (0, 90, 3)  # first, stop, step: 30 frames of the first clip at a third of the frame rate


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog='python -m rtmpose_ext.demo_video',
                                description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--work-dir',
                   default=osp.join('work_dirs', 'demo_video'),
                   help='detector training and converted models (default: work_dirs/demo_video)')
    p.add_argument('--out-dir',
                   default=osp.join('outputs', 'demo_video'),
                   help='video, GIF and summary (default: outputs/demo_video)')
    p.add_argument('--pose-work-dir',
                   default=osp.join('work_dirs', 'demo'),
                   help="make demo's work dir, whose checkpoint is used (default: work_dirs/demo)")
    p.add_argument('--pose-checkpoint', default=None, help='use this pose checkpoint instead')
    p.add_argument('--det-checkpoint', default=None, help='use this detector checkpoint instead of training')
    p.add_argument('--det-config', default=DET_CONFIG, help='detector config (default: the synthetic one)')
    p.add_argument('--det-deploy-config', default=DET_DEPLOY_CONFIG, help='detector deploy config')
    p.add_argument('--intervals', type=int, nargs='+', default=[1, 5, 10], help='detection intervals')
    p.add_argument('--det-thr',
                   type=float,
                   default=DET_THR,
                   help=f'least detection score (default {DET_THR}: the CPU-scaled detector scores people '
                   'lower than a fully trained one)')
    p.add_argument('--threads', type=int, default=None, help='threads per model (default: all cores)')
    args = p.parse_args(argv)
    if min(args.intervals) < 1:
        p.error(f'--intervals: expected integers >= 1, got {args.intervals}')
    return args


# ------------------------------------------------------------------------------------------- steps
def make_data() -> List[str]:
    """The easy stills (the detector's training data) and the clips; the clips' annotation files."""
    from .demo import make_data as make_stills
    from .datasets.synthetic.video import generate_clips
    make_stills(STILLS_ROOT, quick=False, difficulty='easy')
    return generate_clips(CLIPS_ROOT,
                          CLIPS['num_clips'],
                          CLIPS['num_frames'],
                          CLIPS['fps'],
                          seed=0,
                          progress=sys.stdout)


def detector_config(args):
    from mmengine.config import Config
    cfg = Config.fromfile(args.det_config)
    root = osp.abspath(STILLS_ROOT) + os.sep
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[loader].dataset.data_root = root
    for evaluator in ('val_evaluator', 'test_evaluator'):
        cfg[evaluator].ann_file = osp.join(root, 'annotations', 'person_keypoints_val.json')
    cfg.work_dir = osp.abspath(osp.join(args.work_dir, 'detector'))
    return cfg


def train_detector(args, cfg) -> str:
    """The detector checkpoint: ``--det-checkpoint``, an earlier run's, or a new training run's."""
    if args.det_checkpoint:
        return args.det_checkpoint
    checkpoint = last_checkpoint(cfg.work_dir)
    if checkpoint is not None:
        print(f'  reusing {checkpoint} (delete {cfg.work_dir} to train again)')
        return checkpoint
    make_runner(cfg, 'detector').train()
    checkpoint = last_checkpoint(cfg.work_dir)
    if checkpoint is None:
        raise RuntimeError(f'the detector training left no checkpoint in {cfg.work_dir}')
    return checkpoint


def pose_checkpoint(args) -> str:
    """``--pose-checkpoint``, make demo's checkpoint, or make demo's run now."""
    if args.pose_checkpoint:
        return args.pose_checkpoint
    checkpoint = last_checkpoint(args.pose_work_dir)
    if checkpoint is None:
        print(
            f'  no checkpoint in {args.pose_work_dir}: running make demo first (python -m rtmpose_ext.demo)')
        from . import demo
        demo.main(['--work-dir', args.pose_work_dir])
        checkpoint = last_checkpoint(args.pose_work_dir)
    if checkpoint is None:
        raise RuntimeError(f'make demo left no checkpoint in {args.pose_work_dir}')
    return checkpoint


def convert_models(args, det_cfg, det_ckpt: str, pose_ckpt: str, image: str) -> Dict[str, str]:
    """Both models converted to ONNX Runtime; their model directories."""
    from mmengine.config import Config
    from .deploy.convert import convert
    pose_cfg = Config.fromfile(POSE_CONFIG)
    w, h = pose_cfg.codec.input_size
    dirs = dict(det=osp.join(args.work_dir, 'detector_ort'), pose=osp.join(args.work_dir, 'pose_ort'))
    log = lambda line: print('  ' + line)  # noqa: E731
    convert(args.det_deploy_config, det_cfg, det_ckpt, image, dirs['det'], log=log)
    convert(POSE_DEPLOY_CONFIG,
            pose_cfg,
            pose_ckpt,
            image,
            dirs['pose'],
            deploy_options={'onnx_config.input_shape': [w, h]},
            log=log)
    return dirs


def track_all(args, dirs: Dict[str, str], ann_files: List[str]) -> List[dict]:
    """Every (interval, smoothing) setting over every clip; one row of measures each."""
    from .apis.clip_runner import read_clip, run_clip, tracker_step
    from .datasets.synthetic.video import clip_paths
    from .deploy.runtime import PersonDetector, PoseEstimator, PoseTracker, pipeline_engine_options
    from .evaluation import ClipTruth, tracking_report
    options = pipeline_engine_options(args.threads)
    detector, estimator = PersonDetector(dirs['det'], **options), PoseEstimator(dirs['pose'], **options)
    clips = []
    for ann in ann_files:
        name = osp.splitext(osp.basename(ann))[0]
        clips.append((ClipTruth.load(ann), *read_clip(clip_paths(CLIPS_ROOT, name)['video'])))
    rows = []
    for interval in args.intervals:
        for smooth in (True, False):
            tracker = PoseTracker(detector,
                                  estimator,
                                  det_interval=interval,
                                  det_thr=args.det_thr,
                                  **({} if smooth else dict(smooth_params=None)))
            runs, seconds, frames, detections = [], 0., 0, 0
            for truth, video, fps in clips:
                tracker.reset()
                predictions, spent = run_clip(tracker_step(tracker), video, fps)
                runs.append((truth, predictions))
                seconds, frames = seconds + spent, frames + len(video)
                detections += sum(p['detected'] for p in predictions)
            row = dict(det_interval=interval,
                       smooth=smooth,
                       frames=frames,
                       fps=frames / seconds,
                       detections_per_frame=detections / frames,
                       **tracking_report(runs))
            rows.append(row)
            print(
                f'  interval {interval}, smoothing {"on " if smooth else "off"}: AP {row["AP"]:.3f}, '
                f'{row["fps"]:.1f} frames/s, jitter {row["jitter"]:.2f} px/frame^2, '
                f'id switches {row["id_switches"]}  (load average {load_average()})',
                flush=True)
    return rows


def write_media(args, dirs: Dict[str, str], ann_file: str) -> Dict[str, str]:
    """The first clip annotated at detection interval 5 (or the middle one given): mp4 and GIF."""
    from .apis import infer
    from .datasets.synthetic.video import clip_paths
    name = osp.splitext(osp.basename(ann_file))[0]
    interval = 5 if 5 in args.intervals else args.intervals[len(args.intervals) // 2]
    video = osp.join(args.out_dir, 'tracking.mp4')
    code = infer.main([
        clip_paths(CLIPS_ROOT, name)['video'], '--det', dirs['det'], '--pose', dirs['pose'], '--out', video,
        '--det-interval',
        str(interval), '--det-thr',
        str(args.det_thr)
    ])
    if code != 0:
        raise RuntimeError(f'the inference command failed on {name} (exit status {code})')
    gif = osp.join(args.out_dir, 'tracking.gif')
    write_gif(video, gif, *GIF_FRAMES, fps=CLIPS['fps'])
    return dict(video=video, gif=gif, interval=interval)


def write_gif(video: str, gif: str, first: int, stop: int, step: int, fps: float) -> None:
    """Frames ``first:stop:step`` of ``video`` as a looping GIF at the same speed (Pillow; one 96-colour
    palette from the middle frame, no dithering: ~0.5 MB for 30 frames of 320x256)."""
    from PIL import Image
    from .apis.clip_runner import read_clip
    frames, _ = read_clip(video)
    images = [Image.fromarray(np.ascontiguousarray(f[..., ::-1])) for f in frames[first:stop:step]]
    palette = images[len(images) // 2].quantize(colors=96, method=Image.Quantize.MEDIANCUT)
    images = [im.quantize(palette=palette, dither=Image.Dither.NONE) for im in images]
    images[0].save(gif,
                   save_all=True,
                   append_images=images[1:],
                   loop=0,
                   duration=int(1000 * step / fps),
                   optimize=True)


# ------------------------------------------------------------------------------------------- summary
def summary_table(rows: List[dict]) -> str:
    head = ('| det interval | One-Euro | AP | AP50 | frames/s | detections/frame | jitter (px/frame²) | '
            'id switches |')
    lines = [head, '|---:|---|---:|---:|---:|---:|---:|---:|']
    for r in rows:
        lines.append(f'| {r["det_interval"]} | {"on" if r["smooth"] else "off"} | {r["AP"]:.3f} | '
                     f'{r["AP50"]:.3f} | {r["fps"]:.1f} | {r["detections_per_frame"]:.2f} | '
                     f'{r["jitter"]:.2f} | {r["id_switches"]} |')
    return '\n'.join(lines)


def write_summary(out_dir: str, rows: List[dict], extra: dict) -> str:
    table = summary_table(rows)
    gt_acc = rows[0]['gt_acceleration'] if rows else float('nan')
    notes = (
        f'\nper-frame keypoint AP on the detector\'s boxes over {rows[0]["frames"]} frames; jitter = mean '
        f'|a_pred - a_gt| of keypoint accelerations (the ground truth\'s own: {gt_acc:.2f} px/frame²); '
        f'{extra["cpu"]}, load average at the end {load_average()}')
    print(table + notes, flush=True)
    with open(osp.join(out_dir, 'summary.md'), 'w') as f:
        f.write(table + '\n' + notes + '\n')
    with open(osp.join(out_dir, 'summary.json'), 'w') as f:
        json.dump(dict(extra, rows=rows), f, indent=2)
    return table


def main(argv: Optional[Sequence[str]] = None) -> dict:
    args = parse_args(argv)
    progress = Progress()
    import rtmpose_ext  # noqa: F401  (our classes, the torch 2.13 fixes)
    os.makedirs(args.out_dir, exist_ok=True)
    os.makedirs(args.work_dir, exist_ok=True)

    progress.step(1, 'data', f'data: easy stills in {STILLS_ROOT}, clips in {CLIPS_ROOT}')
    ann_files = make_data()
    progress.step(2, 'detector', f'person detector: {osp.basename(args.det_config)}')
    det_cfg = detector_config(args)
    det_ckpt = train_detector(args, det_cfg)
    progress.step(3, 'pose', f'pose model: make demo\'s ({args.pose_work_dir})')
    pose_ckpt = pose_checkpoint(args)
    progress.step(4, 'convert', 'convert both to ONNX Runtime')
    image = osp.join(STILLS_ROOT, 'images', 'val', '000000.jpg')
    dirs = convert_models(args, det_cfg, det_ckpt, pose_ckpt, image)
    progress.step(5, 'track', f'track the clips at detection intervals {args.intervals}')
    rows = track_all(args, dirs, ann_files)
    progress.step(6, 'outputs', f'annotated video, GIF and summary -> {args.out_dir}')
    media = write_media(args, dirs, ann_files[0])
    progress.done()
    extra = dict(seconds=dict(progress.seconds, total=progress.total()),
                 media=media,
                 models=dirs,
                 det_checkpoint=det_ckpt,
                 pose_checkpoint=pose_ckpt,
                 cpu=f'{os.cpu_count()} cores')
    write_summary(args.out_dir, rows, extra)
    print(f'total {progress.total() / 60:.1f} min')
    return dict(extra, rows=rows)


if __name__ == '__main__':
    main()
