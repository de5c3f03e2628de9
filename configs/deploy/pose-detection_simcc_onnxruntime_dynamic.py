# SimCC pose model (RTMPose / SimCC heads) -> ONNX Runtime, dynamic batch, fp32.
#   python -m rtmpose_ext.deploy THIS_FILE MODEL_CFG CHECKPOINT IMAGE --work-dir DIR
# Outputs are the x/y logits (N, K, Wx), (N, K, Wy); decoding runs outside the graph (the SDK's
# SimCCLabelDecode or rtmpose_ext.deploy.runtime). codebase_config.export_postprocess=True puts the
# decoding (arg-max, score, / split ratio) into the graph; its outputs are then (N, K, 2) keypoints and
# (N, K) scores (the output names stay as configured; rename them, and the dynamic_axes keys, for clarity).
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['simcc_x', 'simcc_y'],
    input_shape=None,           # (w, h); None: the model config's codec.input_size
    optimize=True,              # MMDeploy's ONNX passes (need its TorchScript extension; skipped without)
    dynamic_axes=dict(
        input={0: 'batch'},
        simcc_x={0: 'batch'},
        simcc_y={0: 'batch'}))
codebase_config = dict(
    type='mmpose',
    task='PoseDetection',
    module=['rtmpose_ext.deploy'],       # imported by MMDeploy's tools: registers our rewriters
    export_postprocess=False,
    scale_norm_overflow_safe=True)       # ScaleNorm in a form that cannot overflow in fp16
backend_config = dict(type='onnxruntime')
