#!/usr/bin/env python
"""Latency of an exported person detector on this CPU, batch 1, per backend, side by side.

The detector (``--config``, ``--checkpoint``; default the CPU-scaled synthetic RTMDet-nano, 128x128, with
seeded random weights unless a checkpoint is given) is converted with the static deploy configs of
configs/deploy/ (ONNX Runtime and OpenVINO with NMS in the graph, ncnn without) into ``--work-dir``; the
runtime's :class:`~rtmpose_ext.deploy.runtime.PersonDetector` runs each on synthetic pictures (320x256).
OpenVINO is timed in float32 (``precision_hint='f32'``, the deploy config's) and asked for bfloat16
(``precision_hint='bf16'``); the precision column is what each engine reports it ran (bf16 only on CPUs
with bf16 units).

Timed, after warm-up, backends alternating call by call (``--rounds`` rounds): the whole call (resize,
pad, normalise, network, thresholds, NMS in numpy where the graph has none, boxes mapped back) and the
network alone on the same input. The table shows the median and minimum ms and the ratio of each
median to ONNX Runtime's (< 1: faster). Every backend runs ``--threads`` threads (ONNX Runtime without
spin-waiting).

Usage: python tools/benchmark_detector.py [--config CFG] [--checkpoint PTH] [--work-dir DIR]
                                          [--rounds 30] [--threads 1]
"""
import argparse
import os
import os.path as osp
import platform
import statistics
import sys
import tempfile

import rtmpose_ext  # noqa: F401  (registers our classes, applies the torch 2.13 fixes)
import cv2

from rtmpose_ext.datasets.synthetic import make_scene
from rtmpose_ext.deploy.convert import convert
from rtmpose_ext.deploy.runtime import PersonDetector

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from bench_common import check_positive, time_alternating  # noqa: E402

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIG = osp.join(REPO, 'configs', 'rtmdet', 'rtmdet_nano_128-1xb16_synthetic-person.py')
DEPLOY_CFG = osp.join(REPO, 'configs', 'deploy', 'detection_{}_static.py')
# (row name, deploy config, engine options)
RUNS = [('onnxruntime', 'onnxruntime', dict(allow_spinning=False)),
        ('openvino f32', 'openvino', dict(precision_hint='f32')),
        ('openvino bf16 hint', 'openvino', dict(precision_hint='bf16')),
        ('ncnn (NMS in numpy)', 'ncnn', {})]


def random_checkpoint(config: str, path: str) -> str:
    """``config``'s model with seeded initial weights, saved to ``path``."""
    import torch
    from mmdet.apis import init_detector
    torch.manual_seed(0)
    model = init_detector(config, None, device='cpu')
    torch.save(dict(state_dict=model.state_dict(), meta=dict(dataset_meta=dict(classes=('person', )))), path)
    return path


def export_all(config: str, checkpoint: str, work_dir: str, image: str) -> dict:
    """{backend: model directory}, converting where the directory has no deploy.json yet."""
    dirs = {}
    for backend in sorted({deploy for _, deploy, _ in RUNS}):
        out = osp.join(work_dir, backend)
        if not osp.isfile(osp.join(out, 'deploy.json')):
            convert(DEPLOY_CFG.format(backend), config, checkpoint, image, out, log=lambda line: None)
        dirs[backend] = out
    return dirs


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default=DEFAULT_CONFIG, help='detector config (default: synthetic nano)')
    parser.add_argument('--checkpoint', default=None, help='its checkpoint (default: seeded random weights)')
    parser.add_argument('--work-dir', default=None,
                        help='exported models (kept; default: a temporary folder)')
    parser.add_argument('--rounds', type=int, default=30, help='timed calls per backend (default 30)')
    parser.add_argument('--threads', type=int, default=1, help='threads per backend (default 1)')
    args = parser.parse_args(argv)
    check_positive(parser, args, ('rounds', 'threads'))
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    work_dir = args.work_dir or tempfile.mkdtemp(prefix='benchmark_detector_')
    os.makedirs(work_dir, exist_ok=True)
    pictures = [make_scene(11, 'bench', i, (320, 256), 'easy').image for i in range(4)]
    image = osp.join(work_dir, 'scene.jpg')
    cv2.imwrite(image, pictures[0])
    checkpoint = args.checkpoint or random_checkpoint(args.config, osp.join(work_dir, 'random.pth'))
    dirs = export_all(args.config, checkpoint, work_dir, image)
    detectors = {name: PersonDetector(dirs[backend], num_threads=args.threads, **options)
                 for name, backend, options in RUNS}
    inputs = {name: d.preprocess(pictures[0])[0] for name, d in detectors.items()}
    state = {'i': 0}

    def whole(d):
        state['i'] += 1
        return lambda: d(pictures[state['i'] % len(pictures)])

    fns = {(name, 'whole call'): whole(d) for name, d in detectors.items()}
    fns.update({(name, 'network'): (lambda d=d, x=inputs[name]: d.engine(x))
                for name, d in detectors.items()})
    times = time_alternating(fns, args.rounds)

    load = ' '.join(f'{v:.2f}' for v in os.getloadavg())
    precision = {name: d.engine.precision for name, d in detectors.items()}  # what each ran, not the hint
    print(f'\n{osp.basename(args.config)}, weights {args.checkpoint or "seeded random"}, batch 1, '
          f'{args.threads} thread(s), {args.rounds} rounds; {platform.processor() or platform.machine()}, '
          f'{os.cpu_count()} CPUs, load average {load}')
    print(f'{"backend":<22}{"precision":<20}{"timed":<12}{"median ms":>10}{"min ms":>9}{"/ ORT":>8}')
    for (name, what), values in times.items():
        ref = statistics.median(times[('onnxruntime', what)])
        median = statistics.median(values)
        print(f'{name:<22}{precision[name]:<20}{what:<12}{median * 1e3:>10.2f}{min(values) * 1e3:>9.2f}'
              f'{median / ref:>8.2f}')
    print(f'models in {work_dir}')


if __name__ == '__main__':
    main()
