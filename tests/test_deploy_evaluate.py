"""COCO evaluation of exported models (``python -m rtmpose_ext.deploy.evaluate``) against the PyTorch model.

With random weights the keypoint AP on the tiny dataset's ground truth is ~0 for both models, so "AP
within 0.005" there proves little. The meaningful check replaces the ground truth by the PyTorch model's
own predictions (same boxes and areas, all 17 keypoints visible): the PyTorch model then scores AP 1.0 by
construction, and the exported model's AP measures, through COCO's OKS, how far its keypoints stray from
PyTorch's on every instance; it must stay >= 0.995. OKS is coarse at this scale (people of 100-400 px):
shifting every keypoint of the ONNX Runtime model by 2.7 image px still gave AP 1.0, 5.4 px gave 0.7
(measured once while writing this test); the sub-pixel agreement is checked by the keypoint differences
the evaluation reports alongside.
"""
import copy
import json

import pytest

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.evaluate import evaluate, format_report, main
from rtmpose_ext.deploy.runtime import cpu_summary

from test_deploy_support import MODEL_CFG, NCNN_FP16, ORT, TENSORRT_FP16, checkpoint, converted, deploy_cfg


_RESULTS = {}


def _files(result):
    return result.backend_files


def _on_ground_truth(tiny_coco):
    """ONNX Runtime and PyTorch on the tiny dataset's ground truth (evaluated once)."""
    if 'ground_truth' not in _RESULTS:
        _RESULTS['ground_truth'] = evaluate(deploy_cfg(ORT), MODEL_CFG, _files(converted(ORT)), checkpoint(),
                                            cfg_options=tiny_coco.cfg_dict(), log=lambda line: None)
    return _RESULTS['ground_truth']


def test_backend_and_pytorch_on_the_ground_truth(tiny_coco):
    result = _on_ground_truth(tiny_coco)
    print('\n' + format_report(result))
    assert result.num_instances > 0 and set(result.backend) == set(result.pytorch)
    assert abs(result.backend['coco/AP'] - result.pytorch['coco/AP']) <= 0.005
    assert result.keypoint_diff['max_px'] < 0.5 and result.keypoint_diff['max_score'] < 1e-3


def _pseudo_ground_truth(tiny_coco, predictions, path):
    """The tiny dataset's val annotations with the keypoints replaced by ``predictions`` (visible)."""
    with open(tiny_coco.val_ann_file) as f:
        data = json.load(f)
    for ann in data['annotations']:
        keypoints, _ = predictions[ann['id']]
        ann['keypoints'] = [v for x, y in keypoints for v in (round(x, 3), round(y, 3), 2)]
        ann['num_keypoints'] = len(keypoints)
    with open(path, 'w') as f:
        json.dump(data, f)
    return str(path)


@pytest.mark.parametrize('name', [ORT, NCNN_FP16])
def test_backend_ap_against_the_pytorch_models_predictions(name, tiny_coco, tmp_path):
    predictions = _on_ground_truth(tiny_coco).predictions['pytorch']
    ann_file = _pseudo_ground_truth(tiny_coco, predictions, tmp_path / 'pseudo_gt.json')
    options = copy.deepcopy(tiny_coco.cfg_dict())
    options.update({'test_dataloader.dataset.ann_file': ann_file, 'test_evaluator.ann_file': ann_file})
    result = evaluate(deploy_cfg(name), MODEL_CFG, _files(converted(name)), checkpoint(), cfg_options=options,
                      log=lambda line: None)
    print('\n' + format_report(result))
    assert result.pytorch['coco/AP'] == pytest.approx(1.0)  # the construction: PyTorch against itself
    assert result.backend['coco/AP'] >= 0.995
    assert result.precision == {ORT: 'f32', NCNN_FP16: 'f16'}[name]
    assert result.keypoint_diff['mean_px'] < 0.5


def test_command_writes_the_report(tiny_coco, tmp_path, capsys):
    out = tmp_path / 'report.json'
    args = [deploy_cfg(ORT), MODEL_CFG] + _files(converted(ORT)) + ['--checkpoint', checkpoint(), '--out',
                                                                      str(out), '--cfg-options']
    assert main(args + tiny_coco.cfg_options()) == 0
    assert f'backend precision: f32 (float32) on {cpu_summary()}' in capsys.readouterr().out
    report = json.loads(out.read_text())
    assert report['num_instances'] > 0 and 'coco/AP' in report['backend'] and 'coco/AP' in report['pytorch']
    assert report['precision'] == 'f32' and report['cpu'] == cpu_summary()


@pytest.mark.parametrize('name, files, message', [
    (TENSORRT_FP16, ['end2end.onnx'], 'tensorrt needs *.engine'),
    (ORT, ['end2end.param'], 'onnxruntime needs *.onnx'),
    (ORT, ['missing.onnx'], 'no such file'),
])
def test_command_rejects_what_it_cannot_run(name, files, message, capsys):
    assert main([deploy_cfg(name), MODEL_CFG] + files) == 2
    assert message in capsys.readouterr().err
