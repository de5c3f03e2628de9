# RTMDet-nano person detector trained from scratch on the synthetic people (rtmpose_ext.datasets.synthetic,
# easy split: data/synthetic_easy, made by `python -m rtmpose_ext.demo`'s first step) on 2 CPU cores:
#   mim train mmdet configs/rtmdet/rtmdet_nano_128-1xb16_synthetic-person.py   (or tools/train.py)
# The COCO person recipe (rtmdet_nano_320-8xb32_coco-person.py: mmdet's RTMDet-nano network, one class,
# test settings score_thr 0.05 / NMS IoU 0.6, AdamW 4e-3, flat then cosine, EMA) with the sizes scaled
# for a CPU; this file lists only what changes (docs/detector.md, "Training the synthetic detector"):
#   - input 128x128 instead of 320x320 (6x fewer multiply-adds): the 320x256 pictures are resized by 0.4
#     to 128x102 and padded; their people, 68-256 px tall, are 27-102 px at this scale, within the reach
#     of the strides 8 / 16 / 32. At 160x160 (1.5x the CPU time an epoch), 12 epochs reached AP 0.273
#     (0.223 at 128x128);
#   - one process with BatchNorm, batch 16 (at 160x160 and 12 epochs, batch 32 reached AP 0.101, batch
#     16 0.273; at batch 8 a picture took ~1.7x the time), the data pipeline in the main process, NHWC
#     weights (ChannelsLastHook: 14-25 % less CPU time for 2 epochs);
#   - no Mosaic (whose quarter-size pictures would shrink the people further) and no stage switch:
#     random scale 0.5-1.5, crop, HSV, flip throughout;
#   - a schedule of minutes: 24 epochs (AP 0.450 on the val split with one torch thread, 0.390 with two
#     as make demo-video trains it; a 12-epoch schedule: 0.223), lr 4e-3 with 50
#     warm-up iterations, flat for the first half and cosine over the second; the EMA averaging over
#     the last ~50 iterations (half an epoch) instead of the recipe's ~5000 (momentum 2e-4), which
#     would lag far behind a run this short.
_base_ = ['./rtmdet_nano_320-8xb32_coco-person.py']

# ---------------------------------------------------------------- runtime
input_size = (128, 128)         # (w, h)
max_epochs = 24
base_lr = 4e-3
warmup_iters = 50
train_batch_size = 16
val_batch_size = 32
randomness = dict(seed=0)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1, save_best=None))

# ---------------------------------------------------------------- data
data_root = 'data/synthetic_easy/'
train_ann_file = 'annotations/person_keypoints_train.json'
val_ann_file = 'annotations/person_keypoints_val.json'
backend_args = None
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomResize', scale=input_size, ratio_range=(0.5, 1.5), keep_ratio=True),
    dict(type='RandomCrop', crop_size=input_size),
    dict(type='YOLOXHSVRandomAug'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Pad', size=input_size, pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs'),
]
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
    num_workers=0,
    persistent_workers=False,
    pin_memory=False,
    dataset=dict(data_root=data_root, ann_file=train_ann_file, data_prefix=dict(img='images/train/'),
                 filter_cfg=dict(filter_empty_gt=True, min_size=8), pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=val_batch_size,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, ann_file=val_ann_file, data_prefix=dict(img='images/val/'),
                 pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(ann_file=data_root + val_ann_file)
test_evaluator = val_evaluator

# ---------------------------------------------------------------- model
norm_cfg = dict(type='BN')
model = dict(backbone=dict(norm_cfg=norm_cfg), neck=dict(norm_cfg=norm_cfg),
             bbox_head=dict(norm_cfg=norm_cfg))

# ---------------------------------------------------------------- schedule
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs // 4, dynamic_intervals=None)
optim_wrapper = dict(optimizer=dict(lr=base_lr))
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0e-3, by_epoch=False, begin=0, end=warmup_iters),
    dict(type='CosineAnnealingLR', eta_min=base_lr * 0.05, begin=max_epochs // 2, end=max_epochs,
         T_max=max_epochs // 2, by_epoch=True, convert_to_iter_based=True),
]

# ---------------------------------------------------------------- hooks
custom_hooks = [
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.02, gamma=40, update_buffers=True,
         priority=49),
    dict(type='ChannelsLastHook'),   # rtmpose_ext's, registered in scope mmdet too
]
