#!/usr/bin/env python
"""The TensorRT checks for a machine with an NVIDIA GPU and the ``tensorrt`` package (10 or 11).

1. engines: RTMPose-t (random weights, seed 0) exported with the TensorRT config, built by our builder
   in fp32 and fp16 (dynamic batch 1-8), run by the runtime's TensorRTEngine on random crops and compared
   with ONNX Runtime fp32 (largest |logit difference|, mean keypoint distance in input pixels); latency
   at batch 1 and 8, fp32 and fp16 alternating (bench_common.time_alternating).
2. ScaleNorm in real fp16 arithmetic: fp16_check's sweep (the head's final_layer scaled so that the
   largest sum of squares of a ScaleNorm input row reaches 1e3 ... 1e6; ours and mmpose's export) with two
   TensorRT runners: ``trt-fp16`` (our builder: ScaleNorm and the classifiers kept in float32 where the
   version allows it) and ``trt-fp16-sn16`` (only the classifiers kept in float32: ScaleNorm in fp16, the
   overflow case, on hardware instead of emulated; TensorRT 10 is then free to pick fp16 for it, TensorRT 11
   builds the typed float16 ONNX as it is).

Usage (on the GPU machine): python tools/verify_tensorrt.py [--parts engines scale-norm] [--repeats 50]
"""
import argparse
import os
import os.path as osp
import statistics
import sys
import tempfile

import rtmpose_ext  # noqa: F401
import cv2
import numpy as np

from bench_common import time_alternating
from rtmpose_ext.deploy import fp16_check
from rtmpose_ext.deploy.runtime import ModelInfo
from rtmpose_ext.deploy.runtime.tensorrt_engine import TensorRTEngine
from rtmpose_ext.deploy.tensorrt import DEFAULT_FP32_LAYERS, BuildSettings, build_engine

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
MODEL_CFG = fp16_check.DEFAULT_MODEL_CFG
INPUT_SHAPE = (3, 256, 192)


def engine_for(onnx_file: str, work_dir: str, fp16: bool, fp32_layers=DEFAULT_FP32_LAYERS, max_batch=8,
               trt=None, cuda=None):
    """Build ``onnx_file`` (input 'input', batch 1..max_batch) and load it as a runtime engine."""
    settings = BuildSettings('input', dict(min_shape=(1, ) + INPUT_SHAPE, opt_shape=(1, ) + INPUT_SHAPE,
                                           max_shape=(max_batch, ) + INPUT_SHAPE),
                             fp16=fp16, fp32_layers=tuple(fp32_layers))
    name = ('fp16' if fp16 else 'fp32') + ('' if tuple(fp32_layers) == DEFAULT_FP32_LAYERS else '_custom')
    engine_file = osp.join(work_dir, f'{name}.engine')
    report = build_engine(onnx_file, engine_file, settings, trt=trt)
    info = ModelInfo(work_dir=work_dir, net=engine_file, weights='', precision='FP16' if fp16 else 'FP32',
                     input_name='input', output_names=['simcc_x', 'simcc_y'], input_size=(192, 256),
                     padding=1.25, mean=np.zeros(3, np.float32), std=np.ones(3, np.float32), to_rgb=True,
                     split_ratio=2.0, export_postprocess=False)
    return TensorRTEngine(info, trt=trt, cuda=cuda), report


def check_engines(work_dir: str, repeats: int, trt=None, cuda=None) -> list:
    """Part 1: rows (precision, batch, max |dlogit|, mean dkpt px, median ms)."""
    import onnxruntime as ort
    checkpoint = fp16_check.make_checkpoint(MODEL_CFG, osp.join(work_dir, 'random.pth'))
    image = osp.join(work_dir, 'image.jpg')
    cv2.imwrite(image, np.random.default_rng(0).integers(0, 255, (256, 192, 3), dtype=np.uint8))
    onnx_file = fp16_check.export_form('ours', MODEL_CFG, checkpoint, image, work_dir)
    session = ort.InferenceSession(onnx_file, providers=['CPUExecutionProvider'])
    engines = {}
    for fp16 in (False, True):
        name = 'fp16' if fp16 else 'fp32'
        engines[name], report = engine_for(onnx_file, work_dir, fp16, trt=trt, cuda=cuda)
        print(f'built {name}: {report}')
    rows = []
    for batch in (1, 8):
        x = np.random.default_rng(batch).standard_normal((batch, ) + INPUT_SHAPE).astype(np.float32)
        reference = session.run(None, {'input': x})
        times = time_alternating({k: (lambda e=e: e(x)) for k, e in engines.items()}, repeats)
        for name, engine in engines.items():
            diff = fp16_check.compare(reference, engine(x), split_ratio=2.0)
            rows.append((name, batch, diff['max_logit_diff'], diff['mean_kpt_px'],
                         statistics.median(times[name]) * 1e3))
    return rows


def tensorrt_runner(fp32_layers, trt=None, cuda=None):
    """An fp16_check runner: the (scaled) ONNX model as a TensorRT fp16 engine."""
    def run(model, inputs):
        import onnx
        with tempfile.TemporaryDirectory() as tmp:
            path = osp.join(tmp, 'model.onnx')
            onnx.save(model, path)
            engine, report = engine_for(path, tmp, True, fp32_layers, max_batch=len(inputs), trt=trt,
                                        cuda=cuda)
            return engine(inputs), f'trt {report["fp16_strategy"]}'
    return run


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--parts', nargs='+', default=['engines', 'scale-norm'], choices=['engines', 'scale-norm'])
    p.add_argument('--repeats', type=int, default=50)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix='verify_trt_') as work_dir:
        if 'engines' in args.parts:
            rows = check_engines(work_dir, args.repeats)
            print(f'\n{"engine":<6} {"batch":>5} {"max |dlogit|":>13} {"mean dkpt px":>13} {"median ms":>10}')
            for name, batch, dlogit, dkpt, ms in rows:
                print(f'{name:<6} {batch:>5} {dlogit:>13.4g} {dkpt:>13.3f} {ms:>10.3f}')
        if 'scale-norm' in args.parts:
            fp16_check.RUNNERS['trt-fp16'] = tensorrt_runner(DEFAULT_FP32_LAYERS)
            fp16_check.RUNNERS['trt-fp16-sn16'] = tensorrt_runner(('/cls_x/', '/cls_y/'))
            rows = fp16_check.run_check(runners=['ort-fp32', 'trt-fp16', 'trt-fp16-sn16'],
                                        work_dir=osp.join(work_dir, 'sweep'))
            print('\n' + fp16_check.format_table(rows))
    print(f'load average {" ".join(f"{v:.2f}" for v in os.getloadavg())}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
