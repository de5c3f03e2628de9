# SimCC pose model -> RKNN (Rockchip NPU), static 1x3x256x192, int8 (w8a8: int8 weights per channel and
# activations, the toolkit's 'normal' min/max calibration), for the RK3588.
# Calibration: `calibration.num_samples` person crops of the model config's training split, cropped as at
# test time and written as .npy files (WORK_DIR/rknn_calibration/dataset.txt); `dataset=PATH` uses your
# own list instead (one image or .npy path a line, in the network's channel order).
# Other chips: ./pose-detection_simcc_rknn-int8_static-256x192_rk3566.py and ..._rv1106.py (int8 only).
_base_ = ['./pose-detection_simcc_rknn-fp16_static-256x192.py']
backend_config = dict(
    common_config=dict(quantized_dtype='w8a8', quantized_algorithm='normal'),
    quantization_config=dict(do_quantization=True, dataset=None,
                             calibration=dict(num_samples=256, seed=0)))
