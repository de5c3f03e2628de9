"""TensorRT without a GPU: our builder and runner against a stand-in of the tensorrt module
(tests/fake_tensorrt.py) that parses the real exported ONNX model, records what the builder asks
(flags, optimization profile, layer precisions, tensor types) and runs the recorded model with ONNX Runtime
on the runner's buffers. What it cannot show: TensorRT's own kernels, tactic choice and real fp16
arithmetic (those need a GPU; see docs/tensorrt_rknn.md)."""
import json
import os.path as osp

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.backends import MissingToolkitError, get_converter
from rtmpose_ext.deploy.configs import DeployConfigError, load_configs
from rtmpose_ext.deploy.runtime import ModelInfo, PoseEstimator, create_engine

from fake_tensorrt import FakeTensorRT, HostCuda
from test_deploy_support import MODEL_CFG, checkpoint, crops, deploy_cfg, image, workspace

TRT = 'pose-detection_simcc_tensorrt_dynamic-256x192.py'
TRT_FP16 = 'pose-detection_simcc_tensorrt-fp16_dynamic-256x192.py'
_DIRS = {}


def exported(name):
    """The model directory of ``name`` up to the engine build (the real tensorrt is not installed), once."""
    if name not in _DIRS:
        from rtmpose_ext.deploy.convert import convert
        work_dir = osp.join(workspace(), f'trt_{len(_DIRS)}')
        with pytest.raises(MissingToolkitError, match='`tensorrt`'):
            convert(deploy_cfg(name), MODEL_CFG, checkpoint(), image(), work_dir, log=lambda line: None)
        _DIRS[name] = work_dir
    return _DIRS[name]


def build(name, version, **deploy_options):
    """Build with the stand-in of TensorRT ``version``; returns (work_dir, its build record)."""
    work_dir = exported(name)
    cfg, model_cfg = load_configs(deploy_cfg(name), MODEL_CFG, deploy_options or None)
    trt = FakeTensorRT(version)
    converter = get_converter('tensorrt')
    converter.check(cfg)
    files = converter.convert(osp.join(work_dir, 'end2end.onnx'), work_dir, cfg, model_cfg, trt=trt)
    assert files == [osp.join(work_dir, 'end2end.engine')] and osp.isfile(files[0])
    return work_dir, trt.builds[-1]


def reference(inputs):
    session = ort.InferenceSession(osp.join(exported(TRT), 'end2end.onnx'),
                                   providers=['CPUExecutionProvider'])
    return session.run(None, {'input': inputs})


def test_fp32_build_has_the_config_profile_and_no_fp16():
    work_dir, record = build(TRT, 10)
    assert record['profile'] == {'input': [[1, 3, 256, 192], [2, 3, 256, 192], [4, 3, 256, 192]]}
    assert record['flags'] == [] and record['fp32_layers'] == [] and record['half_tensors'] == 0
    assert record['pools'] == {'WORKSPACE': 1 << 30}
    with open(osp.join(work_dir, 'tensorrt_build.json')) as f:
        assert json.load(f)['fp16_strategy'] == 'none'


def test_tensorrt10_fp16_keeps_scale_norm_and_classifiers_in_float32():
    _, record = build(TRT_FP16, 10)
    assert record['flags'] == ['FP16', 'OBEY_PRECISION_CONSTRAINTS']
    kept = record['fp32_layers']
    assert all(name.startswith(('/mlp/mlp.0/', '/gau/ln/', '/cls_x/', '/cls_y/')) for name in kept)
    for needed in ('/mlp/mlp.0/ReduceL2', '/gau/ln/ReduceL2', '/mlp/mlp.0/Div_1', '/cls_x/MatMul',
                   '/cls_y/MatMul'):
        assert needed in kept
    assert record['output_types'] and set(record['output_types']) <= set(kept)   # float outputs only


def test_tensorrt11_fp16_builds_a_typed_float16_onnx():
    """TensorRT 11 has no FP16 flag: the parsed model is float16 with float32 input/output and ScaleNorm
    and the classifiers blocked to float32."""
    work_dir, record = build(TRT_FP16, 11)
    assert record['flags'] == [] and record['fp32_layers'] == [] and record['half_tensors'] > 100
    assert record['input_dtypes'] == {'input': 'FLOAT'}
    with open(osp.join(work_dir, 'tensorrt_build.json')) as f:
        report = json.load(f)
    assert report['fp16_strategy'] == 'typed-onnx'
    typed = onnx.shape_inference.infer_shapes(onnx.load(report['onnx']))
    values = list(typed.graph.value_info) + list(typed.graph.output)
    types = {v.name: v.type.tensor_type.elem_type for v in values}
    nodes = {n.name: n for n in typed.graph.node}
    for name in ('/mlp/mlp.0/ReduceL2', '/gau/ln/ReduceL2', '/cls_x/MatMul'):
        assert types[nodes[name].output[0]] == onnx.TensorProto.FLOAT, name
    assert types[nodes['/gau/uv/MatMul'].output[0]] == onnx.TensorProto.FLOAT16


@pytest.mark.parametrize('version', [10, 11])
def test_runner_runs_the_engine_through_named_tensors(version):
    name = TRT if version == 10 else TRT_FP16
    work_dir, _ = build(name, version)
    cuda = HostCuda()
    estimator = PoseEstimator(work_dir, trt=FakeTensorRT(version), cuda=cuda)
    engine = estimator.engine
    inputs = crops(3)
    ref = reference(inputs)
    for batch in (1, 3):
        out = engine(inputs[:batch])
        assert [o.shape for o in out] == [(batch, 17, 384), (batch, 17, 512)] and out[0].dtype == np.float32
        atol = 1e-5 if version == 10 else 0.05   # 11: the typed float16 ONNX
        np.testing.assert_allclose(out[0], ref[0][:batch], atol=atol)
    assert cuda.copies[:1] == [1] and 2 in cuda.copies       # host -> device, device -> host
    with pytest.raises(ValueError, match='optimization profile'):
        engine(crops(5))
    keypoints, _ = estimator(np.zeros((300, 200, 3), np.uint8))
    assert keypoints.shape == (1, 17, 2)


def test_fp16_layers_that_match_nothing_are_an_error():
    with pytest.raises(RuntimeError, match='fp32_layers'):
        build(TRT_FP16, 10, **{'backend_config.common_config.fp32_layers': ['/no/such/']})


def test_profile_out_of_order_is_rejected_naming_the_field():
    cfg, _ = load_configs(deploy_cfg(TRT), MODEL_CFG, {
        'backend_config.model_inputs.0.input_shapes.input.min_shape': [8, 3, 256, 192]})
    with pytest.raises(DeployConfigError, match='min_shape <= opt_shape <= max_shape'):
        get_converter('tensorrt').check(cfg)


def test_engine_file_that_does_not_load_is_a_clear_error(tmp_path):
    work_dir, _ = build(TRT, 10)
    info = ModelInfo.from_work_dir(work_dir)
    broken = tmp_path / 'end2end.engine'
    broken.write_bytes(b'not an engine')
    info.net = str(broken)
    with pytest.raises(RuntimeError, match='could not load'):
        create_engine(info, trt=FakeTensorRT(10), cuda=HostCuda())


def test_gpu_verification_tool_runs_its_flow_on_the_stand_in(tmp_path):
    """tools/verify_tensorrt.py (run on a GPU machine) end to end on the stand-in: engines built and
    compared with ONNX Runtime, and the ScaleNorm sweep's TensorRT runner."""
    import importlib.util
    import sys
    tools = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'tools')
    sys.path.insert(0, tools)
    try:
        path = osp.join(tools, 'verify_tensorrt.py')
        spec = importlib.util.spec_from_file_location('verify_tensorrt', path)
        tool = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tool)
    finally:
        sys.path.remove(tools)
    rows = tool.check_engines(str(tmp_path), repeats=1, trt=FakeTensorRT(10), cuda=HostCuda())
    assert [(r[0], r[1]) for r in rows] == [('fp32', 1), ('fp16', 1), ('fp32', 8), ('fp16', 8)]
    assert all(r[2] < 1e-3 and r[3] == 0 for r in rows)   # the stand-in computes in float32
    run = tool.tensorrt_runner(('/cls_x/', '/cls_y/'), trt=FakeTensorRT(11), cuda=HostCuda())
    outputs, precision = run(onnx.load(osp.join(exported(TRT), 'end2end.onnx')), crops(2))
    assert precision == 'trt typed-onnx' and outputs[0].shape == (2, 17, 384)
