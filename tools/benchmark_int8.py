#!/usr/bin/env python
"""Latency of int8 against fp32 on this CPU, side by side: ONNX Runtime (static QDQ) and OpenVINO (NNCF).

For each model, the same weights are converted four times at the model's own input size: the fp32 and the
int8 deploy config of each backend (configs/deploy/pose-detection_simcc_{onnxruntime,onnxruntime-int8}_
dynamic.py, ..._{openvino,openvino-int8}_static-256x192.py with the static shape set to the model's size),
the int8 ones calibrated on crops of the training split. The engines of rtmpose_ext.deploy.runtime run
them on crops of the test split (normalised), every backend with ``--threads`` threads and float parts in
f32 (OpenVINO's precision hint set to f32 explicitly, since its CPU plugin picks bf16 on CPUs with bf16
units). fp32 and int8 alternate call by call after warm-up (bench_common.time_alternating); the table
shows medians and the speed-up fp32 / int8 of the medians and of the minima.

Models: ``t`` is the demo's config (RTMPose-t, 112x144) with ``--checkpoint`` (e.g. the demo's trained
model); ``s`` and ``m`` are the RTMPose-s/m configs at 256x192 with random weights (seed 0) and the same
data for calibration.

Usage: python tools/benchmark_int8.py [--checkpoint CKPT] [--models t s m] [--backends onnxruntime openvino]
           [--data-root data/synthetic_easy/] [--repeats 20] [--batches 1 8] [--threads 1] [--keep DIR]
"""
import argparse
import os
import os.path as osp
import statistics
import sys
import tempfile
import time

import rtmpose_ext  # noqa: F401  (registers our classes, applies the torch 2.13 fixes)
import cv2
import numpy as np

from bench_common import check_positive, time_alternating
from rtmpose_ext.deploy.calibration import calibration_crops, normalize_crops
from rtmpose_ext.deploy.configs import load_configs
from rtmpose_ext.deploy.convert import convert
from rtmpose_ext.deploy.evaluate import backend_model_info
from rtmpose_ext.deploy.runtime import create_engine

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEPLOY = osp.join(REPO, 'configs', 'deploy', 'pose-detection_simcc_{}.py')
CONFIGS = {'onnxruntime': ('onnxruntime_dynamic', 'onnxruntime-int8_dynamic'),
           'openvino': ('openvino_static-256x192', 'openvino-int8_static-256x192')}
MODELS = {'t': osp.join(REPO, 'configs', 'demo', 'rtmpose-t_synthetic.py'),
          's': osp.join(REPO, 'configs', 'rtmpose', 'rtmpose-s_8xb256-420e_coco-256x192.py'),
          'm': osp.join(REPO, 'configs', 'rtmpose', 'rtmpose-m_8xb256-420e_coco-256x192.py')}


def data_options(data_root: str) -> dict:
    """Model config overrides pointing the train and test splits at a synthetic dataset."""
    root = data_root.rstrip('/') + '/'
    options = {}
    for loader, split in (('train_dataloader', 'train'), ('test_dataloader', 'val')):
        options.update({f'{loader}.dataset.data_root': root,
                        f'{loader}.dataset.ann_file': f'annotations/person_keypoints_{split}.json',
                        f'{loader}.dataset.data_prefix.img': f'images/{split}/',
                        f'{loader}.dataset.bbox_file': None})
    return options


def static_shape_options(backend: str, input_size) -> dict:
    """Deploy config overrides for a static backend at the model's input size (w, h)."""
    if backend != 'openvino':
        return {}
    w, h = input_size
    return {'onnx_config.input_shape': [w, h], 'backend_config.model_inputs.0.opt_shapes.input': [1, 3, h, w]}


def export_pair(variant: str, backend: str, checkpoint, model_options: dict, work_dir: str, log) -> dict:
    """{'fp32': engine, 'int8': engine} of one model and backend."""
    model_cfg = MODELS[variant]
    _, cfg = load_configs(DEPLOY.format(CONFIGS[backend][0]), model_cfg, model_options=model_options)
    image = osp.join(work_dir, 'image.jpg')
    w, h = cfg.codec.input_size
    cv2.imwrite(image, np.random.default_rng(0).integers(0, 255, (h, w, 3), dtype=np.uint8))
    engines = {}
    for precision, name in zip(('fp32', 'int8'), CONFIGS[backend]):
        t0 = time.perf_counter()
        options = static_shape_options(backend, (w, h))
        out = osp.join(work_dir, f'{variant}_{backend}_{precision}')
        result = convert(DEPLOY.format(name), model_cfg, checkpoint, image, out,
                         deploy_options=options or None, model_options=model_options, log=lambda line: None)
        deploy_cfg, mcfg = load_configs(DEPLOY.format(name), model_cfg, options or None, model_options)
        info = backend_model_info(deploy_cfg, mcfg, result.backend_files)
        engines[precision] = info
        log(f'  RTMPose-{variant} {backend} {precision}: converted ({time.perf_counter() - t0:.0f} s)')
    return engines, cfg


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--checkpoint', default=None, help="RTMPose-t checkpoint of the demo config (default: "
                   "random weights)")
    p.add_argument('--models', nargs='+', default=['t'], choices=sorted(MODELS))
    p.add_argument('--backends', nargs='+', default=list(CONFIGS), choices=list(CONFIGS))
    p.add_argument('--data-root', default='data/synthetic_easy/',
                   help='synthetic dataset: calibration (train split) and timed crops (val split)')
    p.add_argument('--repeats', type=int, default=20, help='timed calls per engine and batch (default 20)')
    p.add_argument('--batches', type=int, nargs='+', default=[1, 8])
    p.add_argument('--threads', type=int, default=1, help='threads of every backend (default 1)')
    p.add_argument('--keep', default=None, help='keep the converted models in this folder')
    args = p.parse_args(argv)
    check_positive(p, args, ('repeats', 'threads'))

    print(f'CPU: {os.cpu_count()} cores; threads per backend: {args.threads}; load average '
          f'{" ".join(f"{v:.2f}" for v in os.getloadavg())}')
    rows = []
    with tempfile.TemporaryDirectory(prefix='bench_int8_') as tmp:
        work_dir = args.keep or tmp
        os.makedirs(work_dir, exist_ok=True)
        for variant in args.models:
            checkpoint = args.checkpoint if variant == 't' else None
            model_options = data_options(args.data_root)
            for backend in args.backends:
                infos, model_cfg = export_pair(variant, backend, checkpoint, model_options, work_dir, print)
                hint = {'precision_hint': 'f32'} if backend == 'openvino' else {'allow_spinning': False}
                engines = {k: create_engine(info, num_threads=args.threads, **hint)
                           for k, info in infos.items()}
                crops = normalize_crops(calibration_crops(model_cfg, max(args.batches), seed=1, split='test'),
                                        model_cfg)
                for batch in args.batches:
                    x = crops[:batch]
                    calls = {k: (lambda e=e: e(x)) for k, e in engines.items()}
                    times = time_alternating(calls, args.repeats)
                    rows.append((f'RTMPose-{variant}', backend, batch, times['fp32'], times['int8']))
    print(f'\n{"model":<11} {"backend":<12} {"batch":>5} {"fp32 ms":>9} {"int8 ms":>9} {"speed-up":>9} '
          f'{"(min)":>7}')
    for model, backend, batch, fp32, int8 in rows:
        med32, med8 = statistics.median(fp32) * 1e3, statistics.median(int8) * 1e3
        print(f'{model:<11} {backend:<12} {batch:>5} {med32:>9.2f} {med8:>9.2f} {med32 / med8:>8.2f}x '
              f'{min(fp32) / min(int8):>6.2f}x')
    print(f'ms: median per batch; speed-up: fp32 / int8; load average at the end '
          f'{" ".join(f"{v:.2f}" for v in os.getloadavg())}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
