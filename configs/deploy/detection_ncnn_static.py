# Single-stage detector (RTMDet) -> ncnn (pnnx), fp32, static 1x3xHxW at the size the model config's test
# pipeline pads to. ncnn has no operator for ONNX NonMaxSuppression, so the graph ends before NMS
# (with_nms=False): boxes (1, A, 4) x1, y1, x2, y2 in input pixels and scores (1, A, C), one row per
# prior; rtmpose_ext.deploy.runtime.PersonDetector thresholds and suppresses them in numpy with the
# model config's test_cfg.
_base_ = ['./_base_/detection_static.py']
onnx_config = dict(output_names=['boxes', 'scores'], optimize=False)
codebase_config = dict(with_nms=False)
backend_config = dict(type='ncnn', precision='FP32', use_vulkan=False, converter='pnnx')
