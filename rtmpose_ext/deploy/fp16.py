"""float32 -> float16 conversion of an ONNX model, for the ONNX Runtime fp16 configs and TensorRT 11.

The converter is ``onnxconverter_common.float16.convert_float_to_float16``, the one MMDeploy's ONNX
Runtime backend calls, with the same ``backend_config.common_config`` keys (``min_positive_val``,
``max_finite_val``, ``keep_io_types``, ``op_block_list``, ``node_block_list``). Weight magnitudes outside
``[min_positive_val, max_finite_val]`` are clamped (zeros stay zero); blocked ops and nodes stay float32
behind Casts; ``op_block_list=None`` is onnxconverter_common's ``DEFAULT_OP_BLOCK_LIST``.

:func:`nodes_under` lists the nodes of name prefixes (e.g. ScaleNorm's and the classifiers' nodes) to keep
in float32 through ``node_block_list``.
"""
import warnings
from typing import List, Sequence

import onnx
from onnxconverter_common.float16 import DEFAULT_OP_BLOCK_LIST
from onnxconverter_common.float16 import convert_float_to_float16 as _convert

__all__ = ['DEFAULT_OP_BLOCK_LIST', 'convert_float_to_float16', 'nodes_under']


def convert_float_to_float16(model: onnx.ModelProto, **common_config) -> onnx.ModelProto:
    """A float16 copy of ``model`` (onnxconverter_common's converter with ``common_config``), without its
    one warning per clamped weight value."""
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='the float32 number .* will be truncated to')
        return _convert(model, **common_config)


def nodes_under(model: onnx.ModelProto, prefixes: Sequence[str]) -> List[str]:
    """Names of the nodes whose name starts with one of ``prefixes`` (ONNX export names such as
    ``/mlp/mlp.0/`` for a module path)."""
    return [n.name for n in model.graph.node if any(n.name.startswith(p) for p in prefixes)]
