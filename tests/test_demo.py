"""``python -m rtmpose_ext.demo --quick``: the whole demo flow (data, training across the stage switch,
COCO evaluation, ONNX export with the ONNX Runtime check, pictures, summary) at toy scale, in a temporary
folder; and the demo config's schedule rules."""
import json
import os.path as osp

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEMO_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'rtmpose-t_synthetic.py')
PRETRAINED_CONFIG = osp.join(REPO_ROOT, 'configs', 'demo', 'rtmpose-t_synthetic_pretrained.py')


@pytest.mark.slow  # RTMPose-t: 2 tiny epochs, 3 evaluations, ONNX export, pictures: ~30-70 s on 2 cores
def test_quick_demo_runs_end_to_end(tmp_path, cli):
    work, out = tmp_path / 'work', tmp_path / 'out'
    # the two-stage config: the default (from scratch) runs the same steps without the pre-training
    log = cli(['python', '-m', 'rtmpose_ext.demo', '--quick', '--config', PRETRAINED_CONFIG,
               '--work-dir', str(work), '--out-dir', str(out)],
              cwd=str(tmp_path), timeout=600, env={'PYTHONPATH': REPO_ROOT})
    positions = [log.find(f'\n[{i}/7] ') for i in range(1, 8)]
    assert -1 not in positions and positions == sorted(positions), positions
    # the data went under the work dir (--quick), not into the repository's data/
    assert (work / 'data' / 'annotations' / 'person_keypoints_train.json').is_file()
    # a pre-training epoch, its EMA backbone extracted and loaded by the fine-tuning
    backbone = work / 'pretrain' / 'backbone.pth'
    assert backbone.is_file() and (work / 'pretrain' / 'backbone.json').is_file()
    assert f'load backbone. in model from: {backbone}' in log
    # 2 epochs with the stage switch before the second
    assert 'switched the training pipeline at epoch 2' in log
    assert (work / 'epoch_2.pth').is_file() and (work / 'end2end.onnx').is_file()
    assert (work / 'val.keypoints.json').is_file()

    summary = json.loads((out / 'summary.json').read_text())
    assert set(summary['metrics']) == {'AP', 'AP50', 'AP75', 'AR'}
    assert all(0 <= v <= 1 for v in summary['metrics'].values())
    # ONNX Runtime and PyTorch agree on the same crops (fp32, same graph)
    assert summary['onnx']['crops'] == 8
    assert summary['onnx']['max_logit_diff'] < 1e-3
    assert summary['onnx']['mean_keypoint_diff_px'] < 0.05
    assert summary['seconds']['train'] > 0 and summary['seconds']['total'] >= summary['seconds']['train']
    table = (out / 'summary.md').read_text()
    assert summary['pretrain']['epochs'] == 1 and not summary['pretrain']['cached']
    for row in ('AP50', 'AP75', 'AR', 'pre-training time', 'train time', 'total time',
                'ONNX Runtime vs PyTorch'):
        assert f'| {row}' in table
    assert table.splitlines()[0] in log  # the table is printed too

    import cv2
    pred = cv2.imread(str(out / 'predictions.jpg'))
    curves = cv2.imread(str(out / 'curves.png'))
    assert pred is not None and pred.shape[0] > 500 and pred.shape[1] > 1000   # 2 x 3 pictures
    assert curves is not None and curves.shape[1] > 1000

    # what --skip-train would reuse
    from rtmpose_ext.demo import last_checkpoint, latest_log_dir
    assert last_checkpoint(str(work)) == str(work / 'epoch_2.pth')
    assert osp.isfile(osp.join(latest_log_dir(str(work)), 'vis_data', 'scalars.json'))


def test_default_config_per_split():
    """Easy: from scratch (make demo); normal and hard: the two-stage config; --config wins."""
    from rtmpose_ext.demo import parse_args
    assert parse_args([]).config == DEMO_CONFIG
    assert parse_args(['--difficulty', 'normal']).config == PRETRAINED_CONFIG
    assert parse_args(['--difficulty', 'hard']).config == PRETRAINED_CONFIG
    assert parse_args(['--difficulty', 'normal', '--config', DEMO_CONFIG]).config == DEMO_CONFIG


def test_skip_train_without_an_earlier_run_says_so(tmp_path):
    from rtmpose_ext import demo
    with pytest.raises(FileNotFoundError, match='--skip-train: no checkpoint'):
        demo.main(['--quick', '--skip-train', '--work-dir', str(tmp_path / 'w'),
                   '--out-dir', str(tmp_path / 'o')])


@pytest.mark.parametrize('epochs', [2, 7, 24, 60])
def test_scale_schedule_keeps_the_recipe_proportions(epochs):
    """Warm-up, cosine over the second half, the strong pipeline for the config's first fraction of the
    epochs (then the weak one, at least one epoch of each), EMA time constants as the config's fractions
    of the run, and validation after the last epoch."""
    from mmengine.config import Config

    from rtmpose_ext.demo import scale_schedule
    cfg = Config.fromfile(DEMO_CONFIG)
    iters = 100
    scale_schedule(cfg, epochs, iters)
    assert cfg.train_cfg.max_epochs == epochs
    sched = cfg.param_scheduler[0]
    assert sched.cosine_begin == epochs // 2 and sched.end == epochs
    assert 1 <= sched.warmup_iters <= epochs * iters // 10 + 1
    hooks = {h.type: h for h in cfg.custom_hooks}
    switch = hooks['PipelineSwitchHook'].switch_epoch
    assert 1 <= switch <= epochs - 1
    assert switch == max(1, round(epochs * cfg.strong_fraction))
    ema = hooks['EMAHook']
    assert ema.momentum == pytest.approx(min(0.5, 1 / (cfg.ema_window * epochs * iters)))
    assert ema.gamma == pytest.approx(max(1, cfg.ema_decay * epochs * iters))
    assert 1 <= cfg.train_cfg.val_interval <= max(1, epochs // 4)   # (mmengine also validates the last epoch)
    assert cfg.default_hooks.checkpoint.interval == epochs


def test_demo_config_is_the_recipe_scaled():
    """The demo config inherits RTMPose-t's recipe and changes only sizes: our head, loss, codec,
    schedule, EMA and stage switch; sigma = sqrt(bins / 16) for its input size; one process (BN)."""
    from mmengine.config import Config
    cfg = Config.fromfile(DEMO_CONFIG)
    w, h = cfg.codec.input_size
    ratio = cfg.codec.simcc_split_ratio
    assert cfg.codec.type == 'SimCCLabel'
    assert cfg.codec.sigma == pytest.approx(((w * ratio / 16) ** 0.5, (h * ratio / 16) ** 0.5), abs=0.01)
    head = cfg.model.head
    assert head.type == 'RTMCCHead' and head.loss.type == 'KLDiscretLoss' and head.loss.beta == 10.
    assert tuple(head.in_featuremap_size) == (-(-w // 32), -(-h // 32))
    assert cfg.model.backbone.norm_cfg.type == 'BN'
    assert cfg.model.test_cfg.flip_test
    assert cfg.param_scheduler[0].type == 'FlatCosineAnnealingLR'
    assert cfg.optim_wrapper.optimizer.type == 'AdamW'
    hooks = {h.type: h for h in cfg.custom_hooks}
    assert hooks['EMAHook'].ema_type == 'ExpMomentumEMA'
    assert 0 < hooks['PipelineSwitchHook'].switch_epoch < cfg.max_epochs   # strong first, then weak
    for loader in (cfg.train_dataloader, cfg.val_dataloader):
        for t in loader.dataset.pipeline:
            if t.type in ('TopdownAffine', ):
                assert tuple(t.input_size) == (w, h)
            if t.type == 'GenerateTarget':
                assert t.encoder == cfg.codec
    assert cfg.val_evaluator.type == 'CocoMetric' and cfg.val_dataloader.dataset.bbox_file is None
