# What every detection deploy config shares: ONNX export of a single-stage mmdet detector (RTMDet) at the
# input size its test pipeline pads to (input_shape None), and the mmdet codebase with our rewriters.
# The backend configs next to this folder inherit it.
onnx_config = dict(
    type='onnx',
    export_params=True,
    keep_initializers_as_inputs=False,
    opset_version=11,
    save_file='end2end.onnx',
    input_names=['input'],
    output_names=['dets', 'labels'],    # (N, K, 5) x1, y1, x2, y2, score in input pixels; (N, K) classes
    input_shape=None,           # (w, h); None: the size the model config's test pipeline pads to
    optimize=True)              # MMDeploy's ONNX passes (need its TorchScript extension; skipped without)
codebase_config = dict(
    type='mmdet',
    task='ObjectDetection',
    model_type='end2end',
    module=['rtmpose_ext.deploy'],       # imported by MMDeploy's tools: registers our rewriters
    with_nms=True,                       # NMS (ONNX NonMaxSuppression) at the end of the graph
    # MMDeploy's NMS settings; the model config's test_cfg overrides score_threshold (score_thr),
    # iou_threshold (nms.iou_threshold) and keep_top_k (max_per_img)
    post_processing=dict(
        score_threshold=0.05,
        confidence_threshold=0.005,
        iou_threshold=0.5,
        max_output_boxes_per_class=200,
        pre_top_k=5000,
        keep_top_k=100,
        background_label_id=-1))
