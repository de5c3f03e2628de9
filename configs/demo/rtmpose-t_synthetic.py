# RTMPose-t trained from scratch on the synthetic people (rtmpose_ext.datasets.synthetic, easy split) on
# 2 CPU cores in about 19 minutes: `make demo` (python -m rtmpose_ext.demo). Our full recipe
# (../rtmpose/rtmpose-t_8xb256-420e_coco-256x192.py: CSPNeXt-t + RTMCCHead, SimCC codec, KL loss,
# AdamW + warm-up + flat + cosine, EMA, strong-then-weak augmentation, flip test, CocoMetric) with the
# sizes scaled for a CPU; this file lists only what changes:
#   - input 112x144 instead of 192x256 (2.4x fewer multiply-adds); the head's feature map (4x5 cells: the
#     7x7 conv's output, flattened, is all the head knows of where a keypoint is) and the codec's
#     sigma = sqrt(bins / 16) per axis follow the input size. At 96x128 (3x4 cells, a 1.2x cheaper step)
#     30 epochs (16.8 min) reached AP 0.43; here 23 epochs (15.5 min) reached the same and 27 epochs
#     (18.3 min) 0.48 (one run each; docs/demo.md);
#   - batch 32 (one process), lr 2e-3, 28 epochs of the people of the 1500 training pictures, warm-up
#     100 iterations, cosine over the second half; the strong pipeline for the first 2 epochs only,
#     then the weak one (from scratch the model first learns nothing for some 10-25k crops, and the
#     strong pipeline lengthens that); EMA time constants as fractions of the run
#     (rtmpose_ext.demo.scale_schedule sets them for the data it is given);
#   - augmentation scaled to the data and the run's length (the model of a run of ~55k crops underfits:
#     train AP ~ val AP): rotations up to +-40 deg (strong) / +-20 deg (weak) instead of +-80 / +-60
#     (the easy split's people lean by at most 10 deg); the weak stage without half-body crops, blur
#     and the dropped rectangle (the val split's crops have none of them): at 32 epochs AP 0.573 with
#     each in 10 % of the crops, 0.616 without (one run each; docs/demo.md);
#   - BatchNorm (one process), NHWC weights (ChannelsLastHook), fused AdamW, the data pipeline in the
#     main process (a worker process competes with the two torch threads for the 2 cores: 20 % slower
#     here) with the decoded pictures cached and little meta information per sample, CocoMetric on
#     the ground-truth boxes of the val split.
_base_ = ['../rtmpose/rtmpose-t_8xb256-420e_coco-256x192.py']

# ---------------------------------------------------------------- runtime
max_epochs = 28
strong_fraction = 0.07          # the strong augmentation for the first 2 epochs, then the weak one
base_lr = 2e-3
warmup_iters = 100
train_batch_size = 32
val_batch_size = 64
# EMA: the recipe's momentum floor 2e-4 averages over ~5000 of its ~24k iterations and its decay time
# gamma = 2000 is ~8 % of them. A run of minutes from scratch is still improving fast at its end, where
# such a window would lag far behind: here the floor averages over 4 % of the iterations and gamma is
# 2 %. rtmpose_ext.demo.scale_schedule turns these fractions into the hooks' numbers for the data it
# trains on (and the number of epochs it is given).
ema_window = 0.04
ema_decay = 0.02
iters_per_epoch = 66            # ceil(2107 people of the easy train split / 32): for the EMA numbers below
randomness = dict(seed=21)
# validate ~4 times (the AP curve of the demo; mmengine also validates after the last epoch)
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs // 4)

# ---------------------------------------------------------------- data
data_root = 'data/synthetic_easy/'  # what make demo trains on (python -m rtmpose_ext.demo --difficulty easy)
backend_args = dict(backend='local')

# ---------------------------------------------------------------- codec
input_size = (112, 144)         # (w, h)
codec = dict(
    type='SimCCLabel',
    input_size=input_size,
    sigma=(3.74, 4.24),         # = sqrt(bins / 16) per axis, bins = 224 x 288 at split ratio 2
    simcc_split_ratio=2.0,
    normalize=False,
    use_dark=False)

# ---------------------------------------------------------------- pipelines (the recipe's, at this size)
# Training needs no per-sample meta information (the head's loss reads only the packed labels); without
# the raw annotation and the flip indices in every sample, PackPoseInputs and mmengine's data
# preprocessor copy less (the preprocessor 1.05-1.2x faster: python tools/benchmark_train_step.py)
train_meta_keys = ('id', 'img_id', 'img_path', 'input_size', 'flip')
# CachedLoadImage: mmpose's LoadImage keeping the decoded pictures in memory (1500 pictures, ~370 MB):
# reading and decoding is ~0.6 ms of the ~3 ms the pipeline spends on a crop
train_pipeline = [
    dict(type='CachedLoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform', scale_factor=[0.6, 1.4], rotate_factor=40),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='mmdet.YOLOXHSVRandomAug'),
    dict(type='RandomBlur', prob=0.1),
    dict(type='RandomMedianBlur', prob=0.1),
    dict(type='CoarseDropout', prob=1.0, min_holes=1, max_holes=1,
         min_height=0.2, max_height=0.4, min_width=0.2, max_width=0.4),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs', meta_keys=train_meta_keys),
]
train_pipeline_stage2 = [
    dict(type='CachedLoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0., scale_factor=[0.75, 1.25], rotate_factor=20),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='mmdet.YOLOXHSVRandomAug'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs', meta_keys=train_meta_keys),
]
val_pipeline = [
    dict(type='LoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs'),
]

# ---------------------------------------------------------------- data loaders and evaluation
# No worker process: on 2 cores a worker preparing the next batch competes with the two torch threads of
# the training step: 2 epochs took 1.5 min with one worker, 1.2 min without (48 vs 60 crops/s, run one
# after the other with python -m rtmpose_ext.demo --epochs 2). With more cores, raise num_workers and set
# persistent_workers=True.
train_dataloader = dict(
    batch_size=train_batch_size,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/person_keypoints_train.json',
        data_prefix=dict(img='images/train/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=val_batch_size,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/person_keypoints_val.json',
        bbox_file=None,         # the ground-truth boxes
        data_prefix=dict(img='images/val/'),
        pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='CocoMetric', ann_file=data_root + 'annotations/person_keypoints_val.json')
test_evaluator = val_evaluator

# ---------------------------------------------------------------- model
model = dict(
    backbone=dict(norm_cfg=dict(type='BN')),
    head=dict(
        input_size=codec['input_size'],
        in_featuremap_size=tuple([-(-s // 32) for s in codec['input_size']]),   # (4, 5)
        decoder=codec),
    test_cfg=dict(flip_test=True))

# ---------------------------------------------------------------- schedule
# fused: AdamW's whole update in one kernel per parameter group (mmengine's paramwise_cfg makes a group
# of each of the 119 tensors): 7 ms a step on 2 cores here, where foreach=True took 19 ms and the
# default per-tensor loop 14 ms (python tools/benchmark_train_step.py)
optim_wrapper = dict(optimizer=dict(lr=base_lr, fused=True))
param_scheduler = [
    dict(type='FlatCosineAnnealingLR',
         warmup_iters=warmup_iters,
         warmup_factor=1.0e-5,
         cosine_begin=max_epochs // 2,
         end=max_epochs,
         eta_min=base_lr * 0.05,
         by_epoch=True,
         convert_to_iter_based=True),
]
auto_scale_lr = dict(enable=False, base_batch_size=train_batch_size)

# ---------------------------------------------------------------- hooks
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=20),
    checkpoint=dict(type='CheckpointHook', interval=max_epochs, save_best=None, max_keep_ckpts=1,
                    save_last=True))
custom_hooks = [
    # NHWC weights: a 5-15 % faster training step on a CPU (tools/benchmark_channels_last.py)
    dict(type='ChannelsLastHook'),
    # momentum and gamma from ema_window and ema_decay (rtmpose_ext.demo.scale_schedule recomputes them
    # for the split and the number of epochs it trains with)
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=1. / (ema_window * max_epochs * iters_per_epoch),
         gamma=ema_decay * max_epochs * iters_per_epoch,
         update_buffers=True, priority=49),
    dict(type='PipelineSwitchHook',
         switch_epoch=round(max_epochs * strong_fraction),
         switch_pipeline=train_pipeline_stage2),
]
log_processor = dict(window_size=20)
