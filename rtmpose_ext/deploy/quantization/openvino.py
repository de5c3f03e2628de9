"""OpenVINO int8 with NNCF post-training quantization (``nncf.quantize`` on the ``openvino.Model``).

NNCF inserts FakeQuantize operations (int8 weights, int8/uint8 activations) before the selected
operations, with ranges from the calibration inputs, and corrects the biases of quantized layers for the
shift quantization introduces (fast bias correction). The CPU plugin runs them as integer kernels (VNNI
where the CPU has it). Operations outside ``scope`` are in NNCF's ignored scope and stay float.
"""
import numpy as np

from .settings import QuantizationSettings, select_nodes


def quantize_openvino_model(model, inputs: np.ndarray, settings: QuantizationSettings):
    """The int8 form of ``model`` (an ``openvino.Model`` with a static input).

    Args:
        model (openvino.Model): float model converted from ONNX (operation names = ONNX node names).
        inputs (np.ndarray): (N, 3, H, W) float32 calibration inputs (normalised crops).
        settings (QuantizationSettings): ``scope`` (which operations), ``preset``, ``num_samples``.

    Returns:
        openvino.Model: the quantized model.
    """
    import nncf
    names = [op.get_friendly_name() for op in model.get_ordered_ops()]
    quantized = set(select_nodes(names, settings.scope))
    ignored = nncf.IgnoredScope(names=[n for n in names if n not in quantized], validate=False)
    preset = {'performance': nncf.QuantizationPreset.PERFORMANCE,
              'mixed': nncf.QuantizationPreset.MIXED}[settings.preset]
    dataset = nncf.Dataset(list(inputs), lambda x: x[None])
    return nncf.quantize(model, dataset, preset=preset, subset_size=len(inputs), ignored_scope=ignored)
