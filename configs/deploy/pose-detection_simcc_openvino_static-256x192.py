# SimCC pose model -> OpenVINO IR (.xml/.bin), static 1x3x256x192, float32 weights.
# Converted with openvino.convert_model (OpenVINO >= 2025 has no Model Optimizer `mo`, which MMDeploy calls).
# Inference precision is the device's default (f32 on CPUs without native f16/bf16); the runtime takes
# an INFERENCE_PRECISION_HINT (e.g. 'f16') as an option.
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['simcc_x', 'simcc_y'],
    input_shape=[192, 256],     # (w, h)
    optimize=True)
codebase_config = dict(
    type='mmpose',
    task='PoseDetection',
    module=['rtmpose_ext.deploy'],
    export_postprocess=False,
    scale_norm_overflow_safe=True)
backend_config = dict(
    type='openvino',
    compress_to_fp16=False,     # True: float16 weights in the .bin
    model_inputs=[dict(opt_shapes=dict(input=[1, 3, 256, 192]))])
