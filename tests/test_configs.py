"""The configs: every one loads and builds its model; the RTMPose configs have the published size and
cost and share the paper's recipe; weight decay skips norms and biases; the evaluation-box switch works.
"""
import glob
import json
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope
from torch.nn.modules.batchnorm import _BatchNorm

import rtmpose_ext  # noqa: F401
from rtmpose_ext.models.utils import ScaleNorm
from rtmpose_ext.registry import DATASETS, MODELS, PARAM_SCHEDULERS

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG_DIR = osp.join(REPO_ROOT, 'configs')
ALL_CONFIGS = sorted(
    osp.relpath(p, CONFIG_DIR) for p in glob.glob(osp.join(CONFIG_DIR, '**', '*.py'), recursive=True)
    # rtmdet/: mmdet's detectors in scope mmdet, tested by test_rtmdet_configs.py
    if osp.relpath(p, CONFIG_DIR).split(osp.sep)[0] not in ('_base_', 'deploy', 'rtmdet'))
RTMPOSE = {v: f'rtmpose/rtmpose-{v}_8xb256-420e_coco-256x192.py' for v in 'tsml'}
COCO_CONFIGS = [
    *RTMPOSE.values(), 'simcc/simcc_res50_8xb64-210e_coco-256x192.py',
    'heatmap/td-hm_hrnet-w32_udp-dark_8xb64-210e_coco-256x192.py'
]
# RTMPose paper, Table 9 / mmpose's model zoo: parameters and FLOPs (multiply-adds) at 256x192
PUBLISHED = {'t': (3.34e6, 0.36e9), 's': (5.47e6, 0.68e9), 'm': (13.59e6, 1.93e9), 'l': (27.66e6, 4.16e9)}
# what differs between the four RTMPose configs: the backbone's size and the head's input channels
SIZE_KEYS = {'t': (0.167, 0.375, 384), 's': (0.33, 0.5, 512), 'm': (0.67, 0.75, 768), 'l': (1., 1., 1024)}


def _load(name: str) -> Config:
    return Config.fromfile(osp.join(CONFIG_DIR, name))


def _build_model(cfg: Config) -> torch.nn.Module:
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return MODELS.build(cfg.model)


def test_the_expected_configs_exist():
    assert set(RTMPOSE.values()) | {
        'simcc/simcc_res50_8xb64-210e_coco-256x192.py',
        'heatmap/td-hm_hrnet-w32_udp-dark_8xb64-210e_coco-256x192.py'
    } <= set(ALL_CONFIGS)


@pytest.mark.parametrize('name', ALL_CONFIGS)
def test_config_loads_and_builds(name):
    cfg = _load(name)
    assert cfg.default_scope == 'rtmpose_ext' and 'rtmpose_ext' in cfg.custom_imports.imports
    model = _build_model(cfg)
    assert sum(p.numel() for p in model.parameters()) > 1e6


@pytest.mark.parametrize('name', COCO_CONFIGS)
def test_coco_configs_evaluate_on_ground_truth_boxes_from_random_weights(name):
    cfg = _load(name)
    # documented switch, ground-truth boxes by default, same for val and test
    assert cfg.val_bbox_file is None
    for loader in (cfg.val_dataloader, cfg.test_dataloader):
        assert loader.dataset.bbox_file is None and loader.dataset.test_mode
        assert loader.dataset.ann_file == 'annotations/person_keypoints_val2017.json'
    assert cfg.val_evaluator == cfg.test_evaluator == dict(
        type='CocoMetric', ann_file='data/coco/annotations/person_keypoints_val2017.json')
    # backbones start from random weights unless a checkpoint is set (none can be downloaded here)
    assert cfg.backbone_checkpoint is None and cfg.model.backbone.get('init_cfg') is None


@pytest.mark.parametrize('variant', 'tsml')
def test_rtmpose_params_and_flops_match_the_paper(variant):
    """mmengine's FlopAnalyzer counts a multiply-add as one FLOP, as the RTMPose table (and mmpose's
    tools/analysis_tools/get_flops.py, which uses it) does."""
    model = _build_model(_load(RTMPOSE[variant])).eval()
    model.forward = model._forward  # the tensor path, as get_flops.py
    info = get_model_complexity_info(model, input_shape=(3, 256, 192), show_table=False, show_arch=False)
    params, flops = PUBLISHED[variant]
    assert info['params'] == sum(p.numel() for p in model.parameters())
    assert abs(info['params'] / params - 1) < 0.02, info['params_str']
    assert abs(info['flops'] / flops - 1) < 0.02, info['flops_str']


def _find(pipeline, type_name):
    (transform, ) = [t for t in pipeline if t['type'] == type_name]
    return transform


@pytest.mark.parametrize('variant', 'tsml')
def test_rtmpose_recipe(variant):
    cfg = _load(RTMPOSE[variant])
    deepen, widen, in_channels = SIZE_KEYS[variant]
    backbone, head = cfg.model.backbone, cfg.model.head
    assert (backbone.type, backbone.deepen_factor, backbone.widen_factor) == ('CSPNeXt', deepen, widen)
    assert head.type == 'RTMCCHead' and head.in_channels == in_channels
    # SimCC: sigma = sqrt(W / 16) per axis, split ratio 2; tau = 0.1 -> beta = 10 with label softmax
    assert cfg.codec.type == 'SimCCLabel' and cfg.codec.input_size == (192, 256)
    assert cfg.codec.sigma == (4.9, 5.66) and cfg.codec.simcc_split_ratio == 2.0
    assert head.decoder == cfg.codec and head.simcc_split_ratio == 2.0
    assert (head.loss.type, head.loss.beta, head.loss.label_softmax) == ('KLDiscretLoss', 10., True)
    assert head.final_layer_kernel_size == 7
    assert (head.gau_cfg.hidden_dims, head.gau_cfg.s) == (256, 128)
    assert cfg.model.test_cfg.flip_test is True
    # two-stage augmentation: stage 2 = the last 30 of 420 epochs
    assert cfg.train_cfg.max_epochs == 420
    stage1, stage2 = cfg.train_dataloader.dataset.pipeline, cfg.train_pipeline_stage2
    bbox1, bbox2 = _find(stage1, 'RandomBBoxTransform'), _find(stage2, 'RandomBBoxTransform')
    assert (bbox1.scale_factor, bbox1.rotate_factor, bbox1.get('shift_factor', 0.16)) == ([0.6,
                                                                                           1.4], 80, 0.16)
    assert (bbox2.scale_factor, bbox2.rotate_factor, bbox2.shift_factor) == ([0.75, 1.25], 60, 0.)
    assert _find(stage1, 'CoarseDropout').prob == 1.0 and _find(stage2, 'CoarseDropout').prob == 0.5
    for t in ('RandomBlur', 'RandomMedianBlur'):
        assert _find(stage1, t).prob == _find(stage2, t).prob == 0.1
    hooks = {h.type: h for h in cfg.custom_hooks}
    assert hooks['PipelineSwitchHook'].switch_epoch == 390
    assert hooks['PipelineSwitchHook'].switch_pipeline == stage2
    assert hooks['EMAHook'].ema_type == 'ExpMomentumEMA' and hooks['EMAHook'].momentum == 0.0002
    assert 'SyncBuffersHook' in hooks
    # AdamW 4e-3, weight decay 0.05; one FlatCosineAnnealingLR
    assert cfg.optim_wrapper.optimizer == dict(type='AdamW', lr=4e-3, weight_decay=0.05)
    (sched, ) = cfg.param_scheduler
    assert sched == dict(type='FlatCosineAnnealingLR',
                         warmup_iters=1000,
                         warmup_factor=1e-5,
                         cosine_begin=210,
                         end=420,
                         eta_min=4e-3 * 0.05,
                         by_epoch=True,
                         convert_to_iter_based=True)


def test_rtmpose_configs_differ_only_in_model_size():

    def without_size(cfg):
        d = cfg.to_dict()
        for key in ('deepen_factor', 'widen_factor'):
            d['model']['backbone'].pop(key)
        d['model']['head'].pop('in_channels')
        return d

    reference = without_size(_load(RTMPOSE['t']))
    for v in 'sml':
        assert without_size(_load(RTMPOSE[v])) == reference, v


def test_rtmpose_weight_decay_skips_norms_and_biases():
    """In the built optimizer of the real RTMPose-t: BatchNorm weights and biases, every bias and the
    ScaleNorm gains get no weight decay; conv / linear weights and the GAU's other parameters get 0.05."""
    cfg = _load(RTMPOSE['t'])
    model = _build_model(cfg)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        optimizer = build_optim_wrapper(model, cfg.optim_wrapper).optimizer
    assert isinstance(optimizer, torch.optim.AdamW)
    decay = {}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in optimizer.param_groups:
        for p in group['params']:
            decay[names[id(p)]] = group['weight_decay']
    assert set(decay) == set(names.values())
    expected, scale_norm_gains = {}, set()
    for module_name, module in model.named_modules():
        for name, _ in module.named_parameters(recurse=False):
            full = f'{module_name}.{name}'
            no_decay = isinstance(module, (_BatchNorm, ScaleNorm)) or name == 'bias'
            expected[full] = 0. if no_decay else 0.05
            if isinstance(module, ScaleNorm):
                scale_norm_gains.add(full)
    assert decay == expected
    assert scale_norm_gains == {'head.mlp.0.g', 'head.gau.ln.g'}
    assert sum(d == 0.05 for d in decay.values()) > 40 and sum(d == 0 for d in decay.values()) > 40


def test_rtmpose_learning_rate_schedule():
    cfg = _load(RTMPOSE['t'])
    epoch_length = 10  # iterations per epoch; the warm-up (1000 iterations) ends in epoch 100
    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.AdamW([param], lr=cfg.base_lr)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        scheduler = PARAM_SCHEDULERS.build(
            dict(cfg.param_scheduler[0], optimizer=optimizer, epoch_length=epoch_length))
    lrs = []
    for _ in range(420 * epoch_length):
        lrs.append(optimizer.param_groups[0]['lr'])
        optimizer.step()
        scheduler.step()
    base = cfg.base_lr
    assert lrs[0] == pytest.approx(base * 1e-5)
    assert lrs[500] == pytest.approx(base * (1e-5 + (1 - 1e-5) * 500 / 999))
    assert all(lr == pytest.approx(base) for lr in lrs[999:210 * epoch_length])  # flat until epoch 210
    assert lrs[315 * epoch_length] == pytest.approx(base * (0.05 + 0.95 * 0.5))  # half-way down the cosine
    assert lrs[-1] == pytest.approx(base * 0.05, rel=1e-3)
    assert all(a >= b for a, b in zip(lrs[210 * epoch_length:], lrs[210 * epoch_length + 1:]))


def test_detector_boxes_switch(tiny_coco, tmp_path):
    """Setting bbox_file makes the val/test dataset use a detector's boxes (here: the ground-truth boxes
    shifted, with scores) instead of the annotated ones."""
    with open(tiny_coco.val_ann_file) as f:
        gt = json.load(f)
    detections = [
        dict(image_id=a['image_id'],
             category_id=1,
             score=0.9 - 0.1 * i,
             bbox=[a['bbox'][0] + 3, a['bbox'][1] - 2, a['bbox'][2], a['bbox'][3]])
        for i, a in enumerate(gt['annotations'])
    ]
    detections.append(dict(image_id=gt['images'][0]['id'], category_id=1, score=0.5, bbox=[1., 1., 30., 60.]))
    bbox_file = str(tmp_path / 'detections.json')
    with open(bbox_file, 'w') as f:
        json.dump(detections, f)
    cfg = _load(RTMPOSE['t'])
    cfg.merge_from_dict(tiny_coco.cfg_dict())
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        on_gt = DATASETS.build(cfg.test_dataloader.dataset)
        cfg.merge_from_dict({
            'val_dataloader.dataset.bbox_file': bbox_file,
            'test_dataloader.dataset.bbox_file': bbox_file
        })
        on_det = DATASETS.build(cfg.test_dataloader.dataset)
    assert len(on_gt) == len(gt['annotations'])
    assert len(on_det) == len(detections)
    boxes = sorted(on_det.get_data_info(i)['bbox'][0].tolist() for i in range(len(on_det)))
    expected = sorted([d['bbox'][0], d['bbox'][1], d['bbox'][0] + d['bbox'][2], d['bbox'][1] + d['bbox'][3]]
                      for d in detections)  # xywh -> x1y1x2y2
    assert np.allclose(boxes, expected, atol=0.01)
