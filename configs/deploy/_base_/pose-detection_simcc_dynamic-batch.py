# The shared SimCC export with a dynamic batch axis on the input and both outputs.
_base_ = ['./pose-detection_simcc_static-256x192.py']
onnx_config = dict(dynamic_axes=dict(input={0: 'batch'}, simcc_x={0: 'batch'}, simcc_y={0: 'batch'}))
