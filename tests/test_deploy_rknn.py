"""RKNN: the RKNN-bound graph (ScaleNorm without ReduceL2), the configs' errors, and, with the
rknn-toolkit2 environment (``make setup-rknn``; ``make test`` builds it), conversion in fp16 and int8
with the PC simulator against ONNX Runtime, the accuracy analysis, and evaluation in the simulator.

Without ``.venv-rknn`` the toolkit tests are skipped, except under CI (``CI=true``), where a missing
environment is a failure: ``make test`` must have built it."""
import json
import os
import os.path as osp

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.backends import MissingToolkitError, get_converter
from rtmpose_ext.deploy.configs import DeployConfigError, load_configs
from rtmpose_ext.deploy.rewriters.scale_norm import overflow_safe_scale_norm
from rtmpose_ext.deploy.rknn.toolkit import toolkit_python

from test_deploy_support import MODEL_CFG, ORT, checkpoint, converted, crops, deploy_cfg, image, workspace

RKNN_FP16 = 'pose-detection_simcc_rknn-fp16_static-256x192.py'
RKNN_INT8 = 'pose-detection_simcc_rknn-int8_static-256x192.py'
FAST = {'backend_config.simulator_check.num_samples': 4,
        'backend_config.quantization_config.calibration.num_samples': 8}
_CACHE = {}


def needs_toolkit():
    if toolkit_python() is None:
        if os.environ.get('CI', '').lower() == 'true':
            pytest.fail('.venv-rknn is missing under CI: `make test` builds it (make setup-rknn)')
        pytest.skip('no rknn-toolkit2 environment (make setup-rknn)')


def rknn(name, tiny_coco):
    """The conversion of ``name`` (calibration and comparison crops from the tiny dataset), once."""
    needs_toolkit()
    if name not in _CACHE:
        from rtmpose_ext.deploy.convert import convert
        lines = []
        result = convert(deploy_cfg(name), MODEL_CFG, checkpoint(), image(),
                         osp.join(workspace(), f'rknn_{len(_CACHE)}'), deploy_options=FAST,
                         model_options=tiny_coco.cfg_dict(), log=lines.append)
        _CACHE[name] = result, lines
    return _CACHE[name]


def _report(result):
    with open(osp.join(result.work_dir, 'rknn_check.json')) as f:
        return json.load(f)


def test_rknn_graph_has_no_reduce_l2_and_computes_the_same(tmp_path):
    from rtmpose_ext.deploy.convert import convert
    with pytest.raises(MissingToolkitError):
        convert(deploy_cfg(RKNN_FP16), MODEL_CFG, checkpoint(), image(), str(tmp_path),
                deploy_options={'backend_config.toolkit_python': str(tmp_path / 'no-python')},
                log=lambda line: None)
    ops = [n.op_type for n in onnx.load(str(tmp_path / 'end2end.onnx')).graph.node]
    assert 'ReduceL2' not in ops and ops.count('ReduceSum') == 2 and ops.count('Sqrt') == 2
    x = crops(1)
    ours = ort.InferenceSession(str(tmp_path / 'end2end.onnx'), providers=['CPUExecutionProvider'])
    default = ort.InferenceSession(converted(ORT).onnx_file, providers=['CPUExecutionProvider'])
    for a, b in zip(ours.run(None, {'input': x}), default.run(None, {'input': x[:1]})):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_sum_of_squares_form_does_not_overflow_in_float16():
    """After the division by max|x| the squares are <= 1: at |x| up to 300 (x^2 up to 9e4 > 65504) the
    form stays finite in float16 and equals the float32 ScaleNorm; the plain sum of squares is inf."""
    x = torch.randn(2, 17, 48) * 100
    x[0, 0, 0] = 300.
    scale = 48**-0.5
    reference = x / (torch.linalg.norm(x, dim=-1, keepdim=True) * scale).clamp(min=1e-5)
    half = overflow_safe_scale_norm(x.half(), scale, 1e-5, torch.ones(48).half(), sum_of_squares=True)
    assert torch.isfinite(half).all()
    torch.testing.assert_close(half.float(), reference, atol=2e-2, rtol=1e-2)
    assert torch.isinf((x.half() * x.half()).sum(-1)).any()


@pytest.mark.parametrize('options, message', [
    ({'backend_config.common_config.target_platform': 'rv1126'}, 'target_platform'),
    ({'backend_config.common_config.quantize_everything': True}, "unknown RKNN.config keys"),
    ({"onnx_config.dynamic_axes": {'input': {0: 'batch'}}}, 'onnx_config.dynamic_axes'),
    ({'backend_config.simulator_check.num_samples': 0}, 'simulator_check.num_samples'),
    ({'backend_config.quantization_config.float_from': '/final_layer/Conv'}, 'float_from'),
])
def test_config_errors_name_the_field(options, message):
    cfg, _ = load_configs(deploy_cfg(RKNN_INT8), MODEL_CFG, options)
    with pytest.raises(DeployConfigError, match=message):
        get_converter('rknn').check(cfg)


@pytest.mark.slow  # export + toolkit build + 4 simulator runs + accuracy analysis: ~40 s on 2 cores
def test_fp16_conversion_runs_in_the_simulator_and_agrees_with_onnxruntime(tiny_coco):
    result, lines = rknn(RKNN_FP16, tiny_coco)
    assert result.backend_files == [osp.join(result.work_dir, 'end2end.rknn')]
    assert osp.getsize(result.backend_files[0]) > 1e5
    assert any('[rknn 4/5] simulator vs ONNX Runtime' in line for line in lines)
    report = _report(result)
    assert report['num_crops'] == 4 and report['num_keypoints'] == 4 * 17
    assert report['max_abs_logit'] < 0.5 and report['same_argmax'] >= 0.9
    analysis = osp.join(result.work_dir, 'rknn_accuracy_analysis', 'error_analysis.txt')
    with open(analysis) as f:
        text = f.read()
    assert '/backbone/stem' in text and 'cos' in text


@pytest.mark.slow  # export + calibration on 8 crops + toolkit build + simulator: ~40 s on 2 cores
def test_int8_conversion_uses_training_crops_and_runs_in_the_simulator(tiny_coco):
    result, _ = rknn(RKNN_INT8, tiny_coco)
    with open(osp.join(result.work_dir, 'rknn_calibration', 'dataset.txt')) as f:
        listed = f.read().split()
    assert len(listed) == 8 and all(np.load(p).shape == (1, 3, 256, 192) for p in listed)
    with open(osp.join(result.work_dir, 'rknn_job.json')) as f:
        job = json.load(f)
    assert job['do_quantization'] and job['config']['quantized_dtype'] == 'w8a8'
    assert job['config']['mean_values'] == [[123.675, 116.28, 103.53]]
    # hybrid: the head (from its 7x7 conv) in float16, through the toolkit's two steps
    assert job['float_from'] == ['/final_layer/Conv']
    assert osp.isfile(osp.join(result.work_dir, 'rknn_hybrid', 'end2end.quantization.cfg'))
    report = _report(result)
    assert report['num_crops'] == 4 and np.isfinite(report['max_abs_logit'])


@pytest.mark.slow  # a rebuild in the simulator + the tiny val split: ~30 s on 2 cores
def test_evaluation_in_the_simulator_matches_pytorch_keypoints(tiny_coco):
    from rtmpose_ext.deploy.evaluate import evaluate
    result, _ = rknn(RKNN_FP16, tiny_coco)
    report = evaluate(deploy_cfg(RKNN_FP16), MODEL_CFG, result.backend_files, checkpoint(),
                      cfg_options=tiny_coco.cfg_dict(), log=lambda line: None)
    assert report.num_instances > 0 and 'coco/AP' in report.backend
    assert report.keypoint_diff['mean_px'] < 5.0     # fp16 NPU arithmetic: near-ties may flip
