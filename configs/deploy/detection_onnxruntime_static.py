# Single-stage detector (RTMDet) -> ONNX Runtime, fp32, static 1x3xHxW at the size the model config's
# test pipeline pads to (e.g. 320x320), NMS in the graph.
_base_ = ['./_base_/detection_static.py']
backend_config = dict(type='onnxruntime')
