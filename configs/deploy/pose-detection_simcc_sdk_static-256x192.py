# SimCC pose model for MMDeploy's SDK: the model directory (end2end.onnx + pipeline.json, deploy.json,
# detail.json) with the SDK's pipeline: load image -> box to center/scale (padding 1.25) -> affine crop
# 256x192 -> normalise (BGR->RGB, mean/std) -> network -> SimCCLabelDecode (arg-max, score, / split ratio).
# `model_type='sdk'` makes MMDeploy's test tool run the directory with mmdeploy-runtime (not installed
# here); rtmpose_ext.deploy.runtime reads the same directory.
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
    model_type='sdk',
    export_postprocess=False,
    scale_norm_overflow_safe=True)
backend_config = dict(
    type='sdk',
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='GetBBoxCenterScale'),
        dict(type='PackPoseInputs'),
    ])
