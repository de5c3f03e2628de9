# SimCC pose model -> TensorRT, fp16, dynamic batch 1-4 at 256x192 (h x w).
# Needs the `tensorrt` package and a CUDA device (--device cuda:0); without them the command writes the
# ONNX model and the SDK description and stops before building the engine.
_base_ = ['./pose-detection_simcc_tensorrt_dynamic-256x192.py']
# scale_norm_overflow_safe (from the base) is needed here: TensorRT's ONNX parser imports ReduceL2 as
# sqrt(ReduceSumSquare(x)), whose sum of squares overflows float16 above 65504 (mmpose's ScaleNorm ->
# inf norm -> zero/NaN logits)
backend_config = dict(common_config=dict(fp16_mode=True))
