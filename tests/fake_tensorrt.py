"""A stand-in for the ``tensorrt`` module (TensorRT 10 or 11 API surface) where no GPU is available.

It checks what our builder and runner ask of it, the way TensorRT would refuse it:

- the parser reads the real ONNX model (layers = its nodes with their names, tensors with the types of
  ONNX shape inference); a model that onnx cannot load fails ``parse``;
- ``BuilderFlag.FP16`` exists only for ``version=10`` (TensorRT 11 removed it);
- ``set_output_type`` on a non-float tensor, an output index out of range, a profile with min > opt > max,
  a profile naming no network input, or a network input without a profile raises;
- the "engine" is a JSON record of the build (flags, profile, layer precisions, tensor types, the ONNX
  source); :class:`Runtime` loads it into an engine that runs the ONNX model with ONNX Runtime on the
  host buffers of :class:`HostCuda` (the pointers the runner passes), within the profile's shapes.
"""
import ctypes
import json

import numpy as np
import onnx


class DataType:
    def __init__(self, name, np_type):
        self.name, self.np_type = name, np_type

    def __repr__(self):
        return f'DataType.{self.name}'


float32, float16 = DataType('FLOAT', np.float32), DataType('HALF', np.float16)
int32, int64, bool_ = DataType('INT32', np.int32), DataType('INT64', np.int64), DataType('BOOL', np.bool_)
_ONNX_TYPES = {onnx.TensorProto.FLOAT: float32, onnx.TensorProto.FLOAT16: float16,
               onnx.TensorProto.INT32: int32, onnx.TensorProto.INT64: int64, onnx.TensorProto.BOOL: bool_}


class Tensor:
    def __init__(self, name, dtype, shape=None):
        self.name, self.dtype, self.shape = name, dtype, shape


class Layer:
    def __init__(self, name, op_type, outputs):
        self.name, self.type, self._outputs = name, op_type, outputs
        self._precision, self.precision_is_set = float32, False
        self.output_types = {}

    @property
    def precision(self):
        return self._precision

    @precision.setter
    def precision(self, dtype):
        if dtype not in (float32, float16):
            raise ValueError(f'layer {self.name}: precision must be a float type, got {dtype}')
        self._precision, self.precision_is_set = dtype, True

    @property
    def num_outputs(self):
        return len(self._outputs)

    def get_output(self, index):
        return self._outputs[index]

    def set_output_type(self, index, dtype):
        if not 0 <= index < len(self._outputs):
            raise IndexError(f'layer {self.name}: output {index} of {len(self._outputs)}')
        if self._outputs[index].dtype not in (float32, float16):
            raise ValueError(f'layer {self.name}: output {index} is {self._outputs[index].dtype}, not float')
        self.output_types[index] = dtype


class Network:
    def __init__(self, flags):
        self.flags, self.inputs, self.layers = flags, [], []

    @property
    def num_inputs(self):
        return len(self.inputs)

    def get_input(self, i):
        return self.inputs[i]

    @property
    def num_layers(self):
        return len(self.layers)

    def get_layer(self, i):
        return self.layers[i]


class OnnxParser:
    def __init__(self, network, logger):
        self.network, self.errors = network, []

    def parse(self, data: bytes) -> bool:
        try:
            model = onnx.shape_inference.infer_shapes(onnx.load_from_string(data))
        except Exception as e:  # noqa: BLE001
            self.errors.append(f'cannot load the ONNX model: {e}')
            return False
        graph = model.graph
        types = {v.name: _ONNX_TYPES.get(v.type.tensor_type.elem_type, float32)
                 for v in list(graph.input) + list(graph.output) + list(graph.value_info)}
        types.update({t.name: _ONNX_TYPES.get(t.data_type, float32) for t in graph.initializer})
        for v in graph.input:
            shape = [d.dim_value if d.dim_value else -1 for d in v.type.tensor_type.shape.dim]
            self.network.inputs.append(Tensor(v.name, types[v.name], shape))
        for node in graph.node:
            outputs = [Tensor(o, types.get(o, float32)) for o in node.output]
            self.network.layers.append(Layer(node.name, node.op_type, outputs))
        self.network.onnx_bytes = data
        return True

    @property
    def num_errors(self):
        return len(self.errors)

    def get_error(self, i):
        return self.errors[i]


class OptimizationProfile:
    def __init__(self):
        self.shapes = {}

    def set_shape(self, name, min, opt, max):  # noqa: A002  (TensorRT's argument names)
        lo, mid, hi = (tuple(int(v) for v in s) for s in (min, opt, max))
        if not (len(lo) == len(mid) == len(hi)) or not all(a <= b <= c for a, b, c in zip(lo, mid, hi)):
            raise ValueError(f'profile {name}: need min <= opt <= max, got {lo} {mid} {hi}')
        self.shapes[name] = (lo, mid, hi)


class BuilderConfig:
    def __init__(self):
        self.flags, self.pools, self.profiles = set(), {}, []

    def set_flag(self, flag):
        self.flags.add(flag)

    def set_memory_pool_limit(self, pool, size):
        self.pools[pool] = int(size)

    def add_optimization_profile(self, profile):
        self.profiles.append(profile)
        return len(self.profiles) - 1


class Logger:
    WARNING, ERROR, INFO = 'WARNING', 'ERROR', 'INFO'

    def __init__(self, severity=None):
        self.severity = severity


class MemoryPoolType:
    WORKSPACE = 'WORKSPACE'


class FakeTensorRT:
    """The module: ``FakeTensorRT(version=10)`` or ``(version=11)``; ``builds`` lists each build's record."""
    Logger, MemoryPoolType, OnnxParser = Logger, MemoryPoolType, OnnxParser
    float32, float16, int32, int64 = float32, float16, int32, int64

    def __init__(self, version=10):
        self.__version__ = f'{version}.0.0-fake'
        flags = {'OBEY_PRECISION_CONSTRAINTS': 'OBEY_PRECISION_CONSTRAINTS',
                 'PREFER_PRECISION_CONSTRAINTS': 'PREFER_PRECISION_CONSTRAINTS'}
        if version < 11:
            flags['FP16'] = 'FP16'
        self.BuilderFlag = type('BuilderFlag', (), flags)
        self.builds = []
        fake = self

        class Builder:
            def __init__(self, logger):
                self.logger = logger

            def create_network(self, flags=0):
                return Network(flags)

            def create_builder_config(self):
                return BuilderConfig()

            def create_optimization_profile(self):
                return OptimizationProfile()

            def build_serialized_network(self, network, config):
                return fake._build(network, config)

        self.Builder = Builder

    def _build(self, network, config):
        if len(config.profiles) != 1:
            raise ValueError(f'expected one optimization profile, got {len(config.profiles)}')
        shapes = config.profiles[0].shapes
        for tensor in network.inputs:
            if tensor.name not in shapes:
                raise ValueError(f'network input {tensor.name} has no profile shape')
        unknown = set(shapes) - {t.name for t in network.inputs}
        if unknown:
            raise ValueError(f'profile names tensors that are not network inputs: {unknown}')
        record = dict(flags=sorted(config.flags), pools=config.pools,
                      profile={k: [list(s) for s in v] for k, v in shapes.items()},
                      fp32_layers=[layer.name for layer in network.layers
                                   if layer.precision_is_set and layer.precision is float32],
                      output_types={layer.name: sorted(layer.output_types) for layer in network.layers
                                    if layer.output_types},
                      half_tensors=sum(o.dtype is float16 for layer in network.layers
                                       for o in layer._outputs),
                      input_dtypes={t.name: t.dtype.name for t in network.inputs},
                      onnx=network.onnx_bytes.hex())
        self.builds.append(record)
        return json.dumps(record).encode()

    @staticmethod
    def nptype(dtype):
        return dtype.np_type

    class Runtime:
        def __init__(self, logger):
            self.logger = logger

        def deserialize_cuda_engine(self, data):
            try:
                return FakeEngine(json.loads(bytes(data)))
            except ValueError:
                return None


class FakeEngine:
    """Runs the recorded ONNX model with ONNX Runtime; tensors through the runner's (host) pointers."""

    def __init__(self, record):
        import onnxruntime as ort
        self.session = ort.InferenceSession(bytes.fromhex(record['onnx']), providers=['CPUExecutionProvider'])
        self.profile = record['profile']
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.outputs = [o.name for o in self.session.get_outputs()]
        self.types = {i.name: (float16 if 'float16' in i.type else float32)
                      for i in self.session.get_inputs() + self.session.get_outputs()}

    @property
    def num_io_tensors(self):
        return len(self.inputs) + len(self.outputs)

    def get_tensor_name(self, i):
        return (self.inputs + self.outputs)[i]

    def get_tensor_dtype(self, name):
        return self.types[name]

    def create_execution_context(self):
        return FakeContext(self)


class FakeContext:
    def __init__(self, engine):
        self.engine, self.shapes, self.addresses = engine, {}, {}

    def set_input_shape(self, name, shape):
        lo, _, hi = self.engine.profile[name]
        if len(shape) != len(lo) or not all(a <= s <= b for a, s, b in zip(lo, shape, hi)):
            return False
        self.shapes[name] = tuple(shape)
        x = np.zeros(shape, self.engine.types[name].np_type)
        for out, value in zip(self.engine.outputs, self.engine.session.run(None, {name: x})):
            self.shapes[out] = value.shape
        return True

    def get_tensor_shape(self, name):
        return self.shapes[name]

    def set_tensor_address(self, name, ptr):
        self.addresses[name] = ptr

    def _array(self, name):
        shape, dtype = self.shapes[name], self.engine.types[name].np_type
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        memory = (ctypes.c_char * nbytes).from_address(self.addresses[name])
        return np.frombuffer(memory, dtype).reshape(shape)

    def execute_async_v3(self, stream):
        feeds = {n: self._array(n).copy() for n in self.engine.inputs}
        for out, value in zip(self.engine.outputs, self.engine.session.run(None, feeds)):
            self._array(out)[...] = value
        return True


class HostCuda:
    """:class:`rtmpose_ext.deploy.runtime.tensorrt_engine.CudaRuntime`'s calls on host memory."""

    def __init__(self):
        self.blocks, self.copies = {}, []

    def malloc(self, nbytes):
        block = ctypes.create_string_buffer(nbytes)
        self.blocks[ctypes.addressof(block)] = block
        return ctypes.addressof(block)

    def free(self, ptr):
        self.blocks.pop(ptr, None)

    def stream(self):
        return 7

    def copy(self, dst, src, nbytes, kind, stream):
        assert stream == 7
        self.copies.append(kind)
        ctypes.memmove(dst, src, nbytes)

    def synchronize(self, stream):
        assert stream == 7
