"""float32 -> float16 conversion of an ONNX model, for the ONNX Runtime fp16 configs and TensorRT 11.

The converter is ``onnxconverter_common.float16.convert_float_to_float16``, the one MMDeploy's ONNX
Runtime backend calls, with the same ``backend_config.common_config`` keys (``min_positive_val``,
``max_finite_val``, ``keep_io_types``, ``op_block_list``, ``node_block_list``). Weight magnitudes outside
``[min_positive_val, max_finite_val]`` are clamped (zeros stay zero); blocked ops and nodes stay float32
behind Casts; ``op_block_list=None`` is onnxconverter_common's ``DEFAULT_OP_BLOCK_LIST``.

:func:`nodes_under` lists the nodes of name prefixes (e.g. ScaleNorm's and the classifiers' nodes) to keep
in float32 through ``node_block_list``. Two mends around onnxconverter_common 1.16, whose output with
blocked nodes otherwise fails ONNX Runtime's type check or loses ``keep_io_types``:

- ``Identity`` nodes (the exporter's copies of shared weights) are removed first: a blocked node reading
  an Identity'd weight got a float16 Identity output where it expects float32;
- with ``keep_io_types``, a graph output produced by a blocked node is left float32 (the converter casts
  it back to float16 and declares the output float16).
"""
import warnings
from typing import List, Sequence

import onnx
from onnxconverter_common.float16 import DEFAULT_OP_BLOCK_LIST
from onnxconverter_common.float16 import convert_float_to_float16 as _convert

__all__ = ['DEFAULT_OP_BLOCK_LIST', 'convert_float_to_float16', 'nodes_under']


def convert_float_to_float16(model: onnx.ModelProto, **common_config) -> onnx.ModelProto:
    """A float16 copy of ``model`` (onnxconverter_common's converter with ``common_config``, the mends of
    the module docstring), without its one warning per clamped weight value."""
    model = drop_identities(model)
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='the float32 number .* will be truncated to')
        half = _convert(model, **common_config)
    if common_config.get('keep_io_types') and common_config.get('node_block_list'):
        _float32_outputs(half)
    return half


def drop_identities(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of ``model`` without Identity nodes (their consumers read the Identity's input; an
    Identity producing a graph output is kept)."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph_outputs = {o.name for o in model.graph.output}
    source, kept = {}, []
    for node in model.graph.node:
        if node.op_type == 'Identity' and node.output[0] not in graph_outputs:
            source[node.output[0]] = source.get(node.input[0], node.input[0])
        else:
            kept.append(node)
    for node in kept:
        node.input[:] = [source.get(name, name) for name in node.input]
    del model.graph.node[:]
    model.graph.node.extend(kept)
    return model


def _float32_outputs(model: onnx.ModelProto) -> None:
    """Graph outputs made by ``Cast(float32 -> float16)`` of a blocked node: the Cast removed, the output
    float32 again (in place)."""
    producers = {o: n for n in model.graph.node for o in n.output}
    for output in model.graph.output:
        cast = producers.get(output.name)
        if cast is None or cast.op_type != 'Cast' or cast.attribute[0].i != onnx.TensorProto.FLOAT16:
            continue
        source = producers.get(cast.input[0])
        if source is None:
            continue
        source.output[:] = [output.name if o == cast.input[0] else o for o in source.output]
        model.graph.node.remove(cast)
        output.type.tensor_type.elem_type = onnx.TensorProto.FLOAT


def nodes_under(model: onnx.ModelProto, prefixes: Sequence[str]) -> List[str]:
    """Names of the nodes whose name starts with one of ``prefixes`` (ONNX export names such as
    ``/mlp/mlp.0/`` for a module path)."""
    return [n.name for n in model.graph.node if any(n.name.startswith(p) for p in prefixes)]
