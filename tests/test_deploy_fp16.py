"""float16: the ONNX converter (onnxconverter_common's, with the deploy config's keys), and the ScaleNorm
story: our overflow-safe export against mmpose's form on ONNX Runtime fp16, OpenVINO and strict float16
arithmetic."""
import numpy as np
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.fp16 import convert_float_to_float16, nodes_under


def _toy_model():
    """y = Clip(x * w, lo, hi) + Constant, z = MatMul(y, m) named 'matmul'; inputs/outputs float32."""
    w = numpy_helper.from_array(np.array([1e-9, 2.0, -3e5, 0.0], np.float32), 'w')
    lo = numpy_helper.from_array(np.array(-1e3, np.float32), 'lo')
    hi = numpy_helper.from_array(np.array(1e3, np.float32), 'hi')
    m = numpy_helper.from_array(np.eye(4, dtype=np.float32) * 0.5, 'm')
    nodes = [
        helper.make_node('Mul', ['x', 'w'], ['xw'], name='/head/mul'),
        helper.make_node('Clip', ['xw', 'lo', 'hi'], ['clipped'], name='/head/clip'),
        helper.make_node('Constant', [], ['c'], value=numpy_helper.from_array(np.full(4, 0.25, np.float32))),
        helper.make_node('Add', ['clipped', 'c'], ['y'], name='/cls/add'),
        helper.make_node('MatMul', ['y', 'm'], ['z'], name='/cls/matmul'),
    ]
    graph = helper.make_graph(nodes, 'toy', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [2, 4])],
                              [helper.make_tensor_value_info('z', TensorProto.FLOAT, [2, 4])],
                              initializer=[w, lo, hi, m])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])


def _run(model, x):
    session = ort.InferenceSession(model.SerializeToString(), providers=['CPUExecutionProvider'])
    return session.run(None, {'x': x})[0]


def test_converts_initializers_and_io_with_the_config_clamps(recwarn):
    model = convert_float_to_float16(_toy_model(), min_positive_val=1e-7, max_finite_val=1e4)
    types = {t.name: t.data_type for t in model.graph.initializer}
    assert set(types.values()) == {TensorProto.FLOAT16}
    w = numpy_helper.to_array(next(t for t in model.graph.initializer if t.name == 'w'))
    # magnitudes clamped to [1e-7, 1e4] (MMDeploy's defaults), zeros kept
    np.testing.assert_array_equal(w, np.array([1e-7, 2.0, -1e4, 0.0], np.float16))
    assert not [w for w in recwarn if 'will be truncated' in str(w.message)]  # one warning per value, muted
    assert model.graph.input[0].type.tensor_type.elem_type == TensorProto.FLOAT16
    assert model.graph.output[0].type.tensor_type.elem_type == TensorProto.FLOAT16
    x = np.array([[1, 2, 3, 4], [5, -6, 7, 8]], np.float32)  # x * -3e5 and x * -1e4 both clip to -1e3
    got = _run(model, x.astype(np.float16))
    assert got.dtype == np.float16
    np.testing.assert_allclose(got.astype(np.float32), _run(_toy_model(), x), rtol=2e-3, atol=1e-3)


def test_keep_io_types_and_blocked_nodes_by_prefix():
    toy = _toy_model()
    assert nodes_under(toy, ['/cls/']) == ['/cls/add', '/cls/matmul']
    model = convert_float_to_float16(toy, keep_io_types=True, node_block_list=nodes_under(toy, ['/cls/']))
    assert model.graph.input[0].type.tensor_type.elem_type == TensorProto.FLOAT
    assert model.graph.output[0].type.tensor_type.elem_type == TensorProto.FLOAT
    producers = {o: n for n in model.graph.node for o in n.output}
    matmul = next(n for n in model.graph.node if n.name == '/cls/matmul')
    add = next(n for n in model.graph.node if n.name == '/cls/add')
    assert producers[add.input[0]].op_type == 'Cast'   # float32 from the float16 Clip, via a Cast
    assert add.output[0] in matmul.input               # the two blocked nodes stay float32 together
    x = np.array([[1, 2, 3, 4], [5, -6, 7, 8]], np.float32)
    np.testing.assert_allclose(_run(model, x), _run(toy, x), rtol=2e-3)


# Largest logit differences against PyTorch fp32 by the precision a run reports (docs/deployment.md); the
# same bounds as tests/test_deploy_convert.py's, looser for the strict-fp16 reference evaluator's tensors.
LOGIT_BOUNDS = {'f32': 1e-3, 'f16 tensors': 0.1, 'f16 ops': 0.1, 'f16': 0.1, 'bf16': 0.5}


@pytest.mark.slow  # two exports of RTMPose-t + strict-fp16 evaluation (numpy) of the full model: ~90 s
def test_scale_norm_overflow_in_fp16_ours_against_mmpose():
    """At ScaleNorm inputs whose sum of squares exceeds 65504 (float16's largest value), mmpose's form
    (ReduceL2 of the raw values) collapses under float16 arithmetic, ours does not; below that both are
    at float16's noise. ONNX Runtime fp16 computes the norm in float32, OpenVINO runs f32 when asked for it
    (on every CPU) and bf16 where the CPU has bf16 units: bf16 keeps float32's exponent, so neither form
    overflows there. Each run is held to the bound of the precision it reports."""
    from rtmpose_ext.deploy.fp16_check import format_table, run_check
    runners = ('ort-fp16', 'ov-f32', 'ov-bf16', 'fp16-arith')
    rows = run_check(targets=(1e3, 1e5), runners=runners, num_samples=1, log=lambda line: None)
    print('\n' + format_table(rows))
    row = {(r['max_sum_sq'] > 65504, r['runner'], r['form']): r for r in rows}
    assert {r['precision'] for r in rows if r['runner'] == 'ov-f32'} == {'f32'}
    assert {r['precision'] for r in rows if r['runner'] == 'ov-bf16'} <= {'bf16', 'f32'}

    for overflow in (False, True):
        for runner in runners:
            ours = row[overflow, runner, 'ours']
            assert ours['nonfinite'] == 0 and ours['max_logit_diff'] < LOGIT_BOUNDS[ours['precision']], ours
    # strict float16: below the overflow both forms are at float16's noise ...
    small = [row[False, 'fp16-arith', form]['max_logit_diff'] for form in ('ours', 'mmpose')]
    assert max(small) < 3 * min(small) + 1e-3, small
    # ... above it mmpose's norm is inf, its ScaleNorm output 0: the logits collapse
    collapsed = row[True, 'fp16-arith', 'mmpose']
    assert collapsed['max_logit_diff'] > 30 * row[True, 'fp16-arith', 'ours']['max_logit_diff'], collapsed
    assert collapsed['mean_kpt_px'] > 10, collapsed
    # the backends here compute the norm in float32 or bfloat16: both forms stay within their bound
    for runner in ('ort-fp16', 'ov-f32', 'ov-bf16'):
        for form in ('ours', 'mmpose'):
            r = row[True, runner, form]
            assert r['max_logit_diff'] < LOGIT_BOUNDS[r['precision']], r
