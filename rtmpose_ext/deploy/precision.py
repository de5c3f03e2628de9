"""The precision a deploy config asks for, read in one place.

``backend_config.precision`` ('FP32', 'FP16', 'BF16', 'INT8'; any case) where the config sets it, else
MMDeploy's keys: ``common_config.int8_mode`` / ``fp16_mode`` (TensorRT), RKNN's
``quantization_config.do_quantization`` (int8; without it RKNN's NPUs run float16). The conversion writes
it into ``deploy.json`` (MMDeploy writes 'FP32' for every backend but TensorRT and ncnn), so that the
runtime runs that precision explicitly instead of the backend's default.
"""
from mmengine.config import Config

from .configs import DeployConfigError

PRECISIONS = ('FP32', 'FP16', 'BF16', 'INT8')


def requested_precision(deploy_cfg: Config) -> str:
    """'FP32', 'FP16', 'BF16' or 'INT8' for ``deploy_cfg``; a :class:`DeployConfigError` names
    ``backend_config.precision`` if it holds anything else."""
    backend_cfg = deploy_cfg.backend_config
    common = backend_cfg.get('common_config') or {}
    if backend_cfg.get('precision') is not None:
        precision = str(backend_cfg.precision).upper()
        if precision not in PRECISIONS:
            raise DeployConfigError(f'backend_config.precision: expected one of {PRECISIONS}, got '
                                    f'{backend_cfg.precision!r}')
        return precision
    if common.get('int8_mode'):
        return 'INT8'
    if common.get('fp16_mode'):
        return 'FP16'
    if backend_cfg.get('type') == 'rknn':
        quant = backend_cfg.get('quantization_config') or {}
        return 'INT8' if quant.get('do_quantization') else 'FP16'
    return 'FP32'


def check_precision(deploy_cfg: Config, backend: str, allowed) -> str:
    """:func:`requested_precision`, which must be one of ``allowed`` for ``backend``."""
    precision = requested_precision(deploy_cfg)
    if precision not in allowed:
        raise DeployConfigError(f'backend_config.precision: {backend} converts {tuple(allowed)}, got '
                                f'{precision!r}')
    return precision
