"""Loading and checking the two configs of a conversion: the deploy config and the model config
(the checks that depend on the task are in :mod:`.tasks`)."""
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
    and check them: the deploy config's common keys, then the checks of its task (``codebase_config``
    type and task, :mod:`.tasks`). Raises :class:`DeployConfigError` or ``FileNotFoundError``."""
    from .tasks import get_task
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
    task = get_task(deploy_cfg)
    task.check_deploy_config(deploy_cfg)
    task.check_model_config(model_cfg)
    task.resolve(deploy_cfg, model_cfg)
    task.check_pair(deploy_cfg, model_cfg)
    return deploy_cfg, model_cfg


def _require(cfg: Config, key: str, where: str):
    value = cfg.get(key)
    if value is None:
        raise DeployConfigError(f'deploy config: `{where}.{key}` is missing')
    return value


def check_deploy_config(cfg: Config) -> None:
    """Check the keys every task reads: ``onnx_config`` (save_file ending in .onnx, input_names with one
    name, output_names, input_shape [w, h] or None), ``codebase_config`` (type and task: one of
    :mod:`.tasks`) and ``backend_config.type`` (one of :data:`SUPPORTED_BACKENDS`)."""
    from .tasks import get_task
    for section in ('onnx_config', 'codebase_config', 'backend_config'):
        if not isinstance(cfg.get(section), dict):
            raise DeployConfigError(f'deploy config: `{section}` (a dict) is missing')
    onnx_cfg, backend_cfg = cfg.onnx_config, cfg.backend_config
    if not str(_require(onnx_cfg, 'save_file', 'onnx_config')).endswith('.onnx'):
        raise DeployConfigError(f'deploy config: `onnx_config.save_file` must end in .onnx, got '
                                f'{onnx_cfg.save_file!r}')
    inputs = _require(onnx_cfg, 'input_names', 'onnx_config')
    outputs = _require(onnx_cfg, 'output_names', 'onnx_config')
    if len(inputs) != 1:
        raise DeployConfigError('deploy config: the models have one input; got '
                                f'onnx_config.input_names={list(inputs)}, output_names={list(outputs)}')
    shape = onnx_cfg.get('input_shape')
    if shape is not None and (len(shape) != 2 or min(shape) <= 0):
        raise DeployConfigError(f'deploy config: `onnx_config.input_shape` must be [w, h] or None, got '
                                f'{shape!r}')
    get_task(cfg)  # codebase_config type and task
    backend = backend_cfg.get('type')
    if backend not in SUPPORTED_BACKENDS:
        raise DeployConfigError(f'deploy config: `backend_config.type` must be one of {SUPPORTED_BACKENDS}, '
                                f'got {backend!r}')


def is_dynamic_batch(deploy_cfg: Config) -> bool:
    """Whether the input's axis 0 is dynamic in ``onnx_config.dynamic_axes``."""
    axes = deploy_cfg.onnx_config.get('dynamic_axes') or {}
    input_name = deploy_cfg.onnx_config.input_names[0]
    return 0 in (axes.get(input_name) or {})


def is_dynamic_shape(deploy_cfg: Config) -> bool:
    """Whether any axis of the input is dynamic in ``onnx_config.dynamic_axes``."""
    axes = deploy_cfg.onnx_config.get('dynamic_axes') or {}
    return bool(axes.get(deploy_cfg.onnx_config.input_names[0]))
