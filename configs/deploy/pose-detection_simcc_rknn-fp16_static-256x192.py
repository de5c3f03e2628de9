# SimCC pose model -> RKNN (Rockchip NPU), static 1x3x256x192, fp16 (no quantization), for the RK3588.
# rknn-toolkit2 runs in its own environment (make setup-rknn) on the exported ONNX model; the conversion
# then runs the model in the toolkit's PC simulator against ONNX Runtime (WORK_DIR/rknn_check.json) and
# writes the toolkit's per-layer accuracy analysis (WORK_DIR/rknn_accuracy_analysis/).
# The RKNN model takes the uint8 crop (H, W, 3) in RGB order; mean/std (the model config's data
# preprocessor) are applied inside. ScaleNorm is exported without ReduceL2 (RKNN's board runtime has none).
# Other chips: ./pose-detection_simcc_rknn-fp16_static-256x192_rk3576.py and ..._rk3566.py (rknn-toolkit2
# rejects MMDeploy's rv1126, a chip of the first toolkit).
_base_ = ['./_base_/pose-detection_simcc_static-256x192.py']
backend_config = dict(
    type='rknn',
    common_config=dict(
        target_platform='rk3588',
        optimization_level=1,
        float_dtype='float16'),
    quantization_config=dict(do_quantization=False, dataset=None),
    simulator_check=dict(num_samples=32, accuracy_analysis=True),   # crops of the test split
    input_size_list=[[3, 256, 192]])
