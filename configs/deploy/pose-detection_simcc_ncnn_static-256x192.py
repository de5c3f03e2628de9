# SimCC pose model -> ncnn, static 1x3x256x192, float32 weights, float32 arithmetic on every CPU.
# The runtime turns all of ncnn's reduced-precision switches off for FP32 (ncnn's defaults turn float16
# storage and arithmetic on); precision='BF16' (or the runtime's precision_hint='bf16') runs bfloat16
# storage between layers.
# converter='pnnx' (ncnn's converter, pip package pnnx): standard ONNX export, converted by pnnx.
# converter='mmdeploy_onnx2ncnn' (MMDeploy's C++ converter, not in its pip package): export with MMDeploy's
# ncnn rewriters and our ncnn forms of the GAU/ScaleNorm/Scale (no split/unbind, explicit broadcasts).
_base_ = ['./_base_/pose-detection_simcc_static-256x192.py']
onnx_config = dict(optimize=False)
backend_config = dict(type='ncnn', precision='FP32', use_vulkan=False, converter='pnnx')
