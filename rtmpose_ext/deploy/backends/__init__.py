"""Backend converters (ONNX -> backend files), one per ``backend_config.type``."""
from . import ncnn, onnxruntime, openvino, rknn, sdk, tensorrt  # noqa: F401  (registers the converters)
from .base import BACKEND_CONVERTERS, BackendConverter, MissingToolkitError, get_converter, require

__all__ = ['BACKEND_CONVERTERS', 'BackendConverter', 'MissingToolkitError', 'get_converter', 'require']
