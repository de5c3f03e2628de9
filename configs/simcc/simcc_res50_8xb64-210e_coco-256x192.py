# SimCC baseline (Li et al., ECCV 2022), COCO, 256x192 input: ResNet-50 + SimCC head (three deconvolutions,
# then x/y classifiers over split-ratio-2 bins), Gaussian labels with sigma 6, KL loss; 210 epochs of Adam
# with step decay (mmpose's simcc_res50_8xb64-210e_coco-256x192 recipe).
# Every `type` resolves in scope rtmpose_ext first (ours: SimCCLabel, SimCCHead, KLDiscretLoss), then
# mmpose's.
_base_ = ['../_base_/default_runtime.py']

# ---------------------------------------------------------------- runtime
max_epochs = 210
base_lr = 1e-3
train_batch_size = 64           # per GPU; the recipe is 8 GPUs x 64
val_batch_size = 32
train_cfg = dict(max_epochs=max_epochs, val_interval=10)

# ---------------------------------------------------------------- data
dataset_type = 'CocoDataset'
data_mode = 'topdown'
data_root = 'data/coco/'
backend_args = dict(backend='local')
# Evaluation boxes. None (used here): COCO keypoint AP on the ground-truth person boxes of val2017.
# A person detector's results (a COCO detection results json) instead, as in the SimCC paper:
#   val_bbox_file = data_root + 'person_detection_results/COCO_val2017_detections_AP_H_56_person.json'
# or on the command line (val and test loaders are separate copies):
#   --cfg-options val_dataloader.dataset.bbox_file=FILE test_dataloader.dataset.bbox_file=FILE
val_bbox_file = None

# ---------------------------------------------------------------- codec
codec = dict(type='SimCCLabel', input_size=(192, 256), sigma=6.0, simcc_split_ratio=2.0)

# ---------------------------------------------------------------- pipelines
train_pipeline = [
    dict(type='LoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
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
# The recipe starts from torchvision's ImageNet ResNet-50 ('torchvision://resnet50'); set it (or a local
# path) here. None: random initialisation.
backbone_checkpoint = None
model = dict(
    type='TopdownPoseEstimator',
    data_preprocessor=dict(
        type='PoseDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=50,
        init_cfg=(dict(type='Pretrained', checkpoint=backbone_checkpoint) if backbone_checkpoint else None)),
    head=dict(
        type='SimCCHead',
        in_channels=2048,
        out_channels=17,
        input_size=codec['input_size'],
        in_featuremap_size=tuple([s // 32 for s in codec['input_size']]),
        simcc_split_ratio=codec['simcc_split_ratio'],
        loss=dict(type='KLDiscretLoss', use_target_weight=True),
        decoder=codec),
    test_cfg=dict(flip_test=True))

# ---------------------------------------------------------------- schedule
optim_wrapper = dict(optimizer=dict(type='Adam', lr=base_lr))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=500, start_factor=0.001, by_epoch=False),   # warm-up
    dict(type='MultiStepLR', milestones=[170, 200], gamma=0.1, by_epoch=True),
]
auto_scale_lr = dict(base_batch_size=512)

# ---------------------------------------------------------------- hooks
default_hooks = dict(checkpoint=dict(save_best='coco/AP', rule='greater'))
