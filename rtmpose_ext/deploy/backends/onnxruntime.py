"""ONNX Runtime: the exported ONNX model itself; ``precision='fp16'`` converts it to float16 in place."""
from typing import List

import onnx
from mmengine.config import Config

from ..fp16 import convert_float_to_float16
from ..precision import check_precision
from .base import BackendConverter, register_converter

PRECISIONS = ('FP32', 'FP16')


@register_converter
class ONNXRuntimeConverter(BackendConverter):
    name = 'onnxruntime'

    def check(self, deploy_cfg: Config) -> None:
        check_precision(deploy_cfg, self.name, PRECISIONS)

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu') -> List[str]:
        backend_cfg = deploy_cfg.backend_config
        if check_precision(deploy_cfg, self.name, PRECISIONS) == 'FP16':
            model = convert_float_to_float16(onnx.load(onnx_file), **backend_cfg.get('common_config', {}))
            onnx.save(model, onnx_file)  # in place, as MMDeploy does
        return [onnx_file]
