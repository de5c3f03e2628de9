"""Loading and checking the two configs of a conversion: the deploy config and the model config."""
import copy
import os.path as osp
from typing import Dict, Optional, Tuple, Union

from mmengine.config import Config

SUPPORTED_BACKENDS = ('onnxruntime', 'openvino', 'ncnn', 'tensorrt', 'rknn', 'sdk')


class DeployConfigError(ValueError):
    """A deploy or model config that cannot be used (the message names the field)."""


def load_configs(deploy_cfg: Union[str, Config], model_cfg: Union[str, Config],
                 deploy_options: Optional[Dict] = None,
                 model_options: Optional[Dict] = None) -> Tuple[Config, Config]:
    """Load both configs (paths or Config objects, copied), merge the ``--cfg-options``-style overrides
    and check the deploy config. Raises :class:`DeployConfigError` or ``FileNotFoundError``."""
    configs = []
    for name, cfg, options in (('DEPLOY_CFG', deploy_cfg, deploy_options), ('MODEL_CFG', model_cfg,
                                                                            model_options)):
        if isinstance(cfg, str):
            if not osp.isfile(cfg):
                raise FileNotFoundError(f'{name}: no such config file: {cfg!r}')
            cfg = Config.fromfile(cfg)
        elif isinstance(cfg, Config):
            cfg = copy.deepcopy(cfg)
        else:
            raise DeployConfigError(f'{name}: expected a config path or mmengine Config, got '
                                    f'{type(cfg).__name__}')
        if options:
            cfg.merge_from_dict(options)
        configs.append(cfg)
    deploy_cfg, model_cfg = configs
    check_deploy_config(deploy_cfg)
    check_model_config(model_cfg)
    check_postprocess(deploy_cfg, model_cfg)
    return deploy_cfg, model_cfg


def _require(cfg: Config, key: str, where: str):
    value = cfg.get(key)
    if value is None:
        raise DeployConfigError(f'deploy config: `{where}.{key}` is missing')
    return value


def check_deploy_config(cfg: Config) -> None:
    """Check the keys this tool reads: ``onnx_config`` (save_file ending in .onnx, input_names with one
    name, output_names with two, input_shape [w, h]), ``codebase_config`` (type 'mmpose', task
    'PoseDetection') and ``backend_config.type`` (one of :data:`SUPPORTED_BACKENDS`)."""
    for section in ('onnx_config', 'codebase_config', 'backend_config'):
        if not isinstance(cfg.get(section), dict):
            raise DeployConfigError(f'deploy config: `{section}` (a dict) is missing')
    onnx_cfg, codebase_cfg, backend_cfg = cfg.onnx_config, cfg.codebase_config, cfg.backend_config
    if not str(_require(onnx_cfg, 'save_file', 'onnx_config')).endswith('.onnx'):
        raise DeployConfigError(f'deploy config: `onnx_config.save_file` must end in .onnx, got '
                                f'{onnx_cfg.save_file!r}')
    inputs = _require(onnx_cfg, 'input_names', 'onnx_config')
    outputs = _require(onnx_cfg, 'output_names', 'onnx_config')
    if len(inputs) != 1 or len(outputs) != 2:
        raise DeployConfigError('deploy config: a SimCC pose model has one input and two outputs; got '
                                f'onnx_config.input_names={list(inputs)}, output_names={list(outputs)}')
    shape = onnx_cfg.get('input_shape')
    if shape is not None and (len(shape) != 2 or min(shape) <= 0):
        raise DeployConfigError(f'deploy config: `onnx_config.input_shape` must be [w, h] or None, got '
                                f'{shape!r}')
    if codebase_cfg.get('type') != 'mmpose' or codebase_cfg.get('task') != 'PoseDetection':
        raise DeployConfigError("deploy config: expected codebase_config type='mmpose', "
                                f"task='PoseDetection'; got {codebase_cfg.get('type')!r}, "
                                f'{codebase_cfg.get("task")!r}')
    backend = backend_cfg.get('type')
    if backend not in SUPPORTED_BACKENDS:
        raise DeployConfigError(f'deploy config: `backend_config.type` must be one of {SUPPORTED_BACKENDS}, '
                                f'got {backend!r}')


def check_model_config(cfg: Config) -> None:
    """Check that the model config describes a top-down SimCC model (codec SimCCLabel, test pipeline)."""
    codec = cfg.get('codec')
    if isinstance(codec, (list, tuple)):
        codec = codec[-1]
    if not isinstance(codec, dict) or codec.get('type') != 'SimCCLabel':
        raise DeployConfigError('model config: `codec` must be a SimCCLabel codec (these deploy tools '
                                f'handle SimCC models), got {codec!r}')
    if 'model' not in cfg or 'test_dataloader' not in cfg:
        raise DeployConfigError('model config: `model` and `test_dataloader` (its pipeline describes the '
                                'preprocessing) are required')


def is_dynamic_batch(deploy_cfg: Config) -> bool:
    """Whether the input's axis 0 is dynamic in ``onnx_config.dynamic_axes``."""
    axes = deploy_cfg.onnx_config.get('dynamic_axes') or {}
    input_name = deploy_cfg.onnx_config.input_names[0]
    return 0 in (axes.get(input_name) or {})


def check_postprocess(deploy_cfg: Config, model_cfg: Config) -> None:
    """With ``codebase_config.export_postprocess=True`` the codec must be decodable in the graph
    (no DARK, no visibility)."""
    if not deploy_cfg.codebase_config.get('export_postprocess', False):
        return
    codec = model_cfg.codec[-1] if isinstance(model_cfg.codec, (list, tuple)) else model_cfg.codec
    for key in ('use_dark', 'decode_visibility'):
        if codec.get(key, False):
            raise DeployConfigError(f'codebase_config.export_postprocess=True cannot export '
                                    f'codec.{key}=True; set codebase_config.export_postprocess=False '
                                    '(decode outside the graph)')
