"""Detectors through the conversion command: the files and graphs of each detection deploy config, the
task read from the deploy config, argument errors; and each backend that runs here against PyTorch
(mmdet's ``inference_detector``): every box matched with IoU >= 0.99 and a score within 1e-3.

The detector is RTMDet-nano of the synthetic config with seeded weights that give tens of boxes of spread
sizes and scores (tests/test_detector_support.py); pictures: a 320x256 synthetic scene (resized to
128x102, padded below) and a 200x320 upright one (resized to 80x128, padded on the right). Boxes
scoring within 0.005 of the threshold (0.05) may be on one side only: a score difference of 1e-5 can put
such a box above or below it.
"""
import json
import os.path as osp

import numpy as np
import onnx
import pytest

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.__main__ import main
from rtmpose_ext.deploy.configs import DeployConfigError, load_configs
from rtmpose_ext.deploy.runtime import PersonDetector
from rtmpose_ext.deploy.tasks import DEPLOY_TASKS, get_task

from test_detector_support import (DET_CFG, NCNN, OPENVINO, ORT_DYNAMIC, ORT_STATIC, SIZE, above,
                                   checkpoint, converted, deploy_cfg, detector, image_file, match,
                                   mmdet_boxes, portrait, scene)

POSE_CFG = osp.join(osp.dirname(DET_CFG), '..', 'rtmpose', 'rtmpose-t_8xb256-420e_coco-256x192.py')
REPORT = []


@pytest.fixture(scope='module', autouse=True)
def print_report():
    yield
    if REPORT:
        print(f'\nbackend vs PyTorch (inference_detector), RTMDet-nano {SIZE}x{SIZE}, seeded weights:')
        print(f'{"backend":<24}{"picture":<10}{"boxes":>6}{"min IoU":>10}{"max dscore":>12}{"max dpx":>10}')
        for line in REPORT:
            print(line)


def _json(work_dir, name):
    with open(osp.join(work_dir, name)) as f:
        return json.load(f)


def _ops(onnx_file):
    return {n.op_type for n in onnx.load(onnx_file).graph.node}


# ------------------------------------------------------------------ task registry and configs

def test_the_task_is_read_from_the_deploy_config():
    assert {('mmpose', 'PoseDetection'), ('mmdet', 'ObjectDetection')} <= set(DEPLOY_TASKS)
    deploy, model = load_configs(deploy_cfg(NCNN), DET_CFG)
    assert type(get_task(deploy)).__name__ == 'ObjectDetectionTask'
    assert deploy.onnx_config.input_shape == [SIZE, SIZE]  # None -> the test pipeline's pad size


@pytest.mark.parametrize('name, options, message', [
    (NCNN, {'codebase_config.with_nms': True}, 'codebase_config.with_nms'),
    (ORT_STATIC, {'codebase_config.task': 'Segmentation'}, "task='Segmentation' is not supported"),
    (ORT_STATIC, {'onnx_config.input_shape': [320, 320]}, 'onnx_config.input_shape [320, 320] must equal'),
    (ORT_STATIC, {'onnx_config.output_names': ['dets']}, 'output_names'),
])
def test_bad_deploy_options_are_refused(name, options, message):
    with pytest.raises(DeployConfigError, match=message.replace('[', r'\[').replace(']', r'\]')):
        load_configs(deploy_cfg(name), DET_CFG, deploy_options=options)


def test_a_pose_model_config_is_refused_for_detection():
    with pytest.raises(DeployConfigError, match='model.bbox_head'):
        load_configs(deploy_cfg(ORT_DYNAMIC), POSE_CFG)


# ------------------------------------------------------------------ files, graphs, SDK description

def test_dynamic_onnxruntime_graph_ends_with_nms_and_pipeline_keeps_the_ratio():
    result = converted(ORT_DYNAMIC)
    model = onnx.load(result.onnx_file)
    assert [o.name for o in model.graph.output] == ['dets', 'labels']
    assert 'NonMaxSuppression' in _ops(result.onnx_file)
    tasks = _json(result.work_dir, 'pipeline.json')['pipeline']['tasks']
    transforms = {t['type']: t for t in tasks[0]['transforms'] if t['type'] != 'Pad' or 'size' in t}
    assert transforms['Resize'] == dict(type='Resize', size=[SIZE, SIZE], keep_ratio=True)
    assert transforms['Pad']['size'] == [SIZE, SIZE] and transforms['Pad']['pad_val'] == {'img': [114] * 3}
    assert transforms['Normalize']['to_rgb'] is False
    assert tasks[2]['params']['with_nms'] is True and tasks[2]['params']['nms']['iou_threshold'] == 0.6
    assert _json(result.work_dir, 'detail.json')['codebase']['task'] == 'ObjectDetection'


def _check_static(work_dir, onnx_file):
    dims = onnx.load(onnx_file).graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_value for d in dims] == [1, 3, SIZE, SIZE]
    resize = _json(work_dir, 'pipeline.json')['pipeline']['tasks'][0]['transforms'][1]
    assert resize['keep_ratio'] is True  # MMDeploy writes keep_ratio=False for static shapes


def test_ncnn_graph_is_static_and_ends_before_nms():
    result = converted(NCNN)
    _check_static(result.work_dir, result.onnx_file)
    assert 'NonMaxSuppression' not in _ops(result.onnx_file)
    assert [osp.basename(f) for f in result.backend_files] == ['end2end.param', 'end2end.bin']
    params = _json(result.work_dir, 'pipeline.json')['pipeline']['tasks'][2]['params']
    assert params['with_nms'] is False


def test_command_converts_a_detector_and_reports_progress(tmp_path, capsys):
    """The command line of pose models, with a detection deploy config (the static ONNX Runtime one: its
    model is checked against PyTorch below)."""
    argv = [deploy_cfg(ORT_STATIC), DET_CFG, checkpoint(), image_file(), '--work-dir', str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert '[0/3] onnxruntime (fp32, static, NMS in the graph); model rtmdet_nano_128' in out
    _check_static(str(tmp_path), str(tmp_path / 'end2end.onnx'))
    _agrees_with_pytorch('onnxruntime static', PersonDetector(str(tmp_path)))


def test_command_refuses_a_bad_detector_config_without_writing(tmp_path, capsys):
    argv = [deploy_cfg(NCNN), DET_CFG, 'none', image_file(), '--work-dir', str(tmp_path),
            '--deploy-options', 'codebase_config.with_nms=True']
    assert main(argv) == 2 and 'codebase_config.with_nms' in capsys.readouterr().err
    assert not (tmp_path / 'end2end.onnx').exists()


# ------------------------------------------------------------------ backends against PyTorch

BACKENDS = {'onnxruntime dynamic': ORT_DYNAMIC, 'openvino (f32)': OPENVINO, 'ncnn (NMS in numpy)': NCNN}


@pytest.mark.parametrize('backend', list(BACKENDS))
def test_backend_agrees_with_pytorch(backend):
    _agrees_with_pytorch(backend, detector(BACKENDS[backend]))


def _agrees_with_pytorch(backend, run):
    margin = run.params.score_thr + 0.005
    for picture_name, picture in (('scene', scene()), ('portrait', portrait())):
        ref_boxes, ref_scores = above(*mmdet_boxes(picture), margin)
        boxes, scores = above(*run(picture), margin)
        assert len(ref_boxes) > 10, 'the test detector should give many boxes'
        assert len(boxes) == len(ref_boxes)
        index, iou, px, dscore = match(ref_boxes, ref_scores, boxes, scores)
        assert len(set(index.tolist())) == len(index), 'two reference boxes matched one box'
        assert iou.min() >= 0.99 and dscore.max() <= 1e-3, (iou.min(), dscore.max())
        assert px.max() < 0.5
        REPORT.append(f'{backend:<24}{picture_name:<10}{len(boxes):>6}{iou.min():>10.5f}{dscore.max():>12.2e}'
                      f'{px.max():>10.4f}')
