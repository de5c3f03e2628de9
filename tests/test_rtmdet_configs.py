"""The RTMDet person configs (configs/rtmdet/): mmpose's nano person checkpoints load into ours with strict
keys, mmdet's RTMDet-tiny checkpoints into our tiny one except the class convolutions, the settings the
issue names (one class, score_thr 0.05, NMS IoU 0.6, test pipeline), and training through
``mim train mmdet`` with COCO's bbox metric on a tiny COCO-format dataset.

References, both from the installed packages: mmpose 1.3.2's
``mmpose/.mim/demo/mmdetection_cfg/rtmdet_nano_320-8xb32_coco-person.py`` (the detector RTMPose ships;
it inherits mmdet's ``rtmdet_l_8xb32-300e_coco.py``) and mmdet 3.3.0's
``mmdet/.mim/configs/rtmdet/rtmdet_tiny_8xb32-300e_coco.py``.
"""
import glob
import json
import os.path as osp

import pytest

import rtmpose_ext  # noqa: F401

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = osp.join(REPO, 'configs', 'rtmdet')
NANO = osp.join(CONFIGS, 'rtmdet_nano_320-8xb32_coco-person.py')
TINY = osp.join(CONFIGS, 'rtmdet_tiny_416-8xb32_coco-person.py')
SYNTHETIC = osp.join(CONFIGS, 'rtmdet_nano_128-1xb16_synthetic-person.py')


def _installed(package, *parts):
    return osp.join(osp.dirname(__import__(package).__file__), '.mim', *parts)


MMPOSE_NANO = _installed('mmpose', 'demo', 'mmdetection_cfg', 'rtmdet_nano_320-8xb32_coco-person.py')
MMDET_TINY = _installed('mmdet', 'configs', 'rtmdet', 'rtmdet_tiny_8xb32-300e_coco.py')


def _config(path):
    from mmengine.config import Config
    cfg = Config.fromfile(path)
    cfg.model.backbone.init_cfg = None  # no download of pre-trained backbones
    return cfg


def _model(path):
    from mmdet.registry import MODELS
    from mmdet.utils import register_all_modules
    from mmengine.registry import DefaultScope
    register_all_modules(init_default_scope=False)
    with DefaultScope.overwrite_default_scope('mmdet'):
        return MODELS.build(_config(path).model)


def _shapes(model):
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def test_mmpose_nano_person_checkpoint_loads_with_strict_keys():
    reference, ours = _model(MMPOSE_NANO), _model(NANO)
    assert _shapes(ours) == _shapes(reference)
    ours.load_state_dict(reference.state_dict(), strict=True)


def test_nano_person_settings_match_mmpose():
    reference, ours = _config(MMPOSE_NANO), _config(NANO)
    assert ours.model.test_cfg == reference.model.test_cfg
    assert ours.model.test_cfg.score_thr == 0.05 and ours.model.test_cfg.nms.iou_threshold == 0.6
    assert ours.model.backbone.deepen_factor == 0.33 and ours.model.backbone.widen_factor == 0.25
    assert ours.model.backbone.use_depthwise and ours.model.bbox_head.num_classes == 1
    assert ours.model.data_preprocessor == reference.model.data_preprocessor
    # the same preprocessing (ours also loads the boxes, which the evaluation does not need)
    def transforms(pipeline):
        return [{k: v for k, v in t.items() if v is not None} for t in pipeline
                if t.type != 'LoadAnnotations']
    assert transforms(ours.test_pipeline) == transforms(reference.test_pipeline)
    for loader in ('train_dataloader', 'val_dataloader'):
        assert ours[loader].dataset.metainfo == dict(classes=('person', ))
        assert 'person_keypoints' in ours[loader].dataset.ann_file
    assert ours.val_evaluator.metric == 'bbox'


def test_mmdet_tiny_checkpoint_loads_except_the_class_convolutions():
    reference, ours = _shapes(_model(MMDET_TINY)), _shapes(_model(TINY))
    assert reference.keys() == ours.keys()
    differ = sorted(k for k in ours if ours[k] != reference[k])
    assert differ and all(k.startswith('bbox_head.rtm_cls.') for k in differ)
    assert all(reference[k][0] == 80 and ours[k][0] == 1 for k in differ)


def test_tiny_and_synthetic_configs():
    tiny = _config(TINY)
    assert tiny.test_pipeline[1].scale == (416, 416) and tiny.test_pipeline[2].size == (416, 416)
    assert tiny.custom_hooks[1].switch_epoch == tiny.train_cfg.max_epochs - 20
    assert tiny.model.test_cfg.score_thr == 0.05 and tiny.model.bbox_head.num_classes == 1
    synthetic = _config(SYNTHETIC)
    assert _shapes(_model(SYNTHETIC)) == _shapes(_model(NANO))  # the nano network, smaller pictures
    assert synthetic.test_pipeline[1].scale == (128, 128)
    assert synthetic.model.backbone.norm_cfg.type == 'BN'
    assert [h.type for h in synthetic.custom_hooks] == ['EMAHook', 'ChannelsLastHook']


@pytest.mark.parametrize('path', [NANO, TINY], ids=['nano-320', 'tiny-416'])
def test_coco_config_takes_a_training_step_on_person_keypoint_files(path, tiny_coco):
    """The COCO configs' training data (person boxes of a ``person_keypoints`` file, Mosaic pipeline) and
    one loss step of their model (SyncBN runs unsynced in one process)."""
    import torch
    from mmdet.registry import DATASETS, MODELS
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import DefaultScope
    cfg = _config(path)
    cfg.train_dataloader.dataset.update(data_root=tiny_coco.data_root,
                                        ann_file='annotations/person_keypoints_train2017.json',
                                        data_prefix=dict(img='train2017/'))
    with DefaultScope.overwrite_default_scope('mmdet'):
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        model = MODELS.build(cfg.model)
        batch = model.data_preprocessor(pseudo_collate([dataset[i] for i in range(2)]), True)
        loss, _ = model.parse_losses(model(**batch, mode='loss'))
    loss.backward()
    size = cfg.test_pipeline[2].size
    assert batch['inputs'].shape == (2, 3, size[1], size[0])
    assert all(len(s.gt_instances) > 0 for s in batch['data_samples'])
    assert torch.isfinite(loss) and model.bbox_head.rtm_cls[0].weight.grad.abs().sum() > 0


@pytest.mark.slow  # one `mim train mmdet` run of 2 iterations and a validation on 2 CPU cores: ~30 s
def test_mim_train_mmdet_trains_and_evaluates_bbox_ap(tiny_coco, cli, tmp_path):
    root = tiny_coco.data_root.rstrip('/') + '/'
    options = {
        'train_cfg.max_epochs': 1, 'train_cfg.val_interval': 1, 'train_dataloader.batch_size': 4,
        'default_hooks.logger.interval': 1, 'val_evaluator.ann_file': tiny_coco.val_ann_file,
    }
    for loader, split in (('train_dataloader', 'train2017'), ('val_dataloader', 'val2017')):
        options.update({f'{loader}.dataset.data_root': root,
                        f'{loader}.dataset.ann_file': f'annotations/person_keypoints_{split}.json',
                        f'{loader}.dataset.data_prefix.img': f'{split}/'})
    # a score threshold of 0 keeps boxes of the barely trained model, so that COCO's metric runs
    options['model.test_cfg.score_thr'] = 0.0
    out = cli(['mim', 'train', 'mmdet', SYNTHETIC, '--work-dir', str(tmp_path), '--cfg-options'] +
              [f'{k}={v}' for k, v in options.items()], cwd=str(tmp_path), timeout=600)
    assert 'Epoch(train) [1][2/2]' in out and 'bbox_mAP_copypaste' in out
    (scalars, ) = glob.glob(osp.join(str(tmp_path), '*', 'vis_data', 'scalars.json'))
    with open(scalars) as f:
        records = [json.loads(line) for line in f]
    assert any('coco/bbox_mAP' in r for r in records)
    assert osp.isfile(osp.join(str(tmp_path), 'epoch_1.pth'))
