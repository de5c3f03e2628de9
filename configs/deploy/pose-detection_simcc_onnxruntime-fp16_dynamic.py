# SimCC pose model -> ONNX Runtime, dynamic batch, fp16 (weights and activations in float16; ONNX Runtime's
# CPU provider computes the ops it has no float16 kernel for in float32, between Casts).
# The conversion uses rtmpose_ext.deploy.fp16 with these common_config keys (MMDeploy uses
# onnxconverter_common.float16 with the same keys; that package is not needed here).
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['simcc_x', 'simcc_y'],
    input_shape=None,
    optimize=True,
    dynamic_axes=dict(
        input={0: 'batch'},
        simcc_x={0: 'batch'},
        simcc_y={0: 'batch'}))
codebase_config = dict(
    type='mmpose',
    task='PoseDetection',
    module=['rtmpose_ext.deploy'],
    export_postprocess=False,
    scale_norm_overflow_safe=True)
backend_config = dict(
    type='onnxruntime',
    precision='fp16',
    common_config=dict(
        min_positive_val=1e-7,          # smaller weight magnitudes are raised to this (0 stays 0)
        max_finite_val=1e4,             # larger weight magnitudes are clamped to this
        keep_io_types=False,            # True: float32 input/output with Casts inside the graph
        op_block_list=None,             # None: rtmpose_ext.deploy.fp16.DEFAULT_OP_BLOCK_LIST
        node_block_list=None))
