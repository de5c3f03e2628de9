# The shared detection export with dynamic batch, height and width on the input, and a dynamic number
# of boxes on both outputs.
_base_ = ['./detection_static.py']
onnx_config = dict(dynamic_axes=dict(input={0: 'batch', 2: 'height', 3: 'width'},
                                     dets={0: 'batch', 1: 'num_dets'},
                                     labels={0: 'batch', 1: 'num_dets'}))
