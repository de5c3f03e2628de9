# RTMPose-s, COCO, 256x192 input: CSPNeXt-s backbone + RTMCC head (SimCC, split ratio 2, GAU),
# KL loss with tau = 0.1, 420 epochs (AdamW, warm-up + flat + cosine), EMA, two-stage augmentation.
# Published (RTMPose paper / mmpose model zoo): 5.47M params, 0.68G FLOPs (multiply-adds) at 256x192.
# Every `type` resolves in scope rtmpose_ext first (ours), then mmpose's; `mmdet.X` is mmdet's.
_base_ = ['../_base_/default_runtime.py']

# ---------------------------------------------------------------- runtime
max_epochs = 420
stage2_num_epochs = 30          # the last 30 epochs (from epoch index 390) use the weak augmentation
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
# Evaluation boxes. None (used here): COCO keypoint AP on the ground-truth person boxes of val2017.
# A person detector's results (a COCO detection results json) instead, as in the paper's table:
#   val_bbox_file = data_root + 'person_detection_results/COCO_val2017_detections_AP_H_56_person.json'
# or on the command line (val and test loaders are separate copies):
#   --cfg-options val_dataloader.dataset.bbox_file=FILE test_dataloader.dataset.bbox_file=FILE
val_bbox_file = None

# ---------------------------------------------------------------- codec
codec = dict(
    type='SimCCLabel',
    input_size=(192, 256),      # (w, h)
    sigma=(4.9, 5.66),          # = sqrt(bins / 16) per axis, bins = 384 x 512 at split ratio 2
    simcc_split_ratio=2.0,
    normalize=False,
    use_dark=False)

# ---------------------------------------------------------------- pipelines
# stage 1 (strong): scale [0.6, 1.4], rotation +-80 deg, cutout with probability 1
train_pipeline = [
    dict(type='LoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform', scale_factor=[0.6, 1.4], rotate_factor=80),
    dict(type='TopdownAffine', input_size=codec['input_size']),
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
    dict(type='TopdownAffine', input_size=codec['input_size']),
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
    dict(type='TopdownAffine', input_size=codec['input_size']),
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
# keypoint AP against the val2017 ground truth (whatever boxes the loader uses)
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val2017.json')
test_evaluator = val_evaluator

# ---------------------------------------------------------------- model
# The official recipe starts from a CSPNeXt-s backbone pre-trained on AIC+COCO; set its path here
# (https://download.openmmlab.com/mmpose/v1/projects/rtmposev1/
#  cspnext-s_udp-aic-coco_210e-256x192-92f5a029_20230130.pth).
backbone_checkpoint = None
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
        deepen_factor=0.33,
        widen_factor=0.5,
        out_indices=(4, ),
        channel_attention=True,
        # SyncBN: reverted to BatchNorm automatically in single-process runs; multi-process runs on CPU
        # (gloo) need plain BatchNorm: --cfg-options model.backbone.norm_cfg.type=BN
        norm_cfg=dict(type='SyncBN'),
        act_cfg=dict(type='SiLU'),
        init_cfg=(dict(type='Pretrained', prefix='backbone.', checkpoint=backbone_checkpoint)
                  if backbone_checkpoint else None)),
    head=dict(
        type='RTMCCHead',
        in_channels=512,
        out_channels=17,
        input_size=codec['input_size'],
        in_featuremap_size=tuple([s // 32 for s in codec['input_size']]),
        simcc_split_ratio=codec['simcc_split_ratio'],
        final_layer_kernel_size=7,
        gau_cfg=dict(
            hidden_dims=256,
            s=128,
            expansion_factor=2,
            dropout_rate=0.,
            drop_path=0.,
            act_fn='SiLU',
            use_rel_bias=False,
            pos_enc=False),
        # tau = 0.1 in the paper: beta = 1 / tau
        loss=dict(type='KLDiscretLoss', use_target_weight=True, beta=10., label_softmax=True),
        decoder=codec),
    test_cfg=dict(flip_test=True))

# ---------------------------------------------------------------- schedule
# AdamW with weight decay 0.05, none on norm layers and biases (paper, Sec. 3.3). mmengine knows norm
# layers by type (BatchNorm, LayerNorm, ...), not ScaleNorm: its gain `g` (in the head's mlp and GAU) is
# exempted by name.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=base_lr, weight_decay=0.05),
    paramwise_cfg=dict(
        norm_decay_mult=0,
        bias_decay_mult=0,
        bypass_duplicate=True,
        custom_keys={
            'head.mlp.0.g': dict(decay_mult=0.),      # ScaleNorm before the head's FC
            'head.gau.ln.g': dict(decay_mult=0.),     # ScaleNorm inside the GAU
        }))
# linear warm-up over 1000 iterations, flat until epoch 210, cosine to base_lr * 0.05 at epoch 420
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
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater', max_keep_ckpts=1))
custom_hooks = [
    dict(type='SyncBuffersHook'),
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0002, update_buffers=True, priority=49),
    dict(type='PipelineSwitchHook',
         switch_epoch=max_epochs - stage2_num_epochs,
         switch_pipeline=train_pipeline_stage2),
]
