"""TensorRT 10/11: our builder (:mod:`..tensorrt.builder`, not MMDeploy's TensorRT code, which uses APIs
both versions removed) writes ``end2end.engine`` beside the SDK description, from
``backend_config.common_config`` (``fp16_mode``, ``max_workspace_size``, ``fp32_layers``: ONNX node-name
prefixes kept in float32 under fp16) and ``model_inputs[0].input_shapes`` (min/opt/max shapes of one
optimization profile). Needs the ``tensorrt`` package and a CUDA device (``--device cuda:0``); the
build report (TensorRT version, fp16 strategy, layers kept in float32) goes to ``tensorrt_build.json``.
"""
import json
import os.path as osp
from typing import List

from mmengine.config import Config

from ..configs import DeployConfigError
from ..tensorrt import build_engine, build_settings
from .base import BackendConverter, register_converter, require


@register_converter
class TensorRTConverter(BackendConverter):
    name = 'tensorrt'

    def check(self, deploy_cfg: Config) -> None:
        name = deploy_cfg.onnx_config.input_names[0]
        try:
            shapes = deploy_cfg.backend_config.model_inputs[0]['input_shapes'][name]
        except (KeyError, IndexError, TypeError):
            raise DeployConfigError(f'backend_config.model_inputs[0].input_shapes.{name} (min_shape, '
                                    'opt_shape, max_shape) is missing') from None
        missing = {'min_shape', 'opt_shape', 'max_shape'} - set(shapes)
        if missing:
            raise DeployConfigError(f'backend_config.model_inputs[0].input_shapes.{name}: missing '
                                    f'{sorted(missing)}')
        lo, opt, hi = (list(shapes[k]) for k in ('min_shape', 'opt_shape', 'max_shape'))
        if len({len(lo), len(opt), len(hi)}) != 1 or not all(a <= b <= c for a, b, c in zip(lo, opt, hi)):
            raise DeployConfigError(f'backend_config.model_inputs[0].input_shapes.{name}: expected '
                                    f'min_shape <= opt_shape <= max_shape per axis, got {lo}, {opt}, {hi}')

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu', trt=None) -> List[str]:
        if trt is None:
            require(self.name, 'tensorrt', 'tensorrt', ' (NVIDIA TensorRT 10 or 11, with a CUDA device)')
            if not device.startswith('cuda'):
                raise DeployConfigError(f'--device: TensorRT builds engines on a CUDA device, got {device!r}')
        engine_file = self.output_prefix(onnx_file, work_dir) + '.engine'
        report = build_engine(onnx_file, engine_file, build_settings(deploy_cfg), trt=trt)
        with open(osp.join(work_dir, 'tensorrt_build.json'), 'w') as f:
            json.dump(report, f, indent=2)
        return [engine_file]
