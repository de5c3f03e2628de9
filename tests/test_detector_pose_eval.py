"""The paper's top-down pipeline on a dataset: the exported detector's boxes over a val split as a COCO
detection results json (``python -m rtmpose_ext.deploy.detect``), then ``mim test rtmpose_ext`` of a pose
model on those boxes (mmpose's ``bbox_file``) reports COCO keypoint AP. On the tiny COCO-format dataset
of tests/conftest.py, with the seeded test detector and RTMPose-t with seeded weights: the numbers mean
nothing, the flow and the files are what is checked.
"""
import json
import math
import os.path as osp

import pytest

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.detect import main as detect_main

from test_detector_support import ORT_DYNAMIC, converted

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
POSE_CFG = osp.join(REPO, 'configs', 'rtmpose', 'rtmpose-t_8xb256-420e_coco-256x192.py')


def test_detect_writes_coco_detection_results_and_bbox_ap(tiny_coco, tmp_path, capsys):
    dets, metrics = tmp_path / 'dets.json', tmp_path / 'metrics.json'
    argv = [converted(ORT_DYNAMIC).work_dir, tiny_coco.val_ann_file, osp.join(tiny_coco.data_root, 'val2017'),
            '--out', str(dets), '--metrics-out', str(metrics)]
    assert detect_main(argv) == 0
    results = json.loads(dets.read_text())
    with open(tiny_coco.val_ann_file) as f:
        image_ids = {image['id'] for image in json.load(f)['images']}
    assert results and {r['image_id'] for r in results} <= image_ids
    assert all(r['category_id'] == 1 and len(r['bbox']) == 4 and r['bbox'][2] > 0 and r['score'] > 0.05
               for r in results)
    report = json.loads(metrics.read_text())
    assert 0 <= report['AP'] <= 1 and report['boxes'] == len(results)
    assert 'bbox AP ' in capsys.readouterr().out


def test_detect_refuses_missing_inputs_without_writing(tiny_coco, tmp_path, capsys):
    out = tmp_path / 'dets.json'
    argv = [converted(ORT_DYNAMIC).work_dir, str(tmp_path / 'missing.json'), tiny_coco.data_root,
            '--out', str(out)]
    assert detect_main(argv) == 2 and 'ANN_FILE' in capsys.readouterr().err and not out.exists()


@pytest.mark.slow  # one mim test run of RTMPose-t on ~20 detected boxes on 2 CPU cores: ~25 s
def test_mim_test_of_a_pose_model_on_detector_boxes_reports_ap(tiny_coco, cli, tmp_path):
    from rtmpose_ext.deploy.fp16_check import make_checkpoint
    dets = tmp_path / 'dets.json'
    img_dir = osp.join(tiny_coco.data_root, 'val2017')
    argv = [converted(ORT_DYNAMIC).work_dir, tiny_coco.val_ann_file, img_dir, '--out', str(dets),
            '--score-thr', '0.3']
    assert detect_main(argv) == 0
    num_boxes = len(json.loads(dets.read_text()))
    assert num_boxes > 0
    checkpoint = make_checkpoint(POSE_CFG, str(tmp_path / 'rtmpose-t.pth'))
    options = tiny_coco.cfg_options(val_batch_size=4, extra={'test_dataloader.dataset.bbox_file': str(dets)})
    out = cli(['mim', 'test', 'rtmpose_ext', POSE_CFG, '--checkpoint', checkpoint, '--work-dir',
               str(tmp_path / 'test'), '--cfg-options'] + options, cwd=str(tmp_path), timeout=600)
    # one test sample per detected box (not per ground-truth person), and COCO's keypoint AP
    batches = math.ceil(num_boxes / 4)
    assert f'Epoch(test) [{batches}/{batches}]' in out and 'coco/AP:' in out
