"""int8 on CPUs: calibration crops from the training split, ONNX Runtime static QDQ and OpenVINO NNCF
quantization of the backbone (RTMPose-t, random weights fixed by a seed, calibrated on the tiny dataset's
training people), the head left in float, and the configs' errors.

Random weights make activations unlike a trained model's, so the accuracy checks here are coarse (arg-max
agreement with fp32); the AP drop of a trained model is measured in docs/quantization.md."""
import os.path as osp

import numpy as np
import onnx
import pytest

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.calibration import calibration_crops, normalize_crops
from rtmpose_ext.deploy.configs import DeployConfigError, load_configs
from rtmpose_ext.deploy.quantization import quantization_settings
from rtmpose_ext.deploy.runtime import create_engine

from test_deploy_support import MODEL_CFG, checkpoint, converted, crops, deploy_cfg, image, workspace

ORT_INT8 = 'pose-detection_simcc_onnxruntime-int8_dynamic.py'
OPENVINO_INT8 = 'pose-detection_simcc_openvino-int8_static-256x192.py'
FEW = {'backend_config.quantization_config.calibration.num_samples': 8}
_CACHE = {}


def model_cfg(tiny_coco):
    return load_configs(deploy_cfg(ORT_INT8), MODEL_CFG, model_options=tiny_coco.cfg_dict())[1]


def int8(name, tiny_coco):
    """The conversion of ``name`` calibrated on 8 training crops of the tiny dataset (once)."""
    if name not in _CACHE:
        from rtmpose_ext.deploy.convert import convert
        _CACHE[name] = convert(deploy_cfg(name), MODEL_CFG, checkpoint(), image(),
                               osp.join(workspace(), f'int8_{len(_CACHE)}'), deploy_options=FEW,
                               model_options=tiny_coco.cfg_dict(), log=lambda line: None)
    return _CACHE[name]


def agreement_with_fp32(name, result) -> float:
    """Share of the SimCC arg-maxes of the int8 model ``result`` (deploy config ``name``) equal to those
    of the fp32 ONNX Runtime model of the same weights, on 4 crops."""
    from rtmpose_ext.deploy.evaluate import backend_model_info
    cfg, mcfg = load_configs(deploy_cfg(name), MODEL_CFG)
    engine = create_engine(backend_model_info(cfg, mcfg, result.backend_files))
    assert engine.precision == 'int8', engine.precision_detail
    reference = create_engine(backend_model_info(cfg, mcfg, converted(
        'pose-detection_simcc_onnxruntime_dynamic.py').backend_files))
    x = crops(4)
    return float(np.mean([(a.argmax(-1) == b.argmax(-1)).mean() for a, b in zip(engine(x), reference(x))]))


def test_calibration_crops_are_training_people_preprocessed_as_the_model_does(tiny_coco):
    import torch
    from mmengine.registry import MODELS
    from mmpose.structures import PoseDataSample
    cfg = model_cfg(tiny_coco)
    crops_ = calibration_crops(cfg, num_samples=5, seed=1)
    assert crops_.shape == (5, 256, 192, 3) and crops_.dtype == np.uint8 and crops_.std() > 5
    assert len(calibration_crops(cfg, num_samples=1000)) == len(calibration_crops(cfg, 1000, seed=3)) > 5
    assert not np.array_equal(calibration_crops(cfg, 5, seed=2), crops_)
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    batch = preprocessor(dict(inputs=[torch.from_numpy(c.transpose(2, 0, 1).copy()) for c in crops_],
                              data_samples=[PoseDataSample() for _ in crops_]), False)['inputs'].numpy()
    np.testing.assert_allclose(normalize_crops(crops_, cfg), batch, atol=1e-5)


@pytest.mark.slow  # export + calibration + quantization: ~30 s on 2 cores
def test_onnxruntime_int8_quantizes_the_backbone_convolutions_only(tiny_coco):
    result = int8(ORT_INT8, tiny_coco)
    model = onnx.load(result.onnx_file)
    producers = {o: n for n in model.graph.node for o in n.output}
    weights = {t.name for t in model.graph.initializer}

    def quantized(node):
        """Whether an int8 weight feeds the node (an initializer through DequantizeLinear)."""
        return any(producers.get(i) is not None and producers[i].op_type == 'DequantizeLinear'
                   and producers[i].input[0] in weights for i in node.input)
    convs = [n for n in model.graph.node if n.op_type == 'Conv']
    assert all(quantized(n) for n in convs if n.name.startswith('/backbone/'))
    head = [n for n in model.graph.node if n.op_type not in ('QuantizeLinear', 'DequantizeLinear')
            and not n.name.startswith('/backbone/')]
    # the 7x7 conv, ScaleNorm, GAU and classifiers keep float weights (the conv reads the backbone's last
    # activation dequantized)
    assert head and not any(quantized(n) for n in head)
    weight_scales = [n for n in model.graph.node if n.op_type == 'DequantizeLinear'
                     and any(a.name == 'axis' for a in n.attribute)]
    assert weight_scales                                           # per-channel weights
    assert agreement_with_fp32(ORT_INT8, result) >= 0.8


@pytest.mark.slow  # export + NNCF statistics + bias correction: ~40 s on 2 cores
def test_openvino_int8_puts_fake_quantize_before_backbone_operations_only(tiny_coco):
    import openvino as ov
    result = int8(OPENVINO_INT8, tiny_coco)
    model = ov.Core().read_model(result.backend_files[0])
    consumers = {}
    for op in model.get_ordered_ops():
        for inp in op.inputs():
            consumers.setdefault(inp.get_source_output().get_node().get_friendly_name(), []).append(op)
    fake_quantize = [op for op in model.get_ordered_ops() if op.get_type_name() == 'FakeQuantize']
    assert len(fake_quantize) > 20
    targets = {c.get_friendly_name() for fq in fake_quantize for c in consumers[fq.get_friendly_name()]}
    assert all(name.startswith('/backbone/') for name in targets)
    assert agreement_with_fp32(OPENVINO_INT8, result) >= 0.8


@pytest.mark.parametrize('options, message', [
    ({'method': 'KL'}, 'quantization_config.method'),
    ({'scope': '/backbone/'}, 'quantization_config.scope'),
    ({'calibration': {'num_samples': 0}}, 'calibration.num_samples'),
    ({'bits': 4}, "unknown keys ['bits']"),
])
def test_quantization_settings_name_the_bad_key(options, message):
    with pytest.raises(DeployConfigError, match=message.replace('[', r'\[').replace(']', r'\]')):
        quantization_settings(options)


def test_scope_matching_no_node_and_opset_11_are_clear_errors(tmp_path, tiny_coco):
    from rtmpose_ext.deploy.quantization.onnxruntime import quantize_onnx
    onnx_file = converted('pose-detection_simcc_onnxruntime_dynamic.py').onnx_file   # opset 11
    inputs = crops(2)
    with pytest.raises(DeployConfigError, match='opset_version'):
        quantize_onnx(onnx_file, str(tmp_path / 'q.onnx'), inputs, quantization_settings({}))
    settings = quantization_settings({'scope': ['/no/such/'], 'per_channel': False})
    with pytest.raises(DeployConfigError, match="no node name starts with"):
        quantize_onnx(onnx_file, str(tmp_path / 'q.onnx'), inputs, settings)
    assert not (tmp_path / 'q.onnx').exists()
