"""Backbone pre-training with UDP heatmaps: the cspnext-{t,s,m,l}_udp configs follow mmpose's recipe, train
at toy scale (real backbones, pipelines, our UDPHeatmap, EMA), and tools/extract_backbone.py turns their
checkpoints' EMA weights into backbones that the RTMPose configs load strictly."""
import os.path as osp

import pytest
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SIZES = ('t', 's', 'm', 'l')
WIDTHS = dict(t=(0.167, 0.375, 384), s=(0.33, 0.5, 512), m=(0.67, 0.75, 768), l=(1., 1., 1024))


def pretrain_config(size):
    return osp.join(REPO_ROOT, 'configs', 'pretrain', f'cspnext-{size}_udp_8xb256-210e_coco-256x192.py')


def rtmpose_config(size):
    return osp.join(REPO_ROOT, 'configs', 'rtmpose', f'rtmpose-{size}_8xb256-420e_coco-256x192.py')


@pytest.mark.parametrize('size', SIZES)
def test_pretrain_config_is_the_recipe(size):
    from mmengine.config import Config
    cfg = Config.fromfile(pretrain_config(size))
    deepen, widen, channels = WIDTHS[size]
    backbone = cfg.model.backbone
    assert (backbone.type, backbone.deepen_factor, backbone.widen_factor) == ('CSPNeXt', deepen, widen)
    assert tuple(backbone.out_indices) == (4, )
    rtm = Config.fromfile(rtmpose_config(size)).model.backbone      # the same backbone as RTMPose's
    assert {k: v for k, v in backbone.items() if k != 'init_cfg'} == \
        {k: v for k, v in rtm.items() if k != 'init_cfg'}
    head = cfg.model.head
    assert head.type == 'HeatmapHead' and head.in_channels == channels and head.out_channels == 17
    assert 'deconv_out_channels' not in head                        # mmpose's default deconvolutions
    assert head.loss == dict(type='KeypointMSELoss', use_target_weight=True)
    assert cfg.codec == dict(type='UDPHeatmap', input_size=(192, 256), heatmap_size=(48, 64), sigma=2,
                             decode_unit='mmpose')
    hooks = {h.type: h for h in cfg.custom_hooks}
    pipelines = (cfg.train_pipeline, cfg.train_pipeline_stage2, cfg.val_pipeline)
    assert hooks['PipelineSwitchHook'].switch_pipeline == cfg.train_pipeline_stage2
    for pipeline in pipelines:
        affine = [t for t in pipeline if t.type == 'TopdownAffine']
        assert len(affine) == 1 and affine[0].use_udp and tuple(affine[0].input_size) == (192, 256)
    assert cfg.train_dataloader.dataset.pipeline == cfg.train_pipeline
    assert cfg.model.test_cfg == dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False)
    optim = cfg.optim_wrapper
    assert optim.optimizer.type == 'AdamW' and optim.optimizer.lr == 4e-3
    assert optim.paramwise_cfg.norm_decay_mult == 0 and optim.paramwise_cfg.bias_decay_mult == 0
    sched = cfg.param_scheduler[0]
    assert (sched.type, sched.cosine_begin, sched.end, sched.warmup_iters) == ('FlatCosineAnnealingLR', 105,
                                                                               210, 1000)
    assert cfg.train_cfg.max_epochs == 210 and hooks['PipelineSwitchHook'].switch_epoch == 180
    assert hooks['EMAHook'].ema_type == 'ExpMomentumEMA'


def _train_toy(size, tiny_coco, work_dir, validate, iterations=1):
    """``iterations`` (batch 2) of the config on the tiny dataset, a checkpoint, optionally a validation
    with the heatmap flip test; returns the checkpoint's path."""
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(pretrain_config(size))
    cfg.merge_from_dict(tiny_coco.cfg_dict(max_epochs=1, train_instances=2 * iterations, val_instances=2))
    cfg.model.backbone.norm_cfg = dict(type='BN')
    cfg.work_dir = str(work_dir)
    cfg.experiment_name = f'pretrain_{size}_{id(work_dir)}'
    if not validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    Runner.from_cfg(cfg).train()
    return str(work_dir / 'epoch_1.pth')


def _loads_strictly(size, backbone_pth, expected):
    """Build the RTMPose config's model with the backbone checkpoint as its Pretrained init: no key
    missing or unexpected, and after init_weights the backbone holds ``expected``."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmengine.runner.checkpoint import _load_checkpoint_with_prefix

    from rtmpose_ext.registry import MODELS
    init_default_scope('rtmpose_ext')
    cfg = Config.fromfile(rtmpose_config(size))
    cfg.model.backbone.norm_cfg = dict(type='BN')
    cfg.model.backbone.init_cfg = dict(type='Pretrained', prefix='backbone.', checkpoint=backbone_pth)
    model = MODELS.build(cfg.model)
    state = _load_checkpoint_with_prefix('backbone.', backbone_pth, map_location='cpu')
    result = model.backbone.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    model.init_weights()
    loaded = model.backbone.state_dict()
    for key, value in expected.items():
        torch.testing.assert_close(loaded[key[len('backbone.'):]], value, rtol=0, atol=0, msg=key)


@pytest.mark.slow  # CSPNeXt-t at 256x192: 2 iterations, a validation with flip test, ~15 s on 2 cores
def test_cspnext_t_pretrains_and_its_ema_backbone_loads_into_rtmpose_t(tiny_coco, tmp_path, cli):
    # 2 iterations: EMAHook copies the weights at the first, averages from the second on
    checkpoint = _train_toy('t', tiny_coco, tmp_path / 'work', validate=True, iterations=2)
    ckpt = torch.load(checkpoint, map_location='cpu', weights_only=False)
    assert 'ema_state_dict' in ckpt
    out = tmp_path / 'backbone.pth'
    log = cli(['python', osp.join(REPO_ROOT, 'tools', 'extract_backbone.py'), checkpoint, str(out)],
              cwd=str(tmp_path))
    assert 'ema weights' in log
    ema = {k: v for k, v in ckpt['state_dict'].items() if k.startswith('backbone.')}
    raw = {k[len('module.'):]: v for k, v in ckpt['ema_state_dict'].items()
           if k.startswith('module.backbone.')}
    assert set(ema) == set(raw)
    assert any(not torch.equal(ema[k], raw[k]) for k in ema)       # averaged: EMA != raw
    _loads_strictly('t', str(out), ema)


@pytest.mark.slow  # one iteration of each larger backbone at 256x192 (CSPNeXt-l: ~50 M params), ~30 s
@pytest.mark.parametrize('size', ('s', 'm', 'l'))
def test_larger_pretrain_configs_train_and_their_backbones_load_strictly(size, tiny_coco, tmp_path):
    from rtmpose_ext.apis.backbone_checkpoint import backbone_state_dict, extract_backbone
    checkpoint = _train_toy(size, tiny_coco, tmp_path / 'work', validate=False)
    out = str(tmp_path / 'backbone.pth')
    meta = extract_backbone(checkpoint, out)
    assert meta['weights'] == 'ema' and meta['tensors'] > 0
    _loads_strictly(size, out, backbone_state_dict(checkpoint))


def _fake_checkpoint(path, ema=True):
    """What EMAHook saves: EMA weights in ``state_dict``, the raw ones in ``ema_state_dict`` (``module.``)."""
    ckpt = dict(state_dict={'backbone.conv.weight': torch.ones(2), 'head.fc.weight': torch.zeros(1)}, meta={})
    if ema:
        ckpt['ema_state_dict'] = {'steps': torch.tensor(3), 'module.head.fc.weight': torch.zeros(1),
                                  'module.backbone.conv.weight': torch.full((2, ), 5.)}
    torch.save(ckpt, str(path))
    return str(path)


@pytest.mark.parametrize('weights, value', [('ema', 1.), ('raw', 5.)])
def test_extract_backbone_keeps_the_backbone_of_the_asked_weights(tmp_path, weights, value):
    from rtmpose_ext.apis.backbone_checkpoint import extract_backbone
    out = tmp_path / 'sub' / 'backbone.pth'
    meta = extract_backbone(_fake_checkpoint(tmp_path / 'c.pth'), str(out), weights=weights)
    saved = torch.load(str(out), map_location='cpu')
    assert list(saved['state_dict']) == ['backbone.conv.weight']
    assert torch.equal(saved['state_dict']['backbone.conv.weight'], torch.full((2, ), value))
    assert saved['meta'] == meta and meta['weights'] == weights and meta['tensors'] == 1
    assert [p.name for p in out.parent.iterdir()] == ['backbone.pth']     # no temporary file left


def _extract_tool():
    import importlib.util
    spec = importlib.util.spec_from_file_location('extract_backbone', osp.join(REPO_ROOT, 'tools',
                                                                               'extract_backbone.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extract_backbone_errors_name_the_problem_and_write_nothing(tmp_path, capsys):
    tool = _extract_tool()
    out = str(tmp_path / 'backbone.pth')
    no_ema = _fake_checkpoint(tmp_path / 'raw.pth', ema=False)
    cases = [([no_ema, out], ('no "ema_state_dict"', '--weights raw')),
             ([_fake_checkpoint(tmp_path / 'c.pth'), out, '--prefix', 'neck.'],
              ("no key starts with prefix 'neck.'", "'backbone.'")),
             ([str(tmp_path / 'missing.pth'), out], ('no file', ))]
    for argv, phrases in cases:
        assert tool.main(argv) == 2
        err = capsys.readouterr().err
        assert all(p in err for p in phrases), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ['c.pth', 'raw.pth']       # nothing written


def test_demo_pretrains_the_backbone_it_fine_tunes():
    """make demo's two stages: the pre-training config is the demo's data and backbone with a UDP heatmap
    head (UDP warp and codec in every pipeline); the fine-tuning config names it and loads the backbone
    with prefix 'backbone.'."""
    from mmengine.config import Config

    from rtmpose_ext.demo import DEMO_CONFIG, DEMO_FINETUNE_CONFIG, DEMO_PRETRAIN_CONFIG
    fine = Config.fromfile(DEMO_FINETUNE_CONFIG)
    assert osp.join(osp.dirname(DEMO_FINETUNE_CONFIG), fine.pretrain_config) == DEMO_PRETRAIN_CONFIG
    assert fine.pretrain_epochs >= 1 and fine.train_cfg.max_epochs == fine.max_epochs
    assert fine.model.backbone.init_cfg.type == 'Pretrained'
    assert fine.model.backbone.init_cfg.prefix == 'backbone.'
    scratch, pre = Config.fromfile(DEMO_CONFIG), Config.fromfile(DEMO_PRETRAIN_CONFIG)
    assert fine.model.head == scratch.model.head and fine.codec == scratch.codec
    assert pre.model.backbone == scratch.model.backbone                    # same keys, from scratch
    assert pre.codec.type == 'UDPHeatmap' and tuple(pre.codec.input_size) == tuple(scratch.codec.input_size)
    assert pre.model.head.type == 'HeatmapHead' and pre.model.head.decoder == pre.codec
    switch = {h.type: h for h in pre.custom_hooks}['PipelineSwitchHook'].switch_pipeline
    for pipeline in (pre.train_dataloader.dataset.pipeline, switch, pre.val_dataloader.dataset.pipeline):
        for t in pipeline:
            assert t.type != 'TopdownAffine' or (t.use_udp and tuple(t.input_size) == pre.codec.input_size)
            assert t.type != 'GenerateTarget' or t.encoder == pre.codec
    assert pre.model.test_cfg == dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False)
