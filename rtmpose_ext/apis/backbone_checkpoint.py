"""A pre-training checkpoint (e.g. of ``configs/pretrain/cspnext-*_udp_*.py``) -> a backbone checkpoint.

mmengine's ``EMAHook`` saves the averaged weights in a checkpoint's ``state_dict`` and the raw training
weights in ``ema_state_dict`` (keys prefixed ``module.``). :func:`extract_backbone` keeps the tensors
under ``backbone.`` from one of the two and writes ``{'state_dict': {'backbone.<name>': tensor, ...},
'meta': {...}}``: the form of mmpose's published CSPNeXt pre-training checkpoints, which our RTMPose
configs load with ``init_cfg=dict(type='Pretrained', prefix='backbone.', checkpoint=...)`` (their
``backbone_checkpoint`` variable).
"""
import os
import os.path as osp
import tempfile
from collections import OrderedDict
from typing import Dict

import torch

__all__ = ['BackboneCheckpointError', 'backbone_state_dict', 'extract_backbone', 'WEIGHTS']

WEIGHTS = ('ema', 'raw')
_EMA_PREFIX = 'module.'


class BackboneCheckpointError(ValueError):
    """The checkpoint lacks what was asked for; the message names the key and what was expected."""


def _load(path: str) -> dict:
    from mmengine.runner.checkpoint import CheckpointLoader
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint: no file {path!r}')
    checkpoint = CheckpointLoader.load_checkpoint(path, map_location='cpu')
    if not isinstance(checkpoint, dict) or not isinstance(checkpoint.get('state_dict'), dict):
        raise BackboneCheckpointError(f'{path}: expected an mmengine checkpoint (a dict with a '
                                      f'"state_dict"), got keys {sorted(checkpoint)[:8]}')
    return checkpoint


def _weights(checkpoint: dict, weights: str, path: str) -> Dict[str, torch.Tensor]:
    """The model's tensors of the EMA (``'ema'``) or the raw training weights (``'raw'``), by key."""
    if weights not in WEIGHTS:
        raise BackboneCheckpointError(f'weights: expected one of {WEIGHTS}, got {weights!r}')
    ema_swapped = isinstance(checkpoint.get('ema_state_dict'), dict)
    if weights == 'ema':
        if not ema_swapped:
            raise BackboneCheckpointError(
                f'{path}: no "ema_state_dict", so "state_dict" holds raw weights, not EMA weights (was it '
                f'trained with EMAHook?); take them with weights="raw" (--weights raw)')
        return checkpoint['state_dict']
    if not ema_swapped:
        return checkpoint['state_dict']
    return {k[len(_EMA_PREFIX):]: v for k, v in checkpoint['ema_state_dict'].items()
            if k.startswith(_EMA_PREFIX)}


def backbone_state_dict(path: str, weights: str = 'ema', prefix: str = 'backbone.') -> 'OrderedDict':
    """The tensors of checkpoint ``path`` whose keys start with ``prefix`` (kept in the keys), from its
    EMA (``weights='ema'``) or raw training weights (``'raw'``)."""
    checkpoint = _load(path)
    state = _weights(checkpoint, weights, path)
    picked = OrderedDict((k, v) for k, v in state.items() if k.startswith(prefix))
    if not picked:
        firsts = sorted({k.split('.')[0] + '.' for k in state})
        raise BackboneCheckpointError(f'{path}: no key starts with prefix {prefix!r}; the keys start with '
                                      f'{firsts}')
    return picked


def extract_backbone(src: str, dst: str, weights: str = 'ema', prefix: str = 'backbone.') -> Dict:
    """Write the backbone of pre-training checkpoint ``src`` to ``dst`` (see the module docstring);
    written to a temporary file first, so ``dst`` is either whole or untouched. Returns the meta
    information stored with it (source, weights, number of tensors and parameters)."""
    state = backbone_state_dict(src, weights, prefix)
    meta = dict(source=osp.abspath(src), weights=weights, prefix=prefix, tensors=len(state),
                numel=int(sum(v.numel() for v in state.values())))
    folder = osp.dirname(osp.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix='.tmp')
    os.close(fd)
    try:
        torch.save(dict(state_dict=state, meta=meta), tmp)
        os.replace(tmp, dst)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    return meta
