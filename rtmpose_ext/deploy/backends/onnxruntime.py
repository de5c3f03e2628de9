"""ONNX Runtime: the exported ONNX model itself, converted in place for ``backend_config.precision``:

- ``'FP32'``: as exported;
- ``'FP16'``: float16 weights and activations (:mod:`..fp16`, onnxconverter_common's converter with
  ``common_config``);
- ``'INT8'``: static QDQ quantization of the nodes in ``quantization_config.scope`` with uint8
  activations and per-channel int8 weights, calibrated on training-split crops
  (:mod:`..quantization.onnxruntime`, :mod:`..calibration`).
"""
from typing import Callable, Dict, List

import onnx
from mmengine.config import Config

from ..calibration import calibration_crops, normalize_crops
from ..fp16 import convert_float_to_float16
from ..precision import check_precision
from ..quantization import quantization_settings
from .base import BackendConverter, register_converter


def _to_fp16(onnx_file: str, deploy_cfg: Config, model_cfg: Config) -> None:
    common_config = deploy_cfg.backend_config.get('common_config', {})
    onnx.save(convert_float_to_float16(onnx.load(onnx_file), **common_config), onnx_file)


def _to_int8(onnx_file: str, deploy_cfg: Config, model_cfg: Config) -> None:
    from ..quantization.onnxruntime import quantize_onnx
    settings = quantization_settings(deploy_cfg.backend_config.get('quantization_config'))
    crops = calibration_crops(model_cfg, settings.num_samples, settings.seed)
    quantize_onnx(onnx_file, onnx_file, normalize_crops(crops, model_cfg), settings)


# precision (rtmpose_ext.deploy.precision) -> in-place conversion of the exported model (None: as exported)
PRECISION_CONVERSIONS: Dict[str, Callable] = {'FP32': None, 'FP16': _to_fp16, 'INT8': _to_int8}


@register_converter
class ONNXRuntimeConverter(BackendConverter):
    name = 'onnxruntime'

    def check(self, deploy_cfg: Config) -> None:
        precision = check_precision(deploy_cfg, self.name, tuple(PRECISION_CONVERSIONS))
        if precision == 'INT8':
            quantization_settings(deploy_cfg.backend_config.get('quantization_config'))

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu') -> List[str]:
        precision = check_precision(deploy_cfg, self.name, tuple(PRECISION_CONVERSIONS))
        conversion = PRECISION_CONVERSIONS[precision]
        if conversion is not None:
            conversion(onnx_file, deploy_cfg, model_cfg)  # in place, as MMDeploy does
        return [onnx_file]
