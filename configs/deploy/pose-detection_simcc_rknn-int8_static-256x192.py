# SimCC pose model -> RKNN (Rockchip NPU), static 1x3x256x192, int8 (asymmetric quantization).
# The normalisation moves into the model (mean/std from the model config's data_preprocessor), so the
# model takes the uint8 crop. `dataset`: a text file listing calibration crops/images, one path a line
# (set it with --deploy-options backend_config.quantization_config.dataset=calib.txt).
# Needs rknn-toolkit2; without it the command writes the ONNX model and the SDK description and stops.
_base_ = ['./pose-detection_simcc_rknn-fp16_static-256x192.py']
backend_config = dict(
    common_config=dict(quantized_dtype='asymmetric_quantized-8'),
    quantization_config=dict(do_quantization=True, dataset='calibration_images.txt'))
