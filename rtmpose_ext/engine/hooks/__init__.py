"""Training hooks (registered in rtmpose_ext.registry.HOOKS).

``ExpMomentumEMA`` lives here as in mmpose (``engine/hooks/ema_hook.py``) but is an averaged model, so it is
registered in ``rtmpose_ext.registry.MODELS``, where mmengine's ``EMAHook`` finds it under
``default_scope='rtmpose_ext'``. ``ChannelsLastHook`` is also registered in mmdet's scope
(:mod:`.mmdet_scope`).
"""
from . import mmdet_scope  # noqa: F401  (registers ChannelsLastHook in mmdet's hook registry)
from .channels_last_hook import ChannelsLastHook
from .exp_momentum_ema import ExpMomentumEMA
from .pipeline_switch_hook import PipelineSwitchHook

__all__ = ['ChannelsLastHook', 'ExpMomentumEMA', 'PipelineSwitchHook']
