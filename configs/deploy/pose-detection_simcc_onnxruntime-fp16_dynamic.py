# SimCC pose model -> ONNX Runtime, dynamic batch, fp16 (weights and activations in float16; ONNX Runtime's
# CPU provider computes the ops it has no float16 kernel for in float32, between Casts).
# The conversion uses rtmpose_ext.deploy.fp16 with these common_config keys (MMDeploy uses
# onnxconverter_common.float16 with the same keys; that package is not needed here).
_base_ = ['./_base_/pose-detection_simcc_dynamic-batch.py']
onnx_config = dict(input_shape=None)
backend_config = dict(
    type='onnxruntime',
    precision='FP16',
    common_config=dict(
        min_positive_val=1e-7,          # smaller weight magnitudes are raised to this (0 stays 0)
        max_finite_val=1e4,             # larger weight magnitudes are clamped to this
        keep_io_types=False,            # True: float32 input/output with Casts inside the graph
        op_block_list=None,             # None: rtmpose_ext.deploy.fp16.DEFAULT_OP_BLOCK_LIST
        node_block_list=None))
