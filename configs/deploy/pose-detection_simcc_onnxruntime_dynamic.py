# SimCC pose model (RTMPose / SimCC heads) -> ONNX Runtime, dynamic batch, fp32.
# Runs float32 on every CPU (ONNX Runtime's CPU provider has no implicit reduced precision on x86).
#   python -m rtmpose_ext.deploy THIS_FILE MODEL_CFG CHECKPOINT IMAGE --work-dir DIR
# Outputs are the x/y logits (N, K, Wx), (N, K, Wy); decoding runs outside the graph (the SDK's
# SimCCLabelDecode or rtmpose_ext.deploy.runtime). codebase_config.export_postprocess=True puts the
# decoding (arg-max, score, / split ratio) into the graph; its outputs are then (N, K, 2) keypoints and
# (N, K) scores (the output names stay as configured; rename them, and the dynamic_axes keys, for clarity).
_base_ = ['./_base_/pose-detection_simcc_dynamic-batch.py']
onnx_config = dict(input_shape=None)    # any input size: the model config's codec.input_size
backend_config = dict(type='onnxruntime', precision='FP32')
