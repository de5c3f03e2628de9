# SimCC pose model -> ONNX Runtime, dynamic batch, int8: static post-training quantization (QDQ format,
# uint8 activations, per-output-channel int8 weights) of the backbone; the head (7x7 conv, ScaleNorm, GAU,
# SimCC classifiers) stays float32. Activation ranges come from person crops of the model config's
# training split (train_dataloader.dataset), cropped as at test time.
_base_ = ['./pose-detection_simcc_onnxruntime_dynamic.py']
onnx_config = dict(opset_version=13)    # per-channel DequantizeLinear (its `axis`) needs opset 13
backend_config = dict(
    precision='INT8',
    quantization_config=dict(
        calibration=dict(num_samples=256, seed=0),  # crops of the training split
        scope=['/backbone/'],                       # quantize the nodes whose names start with these
        per_channel=True,
        method='MinMax'))                           # or 'Entropy', 'Percentile'
