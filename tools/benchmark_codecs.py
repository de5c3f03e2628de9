#!/usr/bin/env python
"""Time rtmpose_ext's SimCCLabel / UDPHeatmap against mmpose 1.3.2's, side by side, on equal results.

Workload: 64 instances x 17 keypoints at input 256x192 (w=192, h=256).
  * SimCCLabel: split ratio 2.0, sigma (4.9, 5.66), normalize=False (RTMPose's COCO config); encode all
    instances in one call; decode model-like vectors (Gaussian + noise) of all instances in one call.
  * UDPHeatmap: heatmaps 64x48, sigma 2. mmpose's UDPHeatmap encodes and decodes one instance per call,
    as a data pipeline / head does, so both sides make 64 calls; an extra row times our batched decode
    of (64, 17, 64, 48) in one call. Ours is built with decode_unit='mmpose' so both decode to the same
    numbers.

Before timing, every operation's outputs are checked to agree (arrays within 1e-6, keypoints within
1e-4 px); a mismatch raises AssertionError. Each operation is run ``--repeats`` times, ours and mmpose's
alternating, after warm-up. The speed-up is the ratio of the best (minimum) times, the estimate least
disturbed by other load on the machine; medians are shown too. mmpose's SimCC DARK decode overwrites
its inputs, so it gets fresh copies made outside the timed region. The per-call UDP encode drops each
output before the next call, as a data pipeline that collates a batch does not: the extra row that keeps
all 64 outputs alive shows the cost of first touching 64 fresh 209 KB heatmaps, which both pay alike.

Usage: python tools/benchmark_codecs.py [--repeats 15] [--check]
  --check: exit 1 if a goal (encode: SimCC >= 10x, UDP >= 5x; DARK decode >= 3x) is not met.
"""
import argparse
import os
import platform
import sys
import time

import rtmpose_ext  # noqa: F401  (registers rtmpose_ext's classes)
import cv2
import numpy as np
from mmpose.codecs import SimCCLabel as MMSimCCLabel
from mmpose.codecs import UDPHeatmap as MMUDPHeatmap

from rtmpose_ext.codecs import SimCCLabel, UDPHeatmap

INPUT_SIZE = (192, 256)  # [w, h]
HEATMAP_SIZE = (48, 64)  # [W, H]
SIMCC = dict(input_size=INPUT_SIZE, sigma=(4.9, 5.66), simcc_split_ratio=2.0, normalize=False)
UDP = dict(input_size=INPUT_SIZE, heatmap_size=HEATMAP_SIZE, sigma=2.0)


def run_once(setup):
    """Seconds taken by ``fn()``, where ``fn = setup()`` is prepared outside the timed region."""
    fn = setup()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def summary(times):
    """(median, best) in ms."""
    return float(np.median(times)) * 1e3, float(np.min(times)) * 1e3


def time_pair(ref_setup, ours_setup, repeats, warmup=2):
    """Times of mmpose's and our operation, alternating so that load changes hit both sides alike."""
    for _ in range(warmup):
        run_once(ref_setup), run_once(ours_setup)
    ref, ours = [], []
    for _ in range(repeats):
        ref.append(run_once(ref_setup))
        ours.append(run_once(ours_setup))
    return summary(ref), summary(ours)


def assert_close(a, b, atol, what):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f'{what}: shapes {a.shape} != {b.shape}'
    diff = float(np.max(np.abs(a - b))) if a.size else 0.0
    assert diff <= atol, f'{what}: max difference {diff} > {atol}'
    return diff


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--repeats', type=int, default=20)
    parser.add_argument('--instances', type=int, default=64)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--check', action='store_true', help='exit 1 if a speed-up goal is not met')
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    N, K = args.instances, 17
    w, h = INPUT_SIZE
    keypoints = rng.uniform([0, 0], [w - 1, h - 1], (N, K, 2)).astype(np.float32)
    visible = (rng.random((N, K)) > 0.1).astype(np.float32)

    rows = []  # (operation, ref (median, best), ours (median, best), goal, check note)

    # ---- SimCCLabel encode
    ref, ours = MMSimCCLabel(**SIMCC), SimCCLabel(**SIMCC)
    enc_ref, enc = ref.encode(keypoints, visible), ours.encode(keypoints, visible)
    d = max(assert_close(enc[k], enc_ref[k], 1e-6, f'SimCCLabel.encode {k}') for k in enc_ref)
    t = time_pair(lambda: lambda: ref.encode(keypoints, visible),
                  lambda: lambda: ours.encode(keypoints, visible), args.repeats)
    rows.append(('SimCCLabel.encode (64 inst, 1 call)', *t, 10, f'labels max diff {d:.1e}'))

    # model-like SimCC outputs
    x = (enc_ref['keypoint_x_labels'] + rng.normal(0, 0.02, enc_ref['keypoint_x_labels'].shape)).astype(
        np.float32)
    y = (enc_ref['keypoint_y_labels'] + rng.normal(0, 0.02, enc_ref['keypoint_y_labels'].shape)).astype(
        np.float32)

    # ---- SimCCLabel decode (arg-max) and with DARK
    for use_dark, goal in ((False, None), (True, 3)):
        ref = MMSimCCLabel(**SIMCC, use_dark=use_dark)
        ours = SimCCLabel(**SIMCC, use_dark=use_dark)
        kp_ref, s_ref = ref.decode(x.copy(), y.copy())
        kp, s = ours.decode(x, y)
        d = assert_close(kp, kp_ref, 1e-4, 'SimCCLabel.decode keypoints')
        assert_close(s, s_ref, 1e-6, 'SimCCLabel.decode scores')

        def ref_setup(ref=ref):
            xc, yc = x.copy(), y.copy()  # mmpose's DARK overwrites its inputs
            return lambda: ref.decode(xc, yc)

        t = time_pair(ref_setup, lambda ours=ours: lambda: ours.decode(x, y), args.repeats)
        name = 'SimCCLabel.decode use_dark=True' if use_dark else 'SimCCLabel.decode (arg-max)'
        rows.append((name + ' (64 inst, 1 call)', *t, goal, f'keypoints max diff {d:.1e} px'))

    # ---- UDPHeatmap encode: one instance per call
    ref, ours = MMUDPHeatmap(**UDP), UDPHeatmap(**UDP, decode_unit='mmpose')
    singles = [(keypoints[i:i + 1], visible[i:i + 1]) for i in range(N)]
    d = 0.0
    heatmaps = []
    for kp_i, vis_i in singles:
        e_ref, e = ref.encode(kp_i, vis_i), ours.encode(kp_i, vis_i)
        d = max(d, assert_close(e['heatmaps'], e_ref['heatmaps'], 1e-6, 'UDPHeatmap.encode heatmaps'))
        assert_close(e['keypoint_weights'], e_ref['keypoint_weights'], 0, 'UDPHeatmap.encode weights')
        heatmaps.append(e_ref['heatmaps'])

    def each(codec):

        def run():
            for s in singles:
                codec.encode(*s)

        return run

    t = time_pair(lambda: each(ref), lambda: each(ours), args.repeats)
    rows.append(('UDPHeatmap.encode (64 calls x 1 inst)', *t, 5, f'heatmaps max diff {d:.1e}'))
    t = time_pair(lambda: lambda: [ref.encode(*s) for s in singles],
                  lambda: lambda: [ours.encode(*s) for s in singles], args.repeats)
    rows.append(('UDPHeatmap.encode, all 64 outputs kept (64 calls x 1 inst)', *t, None,
                 'page faults of 13 MB in both'))

    # ---- UDPHeatmap decode (DARK): model-like heatmaps
    heatmaps = [(hm + rng.normal(0, 0.02, hm.shape)).astype(np.float32) for hm in heatmaps]
    batch = np.stack(heatmaps)
    kp_ref = np.concatenate([ref.decode(hm)[0] for hm in heatmaps])
    kp = np.concatenate([ours.decode(hm)[0] for hm in heatmaps])
    d = assert_close(kp, kp_ref, 1e-4, 'UDPHeatmap.decode keypoints')
    assert_close(ours.decode(batch)[0], kp_ref, 1e-4, 'UDPHeatmap.decode (batched) keypoints')
    t_ref, t_ours = time_pair(lambda: lambda: [ref.decode(hm) for hm in heatmaps],
                              lambda: lambda: [ours.decode(hm) for hm in heatmaps], args.repeats)
    rows.append(
        ('UDPHeatmap.decode DARK (64 calls x 1 inst)', t_ref, t_ours, 3, f'keypoints max diff {d:.1e} px'))
    run_once(lambda: lambda: ours.decode(batch))
    t_batch = summary([run_once(lambda: lambda: ours.decode(batch)) for _ in range(args.repeats)])
    rows.append(('UDPHeatmap.decode DARK, ours batched (1 call, 64x17 maps)', t_ref, t_batch, None,
                 'vs the 64 mmpose calls above'))

    print(f'# rtmpose_ext codecs vs mmpose 1.3.2: {N} instances x {K} keypoints, input {h}x{w}')
    print(f'numpy {np.__version__}, OpenCV {cv2.__version__} ({cv2.getNumThreads()} threads), '
          f'Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; '
          f'{args.repeats} runs each: best (median) ms; speed-up = ratio of the best times\n')
    print('| operation | mmpose ms | ours ms | speed-up | goal | met | outputs |')
    print('|---|---:|---:|---:|---:|:---:|---|')
    missed = []
    for name, (ref_med, ref_best), (ours_med, ours_best), goal, note in rows:
        ratio = ref_best / ours_best
        met = '' if goal is None else ('yes' if ratio >= goal else 'NO')
        if met == 'NO':
            missed.append(name)
        print(
            f'| {name} | {ref_best:.2f} ({ref_med:.2f}) | {ours_best:.3f} ({ours_med:.3f}) | {ratio:.1f}x | '
            f'{"" if goal is None else f">= {goal}x"} | {met} | {note} |')
    if missed:
        print(f'\ngoals not met: {", ".join(missed)}')
    return 1 if (args.check and missed) else 0


if __name__ == '__main__':
    sys.exit(main())
