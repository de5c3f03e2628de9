"""Inference engines: one class per backend runtime, chosen by the network file's extension.

Each takes a batch (N, 3, H, W) float32 and returns the outputs as float32 arrays (N, ...) in the order
of ``ModelInfo.output_names``. Static-batch networks (OpenVINO IR and ncnn here) run the batch one
sample at a time. Options (all optional):

- ``num_threads`` (int): CPU threads of the backend.
- ``allow_spinning`` (bool, ONNX Runtime): whether idle intra-op threads spin (ONNX Runtime's default,
  True); False frees the cores between calls (useful when several engines share a CPU).
- ``precision_hint`` (str, OpenVINO): ``INFERENCE_PRECISION_HINT``, e.g. 'f32', 'f16', 'bf16' (the CPU
  plugin falls back to f32 where the CPU has no native f16/bf16).
- ``device`` (str, OpenVINO): device name, default 'CPU'.
"""
import os.path as osp
from typing import Dict, List, Optional, Type

import numpy as np

from .model_info import ModelInfo


class Engine:
    """Base of the engines: ``__call__`` splits static-batch inputs into samples."""
    dynamic_batch = True

    def __init__(self, info: ModelInfo, num_threads: Optional[int] = None, **options):
        self.info = info

    def run(self, inputs: np.ndarray) -> List[np.ndarray]:
        raise NotImplementedError

    def __call__(self, inputs: np.ndarray) -> List[np.ndarray]:
        if inputs.ndim != 4 or inputs.shape[1] != 3:
            raise ValueError(f'{type(self).__name__}: expected inputs (N, 3, H, W), got {inputs.shape}')
        if self.dynamic_batch or len(inputs) == 1:
            return [np.asarray(o, np.float32) for o in self.run(inputs)]
        outputs = [self.run(inputs[i:i + 1]) for i in range(len(inputs))]
        return [np.concatenate([np.asarray(o[j], np.float32) for o in outputs])
                for j in range(len(outputs[0]))]


class OnnxRuntimeEngine(Engine):
    """ONNX Runtime (CPU provider); feeds float16 to float16 models."""

    def __init__(self, info: ModelInfo, num_threads: Optional[int] = None, allow_spinning: bool = True,
                 **options):
        super().__init__(info)
        import onnxruntime as ort
        session_options = ort.SessionOptions()
        if num_threads:
            session_options.intra_op_num_threads = int(num_threads)
            session_options.inter_op_num_threads = 1
        if not allow_spinning:
            session_options.add_session_config_entry('session.intra_op.allow_spinning', '0')
        self.session = ort.InferenceSession(info.net, session_options, providers=['CPUExecutionProvider'])
        model_input = self.session.get_inputs()[0]
        self.dtype = np.float16 if model_input.type == 'tensor(float16)' else np.float32
        self.dynamic_batch = not isinstance(model_input.shape[0], int)

    def run(self, inputs):
        return self.session.run(self.info.output_names, {self.info.input_name: inputs.astype(self.dtype)})


class OpenVINOEngine(Engine):
    """OpenVINO IR (``.xml`` + ``.bin``)."""

    def __init__(self, info: ModelInfo, num_threads: Optional[int] = None,
                 precision_hint: Optional[str] = None, device: str = 'CPU', **options):
        super().__init__(info)
        import openvino as ov
        config: Dict[str, str] = {}
        if precision_hint:
            config['INFERENCE_PRECISION_HINT'] = precision_hint
        if num_threads:
            config['INFERENCE_NUM_THREADS'] = str(int(num_threads))
        self.compiled = ov.Core().compile_model(info.net, device, config)
        self.inference_precision = str(self.compiled.get_property('INFERENCE_PRECISION_HINT'))
        self.outputs = [self.compiled.output(name) for name in info.output_names]
        self.dynamic_batch = self.compiled.input(0).get_partial_shape()[0].is_dynamic

    def run(self, inputs):
        result = self.compiled(inputs)
        return [result[o] for o in self.outputs]


class NcnnEngine(Engine):
    """ncnn (``.param`` + ``.bin``, batch 1); precision 'FP16' turns on ncnn's fp16 storage and arithmetic
    (used by the layers and CPUs that support them), 'FP32' turns them off."""
    dynamic_batch = False

    def __init__(self, info: ModelInfo, num_threads: Optional[int] = None, **options):
        super().__init__(info)
        import ncnn
        self.ncnn = ncnn
        self.net = ncnn.Net()
        fp16 = info.precision == 'FP16'
        opt = self.net.opt
        opt.use_fp16_storage = opt.use_fp16_packed = opt.use_fp16_arithmetic = fp16
        opt.use_vulkan_compute = False
        if num_threads:
            opt.num_threads = int(num_threads)
        if self.net.load_param(info.net) != 0 or self.net.load_model(info.weights) != 0:
            raise RuntimeError(f'ncnn could not load {info.net!r} / {info.weights!r}')

    def run(self, inputs):
        with self.net.create_extractor() as ex:
            ex.input(self.info.input_name, self.ncnn.Mat(np.ascontiguousarray(inputs[0])))
            outputs = []
            for name in self.info.output_names:
                ret, mat = ex.extract(name)
                if ret != 0:
                    raise RuntimeError(f'ncnn: cannot extract output {name!r} (error {ret})')
                outputs.append(np.array(mat)[None])
        return outputs


ENGINES: Dict[str, Type[Engine]] = {'.onnx': OnnxRuntimeEngine, '.xml': OpenVINOEngine, '.param': NcnnEngine}


def create_engine(info: ModelInfo, **options) -> Engine:
    """The engine for ``info.net`` by its extension (.onnx: ONNX Runtime, .xml: OpenVINO, .param: ncnn)."""
    ext = osp.splitext(info.net)[1]
    if ext not in ENGINES:
        raise ValueError(f'no runtime engine for {info.net!r}; supported network files: {sorted(ENGINES)} '
                         '(TensorRT engines and RKNN models run with their vendors\' runtimes)')
    return ENGINES[ext](info, **options)
