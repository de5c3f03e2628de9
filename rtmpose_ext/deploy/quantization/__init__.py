"""int8 post-training quantization for CPU backends, calibrated on training-split crops.

- :mod:`.settings`: ``backend_config.quantization_config`` checked into :class:`QuantizationSettings`.
- :mod:`.onnxruntime`: ONNX Runtime static quantization (QDQ, per-channel weights).
- :mod:`.openvino`: OpenVINO post-training quantization with NNCF.

Both quantize the nodes whose names start with one of ``quantization_config.scope`` (by default
``'/backbone/'``: CSPNeXt's convolutions) and leave the rest (the head: its 7x7 conv, ScaleNorm, the GAU
and the SimCC classifiers) in float32.
"""
from .settings import QuantizationSettings, quantization_settings, select_nodes

__all__ = ['QuantizationSettings', 'quantization_settings', 'select_nodes']
