"""TensorRT: MMDeploy's TensorRT backend manager (``onnx2tensorrt``) with ``backend_config.common_config``
(``fp16_mode``, ``max_workspace_size``) and ``model_inputs[0].input_shapes`` (min/opt/max shapes).
Needs the ``tensorrt`` package and a CUDA device."""
from typing import List

from mmengine.config import Config

from ..configs import DeployConfigError
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

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu') -> List[str]:
        require(self.name, 'tensorrt', 'tensorrt', ' (NVIDIA TensorRT, with a CUDA device)')
        if not device.startswith('cuda'):
            raise DeployConfigError(f'--device: TensorRT builds engines on a CUDA device, got {device!r}')
        from mmdeploy.backend.tensorrt.backend_manager import TensorRTManager
        return list(TensorRTManager.to_backend([onnx_file], work_dir, deploy_cfg, device=device))
