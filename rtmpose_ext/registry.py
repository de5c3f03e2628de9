"""Registries of rtmpose_ext: children of mmpose's, scope ``rtmpose_ext``.

With ``default_scope='rtmpose_ext'`` a name is looked up here first, then in mmpose's registry, then in
mmengine's; so ``type='RTMCCHead'`` builds ours and ``type='mmpose.RTMCCHead'`` builds mmpose's.
Every mmpose registry has a child here, because mmengine resolves the default scope per registry: a
registry without an ``rtmpose_ext`` child would fall back to mmengine's root and miss mmpose's classes.
"""
from mmengine.registry import Registry
from mmpose import registry as mmpose_registry

SCOPE = 'rtmpose_ext'


def _child(parent: Registry, *locations: str) -> Registry:
    """A registry in scope ``rtmpose_ext`` whose parent is ``parent``.

    mmengine imports only the looked-up registry's own ``locations`` before searching it and its
    parents, so the parent's locations are listed too: mmpose's classes (e.g. its visualizer) are then
    found under our scope even when nothing imported their modules yet.
    """
    return Registry(parent.name, parent=parent, scope=SCOPE, locations=[*locations, *parent._locations])


RUNNERS = _child(mmpose_registry.RUNNERS)
RUNNER_CONSTRUCTORS = _child(mmpose_registry.RUNNER_CONSTRUCTORS)
LOOPS = _child(mmpose_registry.LOOPS)
HOOKS = _child(mmpose_registry.HOOKS, 'rtmpose_ext.engine.hooks')
DATASETS = _child(mmpose_registry.DATASETS)
DATA_SAMPLERS = _child(mmpose_registry.DATA_SAMPLERS)
TRANSFORMS = _child(mmpose_registry.TRANSFORMS, 'rtmpose_ext.datasets')
MODELS = _child(mmpose_registry.MODELS, 'rtmpose_ext.models', 'rtmpose_ext.engine')
MODEL_WRAPPERS = _child(mmpose_registry.MODEL_WRAPPERS)
WEIGHT_INITIALIZERS = _child(mmpose_registry.WEIGHT_INITIALIZERS)
BATCH_AUGMENTS = _child(mmpose_registry.BATCH_AUGMENTS)
OPTIMIZERS = _child(mmpose_registry.OPTIMIZERS)
OPTIM_WRAPPERS = _child(mmpose_registry.OPTIM_WRAPPERS)
OPTIM_WRAPPER_CONSTRUCTORS = _child(mmpose_registry.OPTIM_WRAPPER_CONSTRUCTORS)
PARAM_SCHEDULERS = _child(mmpose_registry.PARAM_SCHEDULERS, 'rtmpose_ext.engine.schedulers')
METRICS = _child(mmpose_registry.METRICS)
EVALUATORS = _child(mmpose_registry.EVALUATORS)
TASK_UTILS = _child(mmpose_registry.TASK_UTILS)
VISUALIZERS = _child(mmpose_registry.VISUALIZERS)
VISBACKENDS = _child(mmpose_registry.VISBACKENDS)
LOG_PROCESSORS = _child(mmpose_registry.LOG_PROCESSORS)
INFERENCERS = _child(mmpose_registry.INFERENCERS)
KEYPOINT_CODECS = _child(mmpose_registry.KEYPOINT_CODECS, 'rtmpose_ext.codecs')
