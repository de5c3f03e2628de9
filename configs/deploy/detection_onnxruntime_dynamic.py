# Single-stage detector (RTMDet) -> ONNX Runtime, fp32, dynamic batch and input size, NMS in the graph.
#   python -m rtmpose_ext.deploy THIS_FILE MODEL_CFG CHECKPOINT IMAGE --work-dir DIR
# Outputs dets (N, K, 5) x1, y1, x2, y2, score in input pixels and labels (N, K), at most max_per_img
# boxes with score >= score_thr after NMS (the model config's test_cfg).
_base_ = ['./_base_/detection_dynamic.py']
backend_config = dict(type='onnxruntime')
