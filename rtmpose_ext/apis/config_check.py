"""Check a training / test config before anything is built, and report every problem at once.

Without this, mmengine and mmpose fail one problem at a time and late: a missing annotation file or data
directory after the model is built and initialised, with ``Annotation file `...`does not exist`` from
the middle of dataset loading or a ``FileNotFoundError`` from a dataloader worker at the first batch;
an unknown ``type`` with a ``KeyError`` that names the class but not where it is in the config.
:func:`check_config` looks, in about a second, at what the run will use and raises one
:class:`ConfigCheckError` listing each problem with its config key, its value and what was expected::

    train_dataloader.dataset.ann_file: file not found: 'data/coco/annotations/x.json' (relative to ...)
    model.head.loss.type: 'KLDiscretLos' is not a registered model in scope 'rtmpose_ext' ...
                          did you mean 'KLDiscretLoss'?

What is checked (local paths only; anything with ``://`` is left to its backend):

- the ``type`` of the model and everything in it (losses, codecs, initialisers, norm and activation
  layers), the datasets with their samplers and every pipeline transform (and their codecs), the
  evaluators, hooks (with ``PipelineSwitchHook``'s pipeline and ``EMAHook``'s ``ema_type``), the
  optimizer wrapper, optimizer and parameter schedulers, in the registry where each is built and in
  the config's ``default_scope`` (or a ``_scope_`` / ``scope.`` prefix);
- of each dataset used (``train``: training, and validation unless ``val_cfg`` is None; ``test``: test)
  ``data_root``, ``ann_file`` and ``data_prefix`` directories (joined as mmengine's ``BaseDataset``
  joins them) and ``bbox_file``; the evaluators' ``ann_file``;
- ``load_from`` (the checkpoint to load or resume from) and local ``Pretrained`` checkpoints.

Used by ``tools/train.py`` and ``tools/test.py`` (so by ``mim train/test rtmpose_ext``); mmpose's own
tools (``mim train mmpose``) do not call it.
"""
import difflib
import os.path as osp
from typing import Iterator, List, Optional, Sequence, Tuple

from mmengine.config import Config
from mmengine.registry import DefaultScope, Registry

from rtmpose_ext import registry as R

__all__ = ['ConfigCheckError', 'check_config', 'find_type_problems', 'find_path_problems']

MODES = ('train', 'test')


class ConfigCheckError(ValueError):
    """A config that cannot run; ``problems`` holds one message per problem."""

    def __init__(self, problems: Sequence[str], source: str = 'config'):
        self.problems = list(problems)
        lines = '\n'.join(f'  - {p}' for p in self.problems)
        super().__init__(f'{source}: {len(self.problems)} problem(s) found before training/testing:\n{lines}')


# ---------------------------------------------------------------- which registry builds what

# Inside a model: these keys hold configs of other registries (everything else with a `type` is a
# model part: backbone, neck, head, loss, norm / activation / conv layers, data preprocessor, ...).
_MODEL_KEY_REGISTRIES = {
    'init_cfg': R.WEIGHT_INITIALIZERS,  # and everything inside it (e.g. `override`)
    'decoder': R.KEYPOINT_CODECS,
    'encoder': R.KEYPOINT_CODECS,
    'codec': R.KEYPOINT_CODECS,
    'assigner': R.TASK_UTILS,
    'prior_generator': R.TASK_UTILS,
    'anchor_generator': R.TASK_UTILS,
    'point_generator': R.TASK_UTILS,
    'bbox_coder': R.TASK_UTILS,
    'overlaps_calculator': R.TASK_UTILS,
}
# mmdet's / mmpose's training and test settings inside a model hold task utils and plain values
_MODEL_SKIP_KEYS = ('train_cfg', 'test_cfg')

# Top-level config keys whose `type` (one dict or a list of dicts) is built by one registry.
_TOP_LEVEL = (
    ('model_wrapper_cfg', R.MODEL_WRAPPERS),
    ('visualizer', R.VISUALIZERS),
    ('log_processor', R.LOG_PROCESSORS),
)

# (config key, a dict with `type` or a bare type name (EMAHook's `ema_type`), registry, scope)
Found = Tuple[str, object, Registry, Optional[str]]


def _scope_of(cfg: dict, scope: Optional[str]) -> Optional[str]:
    return cfg.get('_scope_', scope) if isinstance(cfg, dict) else scope


def _items(value, key: str) -> Iterator[Tuple[str, dict]]:
    """``value`` as (key, dict) pairs: a dict itself, or each dict of a list / tuple."""
    if isinstance(value, dict):
        yield key, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield f'{key}.{i}', item


def _walk_model(cfg, key: str, registry: Registry, scope: Optional[str]) -> Iterator[Found]:
    """Every dict with a ``type`` in a model config, with the registry that builds it."""
    for k, d in _items(cfg, key):
        scope_here = _scope_of(d, scope)
        if 'type' in d:
            yield k, d, registry, scope_here
        for sub_key, value in d.items():
            if sub_key in _MODEL_SKIP_KEYS or not isinstance(value, (dict, list, tuple)):
                continue
            sub_registry = _MODEL_KEY_REGISTRIES.get(sub_key, registry)
            if registry is R.WEIGHT_INITIALIZERS:
                sub_registry = registry  # `override` and the like stay initialisers
            elif registry is R.KEYPOINT_CODECS:
                continue  # a codec's own arguments are plain values
            yield from _walk_model(value, f'{k}.{sub_key}', sub_registry, scope_here)


def _walk_pipeline(pipeline, key: str, scope: Optional[str]) -> Iterator[Found]:
    for k, t in _items(pipeline, key):
        if 'type' in t:
            yield k, t, R.TRANSFORMS, _scope_of(t, scope)
        for codec_key in ('encoder', 'decoder'):
            for ck, c in _items(t.get(codec_key), f'{k}.{codec_key}'):
                if 'type' in c:
                    yield ck, c, R.KEYPOINT_CODECS, _scope_of(c, scope)
        # nested `transforms` (RandomApply, Albumentation, ...) may name another library's classes: skipped


def _walk_dataset(dataset, key: str, scope: Optional[str]) -> Iterator[Found]:
    for k, d in _items(dataset, key):
        scope_here = _scope_of(d, scope)
        if 'type' in d:
            yield k, d, R.DATASETS, scope_here
        yield from _walk_pipeline(d.get('pipeline'), f'{k}.pipeline', scope_here)
        yield from _walk_dataset(d.get('dataset'), f'{k}.dataset', scope_here)  # RepeatDataset, ...
        yield from _walk_dataset(d.get('datasets'), f'{k}.datasets', scope_here)  # CombinedDataset, ...


def _walk_dataloader(loader, key: str, scope: Optional[str]) -> Iterator[Found]:
    if not isinstance(loader, dict):
        return
    yield from _walk_dataset(loader.get('dataset'), f'{key}.dataset', scope)
    for sampler_key in ('sampler', 'batch_sampler'):
        for k, s in _items(loader.get(sampler_key), f'{key}.{sampler_key}'):
            if 'type' in s:
                yield k, s, R.DATA_SAMPLERS, _scope_of(s, scope)


def _walk_evaluator(evaluator, key: str, scope: Optional[str]) -> Iterator[Found]:
    for k, e in _items(evaluator, key):
        if e.get('type') == 'Evaluator':
            yield k, e, R.EVALUATORS, _scope_of(e, scope)
            yield from _walk_evaluator(e.get('metrics'), f'{k}.metrics', scope)
        elif 'type' in e:
            yield k, e, R.METRICS, _scope_of(e, scope)


def _walk_hooks(hooks, key: str, scope: Optional[str]) -> Iterator[Found]:
    pairs = ([(f'{key}.{name}', h) for name, h in hooks.items()
              if isinstance(h, dict)] if isinstance(hooks, dict) else list(_items(hooks, key)))
    for k, h in pairs:
        scope_here = _scope_of(h, scope)
        if 'type' in h:
            yield k, h, R.HOOKS, scope_here
        yield from _walk_pipeline(h.get('switch_pipeline'), f'{k}.switch_pipeline', scope_here)
        if isinstance(h.get('ema_type'), str):  # EMAHook builds its averaged model from MODELS
            yield f'{k}.ema_type', h['ema_type'], R.MODELS, scope_here


def _used_loaders(cfg: Config, mode: str) -> List[Tuple[str, str]]:
    """(dataloader key, evaluator key) pairs the run will build."""
    if mode == 'test':
        return [('test_dataloader', 'test_evaluator')]
    pairs = [('train_dataloader', None)]
    if cfg.get('val_cfg') is not None and cfg.get('val_dataloader') is not None:
        pairs.append(('val_dataloader', 'val_evaluator'))
    return pairs


def _find_typed(cfg: Config, mode: str) -> Iterator[Found]:
    scope = cfg.get('default_scope')
    yield from _walk_model(cfg.get('model'), 'model', R.MODELS, scope)
    for loader_key, evaluator_key in _used_loaders(cfg, mode):
        yield from _walk_dataloader(cfg.get(loader_key), loader_key, scope)
        if evaluator_key:
            yield from _walk_evaluator(cfg.get(evaluator_key), evaluator_key, scope)
    yield from _walk_hooks(cfg.get('default_hooks') or {}, 'default_hooks', scope)
    yield from _walk_hooks(cfg.get('custom_hooks') or [], 'custom_hooks', scope)
    if mode == 'train':
        optim = cfg.get('optim_wrapper')
        if isinstance(optim, dict):
            if 'type' in optim:
                yield 'optim_wrapper', optim, R.OPTIM_WRAPPERS, _scope_of(optim, scope)
            for k, o in _items(optim.get('optimizer'), 'optim_wrapper.optimizer'):
                if 'type' in o:
                    yield k, o, R.OPTIMIZERS, _scope_of(o, scope)
        for k, s in _items(cfg.get('param_scheduler'), 'param_scheduler'):
            if 'type' in s:
                yield k, s, R.PARAM_SCHEDULERS, _scope_of(s, scope)
    for key, registry in _TOP_LEVEL:
        for k, d in _items(cfg.get(key), key):
            if 'type' in d:
                yield k, d, registry, _scope_of(d, scope)


def _chain(registry: Registry) -> List[Registry]:
    """``registry`` and its ancestors, each with its lazily registered modules imported (``get`` imports
    only the first one's, and a class registered in an ancestor may not be imported yet)."""
    chain, reg = [], registry
    while reg is not None:
        reg.import_from_location()
        chain.append(reg)
        reg = reg.parent
    return chain


def _type_problem(key: str, type_name: str, registry: Registry, scope: Optional[str]) -> Optional[str]:
    with DefaultScope.overwrite_default_scope(scope):
        with registry.switch_scope_and_registry(scope) as reg:
            chain = _chain(reg)
            if reg.get(type_name) is not None:
                return None
    names = sorted({name for r in chain for name in r.module_dict})
    hint = difflib.get_close_matches(type_name.split('.')[-1], names, n=3, cutoff=0.6)
    where = f"scope '{scope}'" if scope else 'the default scope'
    msg = (f"{key}: {type_name!r} is not a registered '{registry.name}' in {where} (looked in "
           f"{' -> '.join(r.scope for r in chain)}); is it spelled right, and is the package that registers "
           'it in custom_imports?')
    if hint:
        msg += ' Did you mean ' + ' or '.join(repr(h) for h in hint) + '?'
    return msg


def find_type_problems(cfg: Config, mode: str = 'train') -> List[str]:
    """A message for every ``type`` the run would build that its registry does not know."""
    _check_mode(mode)
    problems = []
    for key, d, registry, scope in _find_typed(cfg, mode):
        type_name, type_key = (d['type'], f'{key}.type') if isinstance(d, dict) else (d, key)
        if not isinstance(type_name, str):
            continue  # a class or function given directly
        problem = _type_problem(type_key, type_name, registry, scope)
        if problem:
            problems.append(problem)
    return problems


# ---------------------------------------------------------------- files and directories


def _is_remote(path: str) -> bool:
    return '://' in path


def _join(root: Optional[str], path: str) -> str:
    return path if not root or osp.isabs(path) else osp.join(root, path)


def _missing(kind: str, key: str, path: str, exists) -> Optional[str]:
    if _is_remote(path) or exists(path):
        return None
    where = '' if osp.isabs(path) else f' (relative to the working directory {osp.abspath(".")})'
    return f'{key}: {kind} not found: {path!r}{where}'


def _dataset_path_problems(dataset, key: str) -> List[str]:
    problems = []
    for k, d in _items(dataset, key):
        if 'dataset' in d or 'datasets' in d:  # a wrapper
            problems += _dataset_path_problems(d.get('dataset'), f'{k}.dataset')
            problems += _dataset_path_problems(d.get('datasets'), f'{k}.datasets')
            continue
        root = d.get('data_root')
        if root:
            problem = _missing('data_root directory', f'{k}.data_root', root, osp.isdir)
            if problem:  # everything below it is missing too; one message is enough
                problems.append(problem)
                continue
        if d.get('ann_file'):
            problems.append(
                _missing('annotation file', f'{k}.ann_file', _join(root, d['ann_file']), osp.isfile))
        for prefix_key, prefix in (d.get('data_prefix') or {}).items():
            if isinstance(prefix, str) and prefix:
                problems.append(
                    _missing('directory', f'{k}.data_prefix.{prefix_key}', _join(root, prefix), osp.isdir))
        if d.get('bbox_file'):  # mmpose reads it as given, not under data_root
            problems.append(_missing('detection results file', f'{k}.bbox_file', d['bbox_file'], osp.isfile))
    return [p for p in problems if p]


def _checkpoint_problems(cfg: Config) -> List[str]:
    problems = []
    load_from = cfg.get('load_from')
    if isinstance(load_from, str):
        problems.append(
            _missing('checkpoint', 'load_from (--resume / the checkpoint argument)', load_from, osp.isfile))
    for key, d, registry, _ in _walk_model(cfg.get('model'), 'model', R.MODELS, None):
        if registry is R.WEIGHT_INITIALIZERS and d.get('type') == 'Pretrained' and isinstance(
                d.get('checkpoint'), str):
            problems.append(
                _missing('pretrained checkpoint', f'{key}.checkpoint', d['checkpoint'], osp.isfile))
    return [p for p in problems if p]


def find_path_problems(cfg: Config, mode: str = 'train') -> List[str]:
    """A message for every local file or directory the run would read that does not exist."""
    _check_mode(mode)
    problems = []
    for loader_key, evaluator_key in _used_loaders(cfg, mode):
        loader = cfg.get(loader_key)
        if not isinstance(loader, dict):
            problems.append(f'{loader_key}: missing (a dict with a dataset is needed for {mode})')
            continue
        problems += _dataset_path_problems(loader.get('dataset'), f'{loader_key}.dataset')
        if evaluator_key:
            for k, e in _items(cfg.get(evaluator_key), evaluator_key):
                if isinstance(e.get('ann_file'), str):
                    problem = _missing('annotation file', f'{k}.ann_file', e['ann_file'], osp.isfile)
                    if problem:
                        problems.append(problem)
    return problems + _checkpoint_problems(cfg)


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, but got {mode!r}')


def check_config(cfg: Config, mode: str = 'train') -> None:
    """Raise :class:`ConfigCheckError` listing every unknown ``type`` and missing path of a
    ``mode`` (``'train'`` or ``'test'``) run of ``cfg``; return None if there is none."""
    problems = find_type_problems(cfg, mode) + find_path_problems(cfg, mode)
    if problems:
        raise ConfigCheckError(problems, source=getattr(cfg, 'filename', None) or 'config')
