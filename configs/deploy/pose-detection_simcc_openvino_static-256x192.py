# SimCC pose model -> OpenVINO IR (.xml/.bin), static 1x3x256x192, float32 weights.
# Converted with openvino.convert_model (OpenVINO >= 2025 has no Model Optimizer `mo`, which MMDeploy calls).
# Inference precision is the device's default (f32 on CPUs without native f16/bf16); the runtime takes
# an INFERENCE_PRECISION_HINT (e.g. 'f16') as an option.
_base_ = ['./_base_/pose-detection_simcc_static-256x192.py']
backend_config = dict(
    type='openvino',
    compress_to_fp16=False,     # True: float16 weights in the .bin
    model_inputs=[dict(opt_shapes=dict(input=[1, 3, 256, 192]))])
