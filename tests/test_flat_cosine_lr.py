"""FlatCosineAnnealingLR vs RTMPose's LinearLR + CosineAnnealingLR composition, stepped as the runner does."""
import math
import uuid

import pytest
import torch
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from torch.utils.data import Dataset

import rtmpose_ext  # noqa: F401  (registers the classes, checkpoint-loading fix)
from rtmpose_ext.engine.schedulers import FlatCosineAnnealingLR
from rtmpose_ext.registry import HOOKS, PARAM_SCHEDULERS

BASE_LR = 4e-3


def rtmpose_composition(max_epochs, base_lr=BASE_LR, eta_min=None):
    """mmpose's rtmpose configs' param_scheduler (eta_min defaults to base_lr * 0.05)."""
    return [
        dict(type='LinearLR', start_factor=1.0e-5, by_epoch=False, begin=0, end=1000),
        dict(type='CosineAnnealingLR',
             eta_min=base_lr * 0.05 if eta_min is None else eta_min,
             begin=max_epochs // 2,
             end=max_epochs,
             T_max=max_epochs // 2,
             by_epoch=True,
             convert_to_iter_based=True),
    ]


def ours(max_epochs, **kwargs):
    cfg = dict(type='FlatCosineAnnealingLR',
               warmup_iters=1000,
               warmup_factor=1.0e-5,
               cosine_begin=max_epochs // 2,
               end=max_epochs,
               eta_min_ratio=0.05,
               by_epoch=True,
               convert_to_iter_based=True)
    cfg.update(kwargs)
    return [cfg]


def make_optim(base_lr=BASE_LR, n_groups=1):
    """An OptimWrapper (as the runner builds) over a dummy model; group i has base lr (i + 1) * base_lr."""
    params = list(torch.nn.Linear(2, 2).parameters())[:n_groups]
    groups = [dict(params=[p], lr=base_lr * (i + 1)) for i, p in enumerate(params)]
    return OptimWrapper(torch.optim.SGD(groups, lr=base_lr))


def build(cfgs, optim, epoch_length):
    """As Runner._build_param_scheduler (the runner's default scope is rtmpose_ext)."""
    with DefaultScope.overwrite_default_scope('rtmpose_ext'):
        return [
            PARAM_SCHEDULERS.build(dict(c), default_args=dict(optimizer=optim, epoch_length=epoch_length))
            for c in cfgs
        ]


def run_lrs(schedulers, optim, epochs, iters_per_epoch, start_epoch=0):
    """LR (of every group) used at each iteration, stepping like ParamSchedulerHook."""
    lrs = []
    for _ in range(start_epoch, epochs):
        for _ in range(iters_per_epoch):
            lrs.append([g['lr'] for g in optim.param_groups])
            optim.step()  # the step that the schedulers' counter wraps
            for s in schedulers:
                if not s.by_epoch:
                    s.step()
        for s in schedulers:
            if s.by_epoch:
                s.step()
    return torch.tensor(lrs, dtype=torch.float64)


def assert_rel_close(actual, expected, rtol=1e-12):
    rel = ((actual - expected).abs() / expected.abs()).max().item()
    assert rel <= rtol, f'max relative difference {rel:.3e}'


@pytest.mark.parametrize(
    'iters_per_epoch',
    [
        5,  # warm-up ends exactly at epoch 200
        7,  # warm-up (1000 iterations) ends in the middle of epoch 142
    ])
def test_equals_rtmpose_linear_plus_cosine_at_every_iteration(iters_per_epoch):
    max_epochs = 420
    ref_optim, our_optim = make_optim(), make_optim()
    ref = run_lrs(build(rtmpose_composition(max_epochs), ref_optim, iters_per_epoch), ref_optim, max_epochs,
                  iters_per_epoch)
    scheds = build(ours(max_epochs), our_optim, iters_per_epoch)
    assert len(scheds) == 1 and isinstance(scheds[0], FlatCosineAnnealingLR) and not scheds[0].by_epoch
    got = run_lrs(scheds, our_optim, max_epochs, iters_per_epoch)
    assert got.shape == ref.shape == (max_epochs * iters_per_epoch, 1)
    assert_rel_close(got, ref)
    # the shape of the curve itself
    lr = got[:, 0]
    assert lr[0].item() == pytest.approx(BASE_LR * 1e-5, rel=1e-12)
    assert lr[999].item() == pytest.approx(BASE_LR, rel=1e-12)
    cos_begin = max_epochs // 2 * iters_per_epoch
    assert torch.all(lr[1000:cos_begin] == BASE_LR)
    assert lr[-1].item() == pytest.approx(0.05 * BASE_LR, rel=1e-3) and lr[-1].item() > 0.05 * BASE_LR
    assert torch.all(lr[cos_begin + 1:] < lr[cos_begin:-1])


def test_two_param_groups_with_different_base_lrs_and_eta_min_ratio():
    max_epochs, ipe = 100, 30  # warm-up: iterations 0-999; cosine from iteration 1500 to 3000
    ref_optim, our_optim = make_optim(n_groups=2), make_optim(n_groups=2)
    # (with several groups the OptimWrapper adds a third, `base_param_settings`, with the default lr)
    assert [g['lr'] for g in ref_optim.param_groups] == [BASE_LR, 2 * BASE_LR, BASE_LR]
    # eta_min_ratio: the floor scales with each group's base lr (mmengine's CosineAnnealingLR has it too)
    ref_cfg = rtmpose_composition(max_epochs)
    ref_cfg[1].pop('eta_min')
    ref_cfg[1]['eta_min_ratio'] = 0.05
    ref = run_lrs(build(ref_cfg, ref_optim, ipe), ref_optim, max_epochs, ipe)
    got = run_lrs(build(ours(max_epochs), our_optim, ipe), our_optim, max_epochs, ipe)
    assert_rel_close(got, ref)
    assert got[-1, 1].item() == pytest.approx(2 * got[-1, 0].item(), rel=1e-12)


def test_warmup_overlapping_the_cosine_phase_matches_mmengine_for_eta_min_zero():
    # 3 iterations per epoch: the cosine phase starts at iteration 630, inside the 1000-iteration warm-up
    max_epochs, ipe = 420, 3
    ref_optim, our_optim = make_optim(), make_optim()
    ref = run_lrs(build(rtmpose_composition(max_epochs, eta_min=0.0), ref_optim, ipe), ref_optim, max_epochs,
                  ipe)
    got = run_lrs(build(ours(max_epochs, eta_min_ratio=None), our_optim, ipe), our_optim, max_epochs, ipe)
    assert_rel_close(got, ref)


def test_closed_form_values():
    optim = make_optim()
    s = FlatCosineAnnealingLR(optim,
                              warmup_iters=4,
                              warmup_factor=0.2,
                              cosine_begin=6,
                              end=10,
                              eta_min=1e-4,
                              by_epoch=False)
    lrs = run_lrs([s], optim, 1, 12)[:, 0].tolist()
    w = [0.2 + 0.8 * k / 3 for k in range(4)]
    cos = [1e-4 + (BASE_LR - 1e-4) * (1 + math.cos(math.pi * t / 4)) / 2 for t in range(4)]
    expected = [BASE_LR * x for x in w] + [BASE_LR] * 2 + cos + [cos[-1]] * 2  # unchanged after `end`
    assert lrs == pytest.approx(expected, rel=1e-14)


def test_state_dict_resume_continues_the_same_curve():
    max_epochs, ipe = 420, 5
    full_optim = make_optim()
    full = run_lrs(build(ours(max_epochs), full_optim, ipe), full_optim, max_epochs, ipe)[:, 0]
    for stop_epoch in (100, 205, 300):  # inside the warm-up, the flat phase, the cosine phase
        optim = make_optim()
        [s] = build(ours(max_epochs), optim, ipe)
        first = run_lrs([s], optim, stop_epoch, ipe)[:, 0]
        saved_optim, saved_sched = optim.state_dict(), s.state_dict()
        assert 'optimizer' not in saved_sched
        # a new process: fresh optimizer and scheduler, then the runner's resume order
        optim2 = make_optim()
        [s2] = build(ours(max_epochs), optim2, ipe)
        optim2.load_state_dict(saved_optim)
        s2.load_state_dict(saved_sched)
        rest = run_lrs([s2], optim2, max_epochs, ipe, start_epoch=stop_epoch)[:, 0]
        assert torch.equal(torch.cat([first, rest]), full), stop_epoch


@pytest.mark.parametrize('kwargs, name', [
    (dict(cosine_begin=10, end=10), 'cosine_begin'),
    (dict(cosine_begin=12, end=10), 'cosine_begin'),
    (dict(cosine_begin=5, end=10, warmup_factor=0.0), 'warmup_factor'),
    (dict(cosine_begin=5, end=10, warmup_factor=1.5), 'warmup_factor'),
    (dict(cosine_begin=5, end=10, warmup_factor=-1e-5), 'warmup_factor'),
    (dict(cosine_begin=5, end=10, warmup_iters=-1), 'warmup_iters'),
    (dict(cosine_begin=5, end=10, warmup_iters=2.5), 'warmup_iters'),
    (dict(cosine_begin=5, end=10, eta_min=1e-5, eta_min_ratio=0.05), 'eta_min'),
    (dict(cosine_begin=5, end=10, eta_min=-1.0), 'eta_min'),
    (dict(cosine_begin=5, end=10, eta_min_ratio=2.0), 'eta_min_ratio'),
    (dict(cosine_begin=5), 'end'),
    (dict(cosine_begin=2, end=10, begin=3), 'cosine_begin'),
    (dict(cosine_begin=5, end=10, warmup_iters=10, by_epoch=True), 'warmup_iters'),
])
def test_bad_arguments_raise_value_error_naming_the_argument(kwargs, name):
    kwargs.setdefault('by_epoch', False)
    with pytest.raises(ValueError, match=name):
        FlatCosineAnnealingLR(make_optim(), **kwargs)


def test_bad_arguments_through_convert_to_iter_based():
    with pytest.raises(ValueError, match='cosine_begin'):
        build(ours(420, cosine_begin=420), make_optim(), 5)
    with pytest.raises(ValueError, match='warmup_factor'):
        build(ours(420, warmup_factor=0), make_optim(), 5)


# --- in a Runner: `end` filled in from max_epochs, epoch -> iteration conversion, resume -------------------


class _Model(BaseModel):

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(2, 1)

    def forward(self, inputs, mode='tensor'):
        out = self.linear(torch.stack(inputs))
        return dict(loss=(out**2).mean()) if mode == 'loss' else out


class _Data(Dataset):

    def __len__(self):
        return 6

    def __getitem__(self, i):
        return dict(inputs=torch.full((2, ), float(i)))


@HOOKS.register_module(force=True)
class _TestRecordLR(Hook):
    """Records the learning rate used at every training iteration into ``runner.recorded_lrs``."""

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        runner.__dict__.setdefault('recorded_lrs', []).append(runner.optim_wrapper.param_groups[0]['lr'])


def _runner(work_dir, **kwargs):
    cfg = dict(
        model=_Model(),
        work_dir=str(work_dir),
        train_dataloader=dict(dataset=_Data(),
                              sampler=dict(type='DefaultSampler', shuffle=False),
                              batch_size=2,
                              num_workers=0,
                              collate_fn=dict(type='pseudo_collate')),  # 3 iterations / epoch
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=BASE_LR)),
        param_scheduler=[
            dict(type='FlatCosineAnnealingLR',
                 warmup_iters=4,
                 warmup_factor=0.1,
                 cosine_begin=3,
                 eta_min_ratio=0.05,
                 by_epoch=True,
                 convert_to_iter_based=True)
        ],  # no `end`
        train_cfg=dict(by_epoch=True, max_epochs=6),
        custom_hooks=[dict(type='_TestRecordLR')],
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1), logger=None),
        default_scope='rtmpose_ext',
        experiment_name=f'flatcos_{uuid.uuid4().hex}')
    cfg.update(kwargs)
    return Runner(**cfg)


def test_in_runner_end_defaults_to_max_epochs_and_resume_continues(tmp_path):
    full = _runner(tmp_path / 'full')
    full.train()
    [s] = full.param_schedulers
    assert isinstance(s, FlatCosineAnnealingLR)
    assert (s.begin, s.cosine_begin, s.end, s.by_epoch) == (0, 9, 18, False)
    optim = make_optim()
    expected = run_lrs([
        FlatCosineAnnealingLR(optim,
                              warmup_iters=4,
                              warmup_factor=0.1,
                              cosine_begin=9,
                              end=18,
                              eta_min_ratio=0.05,
                              by_epoch=False)
    ], optim, 6, 3)[:, 0]
    assert torch.tensor(full.recorded_lrs, dtype=torch.float64).tolist() == pytest.approx(expected.tolist(),
                                                                                          rel=1e-12)
    resumed = _runner(tmp_path / 'resumed', resume=True, load_from=str(tmp_path / 'full' / 'epoch_4.pth'))
    resumed.train()
    assert resumed.recorded_lrs == pytest.approx(full.recorded_lrs[12:], rel=1e-12)
