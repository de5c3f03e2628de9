"""``python -m rtmpose_ext.deploy.fp16_check``: float16 against float32, our ScaleNorm export against
mmpose's, on the backends of this machine and under strict float16 arithmetic.

Two exports of the same weights (random, fixed by the seed; no trained weights can be downloaded here):

- ``ours``: our classes with our rewriters, ScaleNorm as ``x / max(m * ||x / m|| * dim**-0.5, eps) * g``
  with ``m = max|x|`` (:mod:`.rewriters.scale_norm`);
- ``mmpose``: mmpose's classes (``model.head.type='mmpose.RTMCCHead'``) with MMDeploy's own rewriters,
  ScaleNorm as ``x / max(ReduceL2(x) * dim**-0.5, eps) * g``.

ScaleNorm is scale-invariant, so multiplying the head's ``final_layer`` conv (weights and bias) by a
factor leaves the float32 outputs unchanged while the first ScaleNorm's input grows: the sweep sets the
factor so that the largest sum of squares of an input row (K rows of 48 values, the flattened 6 x 8 map
at 256x192) reaches given targets, below and above float16's largest finite value 65504 (an RMS of 37 per
value). Random weights give small activations (a sum of squares near 1e-3); a trained model's magnitudes
are not known here, so the sweep shows where each form breaks rather than claiming where trained weights
lie.

Runs, each compared with PyTorch float32 (largest |logit difference|, mean keypoint distance in input
pixels after SimCC decoding, share of non-finite logits):

- ``ort-fp32``, ``ort-fp16``: ONNX Runtime CPU; fp16 = the model converted by :mod:`.fp16` (ONNX Runtime's
  CPU provider computes ops without float16 kernels, ReduceL2 among them, in float32 between Casts);
- ``ov-default``: OpenVINO CPU with no precision hint, i.e. what the CPU plugin picks by itself (bf16 on
  CPUs with bf16 units, f32 elsewhere: the reason the runtime always sets the hint);
- ``ov-f32``, ``ov-bf16``, ``ov-f16``: OpenVINO CPU with that ``INFERENCE_PRECISION_HINT``. The
  precision column shows what the compiled model reports it runs: bf16 is real bfloat16 arithmetic on a CPU
  with bf16 units (a float32 exponent: no overflow at 65504, 8 significant bits); a CPU without float16
  units runs the f16 hint in bf16 or f32;
- ``fp16-arith``: the float16 model evaluated op by op by ONNX's reference evaluator (numpy): every
  tensor in float16, ReduceL2 as ``sqrt(sum(square(x)))`` with float16 squares and sum, which is how
  TensorRT's ONNX parser imports it (and what fp16 arithmetic does on GPUs and ARM CPUs).
"""
import argparse
import os
import os.path as osp
import tempfile
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.realpath(__file__))))
DEFAULT_MODEL_CFG = osp.join(REPO_ROOT, 'configs', 'rtmpose', 'rtmpose-t_8xb256-420e_coco-256x192.py')
DEPLOY_CFG = osp.join(REPO_ROOT, 'configs', 'deploy', 'pose-detection_simcc_onnxruntime_dynamic.py')
FORMS = {'ours': None, 'mmpose': {'model.head.type': 'mmpose.RTMCCHead'}}
SCALED_INITIALIZERS = ('head.final_layer.weight', 'head.final_layer.bias')


# ------------------------------------------------------------------ models

def make_checkpoint(model_cfg: str, path: str, seed: int = 0) -> str:
    """Build the model of ``model_cfg`` with ``torch.manual_seed(seed)`` and save its weights."""
    import torch
    from mmpose.apis import init_model
    torch.manual_seed(seed)
    model = init_model(model_cfg, None, device='cpu')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return path


def export_form(form: str, model_cfg: str, checkpoint: str, image: str, work_dir: str) -> str:
    """Export ``form`` ('ours' or 'mmpose') for ONNX Runtime (fp32, dynamic batch); return the ONNX path."""
    from .convert import convert
    result = convert(DEPLOY_CFG, model_cfg, checkpoint, image, osp.join(work_dir, form),
                     model_options=FORMS[form], log=lambda line: None)
    return result.onnx_file


def scale_initializers(model, factor: float):
    """A copy of the ONNX model with the head's ``final_layer`` weight and bias multiplied by ``factor``."""
    import onnx
    from onnx import numpy_helper
    model = onnx.ModelProto.FromString(model.SerializeToString())
    found = 0
    for tensor in model.graph.initializer:
        if tensor.name in SCALED_INITIALIZERS:
            values = numpy_helper.to_array(tensor) * np.float32(factor)
            tensor.CopyFrom(numpy_helper.from_array(values, tensor.name))
            found += 1
    if found != len(SCALED_INITIALIZERS):
        raise ValueError(f'scale_initializers: {SCALED_INITIALIZERS} not all found in the ONNX model')
    return model


def pytorch_reference(model_cfg: str, checkpoint: str, inputs: np.ndarray,
                      factor: float) -> Tuple[List[np.ndarray], Dict[str, float]]:
    """PyTorch float32 logits (x, y) with ``final_layer`` scaled, and statistics of the first ScaleNorm's
    input: ``max_abs`` and ``max_sum_sq`` (largest per-row sum of squares, computed in float64)."""
    import torch
    from mmpose.apis import init_model
    model = init_model(model_cfg, checkpoint, device='cpu')
    with torch.no_grad():
        model.head.final_layer.weight.mul_(factor)
        model.head.final_layer.bias.mul_(factor)
    seen = {}
    hook = model.head.mlp[0].register_forward_pre_hook(lambda m, args: seen.update(x=args[0].double()))
    with torch.no_grad():
        outputs = model(torch.from_numpy(inputs), None, mode='tensor')
    hook.remove()
    stats = dict(max_abs=float(seen['x'].abs().max()), max_sum_sq=float((seen['x']**2).sum(-1).max()))
    return [o.numpy() for o in outputs], stats


# ------------------------------------------------------------------ runners

def _ort(model, inputs: np.ndarray) -> List[np.ndarray]:
    import onnxruntime as ort
    session = ort.InferenceSession(model.SerializeToString(), providers=['CPUExecutionProvider'])
    dtype = np.float16 if session.get_inputs()[0].type == 'tensor(float16)' else np.float32
    return session.run(None, {session.get_inputs()[0].name: inputs.astype(dtype)})


def run_ort_fp32(model, inputs):
    return _ort(model, inputs), 'f32'


def run_ort_fp16(model, inputs):
    from .fp16 import convert_float_to_float16
    return _ort(convert_float_to_float16(model), inputs), 'f16 tensors'


def _openvino(model, inputs, hint: Optional[str]):
    """OpenVINO CPU with ``INFERENCE_PRECISION_HINT`` = ``hint`` (None: the plugin's own choice); returns
    the outputs and the precision the compiled model reports."""
    import onnx

    from .runtime.engines import openvino_core
    with tempfile.TemporaryDirectory() as tmp:
        path = osp.join(tmp, 'model.onnx')
        onnx.save(model, path)
        compiled = openvino_core().compile_model(path, 'CPU',
                                                 {'INFERENCE_PRECISION_HINT': hint} if hint else {})
    result = compiled(inputs)
    precision = compiled.get_property('INFERENCE_PRECISION_HINT').to_string()
    return [result[o] for o in compiled.outputs], precision


def openvino_runner(hint: Optional[str]) -> Callable:
    return lambda model, inputs: _openvino(model, inputs, hint)


def run_fp16_arithmetic(model, inputs):
    """The float16 model under ONNX's reference evaluator, one sample at a time."""
    from onnx.reference import ReferenceEvaluator
    from onnx.reference.op_run import OpRun

    from .fp16 import convert_float_to_float16

    class HardSigmoid(OpRun):
        """As ONNX's, but keeping the input's dtype (the reference one returns float32 for float16)."""

        def _run(self, x, alpha=None, beta=None):
            alpha = self.alpha if alpha is None else alpha
            beta = self.beta if beta is None else beta
            return (np.clip(x * x.dtype.type(alpha) + x.dtype.type(beta), 0, 1).astype(x.dtype), )

    evaluator = ReferenceEvaluator(convert_float_to_float16(model), new_ops=[HardSigmoid])
    name = model.graph.input[0].name
    with np.errstate(over='ignore', invalid='ignore', divide='ignore'):
        outs = [evaluator.run(None, {name: inputs[i:i + 1].astype(np.float16)}) for i in range(len(inputs))]
    return [np.concatenate([o[j] for o in outs]) for j in range(len(outs[0]))], 'f16 ops'


RUNNERS: Dict[str, Callable] = {
    'ort-fp32': run_ort_fp32,
    'ort-fp16': run_ort_fp16,
    'ov-default': openvino_runner(None),
    'ov-f32': openvino_runner('f32'),
    'ov-bf16': openvino_runner('bf16'),
    'ov-f16': openvino_runner('f16'),
    'fp16-arith': run_fp16_arithmetic,
}


# ------------------------------------------------------------------ comparison

def compare(reference: Sequence[np.ndarray], outputs: Sequence[np.ndarray], split_ratio: float) -> Dict:
    """``max_logit_diff`` (inf if any logit is not finite), ``mean_kpt_px`` (distance of the decoded
    keypoints, input pixels) and ``nonfinite`` (share of non-finite logits) of ``outputs`` against
    ``reference`` (x and y logits)."""
    from .runtime import decode_simcc
    ref = [np.asarray(r, np.float32) for r in reference]
    out = [np.asarray(o, np.float32) for o in outputs]
    diffs = [np.where(np.isfinite(o), np.abs(o - r), np.inf) for o, r in zip(out, ref)]
    kpt_ref, _ = decode_simcc(ref[0], ref[1], split_ratio)
    kpt_out, _ = decode_simcc(*(np.nan_to_num(o, nan=-np.inf) for o in out[:2]), split_ratio)
    return dict(max_logit_diff=float(max(d.max() for d in diffs)),
                mean_kpt_px=float(np.linalg.norm(kpt_out - kpt_ref, axis=-1).mean()),
                nonfinite=float(np.mean(np.concatenate([~np.isfinite(o).ravel() for o in out]))))


DEFAULT_TARGETS = (1e3, 3e4, 1e5, 1e6)


def run_check(model_cfg: str = DEFAULT_MODEL_CFG, targets: Sequence[float] = DEFAULT_TARGETS,
              runners: Sequence[str] = tuple(RUNNERS), num_samples: int = 2, seed: int = 0,
              work_dir: Optional[str] = None, log: Callable[[str], None] = print) -> List[Dict]:
    """Rows ``dict(factor, max_abs, max_sum_sq, form, runner, precision, max_logit_diff, mean_kpt_px,
    nonfinite)`` for every target (largest sum of squares of a ScaleNorm input row) x form x runner."""
    import cv2
    import onnx
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((num_samples, 3, 256, 192)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        work_dir = work_dir or tmp
        os.makedirs(work_dir, exist_ok=True)
        checkpoint = make_checkpoint(model_cfg, osp.join(work_dir, 'random.pth'), seed)
        image = osp.join(work_dir, 'image.jpg')
        cv2.imwrite(image, rng.integers(0, 255, (256, 192, 3), dtype=np.uint8))
        t0 = time.perf_counter()
        models = {form: onnx.load(export_form(form, model_cfg, checkpoint, image, work_dir))
                  for form in FORMS}
        log(f'exported {", ".join(FORMS)} ({time.perf_counter() - t0:.0f} s)')
        rows = []
        _, base = pytorch_reference(model_cfg, checkpoint, inputs, 1.0)
        for target in targets:
            factor = float(np.sqrt(target / base['max_sum_sq']))
            reference, stats = pytorch_reference(model_cfg, checkpoint, inputs, factor)
            for form, model in models.items():
                scaled = scale_initializers(model, factor)
                for name in runners:
                    outputs, precision = RUNNERS[name](scaled, inputs)
                    rows.append(dict(factor=factor, **stats, form=form, runner=name, precision=precision,
                                     **compare(reference, outputs, split_ratio=2.0)))
            log(f'sum of squares {target:g} (factor {factor:.3g}) done ({time.perf_counter() - t0:.0f} s)')
    return rows


def format_table(rows: Sequence[Dict]) -> str:
    """The rows as a text table (one line per target x runner x form)."""
    head = (f'{"max sum x^2":>11} {"max|x|":>7} {"runner":<11} {"precision":<11} {"form":<7} '
            f'{"max |dlogit|":>12} {"mean dkpt px":>12} {"non-finite":>10}')
    lines = [head, '-' * len(head)]
    for r in sorted(rows, key=lambda r: (r['max_sum_sq'], list(RUNNERS).index(r['runner']), r['form'])):
        lines.append(f'{r["max_sum_sq"]:>11.3g} {r["max_abs"]:>7.3g} {r["runner"]:<11} {r["precision"]:<11} '
                     f'{r["form"]:<7} {r["max_logit_diff"]:>12.3g} {r["mean_kpt_px"]:>12.3f} '
                     f'{r["nonfinite"]:>10.1%}')
    return '\n'.join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog='python -m rtmpose_ext.deploy.fp16_check',
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default=DEFAULT_MODEL_CFG, help='model config (default: RTMPose-t)')
    parser.add_argument('--sum-sq', nargs='+', type=float, default=list(DEFAULT_TARGETS),
                        help='targets of the largest sum of squares of a ScaleNorm input row '
                        f'(default: {" ".join(f"{t:g}" for t in DEFAULT_TARGETS)})')
    parser.add_argument('--runners', nargs='+', choices=list(RUNNERS), default=list(RUNNERS))
    parser.add_argument('--num-samples', type=int, default=2, help='random inputs (default: 2)')
    args = parser.parse_args(argv)
    import rtmpose_ext  # noqa: F401
    from .runtime import cpu_summary
    print(f'CPU: {cpu_summary()}')
    rows = run_check(args.config, args.sum_sq, args.runners, args.num_samples)
    print(format_table(rows))


if __name__ == '__main__':
    main()
