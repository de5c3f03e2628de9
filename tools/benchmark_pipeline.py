#!/usr/bin/env python
"""The whole multi-person pipeline, side by side on the same clips, models and detection interval:

- ``ours``: :class:`rtmpose_ext.deploy.runtime.PoseTracker` with ``PersonDetector`` and ``PoseEstimator``
  on the exported ONNX Runtime models (one batched pose call a frame, OKS NMS, Hungarian ids, One-Euro,
  early re-detection);
- ``rtmlib``: rtmlib's ``PoseTracker`` (PyPI's rtmlib) with ``Custom(det_class='RTMDet', pose_class=
  'RTMPose')`` given the same ONNX files through its model-path arguments (``det=``, ``pose=``), its
  detection score threshold set to ours (``det_thr``), ``det_frequency`` = the detection interval;
- ``pytorch``: mmdet's ``inference_detector`` and mmpose's ``inference_topdown`` on the PyTorch
  checkpoints, detecting every K-th frame and taking the boxes of the last keypoints in between (no ids:
  its id switches are not counted).

Each method runs every clip from its first frame, alternating method by method for ``--rounds`` rounds
(load on the machine falls on all alike); frames/s = frames / median seconds of a round (decoding not
included). Accuracy from one run: per-frame keypoint AP (COCO) on the clips' ground truth, jitter (mean
|a_pred - a_gt| of keypoint accelerations, px / frame^2) and id switches.

Usage: python tools/benchmark_pipeline.py --det DET_DIR --pose POSE_DIR --det-config CFG --det-checkpoint CKPT
           --pose-config CFG --pose-checkpoint CKPT [--clips data/synthetic_video] [--det-interval 5]
           [--rounds 3] [--threads N] [--methods ours rtmlib pytorch]
(``python -m rtmpose_ext.demo_video`` writes such model directories and checkpoints.)
"""
import argparse
import contextlib
import glob
import io
import json
import os
import os.path as osp
import statistics
import sys
from functools import partial

import rtmpose_ext  # noqa: F401  (our classes, the torch 2.13 fixes)
import numpy as np

from rtmpose_ext.apis.clip_runner import read_clip, run_clip, tracker_step
from rtmpose_ext.deploy.runtime import PoseTracker, boxes_from_keypoints, pipeline_engine_options
from rtmpose_ext.deploy.runtime.boxes import clip_boxes
from rtmpose_ext.evaluation import ClipTruth, tracking_report

from bench_common import check_positive


def ours(args):
    from rtmpose_ext.deploy.runtime import PersonDetector, PoseEstimator
    options = pipeline_engine_options(args.threads)
    tracker = PoseTracker(PersonDetector(args.det, **options),
                          PoseEstimator(args.pose, **options),
                          det_interval=args.det_interval,
                          det_thr=args.det_thr)
    step = tracker_step(tracker)
    return tracker.reset, step


def rtmlib_tracker(args):
    from rtmlib import Custom
    from rtmlib import PoseTracker as RtmlibTracker
    from rtmpose_ext.deploy.runtime import DetectorInfo, ModelInfo
    pose, det = ModelInfo.from_work_dir(args.pose), DetectorInfo.from_work_dir(args.det)
    # (w, h) of mmdet's test resize
    det_size = next(t['size'] for t in det.transforms if t['type'] == 'Resize')
    custom = partial(Custom,
                     det_class='RTMDet',
                     det=det.net,
                     det_input_size=(det_size[1], det_size[0]),
                     pose_class='RTMPose',
                     pose=pose.net,
                     pose_input_size=pose.input_size)
    with contextlib.redirect_stdout(io.StringIO()):
        tracker = RtmlibTracker(custom, det_frequency=args.det_interval, backend='onnxruntime', device='cpu')
    tracker.det_model.score_thr = args.det_thr

    def step(frame, t):
        keypoints, scores = tracker(frame)
        keypoints = np.asarray(keypoints, np.float32).reshape(-1, 17, 2)
        return dict(track_ids=np.asarray(tracker.track_ids_last_frame[:len(keypoints)]),
                    keypoints=keypoints,
                    scores=np.asarray(scores, np.float32).reshape(-1, 17))

    return tracker.reset, step


def pytorch_path(args):
    from mmdet.apis import inference_detector, init_detector
    from mmengine.registry import DefaultScope
    from mmpose.apis import inference_topdown, init_model
    from mmpose.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    detector = init_detector(args.det_config, args.det_checkpoint, device='cpu')
    pose = init_model(args.pose_config,
                      args.pose_checkpoint,
                      device='cpu',
                      cfg_options={'model.test_cfg.flip_test': False})
    # each model builds its test pipeline in its own registry scope
    det_scope, pose_scope = detector.cfg.get('default_scope',
                                             'mmdet'), pose.cfg.get('default_scope', 'mmpose')
    state = dict(frame=0, boxes=np.zeros((0, 4), np.float32))

    def step(frame, t):
        if state['frame'] % args.det_interval == 0 or not len(state['boxes']):
            with DefaultScope.overwrite_default_scope(det_scope):
                inst = inference_detector(detector, frame).pred_instances
            state['boxes'] = inst.bboxes[inst.scores >= args.det_thr].numpy()
        state['frame'] += 1
        if not len(state['boxes']):
            return dict(track_ids=np.zeros(0, np.int64),
                        keypoints=np.zeros((0, 17, 2)),
                        scores=np.zeros((0, 17)))
        with DefaultScope.overwrite_default_scope(pose_scope):
            samples = inference_topdown(pose, frame, state['boxes'], bbox_format='xyxy')
        keypoints = np.stack([s.pred_instances.keypoints[0] for s in samples]).astype(np.float32)
        scores = np.stack([s.pred_instances.keypoint_scores[0] for s in samples]).astype(np.float32)
        boxes, valid = boxes_from_keypoints(keypoints, scores, 0.5, 9, 1.25)
        state['boxes'] = clip_boxes(boxes[valid], frame.shape)
        return dict(track_ids=np.arange(len(keypoints)), keypoints=keypoints, scores=scores)

    def reset():
        state.update(frame=0, boxes=np.zeros((0, 4), np.float32))

    return reset, step


METHODS = dict(ours=ours, rtmlib=rtmlib_tracker, pytorch=pytorch_path)


def load_clips(folder: str):
    clips = []
    for ann in sorted(glob.glob(osp.join(folder, 'annotations', 'clip_*.json'))):
        name = osp.splitext(osp.basename(ann))[0]
        clips.append((ClipTruth.load(ann), *read_clip(osp.join(folder, 'videos', f'{name}.mp4'))))
    if not clips:
        raise FileNotFoundError(f'no clips in {folder} (python -m rtmpose_ext.datasets.synthetic.video)')
    return clips


def run_method(reset, step, clips):
    """(seconds, predictions per clip) of one pass over the clips."""
    seconds, runs = 0., []
    for truth, frames, fps in clips:
        reset()
        predictions, spent = run_clip(step, frames, fps)
        seconds += spent
        runs.append((truth, predictions))
    return seconds, runs


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--det', required=True, help='exported detector directory (ONNX Runtime)')
    p.add_argument('--pose', required=True, help='exported pose model directory (ONNX Runtime)')
    p.add_argument('--det-config', help='detector config (the PyTorch path)')
    p.add_argument('--det-checkpoint', help='detector checkpoint (the PyTorch path)')
    p.add_argument('--pose-config', help='pose model config (the PyTorch path)')
    p.add_argument('--pose-checkpoint', help='pose checkpoint (the PyTorch path)')
    p.add_argument('--clips', default=osp.join('data', 'synthetic_video'), help='folder of synthetic clips')
    p.add_argument('--det-interval', type=int, default=5, help='detection interval K (default 5)')
    p.add_argument('--det-thr', type=float, default=0.5, help='least detection score, for every method (0.5)')
    p.add_argument('--rounds', type=int, default=3, help='timed rounds per method (default 3)')
    p.add_argument('--threads', type=int, default=None, help='threads per ONNX Runtime model (ours)')
    p.add_argument('--methods', nargs='+', default=list(METHODS), choices=list(METHODS))
    p.add_argument('--out', default=None, help='also write the results as JSON')
    args = p.parse_args(argv)
    check_positive(p, args, ['det_interval', 'rounds'])
    if 'pytorch' in args.methods and not all(
        (args.det_config, args.det_checkpoint, args.pose_config, args.pose_checkpoint)):
        p.error(
            'the pytorch method needs --det-config, --det-checkpoint, --pose-config and --pose-checkpoint')
    clips = load_clips(args.clips)
    frames = sum(len(f) for _, f, _ in clips)
    methods = {name: METHODS[name](args) for name in args.methods}
    times = {name: [] for name in methods}
    results = {}
    for r in range(args.rounds + 1):  # round 0: warm-up, and the accuracy run
        for name, (reset, step) in methods.items():
            seconds, runs = run_method(reset, step, clips)
            if r == 0:
                results[name] = tracking_report(runs, with_ids=name != 'pytorch')
            else:
                times[name].append(seconds)
    load = ' '.join(f'{v:.2f}' for v in os.getloadavg())
    print(
        f'{len(clips)} clips, {frames} frames, detection interval {args.det_interval}, {args.rounds} rounds; '
        f'{os.cpu_count()} cores, load average {load}')
    print('| method | frames/s | ours / it (speed) | AP | AP50 | jitter (px/frame²) | id switches |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    fps = {name: frames / statistics.median(t) for name, t in times.items()}
    for name in methods:
        res, ratio = results[name], fps.get('ours', float('nan')) / fps[name]
        ids = '-' if res['id_switches'] is None else res['id_switches']
        print(f'| {name} | {fps[name]:.1f} | {ratio:.2f}x | {res["AP"]:.3f} | {res["AP50"]:.3f} | '
              f'{res["jitter"]:.2f} | {ids} |')
    print(f'(ground truth\'s own acceleration: {results[name]["gt_acceleration"]:.2f} px/frame²)')
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(dict(fps=fps,
                           results=results,
                           frames=frames,
                           det_interval=args.det_interval,
                           load_average=load),
                      f,
                      indent=2)
    return fps, results


if __name__ == '__main__':
    sys.exit(main() and 0)
