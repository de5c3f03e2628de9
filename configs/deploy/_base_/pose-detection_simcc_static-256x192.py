# What every SimCC deploy config shares: ONNX export of the two SimCC outputs at 256x192 (h x w), and the
# mmpose codebase with our rewriters. The backend configs next to this folder inherit it.
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['simcc_x', 'simcc_y'],
    input_shape=[192, 256],     # (w, h); None: the model config's codec.input_size
    optimize=True)              # MMDeploy's ONNX passes (need its TorchScript extension; skipped without)
codebase_config = dict(
    type='mmpose',
    task='PoseDetection',
    module=['rtmpose_ext.deploy'],       # imported by MMDeploy's tools: registers our rewriters
    export_postprocess=False,
    scale_norm_overflow_safe=True)       # ScaleNorm in a form that cannot overflow in fp16
