#!/usr/bin/env python
"""Per-frame keypoint AP and jitter of PoseTracker over a grid of One-Euro parameters, on annotated clips.

The detector and the pose model run once per frame of each clip (at ``--det-interval``, no smoothing); the
tracker's raw keypoints are then smoothed offline per track for each (beta, fc_min, fc_d), which gives
exactly what the tracker would give with those ``smooth_params`` (smoothing does not feed back into the
tracking: boxes come from the raw keypoints).

Usage: python tools/sweep_smoothing.py --det DET_DIR --pose POSE_DIR [--clips data/synthetic_video]
           [--det-interval 5] [--det-thr 0.5] [--grid 0.02,2,1 0.05,1,1 ...]
"""
import argparse

import rtmpose_ext  # noqa: F401
import numpy as np

from rtmpose_ext.apis.clip_runner import run_clip, tracker_step
from rtmpose_ext.deploy.runtime import (OneEuroFilter, PersonDetector, PoseEstimator, PoseTracker,
                                        pipeline_engine_options)
from rtmpose_ext.evaluation import tracking_report

from benchmark_pipeline import load_clips

GRID = ['0.007,30,30', '0.02,2,1', '0.05,2,1', '0.01,1,1', '0.05,1,1', '0.1,1,1', '0.02,4,1', '0.05,4,1']


def smoothed(predictions, params, fps):
    """The predictions with each track's keypoints through a One-Euro filter of ``params``."""
    beta, fc_min, fc_d = params
    filters, out = {}, []
    for i, p in enumerate(predictions):
        keypoints = []
        for track_id, kpts in zip(p['track_ids'], p['keypoints']):
            f = filters.setdefault(int(track_id), OneEuroFilter(min_cutoff=fc_min, beta=beta, d_cutoff=fc_d))
            keypoints.append(f(kpts, i / fps))
        out.append(dict(p, keypoints=np.asarray(keypoints, np.float32).reshape(-1, 17, 2)))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--det', required=True)
    p.add_argument('--pose', required=True)
    p.add_argument('--clips', default='data/synthetic_video')
    p.add_argument('--det-interval', type=int, default=5)
    p.add_argument('--det-thr', type=float, default=0.5)
    p.add_argument('--grid', nargs='+', default=GRID, help='beta,fc_min,fc_d triples')
    args = p.parse_args(argv)
    tracker = PoseTracker(PersonDetector(args.det, **pipeline_engine_options()),
                          PoseEstimator(args.pose, **pipeline_engine_options()),
                          det_interval=args.det_interval,
                          det_thr=args.det_thr,
                          smooth_params=None)
    raw = []
    for truth, frames, fps in load_clips(args.clips):
        tracker.reset()
        raw.append((truth, run_clip(tracker_step(tracker), frames, fps)[0], fps))
    rows = [('off', tracking_report([(t, r) for t, r, _ in raw]))]
    for text in args.grid:
        params = tuple(float(v) for v in text.split(','))
        rows.append((text, tracking_report([(t, smoothed(r, params, fps)) for t, r, fps in raw])))
    print(f'detection interval {args.det_interval}; jitter = mean |a_pred - a_gt| px/frame^2')
    print('| smooth_params (beta, fc_min Hz, fc_d Hz) | AP | AP50 | jitter |')
    print('|---|---:|---:|---:|')
    for name, r in rows:
        print(f'| {name} | {r["AP"]:.3f} | {r["AP50"]:.3f} | {r["jitter"]:.2f} |')


if __name__ == '__main__':
    main()
