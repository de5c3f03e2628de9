"""RKNN (Rockchip NPUs): MMDeploy's ``onnx2rknn`` with ``backend_config.common_config`` (target_platform,
mean/std values) and ``quantization_config`` (``do_quantization``, ``dataset``: a text file listing
calibration images, required for int8). Needs ``rknn-toolkit2``."""
from typing import List

from mmengine.config import Config

from ..configs import DeployConfigError
from .base import BackendConverter, register_converter, require


@register_converter
class RKNNConverter(BackendConverter):
    name = 'rknn'

    def check(self, deploy_cfg: Config) -> None:
        quant = deploy_cfg.backend_config.get('quantization_config')
        if not isinstance(quant, dict) or 'do_quantization' not in quant:
            raise DeployConfigError('backend_config.quantization_config.do_quantization (bool) is '
                                    'missing')
        if quant['do_quantization'] and not quant.get('dataset'):
            raise DeployConfigError('backend_config.quantization_config.dataset: int8 quantization needs a '
                                    'text file listing calibration images (one path per line)')

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu') -> List[str]:
        require(self.name, 'rknn.api', 'rknn-toolkit2', ' (Rockchip RKNN-Toolkit2)')
        from mmdeploy.backend.rknn.onnx2rknn import onnx2rknn
        output = self.output_prefix(onnx_file, work_dir) + '.rknn'
        onnx2rknn(onnx_file, output, deploy_cfg, model_cfg=model_cfg)
        return [output]
