# RTMDet-tiny person detector, 416x416 input, COCO person boxes: RTMDet-nano's person recipe
# (rtmdet_nano_320-8xb32_coco-person.py: data, one class, test settings score_thr 0.05 / NMS IoU 0.6,
# schedule, EMA, two-stage augmentation) with mmdet's RTMDet-tiny network (deepen 0.167, widen 0.375,
# regular convolutions, shared-BN head with separate convs; mmdet's rtmdet_tiny_8xb32-300e_coco.py)
# at 416x416, between nano's 320 and mmdet's 640.
#   mim train mmdet configs/rtmdet/rtmdet_tiny_416-8xb32_coco-person.py     (or tools/train.py)
# Target: COCO val2017 person bbox AP above nano's 40.3; no published person AP exists for RTMDet-tiny
# (mmdet's 80-class RTMDet-tiny reaches box mAP 41.1 at 640). mmdet's RTMDet-tiny COCO checkpoints load
# into this model except the class-score convs (80 classes there, 1 here; tests/test_rtmdet_configs.py).
_base_ = ['./rtmdet_nano_320-8xb32_coco-person.py']

# ---------------------------------------------------------------- runtime
input_size = (416, 416)         # (w, h)

# ---------------------------------------------------------------- data (the nano's pipelines at 416)
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='CachedMosaic', img_scale=input_size, pad_val=114.0, max_cached_images=20,
         random_pop=False),
    dict(type='RandomResize', scale=(input_size[0] * 2, input_size[1] * 2), ratio_range=(0.5, 1.5),
         keep_ratio=True),
    dict(type='RandomCrop', crop_size=input_size),
    dict(type='YOLOXHSVRandomAug'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=input_size, pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs'),
]
train_pipeline_stage2 = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomResize', scale=input_size, ratio_range=(0.5, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=input_size),
    dict(type='YOLOXHSVRandomAug'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=input_size, pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args={{_base_.backend_args}}),
    dict(type='Resize', scale=input_size, keep_ratio=True),
    dict(type='Pad', size=input_size, pad_val=dict(img=(114, 114, 114))),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader

# ---------------------------------------------------------------- model
# mmdet's recipe starts from its ImageNet-pretrained CSPNeXt-tiny; set its path here (https://download.
# openmmlab.com/mmdetection/v3.0/rtmdet/cspnext_rsb_pretrain/cspnext-tiny_imagenet_600e.pth).
backbone_checkpoint = None
model = dict(
    backbone=dict(deepen_factor=0.167, widen_factor=0.375, use_depthwise=False,
                  init_cfg=(dict(type='Pretrained', prefix='backbone.', checkpoint=backbone_checkpoint)
                            if backbone_checkpoint else None)),
    neck=dict(in_channels=[96, 192, 384], out_channels=96, num_csp_blocks=1, use_depthwise=False),
    bbox_head=dict(in_channels=96, feat_channels=96, exp_on_reg=False, share_conv=True,
                   use_depthwise=False))

# ---------------------------------------------------------------- hooks
custom_hooks = [
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0002, update_buffers=True, priority=49),
    # 280 = max_epochs - stage2_num_epochs of the nano config (checked in tests/test_rtmdet_configs.py)
    dict(type='PipelineSwitchHook', switch_epoch=280, switch_pipeline=train_pipeline_stage2),
]
