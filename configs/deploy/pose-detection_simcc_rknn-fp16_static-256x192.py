# SimCC pose model -> RKNN (Rockchip NPU), static 1x3x256x192, fp16 (no quantization).
# Needs rknn-toolkit2; without it the command writes the ONNX model and the SDK description and stops.
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
    type='rknn',
    common_config=dict(
        target_platform='rk3588',           # rk3566/rk3568/rk3588/rv1106/...
        optimization_level=1),
    quantization_config=dict(do_quantization=False, dataset=None),
    input_size_list=[[3, 256, 192]])
