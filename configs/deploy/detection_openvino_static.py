# Single-stage detector (RTMDet) -> OpenVINO IR (.xml/.bin), static 1x3xHxW at the size the model
# config's test pipeline pads to, NMS in the graph (OpenVINO runs ONNX NonMaxSuppression).
# Converted with openvino.convert_model; the input shape is the padded size unless
# backend_config.model_inputs[0].opt_shapes gives it.
_base_ = ['./_base_/detection_static.py']
# precision: the inference precision the runtime sets ('FP32' -> 'f32' on every CPU; OpenVINO alone would
# choose bf16 on CPUs with bf16 units). PersonDetector's precision_hint='bf16' asks for bf16.
backend_config = dict(type='openvino', precision='FP32', compress_to_fp16=False)
