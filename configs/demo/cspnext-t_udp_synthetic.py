# CSPNeXt-t pre-training with UDP heatmaps on the synthetic people, the first stage of `make demo`
# (python -m rtmpose_ext.demo: this, then tools/extract_backbone.py's backbone, then RTMPose-t,
# rtmpose-t_synthetic.py, fine-tuned from it). The recipe of ../pretrain/cspnext-t_udp_8xb256-210e_coco-
# 256x192.py (HeatmapHead + KeypointMSELoss with target weights, our UDPHeatmap with sigma 2 behind
# TopdownAffine(use_udp=True), AdamW, warm-up + flat + cosine, EMA, two-stage augmentation, heatmap flip
# test without the shift) at the demo's scale: this file inherits the demo's data, loaders, schedule and
# hooks (rtmpose-t_synthetic.py: input 112x144, batch 32, lr 2e-3, the strong stage for the first 7 %
# of the epochs, EMA windows as fractions of the run, NHWC weights) and changes only the head and codec:
#   - heatmaps of 32x40 (the backbone's 4x5 cells through three 2x deconvolutions, stride 3.5 x 3.6);
#   - deconvolutions of 128 channels instead of mmpose's 256: a training step costs 1.56x an RTMPose-t
#     step with 128, 3.2x with 256 (python tools/benchmark_pretrain_step.py --threads 1 --cfg-options
#     "model.head.deconv_out_channels=[256,256,256]", side by side on 2 loaded cores).
_base_ = ['./rtmpose-t_synthetic.py']

# ---------------------------------------------------------------- codec
input_size = (112, 144)         # (w, h), the demo's
heatmap_size = (32, 40)
deconv_channels = 128
heatmap_codec = dict(type='UDPHeatmap', input_size=input_size, heatmap_size=heatmap_size, sigma=2,
                     decode_unit='mmpose')
codec = dict(_delete_=True, **heatmap_codec)      # replaces the base's SimCC codec (not merged into it)

# ---------------------------------------------------------------- pipelines (the demo's, with UDP)
backend_args = dict(backend='local')
train_meta_keys = ('id', 'img_id', 'img_path', 'input_size', 'flip')
train_pipeline = [
    dict(type='CachedLoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomHalfBody'),
    dict(type='RandomBBoxTransform', scale_factor=[0.6, 1.4], rotate_factor=40),
    dict(type='TopdownAffine', input_size=input_size, use_udp=True),
    dict(type='mmdet.YOLOXHSVRandomAug'),
    dict(type='RandomBlur', prob=0.1),
    dict(type='RandomMedianBlur', prob=0.1),
    dict(type='CoarseDropout', prob=1.0, min_holes=1, max_holes=1,
         min_height=0.2, max_height=0.4, min_width=0.2, max_width=0.4),
    dict(type='GenerateTarget', encoder=heatmap_codec),
    dict(type='PackPoseInputs', meta_keys=train_meta_keys),
]
train_pipeline_stage2 = [
    dict(type='CachedLoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_factor=0., scale_factor=[0.75, 1.25], rotate_factor=20),
    dict(type='TopdownAffine', input_size=input_size, use_udp=True),
    dict(type='mmdet.YOLOXHSVRandomAug'),
    dict(type='GenerateTarget', encoder=heatmap_codec),
    dict(type='PackPoseInputs', meta_keys=train_meta_keys),
]
val_pipeline = [
    dict(type='LoadImage', backend_args=backend_args),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=input_size, use_udp=True),
    dict(type='PackPoseInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = val_dataloader

# ---------------------------------------------------------------- model
model = dict(
    head=dict(
        _delete_=True,
        type='HeatmapHead',
        in_channels=384,
        out_channels=17,
        deconv_out_channels=(deconv_channels, ) * 3,
        deconv_kernel_sizes=(4, 4, 4),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder=heatmap_codec),
    test_cfg=dict(flip_test=True, flip_mode='heatmap', shift_heatmap=False))

# ---------------------------------------------------------------- schedule (the demo's, no head keys)
optim_wrapper = dict(paramwise_cfg=dict(_delete_=True, norm_decay_mult=0, bias_decay_mult=0,
                                        bypass_duplicate=True))

# ---------------------------------------------------------------- hooks (the demo's, this pipeline)
# the demo's run length and EMA fractions (rtmpose-t_synthetic.py; rtmpose_ext.demo.scale_schedule
# recomputes the hooks' numbers for the number of epochs it pre-trains)
max_epochs = 28
strong_fraction = 0.07
ema_window, ema_decay, iters_per_epoch = 0.04, 0.02, 66
custom_hooks = [
    dict(type='ChannelsLastHook'),
    dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=1. / (ema_window * max_epochs * iters_per_epoch),
         gamma=ema_decay * max_epochs * iters_per_epoch, update_buffers=True, priority=49),
    dict(type='PipelineSwitchHook',
         switch_epoch=round(max_epochs * strong_fraction),
         switch_pipeline=train_pipeline_stage2),
]
