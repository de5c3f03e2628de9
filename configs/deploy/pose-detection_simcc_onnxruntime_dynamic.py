# SimCC pose model (RTMPose / SimCC heads) -> ONNX Runtime, dynamic batch, fp32.
# Outputs are the x/y logits (N, K, W*k) and (N, K, H*k); decoding runs outside the graph
# (set codebase_config.export_postprocess=True to put argmax + score + /k into it).
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
codebase_config = dict(type='mmpose', task='PoseDetection', export_postprocess=False)
backend_config = dict(type='onnxruntime')
