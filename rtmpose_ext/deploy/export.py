"""Step 1 of a conversion: the PyTorch model to ONNX with MMDeploy's exporter and rewriters.

The same steps as ``mmdeploy.apis.torch2onnx`` (task processor -> PyTorch model -> input from an image ->
``mmdeploy.apis.onnx.export`` inside the rewriter context of the deploy config's backend), with the model
config's default scope kept in force (:mod:`.scope`) and our rewriters registered (:mod:`.rewriters`).
"""
import copy
import os
import os.path as osp
from typing import Optional

import numpy as np
from mmengine.config import Config

from . import rewriters  # noqa: F401  (registers our rewriters)
from .configs import DeployConfigError


def export_onnx(deploy_cfg: Config, model_cfg: Config, checkpoint: Optional[str], image,
                work_dir: str, device: str = 'cpu', backend: Optional[str] = None) -> str:
    """Export the model of ``model_cfg`` (weights from ``checkpoint``; None: initial weights) to
    ``work_dir/<onnx_config.save_file>`` and return that path.

    Args:
        deploy_cfg (Config): Deploy config (checked by :func:`.configs.check_deploy_config`).
        model_cfg (Config): Model config.
        checkpoint (str, optional): PyTorch checkpoint.
        image (str | np.ndarray): Image used to build the example input (its whole area is the box).
        work_dir (str): Output folder (created).
        device (str): Device of the PyTorch model. Defaults to 'cpu'.
        backend (str, optional): Backend whose rewriters apply ('default': only the backend-independent
            ones). Defaults to ``backend_config.type``.
    """
    from mmdeploy.apis import build_task_processor
    from mmdeploy.apis.onnx import export
    from mmdeploy.utils import get_dynamic_axes, get_input_shape

    os.makedirs(work_dir, exist_ok=True)
    onnx_cfg = deploy_cfg.onnx_config
    # a copy: MMDeploy's mmdet task changes the test pipeline of the config it is given in place
    # (LoadImageFromFile -> LoadImageFromNDArray), which the SDK description would then carry
    model_cfg = copy.deepcopy(model_cfg)
    task = build_task_processor(model_cfg, _task_config(deploy_cfg, device), device)
    model = task.build_pytorch_model(checkpoint)
    data, inputs = task.create_input(image, get_input_shape(deploy_cfg),
                                     data_preprocessor=getattr(model, 'data_preprocessor', None))
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    backend = backend or deploy_cfg.backend_config.type
    input_names, output_names = list(onnx_cfg.input_names), list(onnx_cfg.output_names)
    prefix = osp.join(work_dir, osp.splitext(onnx_cfg.save_file)[0])
    export(model,
           inputs,
           input_metas={'data_samples': data['data_samples'], 'mode': 'predict'},
           output_path_prefix=prefix,
           backend=backend,
           input_names=input_names,
           output_names=output_names,
           context_info={'deploy_cfg': deploy_cfg},
           opset_version=onnx_cfg.get('opset_version', 11),
           dynamic_axes=get_dynamic_axes(deploy_cfg, input_names + output_names),
           verbose=False,
           keep_initializers_as_inputs=onnx_cfg.get('keep_initializers_as_inputs', False),
           # as torch2onnx: never for ncnn (blob counts); elsewhere it needs MMDeploy's TorchScript
           # extension, without which MMDeploy only logs a warning
           optimize=bool(onnx_cfg.get('optimize', False)) and backend != 'ncnn')
    return prefix + '.onnx'


def _task_config(deploy_cfg: Config, device: str) -> Config:
    """The deploy config for MMDeploy's task processor. It refuses a CPU device for TensorRT, although
    the ONNX export runs on the CPU as well (only the engine build needs CUDA, checked by the TensorRT
    converter); for the task processor a CPU export then names ONNX Runtime, while the export itself still
    applies TensorRT's rewriters."""
    if deploy_cfg.backend_config.type == 'tensorrt' and not device.startswith('cuda'):
        deploy_cfg = deploy_cfg.copy()
        deploy_cfg.backend_config = dict(deploy_cfg.backend_config, type='onnxruntime')
    return deploy_cfg


def example_image(path: Optional[str]) -> np.ndarray:
    """The image at ``path`` (BGR, via OpenCV), with a clear error if it cannot be read."""
    import cv2
    if path is None or not osp.isfile(path):
        raise FileNotFoundError(f'IMAGE: no such image file: {path!r}')
    img = cv2.imread(path)
    if img is None:
        raise DeployConfigError(f'IMAGE: OpenCV cannot read {path!r} as an image')
    return img
