# SimCC pose model -> RKNN (Rockchip NPU), static 1x3x256x192, int8 (w8a8: int8 weights per channel and
# activations, the toolkit's 'normal' min/max calibration) for the backbone, float16 for the head, for the
# RK3588. `float_from`: hybrid quantization, the graph from these ONNX nodes to the outputs in float16
# (here the head, from its 7x7 conv). With the head in int8 too, the int8 logits flatten the SimCC peaks
# into runs of equal values and the first arg-max wanders (the demo model in the simulator: AP -0.028
# against PyTorch, +0.003 with the head in float16; docs/tensorrt_rknn.md); `float_from=[]` quantizes the
# whole model.
# Calibration: `calibration.num_samples` person crops of the model config's training split, cropped as at
# test time and written as .npy files (WORK_DIR/rknn_calibration/dataset.txt); `dataset=PATH` uses your
# own list instead (one image or .npy path a line, in the network's channel order).
# Other chips: ./pose-detection_simcc_rknn-int8_static-256x192_rk3566.py and ..._rv1106.py (int8 only).
_base_ = ['./pose-detection_simcc_rknn-fp16_static-256x192.py']
backend_config = dict(
    common_config=dict(quantized_dtype='w8a8', quantized_algorithm='normal'),
    quantization_config=dict(do_quantization=True, dataset=None,
                             calibration=dict(num_samples=256, seed=0),
                             float_from=['/final_layer/Conv']))
