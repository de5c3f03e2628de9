# SimCC pose model -> ncnn, static 1x3x256x192, float16 weights; the runtime enables ncnn's fp16
# storage and arithmetic. Float16 arithmetic needs a CPU with it (ARM asimdhp, x86 avx512_fp16); elsewhere
# (most x86 CPUs) ncnn computes in float32 from the float16 weights, and the runtime reports 'f16'.
# converter='pnnx' (ncnn's converter, pip package pnnx): standard ONNX export, converted by pnnx.
# converter='mmdeploy_onnx2ncnn' (MMDeploy's C++ converter, not in its pip package): export with MMDeploy's
# ncnn rewriters and our ncnn forms of the GAU/ScaleNorm/Scale (no split/unbind, explicit broadcasts).
_base_ = ['./pose-detection_simcc_ncnn_static-256x192.py']
backend_config = dict(precision='FP16')
