"""The RKNN conversion job, run by the rknn-toolkit2 environment (``.venv-rknn``) as a script:

    .venv-rknn/bin/python rtmpose_ext/deploy/rknn/job.py JOB.json [--serve]

It imports numpy, onnxruntime and rknn-toolkit2 only (never this package, whose ``__init__`` needs the
main environment). JOB.json is written by :class:`rtmpose_ext.deploy.backends.rknn.RKNNConverter`:

- ``onnx``, ``output``: the exported ONNX model and the ``.rknn`` file to write;
- ``config``: keyword arguments of ``RKNN.config`` (target_platform, mean_values, std_values, ...);
- ``do_quantization``, ``dataset``: int8 (w8a8) with a calibration list (one ``.npy`` crop a line);
  ``float_from`` (ONNX node names), ``hybrid_dir``: hybrid int8 with the graph from those nodes to the
  outputs in float16;
- ``compare``: ``inputs`` (``.npy``, (N, H, W, 3) uint8 crops in the model's channel order), ``mean``,
  ``std`` (per channel, that order), ``split_ratio``; ``report``: the comparison's JSON file;
- ``analysis_dir``: where ``accuracy_analysis`` writes its per-layer report (None: skipped).

Steps (each printed as ``[rknn k/5]``): build, export (to a temporary name, renamed when complete), the
toolkit's PC simulator in this process (the simulator runs only a model built in the same process), the
simulator against ONNX Runtime on the comparison crops (logits, and keypoints decoded by arg-max), and
the per-layer accuracy analysis of the first crop. ``--serve`` then answers inference requests on stdin:
each request is one ``.npy`` (N, H, W, 3) uint8 array after an 8-byte little-endian length, each answer
one ``.npz`` (``out0``, ``out1``: the two logits) the same way; a zero length ends the loop.
"""
import io
import json
import os
import struct
import sys
import time

import numpy as np


def log(message: str) -> None:
    print(message, flush=True)


def check(ret: int, what: str) -> None:
    """rknn-toolkit2 returns 0 on success; anything else stops the job with a message naming the step."""
    if ret != 0:
        raise RuntimeError(f'rknn-toolkit2: {what} failed (returned {ret}); its log is above')


def _configured(job: dict):
    from rknn.api import RKNN
    rknn = RKNN(verbose=bool(job.get('verbose', False)))
    check(rknn.config(**job['config']), 'config')
    return rknn


def float_subgraphs(onnx_file: str, start_nodes) -> list:
    """rknn-toolkit2's ``custom_hybrid`` pairs: from the first input of each named node to every graph
    output (those parts stay in float16 in an int8 model)."""
    import onnx
    graph = onnx.load(onnx_file).graph
    nodes = {n.name: n for n in graph.node}
    missing = [name for name in start_nodes if name not in nodes]
    if missing:
        raise RuntimeError(f'quantization_config.float_from: no ONNX nodes {missing} in {onnx_file}')
    return [[nodes[name].input[0], out.name] for name in start_nodes for out in graph.output]


def build(job: dict):
    """A built :class:`rknn.api.RKNN`: config, ONNX, build (int8 with the calibration list). With
    ``float_from`` (int8), hybrid quantization: the subgraphs of :func:`float_subgraphs` in float16, the
    rest int8 (the toolkit's two steps, their files in ``hybrid_dir``)."""
    rknn = _configured(job)
    check(rknn.load_onnx(model=job['onnx']), 'load_onnx')
    if not (job['do_quantization'] and job.get('float_from')):
        check(rknn.build(do_quantization=bool(job['do_quantization']), dataset=job.get('dataset')), 'build')
        return rknn
    cwd = os.getcwd()
    os.makedirs(job['hybrid_dir'], exist_ok=True)
    os.chdir(job['hybrid_dir'])          # step 1 writes its files into the current folder
    try:
        pairs = float_subgraphs(job['onnx'], job['float_from'])
        check(rknn.hybrid_quantization_step1(dataset=job['dataset'], custom_hybrid=pairs),
              'hybrid_quantization_step1')
        rknn.release()
        stem = os.path.splitext(os.path.basename(job['onnx']))[0]
        rknn = _configured(job)
        check(rknn.hybrid_quantization_step2(model_input=f'{stem}.model', data_input=f'{stem}.data',
                                             model_quantization_cfg=f'{stem}.quantization.cfg'),
              'hybrid_quantization_step2')
    finally:
        os.chdir(cwd)
    return rknn


def export(rknn, output: str) -> None:
    """``export_rknn`` to ``output``: written under a temporary name, renamed when complete."""
    partial = output + '.partial'
    check(rknn.export_rknn(partial), 'export_rknn')
    os.replace(partial, output)


def simulate(rknn, crops: np.ndarray) -> list:
    """The simulator's outputs for (N, H, W, 3) uint8 crops, one crop a call, concatenated per output."""
    outputs = [rknn.inference(inputs=[crops[i:i + 1]], data_format='nhwc') for i in range(len(crops))]
    return [np.concatenate([np.asarray(o[j], np.float32) for o in outputs]) for j in range(len(outputs[0]))]


def onnxruntime_outputs(onnx_file: str, crops: np.ndarray, mean, std) -> list:
    """ONNX Runtime (fp32) on the crops normalised as the RKNN model does inside ((x - mean) / std)."""
    import onnxruntime as ort
    session = ort.InferenceSession(onnx_file, providers=['CPUExecutionProvider'])
    x = (crops.astype(np.float32) - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    name = session.get_inputs()[0].name
    outputs = [session.run(None, {name: x[i:i + 1]}) for i in range(len(x))]   # static batch 1
    return [np.concatenate([o[j] for o in outputs]) for j in range(len(outputs[0]))]


def compare(rknn_out: list, ref_out: list, split_ratio: float) -> dict:
    """Logit and keypoint differences (keypoints: the first arg-max per axis / split ratio, input px)."""
    kpt = [np.stack([o[0].argmax(-1), o[1].argmax(-1)], -1) / split_ratio for o in (rknn_out, ref_out)]
    dist = np.linalg.norm(kpt[0] - kpt[1], axis=-1)
    logit = np.concatenate([np.abs(a - b).ravel() for a, b in zip(rknn_out, ref_out)])
    return dict(num_crops=int(len(rknn_out[0])), num_keypoints=int(dist.size),
                max_abs_logit=float(logit.max()), mean_abs_logit=float(logit.mean()),
                mean_kpt_px=float(dist.mean()), max_kpt_px=float(dist.max()),
                same_argmax=float((dist == 0).mean()))


def accuracy_analysis(rknn, crops: np.ndarray, analysis_dir: str) -> None:
    """rknn-toolkit2's per-layer comparison (simulator against its float reference) of one crop."""
    os.makedirs(analysis_dir, exist_ok=True)
    sample = os.path.join(analysis_dir, 'input.npy')
    np.save(sample, crops[:1].transpose(0, 3, 1, 2))   # the toolkit reads .npy inputs as NCHW
    check(rknn.accuracy_analysis(inputs=[sample], output_dir=analysis_dir), 'accuracy_analysis')


def _read_exact(stream, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise EOFError('rknn job: the request stream ended early')
    return data


def serve(rknn, stdin=None, stdout=None) -> None:
    """Answer length-prefixed ``.npy`` requests with ``.npz`` outputs until a zero length."""
    stdin, stdout = stdin or sys.stdin.buffer, stdout or sys.stdout.buffer
    while True:
        (size,) = struct.unpack('<Q', _read_exact(stdin, 8))
        if size == 0:
            return
        crops = np.load(io.BytesIO(_read_exact(stdin, size)))
        buffer = io.BytesIO()
        np.savez(buffer, **{f'out{i}': o for i, o in enumerate(simulate(rknn, crops))})
        stdout.write(struct.pack('<Q', buffer.tell()) + buffer.getvalue())
        stdout.flush()


def run(job: dict, serving=None) -> None:
    """The job's steps; with ``serving`` (a binary stream for the answers) the request loop after the
    simulator starts instead of the comparison."""
    t0 = time.perf_counter()
    kind = job['config'].get('float_dtype', 'float16')
    if job['do_quantization']:
        kind = 'int8 (w8a8)' + (f', float16 from {job["float_from"]}' if job.get('float_from') else '')
    log(f'[rknn 1/5] build {kind} for {job["config"]["target_platform"]}')
    rknn = build(job)
    if job.get('output'):
        export(rknn, job['output'])
        log(f'[rknn 2/5] exported {job["output"]} ({time.perf_counter() - t0:.1f} s)')
    check(rknn.init_runtime(), 'init_runtime (PC simulator)')
    log('[rknn 3/5] PC simulator ready')
    if serving is not None:
        serve(rknn, stdout=serving)
        return
    cmp_cfg = job['compare']
    crops = np.load(cmp_cfg['inputs'])
    result = compare(simulate(rknn, crops), onnxruntime_outputs(job['onnx'], crops, cmp_cfg['mean'],
                                                                 cmp_cfg['std']), cmp_cfg['split_ratio'])
    with open(job['report'], 'w') as f:
        json.dump(result, f, indent=2)
    log(f'[rknn 4/5] simulator vs ONNX Runtime fp32 on {result["num_crops"]} crops: max |dlogit| '
        f'{result["max_abs_logit"]:.4f}, mean keypoint distance {result["mean_kpt_px"]:.3f} px '
        f'(max {result["max_kpt_px"]:.2f}); {job["report"]}')
    if job.get('analysis_dir'):
        accuracy_analysis(rknn, crops, job['analysis_dir'])
        log(f'[rknn 5/5] accuracy_analysis: {job["analysis_dir"]}')
    rknn.release()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith('-'):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0]) as f:
        job = json.load(f)
    if '--serve' in argv:
        # answers go to the original stdout; everything else written to fd 1 (the toolkit's Python and
        # C++ logs) goes to stderr, so that it cannot mix with them
        answers = os.fdopen(os.dup(1), 'wb')
        os.dup2(2, 1)
        run(job, serving=answers)
    else:
        run(job)
    return 0


if __name__ == '__main__':
    sys.exit(main())
