"""Multi-process training and testing on machines without CUDA (``--launcher pytorch`` on CPU).

mmengine's launchers assume GPUs: ``init_dist`` calls ``torch.cuda.set_device`` (an ``AttributeError``
on CPU builds of torch), the runner wraps the model in ``DistributedDataParallel(device_ids=[rank])``
(rejected for a CPU module), ``SyncBN`` layers raise "SyncBatchNorm expected input tensor to be on GPU"
at the first forward, and the configs' ``nccl`` backend needs GPUs. :func:`setup_cpu_distributed`
checks the config for the last two (they change what is computed, so the user decides: one message
naming each key and the ``--cfg-options`` that fixes it) and does the first two itself:

- ``torch.distributed.init_process_group`` from the launcher's environment (``RANK``, ``WORLD_SIZE``,
  ``MASTER_ADDR``, ``MASTER_PORT``), with ``env_cfg.dist_cfg``'s backend and timeout; the runner then
  finds the process group initialised and does not call ``init_dist``;
- ``model_wrapper_cfg``: ``device_ids=None`` for a DDP wrapper; without a ``model_wrapper_cfg``, the
  runner's default wrapper written out (``MMDistributedDataParallel`` with ``broadcast_buffers=False``
  and ``find_unused_parameters`` from the config) with ``device_ids=None``.

Only ``--launcher pytorch`` (``torchrun`` / ``torch.distributed.launch`` / ``mim ... --launcher pytorch``)
is handled; Slurm and MPI runs on CPU are refused with a message.
"""
import datetime
import os
from typing import List

import torch
import torch.distributed as dist
from mmengine.config import Config
from mmengine.registry import DefaultScope
from torch.nn.parallel import DistributedDataParallel

from rtmpose_ext.registry import MODEL_WRAPPERS
from .config_check import ConfigCheckError

__all__ = ['needs_cpu_distributed', 'find_cpu_distributed_problems', 'setup_cpu_distributed']

CPU_BACKENDS = ('gloo', )
SYNC_BN_TYPES = ('SyncBN', 'MMSyncBN', 'TorchSyncBN', 'SyncBatchNorm')


def needs_cpu_distributed(launcher: str) -> bool:
    """Whether ``launcher`` starts several processes on a machine where CUDA is not available."""
    return launcher != 'none' and not torch.cuda.is_available()


def _sync_bn_keys(cfg, key: str) -> List[str]:
    """Config keys of every ``norm_cfg``-like dict whose type is a synchronised BatchNorm."""
    found = []
    if isinstance(cfg, dict):
        if cfg.get('type') in SYNC_BN_TYPES:
            found.append(f'{key}.type')
        for k, v in cfg.items():
            found += _sync_bn_keys(v, f'{key}.{k}')
    elif isinstance(cfg, (list, tuple)):
        for i, v in enumerate(cfg):
            found += _sync_bn_keys(v, f'{key}.{i}')
    return found


def find_cpu_distributed_problems(cfg: Config, launcher: str) -> List[str]:
    """Messages for what a multi-process CPU run of ``cfg`` cannot do (empty if it can)."""
    problems = []
    if launcher != 'pytorch':
        problems.append(
            f"--launcher {launcher}: on a machine without CUDA only '--launcher pytorch' (torchrun) "
            'is supported')
    backend = ((cfg.get('env_cfg') or {}).get('dist_cfg') or {}).get('backend', 'nccl')
    if backend not in CPU_BACKENDS:
        problems.append(f'env_cfg.dist_cfg.backend: {backend!r} needs GPUs; without CUDA use '
                        '--cfg-options env_cfg.dist_cfg.backend=gloo')
    for key in _sync_bn_keys(cfg.get('model'), 'model'):
        problems.append(f'{key}: SyncBN runs only on GPUs; without CUDA use plain BatchNorm: '
                        f'--cfg-options {key}=BN')
    if cfg.get('sync_bn'):
        problems.append(f'sync_bn: {cfg.sync_bn!r} converts BatchNorm to SyncBN, which runs only on GPUs; '
                        'remove it (--cfg-options sync_bn=None)')
    return problems


def setup_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Check ``cfg`` (:class:`ConfigCheckError` listing the problems) and prepare a CPU multi-process run:
    initialise the default process group and make the runner's DDP wrapper CPU-compatible. Call it before
    ``Runner.from_cfg``, only where :func:`needs_cpu_distributed` is True."""
    problems = find_cpu_distributed_problems(cfg, launcher)
    if problems:
        raise ConfigCheckError(problems,
                               source=f'{getattr(cfg, "filename", None) or "config"} (CPU, no CUDA)')
    if not dist.is_initialized():
        dist_cfg = dict((cfg.get('env_cfg') or {}).get('dist_cfg') or {})
        timeout = dist_cfg.get('timeout')
        kwargs = dict(timeout=datetime.timedelta(seconds=timeout)) if timeout is not None else {}
        dist.init_process_group(backend=dist_cfg['backend'],
                                rank=int(os.environ['RANK']),
                                world_size=int(os.environ['WORLD_SIZE']),
                                **kwargs)
    cfg.model_wrapper_cfg = _cpu_model_wrapper_cfg(cfg)


def _cpu_model_wrapper_cfg(cfg: Config) -> dict:
    """``model_wrapper_cfg`` with ``device_ids=None`` for a DDP wrapper; without one, the runner's own
    default (``MMDistributedDataParallel(broadcast_buffers=False, find_unused_parameters=...)``)."""
    wrapper = cfg.get('model_wrapper_cfg')
    if wrapper is None:
        wrapper = dict(type='MMDistributedDataParallel',
                       broadcast_buffers=False,
                       find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper = dict(wrapper)
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope')):
        wrapper_cls = MODEL_WRAPPERS.get(wrapper.get('type', 'MMDistributedDataParallel'))
    if isinstance(wrapper_cls, type) and issubclass(wrapper_cls, DistributedDataParallel):
        wrapper['device_ids'] = None  # the runner would pass [LOCAL_RANK], which DDP rejects for CPU modules
    return wrapper
