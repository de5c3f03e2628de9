# HRNet-W32 heatmap baseline with UDP encoding and DARK decoding (DARK-UDP), COCO, 256x192 input:
# HRNet-W32 + HeatmapHead (1x1 conv on the 1/4-resolution branch), 48x64 UDP Gaussian heatmaps (sigma 2),
# MSE loss; 210 epochs of Adam with step decay (mmpose's td-hm_hrnet-w32_udp-8xb64-210e_coco-256x192 recipe).
# UDPHeatmap is ours (rtmpose_ext); HRNet, HeatmapHead and KeypointMSELoss are mmpose's.
_base_ = ['../_base_/default_runtime.py']

# ---------------------------------------------------------------- runtime
max_epochs = 210
base_lr = 5e-4
train_batch_size = 64           # per GPU; the recipe is 8 GPUs x 64
val_batch_size = 32
train_cfg = dict(max_epochs=max_epochs, val_interval=10)

# ---------------------------------------------------------------- data
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/coco/'
backend_args = dict(backend='local')
# Evaluation boxes. None (used here): COCO keypoint AP on the ground-truth person boxes of val2017.
# A person detector's results (a COCO detection results json) instead, as in the UDP / DARK papers:
#   val_bbox_file = data_root + 'person_detection_results/COCO_val2017_detections_AP_H_56_person.json'
# or on the command line (val and test loaders are separate copies):
#   --cfg-options val_dataloader.dataset.bbox_file=FILE test_dataloader.dataset.bbox_file=FILE
val_bbox_file = None

# ---------------------------------------------------------------- codec
# decode_unit='mmpose': heatmap pixels -> input pixels as TopdownPoseEstimator expects after
# TopdownAffine(use_udp=True) (see UDPHeatmap's docstring); decoding refines the arg-max with DARK.
codec = dict(
    type='UDPHeatmap',
    input_size=(192, 256),
    heatmap_size=(48, 64),
    sigma=2,
    decode_unit='mmpose')

# ---------------------------------------------------------------- pipelines
train_pipeline = [
    dict(type='LoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform'),
    dict(type='TopdownAffine', input_size=codec['input_size'], use_udp=True),
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
    num_workers=2,
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
    num_workers=2,
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
# The recipe starts from ImageNet HRNet-W32 weights
# (https://download.openmmlab.com/mmpose/pretrain_models/hrnet_w32-36af842e.pth); set the path here.
backbone_checkpoint = None
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='HRNet',
        in_channels=3,
        extra=dict(
            stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK', num_blocks=(4, ),
                        num_channels=(64, )),
            stage2=dict(num_modules=1, num_branches=2, block='BASIC', num_blocks=(4, 4),
                        num_channels=(32, 64)),
            stage3=dict(num_modules=4, num_branches=3, block='BASIC', num_blocks=(4, 4, 4),
                        num_channels=(32, 64, 128)),
            stage4=dict(num_modules=3, num_branches=4, block='BASIC', num_blocks=(4, 4, 4, 4),
                        num_channels=(32, 64, 128, 256))),
        init_cfg=(dict(type='Pretrained', checkpoint=backbone_checkpoint) if backbone_checkpoint else None)),
    head=dict(
        type='HeatmapHead',
        in_channels=32,
        out_channels=17,
        deconv_out_channels=None,
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=codec),
    # UDP flip test: flip the heatmaps back without the one-pixel shift
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

# ---------------------------------------------------------------- schedule
optim_wrapper = dict(optimizer=dict(type='Adam', lr=base_lr))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),   # warm-up
    dict(type='MultiStepLR', begin=0, end=max_epochs, milestones=[170, 200], gamma=0.1, by_epoch=True),
]
auto_scale_lr = dict(base_batch_size=512)

# ---------------------------------------------------------------- hooks
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
