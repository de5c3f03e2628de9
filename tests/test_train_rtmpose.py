"""RTMPose-t through the user commands: ``mim train rtmpose_ext`` (with --work-dir, --cfg-options,
--resume), ``mim test rtmpose_ext --checkpoint`` and ``mim train mmpose`` with our config, on a tiny COCO
dataset, with the real model, augmentation pipelines, EMA, schedule and CocoMetric.
"""
import glob
import json
import os.path as osp

import numpy as np
import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_NAME = 'rtmpose-t_8xb256-420e_coco-256x192.py'
CONFIG = osp.join(REPO_ROOT, 'configs', 'rtmpose', CONFIG_NAME)
MAX_EPOCHS, SWITCH_EPOCH = 3, 2


def _scalars(work_dir):
    """The training log records (one dict per logged iteration) and the validation records."""
    (path, ) = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        records = [json.loads(line) for line in f]
    return [r for r in records if 'lr' in r], [r for r in records if 'coco/AP' in r]


def _checkpoints(work_dir):
    return sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, 'epoch_*.pth')))


def _keypoints(prefix):
    with open(prefix + '.keypoints.json') as f:
        results = json.load(f)
    return {(r['image_id'], round(r['score'], 3)): np.array(r['keypoints']) for r in results}


def _mim_install_problem():
    """Why ``mim train/test rtmpose_ext`` cannot find our tools and configs, or None."""
    from mim.utils import get_installed_path
    pkg_root = get_installed_path('rtmpose_ext')
    if not osp.isdir(pkg_root):
        return (f'mim resolves rtmpose_ext to {pkg_root}, which does not exist: `mim train/test rtmpose_ext` '
                'cannot find tools/train.py or the configs. An editable install needs the package directory '
                'linked there (ln -s <repo>/rtmpose_ext <site-packages>/rtmpose_ext); see docs/training.md.')
    for path in ('.mim/tools/train.py', '.mim/tools/test.py', f'.mim/configs/rtmpose/{CONFIG_NAME}'):
        if not osp.isfile(osp.join(pkg_root, path)):
            return f'{osp.join(pkg_root, path)} is missing'
    return None


def test_mim_finds_rtmpose_ext_tools_and_configs():
    """mim looks for ``<site-packages>/rtmpose_ext/.mim/{tools,configs}`` (``get_installed_path``); an
    editable (PEP 660) install has no such directory unless the set-up links it (see docs/training.md)."""
    problem = _mim_install_problem()
    assert problem is None, problem
    from mim.utils import get_installed_path
    found = osp.join(get_installed_path('rtmpose_ext'), '.mim', 'configs', 'rtmpose', CONFIG_NAME)
    assert osp.realpath(found) == osp.realpath(CONFIG)


@pytest.mark.slow  # three mim runs of RTMPose-t on 2 CPU cores (3 + 2 short epochs, a test): about 80 s
def test_mim_train_resume_and_test(tiny_coco, cli, tmp_path):
    problem = _mim_install_problem()
    if problem:
        pytest.fail(problem)
    options = tiny_coco.cfg_options(max_epochs=MAX_EPOCHS,
                                    train_instances=4,
                                    val_instances=2,
                                    extra={
                                        'custom_hooks.2.switch_epoch': SWITCH_EPOCH,
                                        'param_scheduler.0.warmup_iters': 2,
                                        'param_scheduler.0.cosine_begin': 1,
                                        'param_scheduler.0.end': MAX_EPOCHS
                                    })
    run1, run2 = str(tmp_path / 'run1'), str(tmp_path / 'run2')

    # train: the config is found by name in rtmpose_ext's configs
    out = cli([
        'mim', 'train', 'rtmpose_ext', CONFIG_NAME, '--work-dir', run1, '--cfg-options', *options,
        f'val_evaluator.outfile_prefix={run1}/val'
    ],
              cwd=str(tmp_path))
    assert f'will use {osp.realpath(CONFIG)}' in out
    assert 'switched the training pipeline at epoch 3 (runner.epoch=2, switch_epoch=2)' in out
    assert _checkpoints(run1) == ['epoch_1.pth', 'epoch_2.pth', 'epoch_3.pth']
    assert glob.glob(osp.join(run1, 'best_coco_AP_epoch_*.pth'))
    train1, val1 = _scalars(run1)
    assert [r['step'] for r in val1] == [1, 2, 3]  # CocoMetric after every epoch
    assert all(0 <= r['coco/AP'] <= 1 and 0 <= r['coco/AR'] <= 1 for r in val1)
    iters_per_epoch = len(train1) // MAX_EPOCHS
    assert iters_per_epoch == 2  # 4 instances, batches of 2
    lrs = [r['lr'] for r in train1]
    assert lrs[0] == pytest.approx(4e-3 * 1e-5) and lrs[iters_per_epoch - 1] == pytest.approx(4e-3)
    assert lrs[-1] < lrs[iters_per_epoch]  # cosine from epoch 1 on

    # resume from epoch 1 in another work dir: epochs 2 and 3 only, same schedule, switch again at epoch 3
    out = cli([
        'mim', 'train', 'rtmpose_ext', CONFIG_NAME, '--work-dir', run2, '--resume',
        osp.join(run1, 'epoch_1.pth'), '--cfg-options', *options
    ],
              cwd=str(tmp_path))
    assert f'resumed epoch: 1, iter: {iters_per_epoch}' in out
    assert 'switched the training pipeline at epoch 3' in out
    assert _checkpoints(run2) == ['epoch_2.pth', 'epoch_3.pth']
    train2, val2 = _scalars(run2)
    assert [r['step'] for r in val2] == [2, 3]
    assert [r['iter'] for r in train2] == [r['iter'] for r in train1[iters_per_epoch:]]
    assert [r['lr'] for r in train2] == pytest.approx(lrs[iters_per_epoch:], rel=1e-9)

    # test the final checkpoint (its state_dict holds the EMA weights, which validation used)
    metrics_file = str(tmp_path / 'metrics.json')
    out = cli([
        'mim', 'test', 'rtmpose_ext', CONFIG_NAME, '--checkpoint',
        osp.join(run1, 'epoch_3.pth'), '--work-dir',
        str(tmp_path / 'test'), '--out', metrics_file, '--cfg-options', *options,
        f'test_evaluator.outfile_prefix={tmp_path}/test'
    ],
              cwd=str(tmp_path))
    with open(metrics_file) as f:
        metrics = json.load(f)
    assert metrics['coco/AP'] == pytest.approx(val1[-1]['coco/AP'], abs=1e-6)
    tested, validated = _keypoints(f'{tmp_path}/test'), _keypoints(f'{run1}/val')
    assert tested.keys() == validated.keys() and len(tested) > 0
    for key in tested:
        np.testing.assert_allclose(tested[key], validated[key], atol=1e-3)


@pytest.mark.slow  # one short epoch of RTMPose-t through mmpose's tools/train.py: about 20 s
def test_mim_train_mmpose_with_our_config(tiny_coco, cli, tmp_path):
    """mmpose's own training script with our config: custom_imports loads rtmpose_ext (its registries,
    classes and torch 2.13 fixes); every type resolves from scope rtmpose_ext."""
    work_dir = str(tmp_path / 'work')
    out = cli([
        'mim', 'train', 'mmpose', CONFIG, '--work-dir', work_dir, '--cfg-options',
        *tiny_coco.cfg_options(max_epochs=1, train_instances=4, val_instances=2)
    ],
              cwd=str(tmp_path))
    assert 'mmpose/.mim/tools/train.py' in out
    assert _checkpoints(work_dir) == ['epoch_1.pth']
    assert [r['step'] for r in _scalars(work_dir)[1]] == [1]
