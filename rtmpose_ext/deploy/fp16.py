"""float32 -> float16 conversion of an ONNX model (for ONNX Runtime fp16 deploy configs).

MMDeploy's ONNX Runtime backend converts with ``onnxconverter_common.float16``, which is not installed
here; this is a small converter for the same ``backend_config.common_config`` keys
(``min_positive_val``, ``max_finite_val``, ``keep_io_types``, ``op_block_list``, ``node_block_list``):

- float32 initializers and ``Constant`` / ``ConstantOfShape`` values become float16, clamped to
  ``[min_positive_val, max_finite_val]`` in magnitude (zeros stay zero);
- ``Cast(to=float)`` becomes ``Cast(to=float16)``;
- blocked nodes (by op type or name) stay float32 with Casts around them;
- graph inputs/outputs become float16, or stay float32 behind Casts with ``keep_io_types``.

Graphs with subgraphs (If/Loop/Scan) are refused.
"""
from typing import Iterable, Optional

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Ops kept in float32 by default: inputs that must be float32 (Resize/Upsample scales, Range) or no
# float16 kernels in ONNX Runtime (a subset of onnxconverter_common's list that can occur in pose models).
DEFAULT_OP_BLOCK_LIST = ('Range', 'Resize', 'Upsample', 'TopK', 'NonMaxSuppression', 'RoiAlign', 'CumSum',
                         'RandomUniformLike', 'RandomNormalLike')
_FLOAT, _HALF = TensorProto.FLOAT, TensorProto.FLOAT16


def _to_half(tensor: onnx.TensorProto, min_positive_val: float, max_finite_val: float) -> onnx.TensorProto:
    """A float16 copy of a float32 tensor, magnitudes clamped to [min_positive_val, max_finite_val]."""
    values = numpy_helper.to_array(tensor).astype(np.float32)
    magnitude = np.abs(values)
    clamped = np.where((magnitude > 0) & (magnitude < min_positive_val), np.sign(values) * min_positive_val,
                       values)
    clamped = np.where(magnitude > max_finite_val, np.sign(values) * max_finite_val, clamped)
    return numpy_helper.from_array(clamped.astype(np.float16), tensor.name)


def _float_value_names(model: onnx.ModelProto) -> set:
    """Names of every float32 value of the graph (inputs, initializers, node outputs), from shape
    inference."""
    inferred = onnx.shape_inference.infer_shapes(model)
    graph = inferred.graph
    names = {t.name for t in graph.initializer if t.data_type == _FLOAT}
    for info in list(graph.input) + list(graph.output) + list(graph.value_info):
        if info.type.tensor_type.elem_type == _FLOAT:
            names.add(info.name)
    return names


def convert_float_to_float16(model: onnx.ModelProto,
                             min_positive_val: float = 1e-7,
                             max_finite_val: float = 1e4,
                             keep_io_types: bool = False,
                             disable_shape_infer: bool = False,
                             op_block_list: Optional[Iterable[str]] = None,
                             node_block_list: Optional[Iterable[str]] = None) -> onnx.ModelProto:
    """Return a float16 copy of ``model`` (see the module docstring); ``disable_shape_infer`` is accepted
    for compatibility with onnxconverter_common's signature and ignored (types come from shape
    inference, which this converter needs)."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    for node in graph.node:
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for a in node.attribute):
            raise ValueError(f'fp16 conversion: node {node.name or node.op_type!r} has a subgraph '
                             f'({node.op_type}); not supported')
    float_names = _float_value_names(model)
    blocked_ops = set(DEFAULT_OP_BLOCK_LIST if op_block_list is None else op_block_list)
    blocked_nodes = set(node_block_list or ())

    for i, tensor in enumerate(graph.initializer):
        if tensor.data_type == _FLOAT:
            graph.initializer[i].CopyFrom(_to_half(tensor, min_positive_val, max_finite_val))

    new_nodes = []
    for node in graph.node:
        if node.op_type in blocked_ops or node.name in blocked_nodes:
            new_nodes.extend(_wrap_in_float32(node, float_names))
            continue
        for attr in node.attribute:
            if node.op_type in ('Constant', 'ConstantOfShape') and attr.type == onnx.AttributeProto.TENSOR \
                    and attr.t.data_type == _FLOAT:
                attr.t.CopyFrom(_to_half(attr.t, min_positive_val, max_finite_val))
            if node.op_type == 'Cast' and attr.name == 'to' and attr.i == _FLOAT:
                attr.i = _HALF
        new_nodes.append(node)

    prologue, epilogue = [], []
    for info in graph.input:
        if info.type.tensor_type.elem_type != _FLOAT:
            continue
        if keep_io_types:
            half = info.name + '_fp16'
            for node in new_nodes:
                node.input[:] = [half if n == info.name else n for n in node.input]
            prologue.append(
                helper.make_node('Cast', [info.name], [half], to=_HALF, name=f'{info.name}_io_cast'))
        else:
            info.type.tensor_type.elem_type = _HALF
    for info in graph.output:
        if info.type.tensor_type.elem_type != _FLOAT:
            continue
        if keep_io_types:
            half = info.name + '_fp16'
            for node in new_nodes:
                node.output[:] = [half if n == info.name else n for n in node.output]
            epilogue.append(
                helper.make_node('Cast', [half], [info.name], to=_FLOAT, name=f'{info.name}_io_cast'))
        else:
            info.type.tensor_type.elem_type = _HALF

    del graph.node[:]
    graph.node.extend(prologue + new_nodes + epilogue)
    del graph.value_info[:]
    model = onnx.shape_inference.infer_shapes(model)
    onnx.checker.check_model(model)
    return model


def _wrap_in_float32(node: onnx.NodeProto, float_names: set):
    """``node`` computing in float32: Casts to float32 before its float inputs and back after its
    float outputs."""
    tag = node.name or f'{node.op_type}_{id(node)}'
    nodes = []
    for i, name in enumerate(node.input):
        if name in float_names:
            cast = f'{name}_fp32_for_{tag}'
            nodes.append(helper.make_node('Cast', [name], [cast], to=_FLOAT, name=f'{cast}_block_cast'))
            node.input[i] = cast
    nodes.append(node)
    for i, name in enumerate(node.output):
        if name in float_names:
            fp32 = f'{name}_fp32'
            node.output[i] = fp32
            nodes.append(helper.make_node('Cast', [fp32], [name], to=_HALF, name=f'{name}_block_cast'))
    return nodes
