# Runtime shared by every rtmpose_ext config: scope, plugin import, hooks, logging, environment.
# Names resolve in scope rtmpose_ext first (our classes), then mmpose's, then mmengine's;
# `mmpose.X` / `mmdet.X` pick another scope explicitly.
default_scope = 'rtmpose_ext'
custom_imports = dict(imports=['rtmpose_ext'], allow_failed_imports=False)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=10),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='PoseVisualizationHook', enable=False),
)
custom_hooks = [
    # keeps BatchNorm statistics equal across processes at the end of each epoch
    dict(type='SyncBuffersHook'),
]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # 'nccl' for GPUs; CPU-only multi-process runs override it with
    # --cfg-options env_cfg.dist_cfg.backend=gloo
    dist_cfg=dict(backend='nccl'),
)

vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='PoseLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(type='LogProcessor', window_size=50, by_epoch=True, num_digits=6)
log_level = 'INFO'
load_from = None
resume = False
backend_args = dict(backend='local')

train_cfg = dict(by_epoch=True)
val_cfg = dict()
test_cfg = dict()
