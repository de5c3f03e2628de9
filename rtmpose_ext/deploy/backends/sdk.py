"""MMDeploy SDK: no conversion; the SDK runs the model directory (``end2end.onnx`` and the pipeline
description ``pipeline.json``/``deploy.json``/``detail.json``) with its own runtime, ``mmdeploy-runtime``.
The directory is also what :mod:`rtmpose_ext.deploy.runtime` loads."""
from typing import List

from mmengine.config import Config

from .base import BackendConverter, register_converter


@register_converter
class SDKConverter(BackendConverter):
    name = 'sdk'

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu') -> List[str]:
        return [onnx_file]
