#!/usr/bin/env python
"""Latency of exported RTMPose models on this CPU, two variants side by side in one run.

``--compare forms`` (default): ours against mmpose's classes. ``--compare precisions``: our export in
float32 against the backends' reduced precisions on this CPU - OpenVINO bf16 and f16 hints, ncnn bf16
storage, ONNX Runtime's float16 model - each engine reporting the precision it actually ran (a CPU
without bf16 units runs the bf16 hint in f32, so its ratio is ~1). The CPU and its reduced-precision
flags are printed first.

``--compare forms``: for each model (RTMPose-t, -s, -m at 256x192, random weights fixed by a seed) two
exports of the same
weights: ``ours`` (our classes and rewriters; ScaleNorm in its overflow-safe form) and ``mmpose``
(``model.head.type='mmpose.RTMCCHead'``: mmpose's head, GAU and ScaleNorm with MMDeploy's own rewriters).
Each ONNX model is exported once (the ONNX Runtime config, dynamic batch) and converted for OpenVINO
(static 1x3x256x192, as configs/deploy/pose-detection_simcc_openvino_static-256x192.py) and ncnn (pnnx,
as configs/deploy/pose-detection_simcc_ncnn_static-256x192.py); the engines of
rtmpose_ext.deploy.runtime run them (static models run a batch one crop at a time).

Timed: the network on a batch of 1 and of 8 normalised crops (no pre-/post-processing), every backend
with ``--threads`` threads (ONNX Runtime without spin-waiting, so that idle threads do not take the CPU
from the engine timed next). After warm-up, ours and mmpose's alternate block by block (``--calls``
calls per block, the order swapped every round); the table shows the median ms per batch and the ratios
ours / mmpose's of the medians and of the minima (< 1: ours faster).

Usage: python tools/benchmark_deploy.py [--compare forms|precisions] [--models t s m]
                                        [--backends onnxruntime openvino ncnn]
                                        [--rounds 8] [--calls 5] [--threads 1]
"""
import argparse
import os
import os.path as osp
import shutil
import statistics
import sys
import tempfile
import time

import rtmpose_ext  # noqa: F401  (registers our classes, applies the torch 2.13 fixes)
import cv2
import numpy as np
from mmengine.config import Config

from rtmpose_ext.deploy.backends.ncnn import NCNNConverter
from rtmpose_ext.deploy.backends.onnxruntime import ONNXRuntimeConverter
from rtmpose_ext.deploy.backends.openvino import OpenVINOConverter
from rtmpose_ext.deploy.configs import load_configs
from rtmpose_ext.deploy.convert import convert
from rtmpose_ext.deploy.evaluate import backend_model_info
from rtmpose_ext.deploy.fp16_check import make_checkpoint
from rtmpose_ext.deploy.runtime import cpu_summary, create_engine

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
MODEL_CFG = osp.join(REPO, 'configs', 'rtmpose', 'rtmpose-{}_8xb256-420e_coco-256x192.py')
DEPLOY_CFG = osp.join(REPO, 'configs', 'deploy', 'pose-detection_simcc_{}.py')
DEPLOY = {'onnxruntime': 'onnxruntime_dynamic', 'openvino': 'openvino_static-256x192',
          'ncnn': 'ncnn_static-256x192'}
FORMS = {'ours': None, 'mmpose': {'model.head.type': 'mmpose.RTMCCHead'}}
# --compare precisions: (backend, name of the reduced variant, engine options); ONNX Runtime's needs a
# float16 model file (the fp16 deploy config's conversion).
REDUCED = (('onnxruntime', 'fp16 model', {}),
           ('openvino', 'bf16 hint', {'precision_hint': 'bf16'}),
           ('openvino', 'f16 hint', {'precision_hint': 'f16'}),
           ('ncnn', 'bf16 hint', {'precision_hint': 'bf16'}))
ORT_FP16_DEPLOY = DEPLOY_CFG.format('onnxruntime-fp16_dynamic')


def export_models(variant: str, work_dir: str, backends, log, forms=tuple(FORMS)) -> dict:
    """{(form, backend): engine files} for one model variant."""
    model_cfg = MODEL_CFG.format(variant)
    checkpoint = make_checkpoint(model_cfg, osp.join(work_dir, f'{variant}.pth'), seed=0)
    image = osp.join(work_dir, 'image.jpg')
    cv2.imwrite(image, np.random.default_rng(0).integers(0, 255, (256, 192, 3), dtype=np.uint8))
    files = {}
    for form in forms:
        options = FORMS[form]
        t0 = time.perf_counter()
        out = osp.join(work_dir, f'{variant}_{form}')
        onnx_file = convert(DEPLOY_CFG.format(DEPLOY['onnxruntime']), model_cfg, checkpoint, image, out,
                            model_options=options, log=lambda line: None).onnx_file
        files[form, 'onnxruntime'] = [onnx_file]
        for backend, converter in (('openvino', OpenVINOConverter()), ('ncnn', NCNNConverter())):
            if backend in backends:
                deploy_cfg = Config.fromfile(DEPLOY_CFG.format(DEPLOY[backend]))
                files[form, backend] = converter.convert(onnx_file, osp.join(out, backend), deploy_cfg, None)
        log(f'  RTMPose-{variant} {form}: exported and converted ({time.perf_counter() - t0:.0f} s)')
    return files


def make_engine(variant: str, backend: str, files, threads: int, deploy: str = None, **options):
    deploy = deploy or DEPLOY_CFG.format(DEPLOY[backend])
    deploy_cfg, model_cfg = load_configs(deploy, MODEL_CFG.format(variant))
    return create_engine(backend_model_info(deploy_cfg, model_cfg, files), num_threads=threads,
                         allow_spinning=False, **options)


def form_pairs(variant: str, files: dict, backends, threads: int):
    """(backend, {'mmpose': engine, 'ours': engine}) for each backend (ratio b/a = ours / mmpose's)."""
    for backend in backends:
        yield backend, {form: make_engine(variant, backend, files[form, backend], threads)
                        for form in ('mmpose', 'ours')}


def ort_fp16_model(onnx_file: str, out_dir: str) -> str:
    """A float16 copy of ``onnx_file`` in ``out_dir`` (the ONNX Runtime fp16 deploy config's conversion)."""
    fp16_file = osp.join(out_dir, 'end2end.onnx')
    if not osp.isfile(fp16_file):
        os.makedirs(out_dir, exist_ok=True)
        shutil.copy(onnx_file, fp16_file)
        ONNXRuntimeConverter().convert(fp16_file, out_dir, Config.fromfile(ORT_FP16_DEPLOY), None)
    return fp16_file


def precision_pairs(variant: str, files: dict, backends, threads: int, work_dir: str):
    """(backend, {'f32': engine, '<reduced> (<ran>)': engine}) for each reduced precision of
    :data:`REDUCED` on ``backends``; the names carry the precision each engine reports it ran."""
    for backend, name, options in REDUCED:
        if backend not in backends:
            continue
        f32 = make_engine(variant, backend, files['ours', backend], threads)
        if backend == 'onnxruntime':
            fp16_file = ort_fp16_model(files['ours', backend][0], osp.join(work_dir, f'{variant}_fp16'))
            reduced = make_engine(variant, backend, [fp16_file], threads, deploy=ORT_FP16_DEPLOY)
        else:
            reduced = make_engine(variant, backend, files['ours', backend], threads, **options)
        yield backend, {f'f32 ({f32.precision})': f32, f'{name} ({reduced.precision})': reduced}


def time_pair(engines: dict, batch: int, rounds: int, calls: int) -> dict:
    """ms per batch of each engine: {name: (median, minimum)} over ``rounds`` blocks of ``calls`` calls,
    the engines alternating block by block (their order swapped every round)."""
    x = np.random.default_rng(1).standard_normal((batch, 3, 256, 192)).astype(np.float32)
    names = list(engines)
    times = {name: [] for name in names}
    for name in names:
        for _ in range(2):
            engines[name](x)
    for r in range(rounds):
        for name in (names if r % 2 == 0 else names[::-1]):
            t0 = time.perf_counter()
            for _ in range(calls):
                engines[name](x)
            times[name].append((time.perf_counter() - t0) * 1e3 / calls)
    return {name: (statistics.median(t), min(t)) for name, t in times.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--compare', default='forms', choices=('forms', 'precisions'),
                        help="forms: ours vs mmpose's classes (default); precisions: f32 vs reduced")
    parser.add_argument('--models', nargs='+', default=['t', 's', 'm'], choices=['t', 's', 'm', 'l'])
    parser.add_argument('--backends', nargs='+', default=list(DEPLOY), choices=list(DEPLOY))
    parser.add_argument('--rounds', type=int, default=8, help='timed rounds per batch size (default 8)')
    parser.add_argument('--calls', type=int, default=5, help='calls per round at batch 1 (default 5; '
                        'batch 8: a third, at least 1)')
    parser.add_argument('--threads', type=int, default=1,
                        help='threads of every backend (default 1: robust on a shared machine)')
    args = parser.parse_args(argv)

    print(f'CPU: {cpu_summary()}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; '
          f'threads per backend: {args.threads}; rounds: {args.rounds}')
    rows = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix='bench_deploy_') as tmp:
        for variant in args.models:
            files = export_models(variant, tmp, args.backends, print,
                                  forms=list(FORMS) if args.compare == 'forms' else ['ours'])
            pairs = (form_pairs(variant, files, args.backends, args.threads) if args.compare == 'forms' else
                     precision_pairs(variant, files, args.backends, args.threads, tmp))
            for backend, engines in pairs:
                for batch in (1, 8):
                    calls = args.calls if batch == 1 else max(1, args.calls // 3)
                    t = time_pair(engines, batch, args.rounds, calls)
                    rows.append((f'RTMPose-{variant}', backend, batch, *[(n, t[n]) for n in engines]))
    print_table(rows)
    print(f'\ntotal {time.perf_counter() - start:.0f} s; load average {os.getloadavg()[0]:.1f}')
    return 0


def print_table(rows) -> None:
    """One line per (model, backend, batch): both variants' median ms and the ratios b / a."""
    print(f'\n{"model":<11} {"backend":<12} {"batch":>5} {"a":<18} {"ms":>8} {"b":<18} {"ms":>8} '
          f'{"b/a (median)":>13} {"b/a (min)":>10}')
    for model, backend, batch, (name_a, a), (name_b, b) in rows:
        print(f'{model:<11} {backend:<12} {batch:>5} {name_a:<18} {a[0]:>8.2f} {name_b:<18} {b[0]:>8.2f} '
              f'{b[0] / a[0]:>13.3f} {b[1] / a[1]:>10.3f}')
    print('ms: median per batch; b/a < 1: b faster')


if __name__ == '__main__':
    sys.exit(main())
