"""The precision a deploy config asks for (one function reads it for the conversion, deploy.json and the
evaluation), what every shipped config asks for, and the CPU description printed next to figures.

What each backend then runs on this CPU, against PyTorch, is tested in tests/test_deploy_convert.py."""
import glob
import os.path as osp
import platform

import pytest
from mmengine.config import Config

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.configs import DeployConfigError
from rtmpose_ext.deploy.precision import check_precision, requested_precision
from rtmpose_ext.deploy.runtime import cpu
from rtmpose_ext.deploy.runtime.engines import MODEL_PRECISION_HINT, requested_hint
from rtmpose_ext.deploy.runtime.model_info import ModelInfo

from test_deploy_support import DEPLOY_DIR


def _cfg(**backend_config):
    return Config(dict(backend_config=backend_config))


@pytest.mark.parametrize('backend_config, expected', [
    (dict(type='onnxruntime'), 'FP32'),
    (dict(type='onnxruntime', precision='fp16'), 'FP16'),
    (dict(type='openvino', precision='BF16'), 'BF16'),
    (dict(type='tensorrt', common_config=dict(fp16_mode=True)), 'FP16'),
    (dict(type='tensorrt', common_config=dict(fp16_mode=True, int8_mode=True)), 'INT8'),
    (dict(type='rknn', quantization_config=dict(do_quantization=False)), 'FP16'),
    (dict(type='rknn', quantization_config=dict(do_quantization=True)), 'INT8'),
])
def test_requested_precision_reads_every_backends_keys(backend_config, expected):
    assert requested_precision(_cfg(**backend_config)) == expected


def test_bad_precisions_name_the_field():
    with pytest.raises(DeployConfigError, match=r"backend_config.precision: expected one of .* got 'fp64'"):
        requested_precision(_cfg(type='openvino', precision='fp64'))
    with pytest.raises(DeployConfigError, match=r"backend_config.precision: onnxruntime converts .* 'BF16'"):
        check_precision(_cfg(type='onnxruntime', precision='bf16'), 'onnxruntime', ('FP32', 'FP16'))


def _expected_precision(name: str) -> str:
    for tag, precision in (('-fp16', 'FP16'), ('-bf16', 'BF16'), ('-int8', 'INT8')):
        if tag in name:
            return precision
    return 'FP16' if name.startswith('pose-detection_simcc_rknn') else 'FP32'


@pytest.mark.parametrize('path', sorted(glob.glob(osp.join(DEPLOY_DIR, 'pose-detection_*.py'))
                                        + glob.glob(osp.join(DEPLOY_DIR, 'detection_*.py'))),
                         ids=osp.basename)
def test_every_deploy_config_asks_for_the_precision_its_name_says(path):
    """A config named without -fp16/-bf16/-int8 runs float32 (RKNN's NPUs: float16), explicitly."""
    assert requested_precision(Config.fromfile(path)) == _expected_precision(osp.basename(path))


def test_openvino_configs_set_the_precision_explicitly():
    for path in glob.glob(osp.join(DEPLOY_DIR, '*openvino*.py')):
        assert Config.fromfile(path).backend_config.get('precision'), path


def _info(precision: str) -> ModelInfo:
    return ModelInfo(work_dir='', net='m.xml', weights='', precision=precision, input_name='input',
                     output_names=['x', 'y'], input_size=(192, 256), padding=1.25, mean=None, std=None,
                     to_rgb=True, split_ratio=2.0, export_postprocess=False)


def test_engines_ask_for_the_model_precision_unless_hinted():
    assert {p: requested_hint(_info(p), None) for p in MODEL_PRECISION_HINT} == {
        'FP32': 'f32', 'BF16': 'bf16', 'FP16': 'f16', 'INT8': 'f32'}
    assert requested_hint(_info('FP32'), 'bf16') == 'bf16'
    message = r"precision_hint: expected one of \('f32', 'bf16', 'f16'\), got 'fp8'"
    with pytest.raises(ValueError, match=message):
        requested_hint(_info('FP32'), 'fp8')


def test_cpu_summary_names_the_cpu_and_its_precision_flags(monkeypatch):
    fake = 'model name\t: Test CPU 9000\nflags\t\t: fpu sse2 avx512f avx512_bf16 f16c avx512_vnni\n'
    monkeypatch.setattr(cpu, '_cpuinfo', lambda: fake)
    monkeypatch.setattr(platform, 'machine', lambda: 'x86_64')
    assert cpu.cpu_flags() >= {'avx512_bf16', 'f16c', 'sse2'}
    summary = cpu.cpu_summary()
    assert summary.startswith('Test CPU 9000, x86_64: avx512_bf16 f16c avx512_vnni; no amx_bf16 avx512_fp16')
    assert not cpu.has_fp16_arithmetic()
    monkeypatch.setattr(cpu, '_cpuinfo', lambda: 'Features\t: fp asimd asimdhp\n')  # an ARM CPU
    assert cpu.has_fp16_arithmetic()


def test_cpu_flags_of_this_machine():
    if platform.system() == 'Linux' and platform.machine() == 'x86_64':
        assert 'sse2' in cpu.cpu_flags()
    assert cpu.cpu_name() in cpu.cpu_summary()
