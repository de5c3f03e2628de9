"""RTMPose's AdamW paramwise_cfg: which parameters get weight decay (DefaultOptimWrapperConstructor).

mmengine decides "norm" by type, not by name: ``isinstance(module, (_BatchNorm, _InstanceNorm, GroupNorm,
LayerNorm))`` (``mmengine/optim/optimizer/default_constructor.py``). ScaleNorm is a plain ``nn.Module``, so
its gain ``g`` is not a norm weight and not a bias: with RTMPose's config it gets the full weight decay,
in mmpose's RTMPose training as here. ``flat_decay_mult=0.0`` (every 1-D parameter) removes it, if wanted.
"""
import pytest
import torch
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpose.models.utils.rtmcc_block import ScaleNorm as MMPoseScaleNorm
from torch import nn

import rtmpose_ext  # noqa: F401
from rtmpose_ext.models.utils import ScaleNorm

BASE_LR, WD = 4e-3, 0.05
RTMPOSE_OPTIM_WRAPPER = dict(optimizer=dict(type='AdamW', lr=BASE_LR, weight_decay=WD),
                             paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0, bypass_duplicate=True))


class _Net(nn.Module):

    def __init__(self, scale_norm=ScaleNorm):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8, 16)
        self.ln = nn.LayerNorm(16)
        self.sn = scale_norm(16)
        self.tied = nn.Linear(8, 16, bias=False)
        self.tied.weight = self.fc.weight  # a parameter in two modules: bypass_duplicate skips the second

    def forward(self, x):
        return self.sn(self.ln(self.fc(self.bn(self.conv(x)).mean((2, 3)))))


def _decay_by_name(model, optim_wrapper_cfg):
    with DefaultScope.overwrite_default_scope('rtmpose_ext'):  # as under a config's default_scope
        optim_wrapper = build_optim_wrapper(model, optim_wrapper_cfg)
    optimizer = optim_wrapper.optimizer
    assert isinstance(optimizer, torch.optim.AdamW)
    names = {id(p): n for n, p in model.named_parameters()}  # named_parameters() lists shared ones once
    decay, lr = {}, {}
    for group in optimizer.param_groups:
        for p in group['params']:
            name = names[id(p)]
            assert name not in decay, f'{name} is in two parameter groups'
            decay[name], lr[name] = group['weight_decay'], group['lr']
    assert set(decay) == set(names.values())  # every parameter exactly once
    assert set(lr.values()) == {BASE_LR}
    return decay


@pytest.mark.parametrize('scale_norm', [ScaleNorm, MMPoseScaleNorm], ids=['ours', 'mmpose'])
def test_rtmpose_paramwise_cfg(scale_norm):
    decay = _decay_by_name(_Net(scale_norm), RTMPOSE_OPTIM_WRAPPER)
    assert decay == {
        'conv.weight': WD,
        'fc.weight': WD,  # conv / linear weights: decayed
        'conv.bias': 0,
        'fc.bias': 0,  # all biases: not decayed
        'bn.weight': 0,
        'bn.bias': 0,
        'ln.weight': 0,
        'ln.bias': 0,  # norm layers: not decayed
        # ScaleNorm is not one of mmengine's norm types, so its gain is decayed (as in mmpose's RTMPose)
        'sn.g': WD,
    }


def test_flat_decay_mult_also_exempts_the_scalenorm_gain():
    cfg = dict(RTMPOSE_OPTIM_WRAPPER,
               paramwise_cfg=dict(RTMPOSE_OPTIM_WRAPPER['paramwise_cfg'], flat_decay_mult=0.0))
    decay = _decay_by_name(_Net(), cfg)
    assert decay['sn.g'] == 0
    assert decay['conv.weight'] == decay['fc.weight'] == WD


def test_without_bypass_duplicate_the_tied_parameter_is_an_error():
    cfg = dict(RTMPOSE_OPTIM_WRAPPER, paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0))
    with pytest.raises(ValueError, match='more than one parameter group'):
        _decay_by_name(_Net(), cfg)
