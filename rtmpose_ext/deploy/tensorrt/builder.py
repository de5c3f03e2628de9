"""A TensorRT engine from the exported ONNX model, on the ``tensorrt`` Python API of TensorRT 10 and 11.

MMDeploy 1.3.1's TensorRT code calls APIs that TensorRT 10 removed (``get_binding_index``,
``execute_async_v2``, implicit batch) and that 11 removed (``BuilderFlag.FP16``); this builder uses the
named-tensor API both versions have:

1. ``OnnxParser`` on the ONNX model (explicit batch: TensorRT 10's only mode);
2. one optimization profile from ``model_inputs[0].input_shapes`` (min/opt/max for the input);
3. precision. fp32: nothing to set. fp16 depends on what the version offers (:func:`fp16_strategy`):

   - ``'layer-constraints'`` (TensorRT 10: ``BuilderFlag.FP16`` exists): the float32 model with the FP16
     flag and ``OBEY_PRECISION_CONSTRAINTS``; the layers whose names start with one of
     ``fp32_layers`` (ScaleNorm's nodes, the SimCC classifiers) get ``precision = float32`` and float32
     outputs, so TensorRT keeps them out of fp16;
   - ``'typed-onnx'`` (TensorRT 11: networks are always strongly typed, the FP16 flag is gone): the
     model is converted to float16 ONNX first (:mod:`..fp16`, float32 input/output) with the
     ``fp32_layers`` nodes blocked to float32, and TensorRT builds exactly those types. With the
     overflow-safe ScaleNorm export this "precision-safe ONNX alone" already has no intermediate that
     overflows float16.

4. ``build_serialized_network``; the engine is written under a temporary name and renamed when complete.

``trt`` is the ``tensorrt`` module (tests pass a stand-in that records what is asked of it).
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

#: ONNX node-name prefixes kept in float32 under fp16 by default: the head's two ScaleNorms (before the
#: GAU's MLP and inside it) and the two SimCC classifiers.
DEFAULT_FP32_LAYERS = ('/mlp/mlp.0/', '/gau/ln/', '/cls_x/', '/cls_y/')


@dataclass
class BuildSettings:
    """What the builder needs from the deploy config (:func:`build_settings`).

    Attributes:
        input_name (str): The network input.
        shapes (dict): ``min_shape``, ``opt_shape``, ``max_shape``: (N, C, H, W) each.
        fp16 (bool): Build for fp16.
        fp32_layers (tuple[str]): Name prefixes of the layers kept in float32 under fp16.
        workspace (int): Workspace memory pool limit in bytes.
    """
    input_name: str
    shapes: Dict[str, Tuple[int, ...]]
    fp16: bool = False
    fp32_layers: Sequence[str] = DEFAULT_FP32_LAYERS
    workspace: int = 1 << 30


def build_settings(deploy_cfg) -> BuildSettings:
    """:class:`BuildSettings` from ``backend_config`` (``common_config``: ``fp16_mode``,
    ``max_workspace_size``, ``fp32_layers``; ``model_inputs[0].input_shapes``)."""
    backend_cfg = deploy_cfg.backend_config
    common = backend_cfg.get('common_config') or {}
    name = deploy_cfg.onnx_config.input_names[0]
    shapes = backend_cfg.model_inputs[0]['input_shapes'][name]
    return BuildSettings(input_name=name,
                         shapes={k: tuple(int(v) for v in shapes[k]) for k in ('min_shape', 'opt_shape',
                                                                               'max_shape')},
                         fp16=bool(common.get('fp16_mode', False)),
                         fp32_layers=tuple(common.get('fp32_layers', DEFAULT_FP32_LAYERS)),
                         workspace=int(common.get('max_workspace_size', 1 << 30)))


def fp16_strategy(trt) -> str:
    """'layer-constraints' where ``BuilderFlag.FP16`` exists (TensorRT 10), else 'typed-onnx' (11)."""
    return 'layer-constraints' if hasattr(trt.BuilderFlag, 'FP16') else 'typed-onnx'


def typed_fp16_onnx(onnx_file: str, out_file: str, fp32_layers: Sequence[str]) -> str:
    """The float16 ONNX model for strongly typed networks: float32 input/output, the nodes under
    ``fp32_layers`` blocked to float32."""
    import onnx

    from ..fp16 import convert_float_to_float16, nodes_under
    model = onnx.load(onnx_file)
    blocked = nodes_under(model, fp32_layers)
    onnx.save(convert_float_to_float16(model, keep_io_types=True, node_block_list=blocked), out_file)
    return out_file


def parse_onnx(trt, builder, logger, onnx_file: str):
    """A network parsed from ``onnx_file``; a parser error raises ``RuntimeError`` listing them."""
    network = builder.create_network(0)
    parser = trt.OnnxParser(network, logger)
    with open(onnx_file, 'rb') as f:
        ok = parser.parse(f.read())
    if not ok:
        errors = [str(parser.get_error(i)) for i in range(parser.num_errors)]
        raise RuntimeError(f'TensorRT cannot parse {onnx_file!r}:\n' + '\n'.join(errors))
    return network, parser


def add_profile(trt, builder, config, network, settings: BuildSettings) -> None:
    """One optimization profile: min/opt/max of the input; the input must exist in the network."""
    inputs = [network.get_input(i).name for i in range(network.num_inputs)]
    if settings.input_name not in inputs:
        raise RuntimeError(f'TensorRT: the network has no input {settings.input_name!r} (inputs: {inputs}); '
                           'check onnx_config.input_names')
    profile = builder.create_optimization_profile()
    s = settings.shapes
    profile.set_shape(settings.input_name, s['min_shape'], s['opt_shape'], s['max_shape'])
    config.add_optimization_profile(profile)


def keep_layers_fp32(trt, network, prefixes: Sequence[str]) -> List[str]:
    """Layers whose names start with one of ``prefixes``: precision float32 and float32 outputs (where
    the output is a float tensor); returns their names."""
    kept = []
    for i in range(network.num_layers):
        layer = network.get_layer(i)
        if not any(layer.name.startswith(p) for p in prefixes):
            continue
        layer.precision = trt.float32
        for j in range(layer.num_outputs):
            if layer.get_output(j).dtype in (trt.float32, trt.float16):
                layer.set_output_type(j, trt.float32)
        kept.append(layer.name)
    return kept


def build_engine(onnx_file: str, engine_file: str, settings: BuildSettings, trt=None) -> Dict:
    """Build and write the engine; returns a report (TensorRT version, fp16 strategy, layers kept in
    float32, the ONNX model built from).

    Raises:
        RuntimeError: parsing or building failed (TensorRT's messages in the text).
    """
    if trt is None:
        import tensorrt as trt
    logger = trt.Logger(trt.Logger.WARNING)
    builder = trt.Builder(logger)
    strategy = fp16_strategy(trt) if settings.fp16 else 'none'
    source = onnx_file
    if strategy == 'typed-onnx':
        source = typed_fp16_onnx(onnx_file, osp.splitext(engine_file)[0] + '_fp16.onnx', settings.fp32_layers)
    network, _parser = parse_onnx(trt, builder, logger, source)
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, settings.workspace)
    add_profile(trt, builder, config, network, settings)
    kept = []
    if strategy == 'layer-constraints':
        config.set_flag(trt.BuilderFlag.FP16)
        config.set_flag(trt.BuilderFlag.OBEY_PRECISION_CONSTRAINTS)
        kept = keep_layers_fp32(trt, network, settings.fp32_layers)
        if not kept:
            raise RuntimeError(f'TensorRT fp16: no layer name starts with {list(settings.fp32_layers)} '
                               '(common_config.fp32_layers); ScaleNorm would run in fp16')
    serialized = builder.build_serialized_network(network, config)
    if serialized is None:
        raise RuntimeError('TensorRT could not build the engine (its log is above)')
    partial = engine_file + '.partial'
    with open(partial, 'wb') as f:
        f.write(bytes(serialized))
    os.replace(partial, engine_file)
    return dict(tensorrt=getattr(trt, '__version__', '?'), fp16_strategy=strategy, fp32_layers=kept,
                onnx=source)
