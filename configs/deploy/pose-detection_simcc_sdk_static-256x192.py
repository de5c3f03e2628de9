# SimCC pose model for MMDeploy's SDK: the model directory (end2end.onnx + pipeline.json, deploy.json,
# detail.json) with the SDK's pipeline: load image -> box to center/scale (padding 1.25) -> affine crop
# 256x192 -> normalise (BGR->RGB, mean/std) -> network -> SimCCLabelDecode (arg-max, score, / split ratio).
# `model_type='sdk'` makes MMDeploy's test tool run the directory with mmdeploy-runtime (not installed
# here); rtmpose_ext.deploy.runtime reads the same directory.
_base_ = ['./_base_/pose-detection_simcc_static-256x192.py']
codebase_config = dict(model_type='sdk')
backend_config = dict(
    type='sdk',
    pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='GetBBoxCenterScale'),
        dict(type='PackPoseInputs'),
    ])
