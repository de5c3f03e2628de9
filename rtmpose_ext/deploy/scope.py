"""MMDeploy's task processor, made to keep the model config's ``default_scope`` in force.

``BaseTask.__init__`` imports the codebase, whose ``register_all_modules`` makes ``mmpose`` the default
scope whenever another scope is current, and only then creates the model config's scope under the fixed
name ``'BaseTask'``, which exists from the second task on. So in one process the *first* task builds
``type='RTMCCHead'`` as ours, every later one silently as mmpose's (``torch2onnx`` twice, ``export2SDK``,
evaluation after conversion). :func:`apply_task_scope_fix` wraps ``BaseTask.__init__`` once so that it
ends with the model config's scope current; applied when :mod:`rtmpose_ext.deploy` is imported.
"""
import functools
import time

_MARK = '_rtmpose_ext_keeps_model_scope'


def ensure_default_scope(scope: str) -> None:
    """Make ``scope`` the current mmengine default scope (a no-op if it already is)."""
    from mmengine.registry import DefaultScope
    current = DefaultScope.get_current_instance()
    if current is None or current.scope_name != scope:
        DefaultScope.get_instance(f'rtmpose_ext-deploy-{scope}-{time.time_ns()}', scope_name=scope)


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
