# RTMDet-nano person detector, 320x320 input, COCO person boxes (person_keypoints_train2017.json): the
# detector of RTMPose's top-down pipeline. mmdet's own classes (RTMDet, CSPNeXt, CSPNeXtPAFPN,
# RTMDetSepBNHead, its transforms, hooks and CocoMetric), built in scope mmdet.
#   mim train mmdet configs/rtmdet/rtmdet_nano_320-8xb32_coco-person.py     (or tools/train.py)
# The architecture and test settings are those of mmpose's demo/mmdetection_cfg/
# rtmdet_nano_320-8xb32_coco-person.py (deepen 0.33, widen 0.25, depthwise convolutions, one class,
# score_thr 0.05, NMS IoU 0.6, 100 boxes): its checkpoints load here with strict keys
# (tests/test_rtmdet_configs.py), e.g. the official weights (https://download.openmmlab.com/mmpose/v1/
# projects/rtmpose/rtmdet_nano_8xb32-100e_coco-obj365-person-05d8511e.pth).
# Target: COCO val2017 person bbox AP 40.3, the figure of those weights (trained on COCO + Objects365
# person; RTMPose's README, "Pipeline performance"). The schedule here is mmdet's RTMDet recipe (300
# epochs, AdamW 4e-3 for 8 x 32 images, flat then cosine, EMA, Mosaic then plain crops for the last
# 20 epochs) on COCO only.
default_scope = 'mmdet'
# rtmpose_ext's torch 2.13 fixes (torchvision's operators, checkpoint loading), which mmengine's Runner
# and `mim train/test mmdet` need; no class of rtmpose_ext is used
custom_imports = dict(imports=['rtmpose_ext'], allow_failed_imports=False)

# ---------------------------------------------------------------- runtime
input_size = (320, 320)         # (w, h) of the network input
max_epochs = 300
stage2_num_epochs = 20          # the last 20 epochs without Mosaic
base_lr = 0.004                 # for 8 GPUs x 32 images
train_batch_size = 32
val_batch_size = 5
val_interval = 10
randomness = dict(seed=0)
env_cfg = dict(cudnn_benchmark=False, mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
               dist_cfg=dict(backend='nccl'))
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=val_interval, max_keep_ckpts=3,
                    save_best='coco/bbox_mAP', rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='DetVisualizationHook'))
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='DetLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=True)
log_level = 'INFO'
load_from = None
resume = False

# ---------------------------------------------------------------- data
# COCO in mmpose's layout: the keypoint annotation files hold every person box (category 'person')
dataset_type = 'CocoDataset'
data_root = 'data/coco/'
train_ann_file = 'annotations/person_keypoints_train2017.json'
val_ann_file = 'annotations/person_keypoints_val2017.json'
train_img_prefix = 'train2017/'
val_img_prefix = 'val2017/'
metainfo = dict(classes=('person', ))
backend_args = None

# stage 1: Mosaic of 4 pictures, random scale 0.5-1.5 and crop, HSV, flip
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
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
# stage 2 (last epochs): single pictures, random scale 0.5-1.5 and crop, HSV, flip
train_pipeline_stage2 = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomResize', scale=input_size, ratio_range=(0.5, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=input_size),
    dict(type='YOLOXHSVRandomAug'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=input_size, pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs'),
]
# test: resize keeping the aspect ratio to fit input_size, pad bottom/right with 114 (what MMDeploy's
# export and rtmpose_ext.deploy.runtime.PersonDetector reproduce)
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=input_size, keep_ratio=True),
    dict(type='Pad', size=input_size, pad_val=dict(img=(114, 114, 114))),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
train_dataloader = dict(
    batch_size=train_batch_size,
    num_workers=10,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=train_ann_file,
        data_prefix=dict(img=train_img_prefix),
        metainfo=metainfo,
        filter_cfg=dict(filter_empty_gt=True, min_size=32),
        pipeline=train_pipeline,
        backend_args=backend_args))
val_dataloader = dict(
    batch_size=val_batch_size,
    num_workers=10,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=val_ann_file,
        data_prefix=dict(img=val_img_prefix),
        metainfo=metainfo,
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader
# COCO's bbox metric (AP over IoU 0.5:0.95) on the person boxes of the keypoint annotation file
val_evaluator = dict(type='CocoMetric', ann_file=data_root + val_ann_file, metric='bbox',
                     format_only=False, proposal_nums=(100, 1, 10), backend_args=backend_args)
test_evaluator = val_evaluator

# ---------------------------------------------------------------- model
norm_cfg = dict(type='SyncBN')  # one process on a CPU: dict(type='BN') (SyncBN also runs there, unsynced)
act_cfg = dict(type='SiLU', inplace=True)
model = dict(
    type='RTMDet',
    # BGR pictures normalised per channel (no BGR -> RGB), as RTMDet was trained
    data_preprocessor=dict(type='DetDataPreprocessor', mean=[103.53, 116.28, 123.675],
                           std=[57.375, 57.12, 58.395], bgr_to_rgb=False, batch_augments=None),
    backbone=dict(type='CSPNeXt', arch='P5', expand_ratio=0.5, deepen_factor=0.33, widen_factor=0.25,
                  use_depthwise=True, channel_attention=True, norm_cfg=norm_cfg, act_cfg=act_cfg),
    neck=dict(type='CSPNeXtPAFPN', in_channels=[64, 128, 256], out_channels=64, num_csp_blocks=1,
              expand_ratio=0.5, use_depthwise=True, norm_cfg=norm_cfg, act_cfg=act_cfg),
    bbox_head=dict(
        type='RTMDetSepBNHead',
        num_classes=1,
        in_channels=64,
        stacked_convs=2,
        feat_channels=64,
        anchor_generator=dict(type='MlvlPointGenerator', offset=0, strides=[8, 16, 32]),
        bbox_coder=dict(type='DistancePointBBoxCoder'),
        loss_cls=dict(type='QualityFocalLoss', use_sigmoid=True, beta=2.0, loss_weight=1.0),
        loss_bbox=dict(type='GIoULoss', loss_weight=2.0),
        with_objectness=False,
        exp_on_reg=False,
        share_conv=False,
        pred_kernel_size=1,
        use_depthwise=True,
        norm_cfg=norm_cfg,
        act_cfg=act_cfg),
    train_cfg=dict(assigner=dict(type='DynamicSoftLabelAssigner', topk=13), allowed_border=-1,
                   pos_weight=-1, debug=False),
    # what the detector returns: boxes scoring >= 0.05, NMS at IoU 0.6, at most 100 per image
    test_cfg=dict(nms_pre=1000, min_bbox_size=0, score_thr=0.05,
                  nms=dict(type='nms', iou_threshold=0.6), max_per_img=100))

# ---------------------------------------------------------------- schedule
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=val_interval,
                 dynamic_intervals=[(max_epochs - stage2_num_epochs, 1)])
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=base_lr, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0, bypass_duplicate=True))
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0e-5, by_epoch=False, begin=0, end=1000),
    # flat for the first half, cosine to 5 % over the second
    dict(type='CosineAnnealingLR', eta_min=base_lr * 0.05, begin=max_epochs // 2, end=max_epochs,
         T_max=max_epochs // 2, by_epoch=True, convert_to_iter_based=True),
]
auto_scale_lr = dict(enable=False, base_batch_size=8 * train_batch_size)

# ---------------------------------------------------------------- hooks
custom_hooks = [
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0002, update_buffers=True, priority=49),
    dict(type='PipelineSwitchHook', switch_epoch=max_epochs - stage2_num_epochs,
         switch_pipeline=train_pipeline_stage2),
]
