# SimCC pose model -> OpenVINO IR (.xml/.bin), static 1x3x256x192, float32 weights, float32 inference.
# Converted with openvino.convert_model (OpenVINO >= 2025 has no Model Optimizer `mo`, which MMDeploy calls).
# precision: the INFERENCE_PRECISION_HINT the runtime sets ('FP32' -> 'f32' on every CPU). Left to OpenVINO,
# its CPU plugin runs bfloat16 on CPUs with bf16 units (AMD Zen 4, Intel Sapphire Rapids and later); the
# bf16 config next to this one asks for that explicitly. The runtime's precision_hint option overrides it.
_base_ = ['./_base_/pose-detection_simcc_static-256x192.py']
backend_config = dict(
    type='openvino',
    precision='FP32',           # 'FP32', 'BF16' or 'FP16' (inference precision; read back and reported)
    compress_to_fp16=False,     # True: float16 weights in the .bin
    model_inputs=[dict(opt_shapes=dict(input=[1, 3, 256, 192]))])
