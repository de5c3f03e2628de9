"""TensorRT engines (``.engine``) with TensorRT 10/11's named-tensor API, numpy, and the CUDA runtime
library called through ctypes (no torch, no pycuda).

Per call: the input shape is set on the execution context (within the engine's optimization profile),
device buffers are (re)allocated when a batch is larger than any before, the input is copied to the
device, ``execute_async_v3`` runs on a CUDA stream, the outputs are copied back and the stream is
synchronised. Importing this module registers the engine for ``.engine`` files in :data:`.engines.ENGINES`.
"""
import ctypes
import ctypes.util
import glob
import os.path as osp
import sys
from typing import Dict, List, Optional

import numpy as np

from .engines import ENGINES, Engine
from .model_info import ModelInfo

_H2D, _D2H = 1, 2   # cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost


def _cudart_candidates() -> List[str]:
    names = ['libcudart.so', 'libcudart.so.13', 'libcudart.so.12', 'libcudart.so.11.0']
    found = ctypes.util.find_library('cudart')
    wheels = [p for d in sys.path for p in glob.glob(osp.join(d, 'nvidia', 'cuda_runtime', 'lib',
                                                             'libcudart.so*'))]
    return ([found] if found else []) + names + wheels


class CudaRuntime:
    """The few CUDA runtime calls the engine needs; an error names the call and CUDA's error code."""

    def __init__(self, library: Optional[str] = None):
        self.lib = None
        for name in ([library] if library else _cudart_candidates()):
            try:
                self.lib = ctypes.CDLL(name)
                break
            except OSError:
                continue
        if self.lib is None:
            raise RuntimeError('TensorRT engine: the CUDA runtime library (libcudart) was not found; install '
                               'the CUDA runtime (e.g. the nvidia-cuda-runtime wheel TensorRT depends on)')

    def _call(self, name: str, *args) -> None:
        code = getattr(self.lib, name)(*args)
        if code != 0:
            raise RuntimeError(f'CUDA runtime: {name} failed with error {code}')

    def malloc(self, nbytes: int) -> int:
        ptr = ctypes.c_void_p()
        self._call('cudaMalloc', ctypes.byref(ptr), ctypes.c_size_t(nbytes))
        return ptr.value

    def free(self, ptr: int) -> None:
        self._call('cudaFree', ctypes.c_void_p(ptr))

    def stream(self) -> int:
        s = ctypes.c_void_p()
        self._call('cudaStreamCreate', ctypes.byref(s))
        return s.value or 0

    def copy(self, dst: int, src: int, nbytes: int, kind: int, stream: int) -> None:
        self._call('cudaMemcpyAsync', ctypes.c_void_p(dst), ctypes.c_void_p(src), ctypes.c_size_t(nbytes),
                   ctypes.c_int(kind), ctypes.c_void_p(stream))

    def synchronize(self, stream: int) -> None:
        self._call('cudaStreamSynchronize', ctypes.c_void_p(stream))


class TensorRTEngine(Engine):
    """A serialized TensorRT engine (``.engine``); dynamic batch within its optimization profile."""

    def __init__(self, info: ModelInfo, num_threads: Optional[int] = None, trt=None, cuda=None, **options):
        super().__init__(info)
        if trt is None:
            import tensorrt as trt
        self.trt, self.cuda = trt, cuda or CudaRuntime()
        self.logger = trt.Logger(trt.Logger.WARNING)
        with open(info.net, 'rb') as f:
            self.engine = trt.Runtime(self.logger).deserialize_cuda_engine(f.read())
        if self.engine is None:
            raise RuntimeError(f'TensorRT could not load {info.net!r} (built by another TensorRT version or '
                               'for another GPU?)')
        self.context = self.engine.create_execution_context()
        names = [self.engine.get_tensor_name(i) for i in range(self.engine.num_io_tensors)]
        missing = [n for n in [info.input_name] + info.output_names if n not in names]
        if missing:
            raise RuntimeError(f'TensorRT engine {info.net!r}: no tensors {missing} (it has {names})')
        self.dtypes = {n: np.dtype(trt.nptype(self.engine.get_tensor_dtype(n))) for n in names}
        self.stream = self.cuda.stream()
        self.buffers: Dict[str, tuple] = {}     # name -> (device pointer, bytes)
        self.precision = 'f16' if info.precision == 'FP16' else 'f32'
        self.precision_detail = ('TensorRT fp16 (ScaleNorm and the classifiers in float32)'
                                 if self.precision == 'f16' else 'TensorRT fp32')

    def _device(self, name: str, nbytes: int) -> int:
        ptr, size = self.buffers.get(name, (None, 0))
        if nbytes > size:
            if ptr is not None:
                self.cuda.free(ptr)
            ptr, size = self.cuda.malloc(nbytes), nbytes
            self.buffers[name] = (ptr, size)
        self.context.set_tensor_address(name, ptr)
        return ptr

    def run(self, inputs: np.ndarray) -> List[np.ndarray]:
        name = self.info.input_name
        x = np.ascontiguousarray(inputs, self.dtypes[name])
        if not self.context.set_input_shape(name, tuple(x.shape)):
            raise ValueError(f'TensorRT engine: input shape {x.shape} is outside its optimization profile')
        self.cuda.copy(self._device(name, x.nbytes), x.ctypes.data, x.nbytes, _H2D, self.stream)
        outputs = {}
        for out in self.info.output_names:
            outputs[out] = np.empty(tuple(self.context.get_tensor_shape(out)), self.dtypes[out])
            self._device(out, outputs[out].nbytes)
        if not self.context.execute_async_v3(self.stream):
            raise RuntimeError('TensorRT engine: execute_async_v3 failed')
        for out, array in outputs.items():
            self.cuda.copy(array.ctypes.data, self.buffers[out][0], array.nbytes, _D2H, self.stream)
        self.cuda.synchronize(self.stream)
        return [outputs[o] for o in self.info.output_names]

    def __del__(self):
        for ptr, _ in getattr(self, 'buffers', {}).values():
            try:
                self.cuda.free(ptr)
            except Exception:  # noqa: BLE001  (interpreter shutdown)
                pass


ENGINES['.engine'] = TensorRTEngine
