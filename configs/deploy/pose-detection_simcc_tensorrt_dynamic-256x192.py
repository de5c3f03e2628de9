# SimCC pose model -> TensorRT, fp32, dynamic batch 1-4 at 256x192 (h x w).
# Needs the `tensorrt` package and a CUDA device (--device cuda:0); without them the command writes the
# ONNX model and the SDK description and stops before building the engine.
_base_ = ['./_base_/pose-detection_simcc_dynamic-batch.py']
backend_config = dict(
    type='tensorrt',
    common_config=dict(fp16_mode=False, max_workspace_size=1 << 30),
    model_inputs=[
        dict(
            input_shapes=dict(
                input=dict(
                    min_shape=[1, 3, 256, 192],
                    opt_shape=[2, 3, 256, 192],
                    max_shape=[4, 3, 256, 192])))
    ])
