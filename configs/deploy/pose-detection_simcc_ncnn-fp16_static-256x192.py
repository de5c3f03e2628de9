# SimCC pose model -> ncnn, static 1x3x256x192, float16 weights; the runtime enables ncnn's fp16
# storage/arithmetic (used where the CPU has them).
# converter='pnnx' (ncnn's converter, pip package pnnx): standard ONNX export, converted by pnnx.
# converter='mmdeploy_onnx2ncnn' (MMDeploy's C++ converter, not in its pip package): export with MMDeploy's
# ncnn rewriters and our ncnn forms of the GAU/ScaleNorm/Scale (no split/unbind, explicit broadcasts).
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['simcc_x', 'simcc_y'],
    input_shape=[192, 256],     # (w, h)
    optimize=False)
codebase_config = dict(
    type='mmpose',
    task='PoseDetection',
    module=['rtmpose_ext.deploy'],
    export_postprocess=False,
    scale_norm_overflow_safe=True)
backend_config = dict(type='ncnn', precision='FP16', use_vulkan=False, converter='pnnx')
