# SimCC pose model -> TensorRT, fp32, dynamic batch 1-4 at 256x192 (h x w).
# Needs the `tensorrt` package and a CUDA device (--device cuda:0); without them the command writes the
# ONNX model and the SDK description and stops before building the engine.
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['simcc_x', 'simcc_y'],
    input_shape=[192, 256],     # (w, h)
    optimize=True,
    dynamic_axes=dict(
        input={0: 'batch'},
        simcc_x={0: 'batch'},
        simcc_y={0: 'batch'}))
codebase_config = dict(
    type='mmpose',
    task='PoseDetection',
    module=['rtmpose_ext.deploy'],
    export_postprocess=False,
    scale_norm_overflow_safe=True)
backend_config = dict(
    type='tensorrt',
    common_config=dict(fp16_mode=False, max_workspace_size=1 << 30),
    model_inputs=[
        dict(
            input_shapes=dict(
                input=dict(
                    min_shape=[1, 3, 256, 192],
                    opt_shape=[2, 3, 256, 192],
                    max_shape=[4, 3, 256, 192])))
    ])
