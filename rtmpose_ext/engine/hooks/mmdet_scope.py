"""``ChannelsLastHook`` in mmdet's hook registry too, for configs with ``default_scope='mmdet'`` (the
RTMDet configs of configs/rtmdet/).

mmengine resolves a ``scope.Type`` name only in the root registry's direct children, and our scope is
a child of mmpose's, so ``type='rtmpose_ext.ChannelsLastHook'`` is not found from scope mmdet; the hook
does not depend on the codebase, so it is registered there under its own name.
"""
from mmdet.registry import HOOKS as MMDET_HOOKS

from .channels_last_hook import ChannelsLastHook

MMDET_HOOKS.register_module(module=ChannelsLastHook)
