"""ONNX Runtime static int8 quantization: QDQ format, uint8 activations, int8 weights (per channel).

The model is first prepared with ``onnxruntime.quantization.quant_pre_process`` (shape inference and
ONNX Runtime's basic graph optimisations), then ``quantize_static`` puts QuantizeLinear/DequantizeLinear
pairs around the selected nodes' inputs and weights, with activation ranges measured on the calibration
inputs. ONNX Runtime's CPU provider fuses each ``DQ -> Conv -> Q`` into an integer convolution (VNNI dot
products where the CPU has them); everything outside the selected nodes stays float32.
"""
import os
import os.path as osp
import tempfile

import numpy as np
import onnx

from ..configs import DeployConfigError
from .settings import QuantizationSettings, select_nodes

MIN_PER_CHANNEL_OPSET = 13     # DequantizeLinear's `axis` (per-channel scales) exists from opset 13


def _onnx_opset(model: onnx.ModelProto) -> int:
    return max(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))


def _data_reader(inputs: np.ndarray, input_name: str):
    from onnxruntime.quantization import CalibrationDataReader

    class Reader(CalibrationDataReader):
        """One calibration input (1, 3, H, W) per call."""

        def __init__(self):
            self.index = 0

        def get_next(self):
            if self.index >= len(inputs):
                return None
            self.index += 1
            return {input_name: inputs[self.index - 1:self.index]}

    return Reader()


def quantize_onnx(onnx_file: str, out_file: str, inputs: np.ndarray, settings: QuantizationSettings) -> str:
    """Write the int8 (QDQ) form of ``onnx_file`` to ``out_file`` (which may be ``onnx_file``).

    Args:
        onnx_file (str): float32 ONNX model with one input.
        out_file (str): Output path.
        inputs (np.ndarray): (N, 3, H, W) float32 calibration inputs (normalised crops).
        settings (QuantizationSettings): ``scope`` (which nodes), ``per_channel``, ``method``.

    Returns:
        str: ``out_file``.
    """
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    model = onnx.load(onnx_file)
    if settings.per_channel and _onnx_opset(model) < MIN_PER_CHANNEL_OPSET:
        raise DeployConfigError(f'onnx_config.opset_version: per-channel int8 needs opset >= '
                                f'{MIN_PER_CHANNEL_OPSET}, the model has {_onnx_opset(model)}; set '
                                f'opset_version={MIN_PER_CHANNEL_OPSET} (or per_channel=False)')
    with tempfile.TemporaryDirectory(prefix='ort_int8_') as tmp:
        prepared = osp.join(tmp, 'prepared.onnx')
        quant_pre_process(onnx_file, prepared)
        names = [n.name for n in onnx.load(prepared).graph.node]
        quantized = osp.join(tmp, 'int8.onnx')
        quantize_static(prepared, quantized, _data_reader(inputs, model.graph.input[0].name),
                        quant_format=QuantFormat.QDQ, per_channel=settings.per_channel,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        nodes_to_quantize=select_nodes(names, settings.scope),
                        calibrate_method=getattr(CalibrationMethod, settings.method))
        os.replace(quantized, out_file)
    return out_file
