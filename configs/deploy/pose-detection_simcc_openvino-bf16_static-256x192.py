# SimCC pose model -> OpenVINO IR, static 1x3x256x192, bfloat16 inference, for CPUs with bf16 units
# (x86 avx512_bf16 or AMX: AMD Zen 4 and later, Intel Sapphire Rapids and later). Weights stay float32 in
# the .bin; OpenVINO's CPU plugin converts them. On a CPU without bf16 units OpenVINO runs f32, and the
# runtime reports that (engine.precision, the conversion's last line, evaluate's report).
_base_ = ['./pose-detection_simcc_openvino_static-256x192.py']
backend_config = dict(precision='BF16')
