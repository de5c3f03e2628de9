"""mmengine checkpoints under torch >= 2.6, whose ``torch.load`` defaults to ``weights_only=True``.

mmengine's checkpoints hold, besides tensors, a few plain Python objects: the message hub's
``HistoryBuffer`` (whose statistics methods pickle as ``getattr(HistoryBuffer, 'mean')`` etc.) and the
numpy arrays, dtypes and scalars inside it and inside ``meta``. The safe unpickler rejects those, so
loading, resuming and ``mim test --checkpoint`` fail.

Fix: ``CheckpointLoader.load_checkpoint`` (the one entry point every mmengine loader scheme goes through:
local files, URLs, ``Runner.resume``, ``load_checkpoint``, mmpose's ``init_model``) runs inside
``torch.serialization.safe_globals`` with exactly those types. ``weights_only`` stays ``True``; nothing
outside that call is allowed anything more, and any other global in a file still fails, with a message
that names it.
"""
import functools
import pickle
from typing import List

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

_MARK = '_rtmpose_ext_safe_globals'


def _numpy_globals() -> List:
    """numpy types a pickled array, dtype or scalar refers to, under numpy 2 and numpy 1 names."""
    from numpy._core import multiarray
    dtype_classes = [type(np.dtype(c)) for c in '?bBhHiIlLqQefdgFDGSUV'] + [type(np.dtype('O'))]
    entries = [np.ndarray, np.dtype, multiarray._reconstruct, multiarray.scalar, *dtype_classes]
    # files written under numpy 1.x name these 'numpy.core.multiarray.*'
    entries += [(multiarray._reconstruct, 'numpy.core.multiarray._reconstruct'),
                (multiarray.scalar, 'numpy.core.multiarray.scalar')]
    return entries


def _history_buffer_getattr(obj, name: str):
    """Stands in for ``builtins.getattr`` while unpickling: only HistoryBuffer's public methods."""
    if obj is HistoryBuffer and not name.startswith('_') and callable(getattr(HistoryBuffer, name, None)):
        return getattr(obj, name)
    raise pickle.UnpicklingError(f'getattr({obj!r}, {name!r}) is not allowed in an mmengine checkpoint; '
                                 'only the methods of HistoryBuffer are')


MMENGINE_CHECKPOINT_GLOBALS = [HistoryBuffer, (_history_buffer_getattr, 'builtins.getattr'),
                               *_numpy_globals()]


def apply_checkpoint_loading_fix() -> None:
    """Wrap ``CheckpointLoader.load_checkpoint`` once so mmengine's own types may be unpickled."""
    current = CheckpointLoader.__dict__['load_checkpoint'].__func__
    if getattr(current, _MARK, False):
        return

    @functools.wraps(current)
    def load_checkpoint(cls, filename, map_location=None, logger='current'):
        try:
            with torch.serialization.safe_globals(MMENGINE_CHECKPOINT_GLOBALS):
                return current(cls, filename, map_location, logger)
        except pickle.UnpicklingError as err:
            raise pickle.UnpicklingError(
                f'{filename}: this checkpoint holds an object that torch.load(weights_only=True) will not '
                'unpickle and that rtmpose_ext does not allow for mmengine checkpoints. If you trust the file, '
                'allow that type with torch.serialization.add_safe_globals([...]). Original error: '
                f'{err}') from err

    setattr(load_checkpoint, _MARK, True)
    CheckpointLoader.load_checkpoint = classmethod(load_checkpoint)
