"""Inference engines: one class per backend runtime, chosen by the network file's extension.

Each takes a batch (N, 3, H, W) float32 and returns the outputs as float32 arrays (N, ...) in the order
of ``ModelInfo.output_names``. Static-batch networks (OpenVINO IR and ncnn here) run the batch one
sample at a time.

**Precision is explicit.** Every engine runs the precision of the model directory (``deploy.json``'s
``precision``, from the deploy config: 'FP32', 'FP16' or 'BF16') unless ``precision_hint`` asks for another,
and reports what it actually runs in ``engine.precision`` ('f32', 'bf16' or 'f16': the lowest precision
that touches the results, weights included) and ``engine.precision_detail`` (in words). Backends left to
their defaults do not run float32 everywhere: OpenVINO's CPU plugin picks bfloat16 on CPUs with bf16
units (AMD Zen 4, Intel Sapphire Rapids and later), ncnn turns its float16 storage and arithmetic on.

Options (all optional):

- ``num_threads`` (int): CPU threads of the backend.
- ``precision_hint`` (str, OpenVINO and ncnn): 'f32', 'bf16' or 'f16' instead of the model's precision.
  OpenVINO reads back what the compiled model uses (a CPU without f16 units runs the f16 hint in bf16
  where it has bf16 units, else in f32); ncnn's bf16 is bfloat16 storage between layers, its f16 float16
  storage plus float16 arithmetic where the CPU has it (ARM ``asimdhp``, x86 ``avx512_fp16``).
- ``allow_spinning`` (bool, ONNX Runtime): whether idle intra-op threads spin (ONNX Runtime's default,
  True); False frees the cores between calls (useful when several engines share a CPU).
- ``device`` (str, OpenVINO): device name, default 'CPU'.
"""
import os.path as osp
from functools import lru_cache
from typing import Dict, List, Optional, Type

import numpy as np

from .cpu import has_fp16_arithmetic
from .model_info import ModelInfo

#: Precisions an engine can be asked for (``precision_hint``) and reports (``engine.precision``).
PRECISION_HINTS = ('f32', 'bf16', 'f16')
#: The hint that runs a model directory's own precision (``deploy.json``); int8 models keep their
#: unquantized layers in f32.
MODEL_PRECISION_HINT = {'FP32': 'f32', 'BF16': 'bf16', 'FP16': 'f16', 'INT8': 'f32'}


def requested_hint(info: ModelInfo, precision_hint: Optional[str]) -> str:
    """``precision_hint`` (checked), else the one matching ``info.precision``."""
    hint = precision_hint or MODEL_PRECISION_HINT.get(info.precision, 'f32')
    if hint not in PRECISION_HINTS:
        raise ValueError(f'precision_hint: expected one of {PRECISION_HINTS}, got {precision_hint!r}')
    return hint


class Engine:
    """Base of the engines: ``__call__`` splits static-batch inputs into samples.

    Attributes:
        precision (str): 'f32', 'bf16' or 'f16': what the backend runs (see the module docstring); 'int8'
            for an int8 model (its quantized layers; the rest in f32).
        precision_detail (str): How it computes, in words.
    """
    dynamic_batch = True
    precision = 'f32'
    precision_detail = 'float32'

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
    """ONNX Runtime (CPU provider): runs the model file's own precision; feeds float16 to float16 models."""

    def __init__(self, info: ModelInfo, num_threads: Optional[int] = None, allow_spinning: bool = True,
                 precision_hint: Optional[str] = None, **options):
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
        fp16 = self.dtype == np.float16 or info.precision == 'FP16'
        self.precision = 'f16' if fp16 else 'f32'
        self.precision_detail = ('float16 model; the CPU provider runs ops without float16 kernels in '
                                 'float32 between Casts' if fp16 else 'float32')
        if info.precision == 'INT8':
            self.precision, self.precision_detail = 'int8', 'int8 (QDQ) quantized layers, float32 elsewhere'
        if precision_hint and precision_hint != self.precision:
            raise ValueError(f'precision_hint: ONNX Runtime runs the precision of the model file '
                             f'({self.precision}), got {precision_hint!r}; convert with an fp16 deploy '
                             'config for float16')

    def run(self, inputs):
        return self.session.run(self.info.output_names, {self.info.input_name: inputs.astype(self.dtype)})


@lru_cache(maxsize=1)
def openvino_core():
    """The process's one ``openvino.Core``, shared by every OpenVINO engine (OpenVINO advises one Core per
    application). With a Core of its own per engine, a process that destroyed its last compiled model and
    then forked (mmengine's Runner with a DataLoader worker) crashed with SIGSEGV
    (tests/test_deploy_openvino_process.py)."""
    import openvino as ov
    return ov.Core()


class OpenVINOEngine(Engine):
    """OpenVINO IR (``.xml`` + ``.bin``) with ``INFERENCE_PRECISION_HINT`` always set, read back after
    compiling."""

    def __init__(self, info: ModelInfo, num_threads: Optional[int] = None,
                 precision_hint: Optional[str] = None, device: str = 'CPU', **options):
        super().__init__(info)
        hint = requested_hint(info, precision_hint)
        config: Dict[str, str] = {'INFERENCE_PRECISION_HINT': hint}
        if num_threads:
            config['INFERENCE_NUM_THREADS'] = str(int(num_threads))
        self.compiled = openvino_core().compile_model(info.net, device, config)
        self.precision = self.compiled.get_property('INFERENCE_PRECISION_HINT').to_string()
        self.precision_detail = f'OpenVINO {device} inference precision {self.precision}, requested {hint}'
        if info.precision == 'INT8':
            self.precision_detail = f'int8 (NNCF) quantized layers, the rest {self.precision_detail}'
            self.precision = 'int8'
        self.outputs = [self.compiled.output(name) for name in info.output_names]
        self.dynamic_batch = self.compiled.input(0).get_partial_shape()[0].is_dynamic

    def run(self, inputs):
        result = self.compiled(inputs)
        return [result[o] for o in self.outputs]


class NcnnEngine(Engine):
    """ncnn (``.param`` + ``.bin``, batch 1) with every reduced-precision switch set explicitly (ncnn's
    defaults turn float16 storage and arithmetic on): f32 turns them all off, bf16 turns bfloat16 storage
    on, f16 float16 storage and arithmetic. A model with float16 weights (precision 'FP16') reports f16
    whatever it computes in."""
    dynamic_batch = False

    def __init__(self, info: ModelInfo, num_threads: Optional[int] = None,
                 precision_hint: Optional[str] = None, **options):
        super().__init__(info)
        import ncnn
        self.ncnn = ncnn
        self.net = ncnn.Net()
        hint = requested_hint(info, precision_hint)
        opt = self.net.opt
        opt.use_fp16_storage = opt.use_fp16_packed = opt.use_fp16_arithmetic = hint == 'f16'
        opt.use_bf16_storage = opt.use_bf16_packed = hint == 'bf16'
        opt.use_vulkan_compute = False
        if num_threads:
            opt.num_threads = int(num_threads)
        if self.net.load_param(info.net) != 0 or self.net.load_model(info.weights) != 0:
            raise RuntimeError(f'ncnn could not load {info.net!r} / {info.weights!r}')
        self.precision, self.precision_detail = self._describe(hint, info.precision == 'FP16')

    @staticmethod
    def _describe(hint: str, fp16_weights: bool):
        weights = 'float16' if fp16_weights else 'float32'
        if hint == 'bf16':
            return 'bf16', f'{weights} weights, bfloat16 storage, float32 arithmetic'
        if hint == 'f16':
            arithmetic = 'float16' if has_fp16_arithmetic() else 'float32 (no float16 arithmetic on this CPU)'
            return 'f16', f'{weights} weights, float16 storage, {arithmetic} arithmetic'
        return ('f16' if fp16_weights else 'f32'), f'{weights} weights, float32 storage and arithmetic'

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
    """The engine for ``info.net`` by its extension (.onnx: ONNX Runtime, .xml: OpenVINO, .param: ncnn,
    .engine: TensorRT, registered by :mod:`.tensorrt_engine`)."""
    ext = osp.splitext(info.net)[1]
    if ext not in ENGINES:
        raise ValueError(f'no runtime engine for {info.net!r}; supported network files: {sorted(ENGINES)} '
                         '(RKNN models run with Rockchip\'s runtime on the board, or in rknn-toolkit2\'s PC '
                         'simulator through python -m rtmpose_ext.deploy.evaluate)')
    return ENGINES[ext](info, **options)
