# SimCC pose model -> OpenVINO IR, static 1x3x256x192, int8: NNCF post-training quantization (symmetric
# int8 weights and activations, fast bias correction) of the backbone; the head (7x7 conv, ScaleNorm, GAU,
# SimCC classifiers) stays float. Activation ranges come from person crops of the model config's training
# split (train_dataloader.dataset), cropped as at test time.
# Another input size (the model config's codec.input_size, here w x h = 112 x 144):
#   --deploy-options onnx_config.input_shape=[112,144] \
#                    backend_config.model_inputs.0.opt_shapes.input=[1,3,144,112]
_base_ = ['./pose-detection_simcc_openvino_static-256x192.py']
backend_config = dict(
    precision='INT8',
    quantization_config=dict(
        calibration=dict(num_samples=256, seed=0),  # crops of the training split
        scope=['/backbone/'],                       # quantize the operations whose names start with these
        preset='performance'))                      # or 'mixed' (asymmetric activations)
