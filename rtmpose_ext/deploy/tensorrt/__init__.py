"""TensorRT 10/11 engines without MMDeploy's TensorRT code (which uses APIs both removed).

- :mod:`.builder`: ONNX -> engine (parser, optimization profile, fp16 with ScaleNorm and the classifiers
  in float32), for the conversion (:mod:`rtmpose_ext.deploy.backends.tensorrt`).
- The runner is runtime-side: :mod:`rtmpose_ext.deploy.runtime.tensorrt_engine` (numpy + tensorrt + the
  CUDA runtime library through ctypes).
"""
from .builder import DEFAULT_FP32_LAYERS, BuildSettings, build_engine, build_settings, fp16_strategy

__all__ = ['DEFAULT_FP32_LAYERS', 'BuildSettings', 'build_engine', 'build_settings', 'fp16_strategy']
