# CSPNeXt-t backbone pre-training with UDP heatmaps (RTMPose paper, Sec. 3.2: AP 69.7 -> 70.3 for the
# RTMPose model that starts from it), COCO, 256x192 input: CSPNeXt-t (last stage only, 384 channels at
# stride 32) + mmpose's HeatmapHead (its default three 4x4 deconvolutions of 256 channels -> 48x64
# heatmaps) + KeypointMSELoss with target weights; our UDPHeatmap codec (sigma 2) behind
# TopdownAffine(use_udp=True); AdamW 4e-3 (no decay on norms and biases), warm-up then flat-cosine over
# 210 epochs (cosine from epoch 105), EMA, the two-stage augmentation (weak for the last 30 epochs); flip
# test on heatmaps without the one-pixel shift. mmpose's recipe for RTMPose's backbones
# (cspnext-tiny_udp_8xb256-210e_coco-256x192.py), in scope rtmpose_ext.
# Afterwards: python tools/extract_backbone.py WORK_DIR/best_*.pth backbone.pth, then train RTMPose-t with
# backbone_checkpoint = 'backbone.pth' (configs/rtmpose/, docs/pretraining.md).
_base_ = ['../_base_/default_runtime.py']

# ---------------------------------------------------------------- runtime
max_epochs = 210
stage2_num_epochs = 30          # the last 30 epochs (from epoch index 180) use the weak augmentation
base_lr = 4e-3
train_batch_size = 256          # per GPU; the recipe is 8 GPUs x 256
val_batch_size = 64
randomness = dict(seed=21)
train_cfg = dict(max_epochs=max_epochs, val_interval=10)

# ---------------------------------------------------------------- data
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/coco/'
backend_args = dict(backend='local')
val_bbox_file = None            # ground-truth boxes of val2017 (see ../rtmpose/ for detector boxes)

# ---------------------------------------------------------------- codec
codec = dict(
    type='UDPHeatmap',
    input_size=(192, 256),      # (w, h)
    heatmap_size=(48, 64),
    sigma=2,
    decode_unit='mmpose')       # heatmap px -> input px as TopdownPoseEstimator expects after a UDP warp

# ---------------------------------------------------------------- pipelines
# stage 1 (strong): scale [0.6, 1.4], rotation +-80 deg, cutout with probability 1
train_pipeline = [
    dict(type='LoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform', scale_factor=[0.6, 1.4], rotate_factor=80),
    dict(type='TopdownAffine', input_size=codec['input_size'], use_udp=True),
    dict(type='mmdet.YOLOXHSVRandomAug'),
    dict(type='RandomBlur', prob=0.1),
    dict(type='RandomMedianBlur', prob=0.1),
    dict(type='CoarseDropout', prob=1.0, min_holes=1, max_holes=1,
         min_height=0.2, max_height=0.4, min_width=0.2, max_width=0.4),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
# stage 2 (weak, last 30 epochs): no shift, scale [0.75, 1.25], rotation +-60 deg, cutout with probability 0.5
train_pipeline_stage2 = [
    dict(type='LoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform', shift_factor=0., scale_factor=[0.75, 1.25], rotate_factor=60),
    dict(type='TopdownAffine', input_size=codec['input_size'], use_udp=True),
    dict(type='mmdet.YOLOXHSVRandomAug'),
    dict(type='RandomBlur', prob=0.1),
    dict(type='RandomMedianBlur', prob=0.1),
    dict(type='CoarseDropout', prob=0.5, min_holes=1, max_holes=1,
         min_height=0.2, max_height=0.4, min_width=0.2, max_width=0.4),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs'),
]
val_pipeline = [
    dict(type='LoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size'], use_udp=True),
    dict(type='PackPoseInputs'),
]

# ---------------------------------------------------------------- data loaders and evaluation
train_dataloader = dict(
    batch_size=train_batch_size,
    num_workers=10,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_train2017.json',
        data_prefix=dict(img='train2017/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=val_batch_size,
    num_workers=10,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False, round_up=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_mode=data_mode,
        ann_file='annotations/person_keypoints_val2017.json',
        bbox_file=val_bbox_file,
        data_prefix=dict(img='val2017/'),
        test_mode=True,
        pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val2017.json')
test_evaluator = val_evaluator

# ---------------------------------------------------------------- model
# mmpose's recipe starts this from an ImageNet CSPNeXt-t (https://download.openmmlab.com/mmdetection/v3.0/
# rtmdet/cspnext_rsb_pretrain/cspnext-tiny_imagenet_600e-3a2dd350.pth); set its path here.
imagenet_checkpoint = None
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        _scope_='mmdet',
        type='CSPNeXt',
        arch='P5',
        expand_ratio=0.5,
        deepen_factor=0.167,
        widen_factor=0.375,
        out_indices=(4, ),
        channel_attention=True,
        # SyncBN: reverted to BatchNorm in single-process runs; multi-process CPU runs (gloo) need
        # --cfg-options model.backbone.norm_cfg.type=BN
        norm_cfg=dict(type='SyncBN'),
        act_cfg=dict(type='SiLU'),
        init_cfg=(dict(type='Pretrained', prefix='backbone.', checkpoint=imagenet_checkpoint)
                  if imagenet_checkpoint else None)),
    head=dict(
        type='HeatmapHead',     # mmpose's: deconvolutions (256, 256, 256), kernels 4, then a 1x1 conv
        in_channels=384,
        out_channels=17,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    # UDP flip test: flip the heatmaps back without the one-pixel shift
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

# ---------------------------------------------------------------- schedule
# AdamW with weight decay 0.05, none on norm layers and biases
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=base_lr, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0, bias_decay_mult=0, bypass_duplicate=True))
# linear warm-up over 1000 iterations, flat until epoch 105, cosine to base_lr * 0.05 at epoch 210
param_scheduler = [
    dict(type='FlatCosineAnnealingLR',
         warmup_iters=1000,
         warmup_factor=1.0e-5,
         cosine_begin=max_epochs // 2,
         end=max_epochs,
         eta_min=base_lr * 0.05,
         by_epoch=True,
         convert_to_iter_based=True),
]
auto_scale_lr = dict(base_batch_size=1024)

# ---------------------------------------------------------------- hooks
# the checkpoints hold the EMA weights in `state_dict` (EMAHook swaps them in before saving):
# tools/extract_backbone.py takes the backbone from there
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater', max_keep_ckpts=1))
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0002, update_buffers=True, priority=49),
    dict(type='PipelineSwitchHook',
         switch_epoch=max_epochs - stage2_num_epochs,
         switch_pipeline=train_pipeline_stage2),
]
