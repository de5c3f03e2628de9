"""Early, clear failures: :func:`rtmpose_ext.apis.config_check.check_config` and the tools calling it.

mmpose / mmengine today fail late and without the config key: a wrong data_root with an
AssertionError from dataset loading after the model is built, a wrong image directory with a
FileNotFoundError at the first batch, a typo in the stage-2 pipeline with a KeyError that names the
class but not where it is, a wrong evaluator annotation file with xtcocotools' FileNotFoundError.
"""
import os.path as osp

import pytest
from mmengine.config import Config
from tool_loading import load_tool

from rtmpose_ext.apis.config_check import (ConfigCheckError, check_config, find_path_problems,
                                           find_type_problems)

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
RTMPOSE_T = osp.join(REPO_ROOT, 'configs', 'rtmpose', 'rtmpose-t_8xb256-420e_coco-256x192.py')
OUR_CONFIGS = [
    RTMPOSE_T,
    osp.join(REPO_ROOT, 'configs', 'simcc', 'simcc_res50_8xb64-210e_coco-256x192.py'),
    osp.join(REPO_ROOT, 'configs', 'heatmap', 'td-hm_hrnet-w32_udp-dark_8xb64-210e_coco-256x192.py')
]


@pytest.fixture
def tiny_cfg(tiny_coco):
    cfg = Config.fromfile(RTMPOSE_T)
    cfg.merge_from_dict(tiny_coco.cfg_dict())
    return cfg


def _problems(cfg, mode='train'):
    with pytest.raises(ConfigCheckError) as info:
        check_config(cfg, mode)
    assert str(info.value).count('\n  - ') == len(info.value.problems)
    return info.value.problems


@pytest.mark.parametrize('config', OUR_CONFIGS, ids=osp.basename)
@pytest.mark.parametrize('mode', ['train', 'test'])
def test_our_configs_pass_on_existing_data_and_name_the_missing_coco(config, mode, tiny_coco, tmp_path,
                                                                     monkeypatch):
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(tiny_coco.cfg_dict())
    check_config(cfg, mode)
    monkeypatch.chdir(tmp_path)  # no data/coco/ here
    problems = _problems(Config.fromfile(config), mode)
    loaders = ['train_dataloader', 'val_dataloader'] if mode == 'train' else ['test_dataloader']
    evaluator = 'val_evaluator' if mode == 'train' else 'test_evaluator'
    where = f'(relative to the working directory {tmp_path})'
    expected = [
        f"{loader}.dataset.data_root: data_root directory not found: 'data/coco/' {where}"
        for loader in loaders
    ]
    expected.append(f"{evaluator}.ann_file: annotation file not found: "
                    f"'data/coco/annotations/person_keypoints_val2017.json' {where}")
    assert problems == expected


def test_missing_files_and_directories_are_named(tiny_cfg, tiny_coco, tmp_path):
    tiny_cfg.merge_from_dict({
        'train_dataloader.dataset.ann_file': 'annotations/nope.json',
        'train_dataloader.dataset.data_prefix.img': 'images/',
        'val_dataloader.dataset.bbox_file': str(tmp_path / 'dets.json'),
        'load_from': 'work_dirs/epoch_3.pth',
    })
    root = tiny_coco.data_root.rstrip('/') + '/'
    assert _problems(tiny_cfg) == [
        f"train_dataloader.dataset.ann_file: annotation file not found: '{root}annotations/nope.json'",
        f"train_dataloader.dataset.data_prefix.img: directory not found: '{root}images/'",
        f"val_dataloader.dataset.bbox_file: detection results file not found: '{tmp_path / 'dets.json'}'",
        "load_from (--resume / the checkpoint argument): checkpoint not found: 'work_dirs/epoch_3.pth' "
        f'(relative to the working directory {osp.abspath(".")})',
    ]


def test_unknown_types_are_named_with_their_key_and_a_suggestion(tiny_cfg):
    tiny_cfg.merge_from_dict({
        'model.head.loss.type': 'KLDiscretLos',
        'model.backbone.norm_cfg.type': 'SyncBatchNorn',  # built in mmdet's scope (_scope_='mmdet')
        'custom_hooks.2.switch_pipeline.4.type': 'RandomBBoxTransfrm',
        'val_dataloader.dataset.pipeline.1.type': 'mmdet.GetBBoxCenterScale',  # exists in mmpose, not mmdet
        'train_dataloader.dataset.pipeline.10.encoder.type': 'SimCCLabels',
        'custom_hooks.1.ema_type': 'ExpMomentumEma',
        'param_scheduler.0.type': 'FlatCosineAnnealingLr',
        'val_evaluator.type': 'CocoMetrics',
    })
    problems = _problems(tiny_cfg)
    expected = {
        'model.backbone.norm_cfg.type':
        ("'SyncBatchNorn' is not a registered 'model' in scope 'mmdet'", None),
        'model.head.loss.type':
        ("'KLDiscretLos' is not a registered 'model' in scope 'rtmpose_ext'", "'KLDiscretLoss'"),
        'train_dataloader.dataset.pipeline.10.encoder.type':
        ("'SimCCLabels' is not a registered 'KEYPOINT_CODECS'", "'SimCCLabel'"),
        'val_dataloader.dataset.pipeline.1.type':
        ("'mmdet.GetBBoxCenterScale' is not a registered 'transform'", None),
        'val_evaluator.type': ("'CocoMetrics' is not a registered 'metric'", "'CocoMetric'"),
        'custom_hooks.1.ema_type': ("'ExpMomentumEma' is not a registered 'model'", "'ExpMomentumEMA'"),
        'custom_hooks.2.switch_pipeline.4.type': ("'RandomBBoxTransfrm' is not a registered 'transform'",
                                                  "'RandomBBoxTransform'"),
        'param_scheduler.0.type': ("'FlatCosineAnnealingLr' is not a registered 'parameter scheduler'",
                                   "'FlatCosineAnnealingLR'"),
    }
    assert len(problems) == len(expected), problems
    for key, (text, suggestion) in expected.items():
        (problem, ) = [p for p in problems if p.startswith(key + ': ')]
        assert text in problem
        if suggestion:
            assert 'Did you mean ' + suggestion in problem


def test_only_what_the_run_uses_is_checked(tiny_cfg):
    tiny_cfg.merge_from_dict({
        'train_dataloader.dataset.data_root': '/nonexistent/',
        'test_dataloader.dataset.pipeline.0.type': 'LoadImages'
    })
    assert [p.split(':')[0] for p in _problems(tiny_cfg, 'train')] == ['train_dataloader.dataset.data_root']
    assert [p.split(':')[0]
            for p in _problems(tiny_cfg, 'test')] == ['test_dataloader.dataset.pipeline.0.type']
    tiny_cfg.merge_from_dict({'val_dataloader.dataset.data_root': '/nonexistent/'})
    assert len(_problems(tiny_cfg, 'train')) == 2
    tiny_cfg.val_cfg = None  # tools/train.py --no-validate
    assert len(_problems(tiny_cfg, 'train')) == 1
    with pytest.raises(ValueError, match="mode must be one of"):
        check_config(tiny_cfg, 'val')


def test_local_pretrained_checkpoint_is_checked(tiny_cfg, tmp_path):
    tiny_cfg.model.backbone.init_cfg = dict(type='Pretrained', prefix='backbone.', checkpoint='cspnext-t.pth')
    (problem, ) = find_path_problems(tiny_cfg)
    assert problem.startswith(
        "model.backbone.init_cfg.checkpoint: pretrained checkpoint not found: 'cspnext-t.pth'")
    for remote in ('https://download.openmmlab.com/x.pth', 'torchvision://resnet50'):
        tiny_cfg.model.backbone.init_cfg.checkpoint = remote
        assert find_path_problems(tiny_cfg) == []


MMPOSE_CONFIGS = osp.join(osp.dirname(__import__('mmpose').__file__), '.mim', 'configs')
# a spread of mmpose's own configs (heatmap, SimCC, RTMPose, RTMO with mmdet parts, bottom-up, 3D,
# combined datasets, hooks): their types all resolve, so the check must find nothing
MMPOSE_SAMPLES = [
    'body_2d_keypoint/topdown_heatmap/coco/td-hm_hrnet-w32_udp-8xb64-210e_coco-256x192.py',
    'body_2d_keypoint/simcc/coco/simcc_res50_8xb64-210e_coco-256x192.py',
    'body_2d_keypoint/rtmpose/coco/rtmpose-l_8xb256-420e_coco-256x192.py',
    'body_2d_keypoint/rtmo/coco/rtmo-s_8xb32-600e_coco-640x640.py',
    'body_2d_keypoint/dekr/coco/dekr_hrnet-w32_8xb10-140e_coco-512x512.py',
    'body_2d_keypoint/rtmpose/body8/rtmpose-m_8xb256-420e_body8-256x192.py',
    'wholebody_2d_keypoint/rtmpose/cocktail14/rtmw-m_8xb1024-270e_cocktail14-256x192.py',
    'body_3d_keypoint/motionbert/h36m/motionbert_dstformer-243frm_8xb32-240e_h36m.py',
]


@pytest.mark.parametrize('name', MMPOSE_SAMPLES, ids=lambda n: osp.basename(n)[:30])
def test_no_false_alarms_on_mmpose_configs(name):
    cfg = Config.fromfile(osp.join(MMPOSE_CONFIGS, name))
    assert find_type_problems(cfg, 'train') == [] and find_type_problems(cfg, 'test') == []


def test_tools_fail_early_with_the_messages(tiny_coco, cli, tmp_path):
    out = cli([
        'python',
        osp.join(REPO_ROOT, 'tools', 'train.py'), RTMPOSE_T, '--work-dir',
        str(tmp_path / 'w'), '--cfg-options', *tiny_coco.cfg_options(),
        'train_dataloader.dataset.data_root=/nonexistent/', 'model.head.type=RTMCCHaed'
    ],
              cwd=str(tmp_path),
              expect_ok=False,
              timeout=120)
    assert 'Traceback' not in out
    assert "error: " in out and '2 problem(s) found before training/testing' in out
    assert "train_dataloader.dataset.data_root: data_root directory not found: '/nonexistent/'" in out
    assert "model.head.type: 'RTMCCHaed' is not a registered 'model'" in out
    assert "Did you mean 'RTMCCHead'" in out
    assert not osp.exists(tmp_path / 'w')  # failed before the runner made its work dir

    # tools/test.py, in this process: the checkpoint argument is checked too
    test_tool = load_tool('test')
    with pytest.raises(SystemExit) as info:
        test_tool.main([
            RTMPOSE_T,
            str(tmp_path / 'missing.pth'), '--work-dir',
            str(tmp_path / 'w'), '--cfg-options', *tiny_coco.cfg_options()
        ])
    assert str(info.value).endswith(
        "1 problem(s) found before training/testing:\n  - load_from (--resume / the "
        f"checkpoint argument): checkpoint not found: '{tmp_path / 'missing.pth'}'")
