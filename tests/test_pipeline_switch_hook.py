"""PipelineSwitchHook: weak pipeline from switch_epoch on, persistent workers, resume; val left alone."""
import glob
import os
import uuid

import pytest
import torch
from mmengine.dataset import BaseDataset, ConcatDataset, RepeatDataset
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import rtmpose_ext  # noqa: F401  (registers the classes; its checkpoint-loading fix makes resume work)
from rtmpose_ext.engine.hooks import PipelineSwitchHook
from rtmpose_ext.registry import DATASETS, HOOKS, METRICS, TRANSFORMS

MAX_EPOCHS, SWITCH_EPOCH = 4, 2


@TRANSFORMS.register_module(force=True)
class _TestTag:
    """Marks the sample with the pipeline's tag and the id of the process that ran the pipeline."""

    def __init__(self, tag):
        self.tag = tag

    def __call__(self, results):
        results['tag'] = self.tag
        results['pid'] = os.getpid()
        results['inputs'] = torch.tensor([float(results['idx'])])
        return results


@DATASETS.register_module(force=True)
class _TestToyDataset(BaseDataset):
    """4 samples ``dict(idx=i)``."""

    def load_data_list(self):
        return [dict(idx=i) for i in range(4)]


class _Model(BaseModel):

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(1, 1)

    def forward(self, inputs, mode='tensor', **kwargs):
        out = self.linear(torch.stack(inputs))
        return dict(loss=(out**2).mean()) if mode == 'loss' else [dict(n=len(inputs))]


@HOOKS.register_module(force=True)
class _TestRecordBatches(Hook):
    """Records (runner.epoch, tag, pid) of every training sample into ``runner.seen``."""

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        seen = runner.__dict__.setdefault('seen', [])
        seen += [(runner.epoch, t, p) for t, p in zip(data_batch['tag'], data_batch['pid'])]


@METRICS.register_module(force=True)
class _TestValTags(BaseMetric):
    tags = []

    def process(self, data_batch, data_samples):
        self.tags.extend(data_batch['tag'])

    def compute_metrics(self, results):
        return dict(n=1.0)


def _loader(pipeline, num_workers=1, persistent_workers=True, dataset=None):
    return dict(dataset=dataset or dict(type='_TestToyDataset', pipeline=pipeline),
                sampler=dict(type='DefaultSampler', shuffle=False),
                batch_size=2,
                num_workers=num_workers,
                persistent_workers=persistent_workers and num_workers > 0,
                collate_fn=dict(type='pseudo_collate'))


def _runner(work_dir, train_loader=None, hook_type='PipelineSwitchHook', **kwargs):
    cfg = dict(model=_Model(),
               work_dir=str(work_dir),
               train_dataloader=train_loader or _loader([dict(type='_TestTag', tag='strong')]),
               val_dataloader=_loader([dict(type='_TestTag', tag='val')], num_workers=0),
               val_evaluator=dict(type='_TestValTags'),
               val_cfg=dict(),
               optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
               train_cfg=dict(by_epoch=True, max_epochs=MAX_EPOCHS, val_interval=1),
               custom_hooks=[
                   dict(type=hook_type,
                        switch_epoch=SWITCH_EPOCH,
                        switch_pipeline=[dict(type='_TestTag', tag='weak')]),
                   dict(type='_TestRecordBatches')
               ],
               default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1)),
               default_scope='rtmpose_ext',
               experiment_name=f'switch_{uuid.uuid4().hex}')
    cfg.update(kwargs)
    return Runner(**cfg)


def _train(runner):
    """Train, then stop the persistent worker (left to the garbage collector, its shutdown waits 5 s)."""
    try:
        runner.train()
    finally:
        iterator = runner.train_dataloader._iterator
        if iterator is not None:
            iterator._shutdown_workers()
    return runner


def _tags_by_epoch(runner):
    out = {}
    for epoch, tag, _ in runner.seen:
        out.setdefault(epoch, set()).add(tag)
    return out


def _pids_by_epoch(runner):
    out = {}
    for epoch, _, pid in runner.seen:
        out.setdefault(epoch, set()).add(pid)
    return out


def _log_text(runner):
    return ''.join(open(f).read() for f in glob.glob(os.path.join(runner.log_dir, '*.log')))


def test_switch_with_a_persistent_worker(tmp_path):
    _TestValTags.tags.clear()
    runner = _runner(tmp_path)
    _train(runner)
    assert _tags_by_epoch(runner) == {0: {'strong'}, 1: {'strong'}, 2: {'weak'}, 3: {'weak'}}
    pids = _pids_by_epoch(runner)
    assert all(len(p) == 1 for p in pids.values())
    assert os.getpid() not in set().union(*pids.values())  # the samples come from the worker process
    assert pids[0] == pids[1] and pids[2] == pids[3]  # the worker persists across epochs ...
    assert pids[1] != pids[2]  # ... but a new one started at the switch
    old_pid = next(iter(pids[1]))
    with pytest.raises(ProcessLookupError):  # and the old one was shut down
        os.kill(old_pid, 0)
    assert _TestValTags.tags == ['val'] * 4 * MAX_EPOCHS  # validation pipeline untouched
    assert runner.val_dataloader.dataset.pipeline.transforms[0].tag == 'val'
    log = _log_text(runner)
    assert log.count('PipelineSwitchHook: switched the training pipeline at epoch 3') == 1
    assert 'restarting the persistent dataloader workers' in log


class _NaiveSwitch(PipelineSwitchHook):
    """Replaces the pipeline but leaves the persistent worker alone (what the real hook must not do)."""

    @staticmethod
    def _restart_workers(loader):
        return False


HOOKS.register_module(name='_TestNaiveSwitch', module=_NaiveSwitch, force=True)


def test_control_without_restarting_the_persistent_worker_the_old_pipeline_is_used(tmp_path):
    """Shows the test above can fail: a persistent worker keeps its own copy of the dataset."""
    runner = _runner(tmp_path, hook_type='_TestNaiveSwitch')
    _train(runner)
    assert runner.train_dataloader.dataset.pipeline.transforms[0].tag == 'weak'
    assert _tags_by_epoch(runner) == {e: {'strong'} for e in range(MAX_EPOCHS)}


@pytest.mark.parametrize('num_workers', [0, 1])
def test_switch_without_persistent_workers(tmp_path, num_workers):
    runner = _runner(tmp_path,
                     train_loader=_loader([dict(type='_TestTag', tag='strong')],
                                          num_workers=num_workers,
                                          persistent_workers=False))
    _train(runner)
    assert _tags_by_epoch(runner) == {0: {'strong'}, 1: {'strong'}, 2: {'weak'}, 3: {'weak'}}


@pytest.fixture(scope='module')
def first_run(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('first_run')
    runner = _runner(work_dir)
    _train(runner)
    return work_dir


@pytest.mark.parametrize(
    'ckpt_epoch, expected',
    [
        (1, {
            1: {'strong'},
            2: {'weak'},
            3: {'weak'}
        }),  # saved before the switch: switches on the way
        (2, {
            2: {'weak'},
            3: {'weak'}
        }),  # resumes exactly at switch_epoch
        (3, {
            3: {'weak'}
        }),  # saved after the switch: weak from the first resumed epoch
    ])
def test_resume(first_run, tmp_path, ckpt_epoch, expected):
    runner = _runner(tmp_path, resume=True, load_from=str(first_run / f'epoch_{ckpt_epoch}.pth'))
    _train(runner)
    assert _tags_by_epoch(runner) == expected
    assert _log_text(runner).count('PipelineSwitchHook: switched the training pipeline') == 1


def test_wrapped_datasets(tmp_path):
    inner = dict(type='_TestToyDataset', pipeline=[dict(type='_TestTag', tag='strong')])
    dataset = dict(type='ConcatDataset', datasets=[inner, dict(type='RepeatDataset', dataset=inner, times=2)])
    runner = _runner(tmp_path, train_loader=_loader(None, dataset=dataset))
    _train(runner)
    assert _tags_by_epoch(runner) == {0: {'strong'}, 1: {'strong'}, 2: {'weak'}, 3: {'weak'}}
    ds = runner.train_dataloader.dataset
    assert isinstance(ds, ConcatDataset) and isinstance(ds.datasets[1], RepeatDataset)
    assert ds.datasets[0].pipeline is not ds.datasets[1].dataset.pipeline  # one Compose each
    assert 'train_dataloader.dataset.datasets[1].dataset (_TestToyDataset)' in _log_text(runner)


def test_unsupported_dataset_raises_a_clear_error():
    hook = PipelineSwitchHook(0, [dict(type='_TestTag', tag='weak')])

    class NoPipeline(torch.utils.data.Dataset):

        def __len__(self):
            return 1

    with DefaultScope.overwrite_default_scope('rtmpose_ext'):
        with pytest.raises(TypeError, match=r"train_dataloader\.dataset \(NoPipeline\).*no 'pipeline'"):
            hook._replace_pipelines(NoPipeline(), 'train_dataloader.dataset')


def test_bad_arguments():
    with pytest.raises(ValueError, match='switch_epoch'):
        PipelineSwitchHook(-1, [])
    with pytest.raises(TypeError, match='switch_pipeline'):
        PipelineSwitchHook(1, dict(type='_TestTag', tag='weak'))


def test_iteration_based_training_is_refused(tmp_path):
    runner = _runner(tmp_path,
                     train_loader=_loader([dict(type='_TestTag', tag='strong')], num_workers=0),
                     train_cfg=dict(by_epoch=False, max_iters=2),
                     val_dataloader=None,
                     val_evaluator=None,
                     val_cfg=None)
    with pytest.raises(TypeError, match='epoch-based'):
        runner.train()
