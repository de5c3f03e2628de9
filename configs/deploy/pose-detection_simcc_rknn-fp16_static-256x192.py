# SimCC pose model -> RKNN (Rockchip NPU), static 1x3x256x192, fp16 (no quantization).
# Needs rknn-toolkit2; without it the command writes the ONNX model and the SDK description and stops.
_base_ = ['./_base_/pose-detection_simcc_static-256x192.py']
backend_config = dict(
    type='rknn',
    common_config=dict(
        target_platform='rk3588',           # rk3566/rk3568/rk3588/rv1106/...
        optimization_level=1),
    quantization_config=dict(do_quantization=False, dataset=None),
    input_size_list=[[3, 256, 192]])
