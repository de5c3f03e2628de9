"""MMDeploy's task processor, made to keep the model config's ``default_scope`` in force.

``BaseTask.__init__`` imports the codebase, whose ``register_all_modules`` makes ``mmpose`` the default
scope whenever another scope is current, and only then creates the model config's scope under the fixed
name ``'BaseTask'``, which exists from the second task on. So in one process the *first* task builds
``type='RTMCCHead'`` as ours, every later one silently as mmpose's (``torch2onnx`` twice, ``export2SDK``,
evaluation after conversion). :func:`apply_task_scope_fix` wraps ``BaseTask.__init__`` once so that it
ends with the model config's scope current; applied when :mod:`rtmpose_ext.deploy` is imported.
"""
import copy
import functools
import time
from contextlib import contextmanager

_MARK = '_rtmpose_ext_keeps_model_scope'


def ensure_default_scope(scope: str) -> None:
    """Make ``scope`` the current mmengine default scope (a no-op if it already is)."""
    from mmengine.registry import DefaultScope
    current = DefaultScope.get_current_instance()
    if current is None or current.scope_name != scope:
        DefaultScope.get_instance(f'rtmpose_ext-deploy-{scope}-{time.time_ns()}', scope_name=scope)


@contextmanager
def caller_scope_kept():
    """Run a block (a conversion) and make the caller's default scope current again afterwards: inside,
    each task processor makes its model config's scope current (a detector's 'mmdet', a pose model's
    'rtmpose_ext'), which would otherwise stay in force for the caller's next registry builds (also
    where the caller had none)."""
    from mmengine.registry import DefaultScope
    saved = copy.copy(DefaultScope._instance_dict)  # what DefaultScope.overwrite_default_scope restores
    try:
        yield
    finally:
        DefaultScope._instance_dict = saved


def apply_task_scope_fix() -> None:
    """Wrap ``mmdeploy.codebase.base.task.BaseTask.__init__`` once (idempotent)."""
    from mmdeploy.codebase.base.task import BaseTask
    init = BaseTask.__init__
    if getattr(init, _MARK, False):
        return

    @functools.wraps(init)
    def __init__(self, model_cfg, deploy_cfg, *args, **kwargs):
        init(self, model_cfg, deploy_cfg, *args, **kwargs)
        scope = self.model_cfg.get('default_scope')
        if scope:
            ensure_default_scope(str(scope))

    setattr(__init__, _MARK, True)
    BaseTask.__init__ = __init__
