"""ExpMomentumEMA: equal to mmpose's at every step; built by EMAHook; EMA weights evaluated and saved."""
import math
import uuid

import pytest
import torch
from mmengine.evaluator import BaseMetric
from mmengine.hooks import EMAHook, Hook
from mmengine.model import BaseModel
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from mmpose.engine.hooks.ema_hook import ExpMomentumEMA as MMPoseExpMomentumEMA
from torch import nn
from torch.utils.data import Dataset

import rtmpose_ext  # noqa: F401  (registers the classes, checkpoint-loading fix)
from rtmpose_ext.engine.hooks import ExpMomentumEMA
from rtmpose_ext.registry import HOOKS, METRICS


class _Net(nn.Module):
    """Conv + BN (buffers: running stats, num_batches_tracked) + Linear."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3)
        self.bn = nn.BatchNorm2d(3)
        self.fc = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(self.bn(self.conv(x)).mean((2, 3)))


def _perturb(model, gen):
    """A random 'training step': new parameter values and new BN statistics."""
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape, generator=gen) * 0.1)
    model.train()
    model(torch.randn(4, 2, 5, 5, generator=gen) * 2 + 1)


@pytest.mark.parametrize(
    'momentum, gamma, interval, update_buffers',
    [
        (0.0002, 2000, 1, False),  # RTMPose's setting: the momentum is still ~0.95 after 100 steps
        (0.0002, 2000, 1, True),
        (0.01, 20, 1, True),  # anneals to the floor within the 100 steps
        (0.05, 10, 3, False),
        (0.05, 10, 3, True),
    ])
def test_per_step_weights_equal_mmpose(momentum, gamma, interval, update_buffers):
    gen = torch.Generator().manual_seed(0)
    model = _Net()
    kwargs = dict(momentum=momentum, gamma=gamma, interval=interval, update_buffers=update_buffers)
    ours, theirs = ExpMomentumEMA(model, **kwargs), MMPoseExpMomentumEMA(model, **kwargs)
    # an independent float64 reference of the formula, over the tensors that are averaged
    keys = [
        k for k, v in (model.state_dict() if update_buffers else dict(model.named_parameters())).items()
        if v.dtype.is_floating_point
    ]
    ref = {}
    for step in range(100):
        _perturb(model, gen)
        ours.update_parameters(model)
        theirs.update_parameters(model)
        src = model.state_dict()
        for k in keys:
            x = src[k].detach().double()
            if step == 0:
                ref[k] = x.clone()
            elif step % interval == 0:
                m = (1 - momentum) * math.exp(-(1 + step) / gamma) + momentum
                ref[k] = (1 - m) * ref[k] + m * x
        a, b = ours.state_dict(), theirs.state_dict()
        assert a.keys() == b.keys()
        for k in a:
            torch.testing.assert_close(a[k], b[k], rtol=0, atol=1e-7, msg=f'step {step} {k}')
        for k in keys:
            torch.testing.assert_close(a['module.' + k].double(), ref[k], rtol=1e-6, atol=1e-6)  # float32
        if not update_buffers:  # buffers follow the model
            torch.testing.assert_close(a['module.bn.running_mean'], src['bn.running_mean'], rtol=0, atol=0)
    assert int(ours.steps) == 100
    # after the annealing the average lags the model (checks the test is not vacuous)
    if gamma <= 20:
        assert (a['module.fc.weight'] - src['fc.weight']).abs().max() > 1e-2


def test_momentum_schedule_and_arguments():
    ema = ExpMomentumEMA(_Net(), momentum=0.0002, gamma=2000)
    assert ema.momentum_at(0) == pytest.approx(0.9998 * math.exp(-1 / 2000) + 0.0002, rel=1e-15)
    assert ema.momentum_at(10**6) == pytest.approx(0.0002, rel=1e-9)
    with pytest.raises(ValueError, match='gamma'):
        ExpMomentumEMA(_Net(), gamma=0)
    with pytest.raises(ValueError, match='momentum'):
        ExpMomentumEMA(_Net(), momentum=1.5)
    with pytest.raises(ValueError, match='interval'):
        ExpMomentumEMA(_Net(), interval=0)


def test_ema_hook_builds_ours_under_the_rtmpose_ext_scope():
    # EMAHook builds `ema_type` from mmengine's root MODELS; the default scope picks our child registry
    with DefaultScope.overwrite_default_scope('rtmpose_ext'):
        built = MMENGINE_MODELS.build(dict(type='ExpMomentumEMA', momentum=0.001),
                                      default_args=dict(model=_Net()))
    assert type(built) is ExpMomentumEMA
    with DefaultScope.overwrite_default_scope('rtmpose_ext'):
        theirs = MMENGINE_MODELS.build(dict(type='mmpose.ExpMomentumEMA'), default_args=dict(model=_Net()))
    assert type(theirs) is MMPoseExpMomentumEMA


# --- in a Runner with mmengine's EMAHook ----------------------------------------------------------------


class _Model(BaseModel):

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(2, 1)

    def forward(self, inputs, targets=None, mode='tensor'):
        out = self.linear(torch.stack(inputs))
        if mode == 'loss':
            return dict(loss=((out - torch.stack(targets))**2).mean())
        # 'predict': report the weights the model evaluates with
        return [dict(weight=self.linear.weight.detach().clone(), bias=self.linear.bias.detach().clone())]


class _Data(Dataset):

    def __init__(self):
        g = torch.Generator().manual_seed(1)
        self.x, self.y = torch.randn(8, 2, generator=g), torch.randn(8, 1, generator=g)

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return dict(inputs=self.x[i], targets=self.y[i])


@METRICS.register_module(force=True)
class _TestWeightsSeen(BaseMetric):
    """Keeps the weights the model evaluated with (shared list, class attribute)."""
    seen = []

    def process(self, data_batch, data_samples):
        self.seen.append(data_samples[0])

    def compute_metrics(self, results):
        return dict(n=1.0)


@HOOKS.register_module(force=True)
class _TestRecordWeights(Hook):
    """Records the source model's weights after every training iteration into ``runner.trajectory``."""
    priority = 'LOWEST'

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        runner.__dict__.setdefault('trajectory', []).append({
            k: v.detach().clone()
            for k, v in runner.model.state_dict().items()
        })


def _expected_ema(trajectory, momentum, gamma):
    ema = {k: v.double().clone() for k, v in trajectory[0].items()}
    for step, src in enumerate(trajectory[1:], start=1):
        m = (1 - momentum) * math.exp(-(1 + step) / gamma) + momentum
        ema = {k: (1 - m) * ema[k] + m * src[k].double() for k in ema}
    return ema


def test_runner_evaluates_and_saves_the_ema_weights(tmp_path):
    _TestWeightsSeen.seen.clear()
    momentum, gamma = 0.05, 3  # a short annealing so the EMA visibly differs from the model
    runner = Runner(
        model=_Model(),
        work_dir=str(tmp_path),
        train_dataloader=dict(dataset=_Data(),
                              sampler=dict(type='DefaultSampler', shuffle=False),
                              batch_size=2,
                              num_workers=0,
                              collate_fn=dict(type='pseudo_collate')),  # 4 iterations / epoch
        val_dataloader=dict(dataset=_Data(),
                            sampler=dict(type='DefaultSampler', shuffle=False),
                            batch_size=8,
                            num_workers=0,
                            collate_fn=dict(type='pseudo_collate')),
        val_evaluator=dict(type='_TestWeightsSeen'),
        val_cfg=dict(),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.2)),
        train_cfg=dict(by_epoch=True, max_epochs=2, val_interval=1),
        custom_hooks=[
            dict(type='EMAHook',
                 ema_type='ExpMomentumEMA',
                 momentum=momentum,
                 gamma=gamma,
                 update_buffers=True,
                 priority=49),
            dict(type='_TestRecordWeights')
        ],
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1), logger=None),
        default_scope='rtmpose_ext',
        experiment_name=f'ema_{uuid.uuid4().hex}')
    runner.train()
    [ema_hook] = [h for h in runner.hooks if isinstance(h, EMAHook)]
    assert type(ema_hook.ema_model) is ExpMomentumEMA
    assert (ema_hook.ema_model.momentum, ema_hook.ema_model.gamma) == (momentum, gamma)

    traj = runner.trajectory
    assert len(traj) == 8
    for epoch in (1, 2):
        upto = traj[:4 * epoch]
        expected, source = _expected_ema(upto, momentum, gamma), upto[-1]
        assert (expected['linear.weight'] -
                source['linear.weight'].double()).abs().max() > 1e-3  # not vacuous
        # validation after this epoch ran with the EMA weights
        seen = _TestWeightsSeen.seen[epoch - 1]
        torch.testing.assert_close(seen['weight'].double(), expected['linear.weight'], rtol=0, atol=1e-6)
        torch.testing.assert_close(seen['bias'].double(), expected['linear.bias'], rtol=0, atol=1e-6)
        # the checkpoint: `state_dict` holds the EMA weights, `ema_state_dict` the source model's (after swap)
        ckpt = torch.load(tmp_path / f'epoch_{epoch}.pth', map_location='cpu', weights_only=False)
        assert set(ckpt['ema_state_dict']) == {'steps', 'module.linear.weight', 'module.linear.bias'}
        assert int(ckpt['ema_state_dict']['steps']) == 4 * epoch
        for k in ('linear.weight', 'linear.bias'):
            torch.testing.assert_close(ckpt['state_dict'][k].double(), expected[k], rtol=0, atol=1e-6)
            torch.testing.assert_close(ckpt['ema_state_dict']['module.' + k], source[k], rtol=0, atol=0)
    # after validation the source weights were swapped back: training state is the model's own
    torch.testing.assert_close(runner.model.state_dict()['linear.weight'],
                               traj[-1]['linear.weight'],
                               rtol=0,
                               atol=0)


def test_runner_resume_restores_the_ema(tmp_path):
    """Resuming from epoch 1 gives the same EMA (and model) at epoch 2 as the uninterrupted run."""

    def make(work_dir, **kw):
        return Runner(model=_Model(),
                      work_dir=str(work_dir),
                      train_dataloader=dict(dataset=_Data(),
                                            sampler=dict(type='DefaultSampler', shuffle=False),
                                            batch_size=2,
                                            num_workers=0,
                                            collate_fn=dict(type='pseudo_collate')),
                      optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.2)),
                      train_cfg=dict(by_epoch=True, max_epochs=2),
                      custom_hooks=[
                          dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.05, gamma=3, priority=49)
                      ],
                      default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1), logger=None),
                      default_scope='rtmpose_ext',
                      experiment_name=f'ema_{uuid.uuid4().hex}',
                      **kw)

    make(tmp_path / 'full').train()
    make(tmp_path / 'resumed', resume=True, load_from=str(tmp_path / 'full' / 'epoch_1.pth')).train()
    a = torch.load(tmp_path / 'full' / 'epoch_2.pth', map_location='cpu', weights_only=False)
    b = torch.load(tmp_path / 'resumed' / 'epoch_2.pth', map_location='cpu', weights_only=False)
    for key in ('state_dict', 'ema_state_dict'):
        for k in a[key]:
            torch.testing.assert_close(b[key][k], a[key][k], rtol=0, atol=1e-7, msg=f'{key} {k}')
