"""OpenVINO: ``openvino.convert_model`` (MMDeploy calls the Model Optimizer ``mo``, removed in OpenVINO
2025) with the static input shape of ``backend_config.model_inputs[0].opt_shapes``; writes ``.xml``/``.bin``.

``backend_config.precision`` ('FP32', 'BF16', 'FP16' or 'INT8'; default 'FP32') is the inference precision
the runtime asks OpenVINO for (``INFERENCE_PRECISION_HINT``, written into ``deploy.json``; INT8 models run
their unquantized parts in f32). Left unset, OpenVINO's CPU plugin would choose bfloat16 on CPUs with bf16
units. ``backend_config.compress_to_fp16`` (default False) stores the weights in float16 (the CPU plugin
decompresses them to its inference precision).

``precision='INT8'``: NNCF post-training quantization of the operations in ``quantization_config.scope``,
calibrated on training-split crops (:mod:`..quantization.openvino`).
"""
import os.path as osp
import warnings
from typing import List

from mmengine.config import Config

from ..calibration import calibration_crops, normalize_crops
from ..configs import DeployConfigError
from ..precision import check_precision
from ..quantization import quantization_settings
from .base import BackendConverter, register_converter, require

PRECISIONS = ('FP32', 'BF16', 'FP16', 'INT8')


def input_shape(deploy_cfg: Config) -> List[int]:
    """The static NCHW input shape from ``backend_config.model_inputs[0].opt_shapes``."""
    name = deploy_cfg.onnx_config.input_names[0]
    try:
        shapes = deploy_cfg.backend_config.model_inputs[0]['opt_shapes']
    except (KeyError, IndexError, TypeError):
        raise DeployConfigError('backend_config.model_inputs[0].opt_shapes (dict(input=[N, C, H, W])) '
                                'is missing') from None
    shape = shapes.get(name) if isinstance(shapes, dict) else shapes[0]
    if shape is None or len(shape) != 4:
        raise DeployConfigError(f'backend_config.model_inputs[0].opt_shapes.{name}: expected '
                                f'[N, C, H, W], got {shape!r}')
    return list(shape)


def _is_int8(deploy_cfg: Config) -> bool:
    return check_precision(deploy_cfg, OpenVINOConverter.name, PRECISIONS) == 'INT8'


def _quantize(model, deploy_cfg: Config, model_cfg: Config):
    """NNCF int8 of ``model`` with training-split calibration crops."""
    from ..quantization.openvino import quantize_openvino_model
    settings = quantization_settings(deploy_cfg.backend_config.get('quantization_config'))
    crops = calibration_crops(model_cfg, settings.num_samples, settings.seed)
    return quantize_openvino_model(model, normalize_crops(crops, model_cfg), settings)


@register_converter
class OpenVINOConverter(BackendConverter):
    name = 'openvino'

    def check(self, deploy_cfg: Config) -> None:
        check_precision(deploy_cfg, self.name, PRECISIONS)
        input_shape(deploy_cfg)
        if _is_int8(deploy_cfg):
            quantization_settings(deploy_cfg.backend_config.get('quantization_config'))

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu') -> List[str]:
        require(self.name, 'openvino', 'openvino')
        import openvino as ov
        backend_cfg = deploy_cfg.backend_config
        if backend_cfg.get('mo_options'):
            warnings.warn('backend_config.mo_options are options of the Model Optimizer (`mo`), which '
                          'OpenVINO >= 2025 no longer has; ignored')
        model = ov.convert_model(onnx_file, input=input_shape(deploy_cfg))
        if _is_int8(deploy_cfg):
            model = _quantize(model, deploy_cfg, model_cfg)
        xml = self.output_prefix(onnx_file, work_dir) + '.xml'
        ov.save_model(model, xml, compress_to_fp16=bool(backend_cfg.get('compress_to_fp16', False)))
        return [xml, osp.splitext(xml)[0] + '.bin']
