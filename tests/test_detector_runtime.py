"""The numpy runtime's person detector: its preprocessing against mmdet's test pipeline and data
preprocessor, its NMS against mmcv's, its sizes against mmcv's arithmetic, the thresholds, errors, and no
torch / OpenMMLab imports. Agreement with mmdet's ``inference_detector`` per backend is in
tests/test_detector_deploy.py.
"""
import json
import shutil

import numpy as np
import pytest

import rtmpose_ext  # noqa: F401
from rtmpose_ext.deploy.runtime import PersonDetector, PoseEstimator, nms
from rtmpose_ext.deploy.runtime.detector_preprocess import padded_size, resized_size

from runtime_isolation import run_runtime_alone
from test_detector_support import (NCNN, ORT_DYNAMIC, SIZE, converted, detector, mmdet_model, mmdet_scope,
                                   portrait, scene)


def _mmdet_inputs(image):
    """mmdet's network input of ``image``: the model's test pipeline and DetDataPreprocessor."""
    from mmcv.transforms import Compose
    from mmdet.utils import get_test_pipeline_cfg
    model = mmdet_model()
    cfg = get_test_pipeline_cfg(model.cfg.copy())
    cfg[0].type = 'mmdet.LoadImageFromNDArray'
    with mmdet_scope():
        data = Compose(cfg)(dict(img=image, img_id=0))
    batch = model.data_preprocessor(dict(inputs=[data['inputs']], data_samples=[data['data_samples']]), False)
    return batch['inputs'].numpy(), batch['data_samples'][0].metainfo['scale_factor']


@pytest.mark.parametrize('picture', ['scene', 'portrait', 'tiny'])
def test_inputs_equal_mmdet_test_pipeline_and_data_preprocessor(picture):
    image = {'scene': scene(), 'portrait': portrait(), 'tiny': scene()[:7, :5]}[picture]
    inputs, scale_factor = detector(ORT_DYNAMIC).preprocess(image)
    ref_inputs, ref_scale = _mmdet_inputs(image)
    assert inputs.shape == ref_inputs.shape == (1, 3, SIZE, SIZE)
    np.testing.assert_allclose(inputs, ref_inputs, rtol=0, atol=1e-5)
    np.testing.assert_allclose(scale_factor, ref_scale, rtol=1e-12)


def test_sizes_follow_mmcv_resize_and_pad():
    import mmcv
    rng = np.random.default_rng(0)
    for _ in range(200):
        w, h = (int(v) for v in rng.integers(1, 900, 2))
        scale = tuple(int(v) for v in rng.integers(32, 700, 2))
        image = np.zeros((h, w, 3), np.uint8)
        assert resized_size(w, h, scale, True) == mmcv.imrescale(image, scale).shape[1::-1]
        assert resized_size(w, h, scale, False) == scale
        divisor = int(rng.choice([1, 8, 32]))
        for kwargs in (dict(size=scale), dict(size_divisor=divisor), dict(pad_to_square=True),
                       dict(pad_to_square=True, size_divisor=divisor)):
            ref = mmcv.transforms.Pad(**kwargs)(dict(img=image))['img'].shape[1::-1]
            assert padded_size(w, h, kwargs.get('size'), kwargs.get('size_divisor'),
                               kwargs.get('pad_to_square', False)) == ref, kwargs


def test_nms_equals_mmcv_nms():
    import torch
    from mmcv.ops import nms as mmcv_nms
    rng = np.random.default_rng(0)
    for _ in range(20):
        xy = rng.uniform(0, 100, (60, 2))
        boxes = np.concatenate([xy, xy + rng.uniform(5, 40, (60, 2))], 1).astype(np.float32)
        scores = rng.uniform(0, 1, 60).astype(np.float32)
        for thr in (0.3, 0.6):
            _, ref = mmcv_nms(torch.from_numpy(boxes), torch.from_numpy(scores), thr)
            np.testing.assert_array_equal(nms(boxes, scores, thr), ref.numpy())


def test_boxes_are_sorted_in_image_pixels():
    boxes, scores = detector(ORT_DYNAMIC)(scene())
    assert boxes.dtype == scores.dtype == np.float32 and boxes.shape == (len(scores), 4)
    assert np.all(np.diff(scores) <= 0) and scores.min() > 0.05
    assert np.all(boxes[:, 2:] > boxes[:, :2]) and boxes.min() >= 0 and boxes[:, [0, 2]].max() <= 320


def test_thresholds_select_fewer_boxes():
    default = detector(ORT_DYNAMIC)
    boxes, scores = default(scene())
    strict_boxes, strict_scores = detector(ORT_DYNAMIC, score_thr=0.2)(scene())
    np.testing.assert_array_equal(strict_scores, scores[scores > 0.2])
    for name in (ORT_DYNAMIC, NCNN):  # NMS in the graph and in numpy
        fewer, _ = detector(name, nms_thr=0.3)(scene())
        assert 0 < len(fewer) < len(boxes)
    assert len(detector(ORT_DYNAMIC, score_thr=1.0)(scene())[0]) == 0  # N may be 0


@pytest.mark.parametrize('kwargs, message', [
    (dict(nms_thr=0.7), 'only a lower threshold'),
    (dict(score_thr=1.5), r'score_thr: expected a value in \[0, 1\]'),
])
def test_bad_thresholds_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        detector(ORT_DYNAMIC, **kwargs)


@pytest.mark.parametrize('image, message', [
    (np.zeros((10, 10), np.uint8), r'image: expected an \(H, W, 3\) uint8 BGR array, got \(10, 10\)'),
    (np.zeros((10, 10, 3), np.float32), 'image: expected an'),
    ('picture.jpg', 'image: expected an'),
    (np.zeros((0, 10, 3), np.uint8), 'empty'),
])
def test_bad_images_are_refused(image, message):
    with pytest.raises(ValueError, match=message):
        detector(ORT_DYNAMIC)(image)


def test_model_directory_of_another_task_is_refused(tmp_path):
    with pytest.raises(ValueError, match="'ObjectDetection'.*load it with PersonDetector"):
        PoseEstimator(converted(ORT_DYNAMIC).work_dir)
    pose_dir = tmp_path / 'pose'
    shutil.copytree(converted(ORT_DYNAMIC).work_dir, pose_dir)
    detail = json.loads((pose_dir / 'detail.json').read_text())
    detail['codebase'] = dict(detail['codebase'], task='PoseDetection', codebase='mmpose')
    (pose_dir / 'detail.json').write_text(json.dumps(detail))
    with pytest.raises(ValueError, match="'PoseDetection'.*PersonDetector needs a 'ObjectDetection' model"):
        PersonDetector(str(pose_dir))
    with pytest.raises(FileNotFoundError, match='deploy.json is missing'):
        PersonDetector(str(tmp_path))


def test_detector_runs_without_torch_or_openmmlab(tmp_path):
    """Loaded from its folder alone (as copied onto a device) with torch, mm* and rtmpose_ext blocked, the
    runtime runs the ONNX Runtime and ncnn detectors and gives the boxes it gives in-process."""
    import cv2
    image_path = tmp_path / 'scene.png'
    cv2.imwrite(str(image_path), scene())
    work_dirs = [converted(ORT_DYNAMIC).work_dir, converted(NCNN).work_dir]
    body = ('import cv2\n'
            'for work_dir in args[1:]:\n'
            '    boxes, scores = runtime.PersonDetector(work_dir)(cv2.imread(args[0]))\n'
            '    results[work_dir] = [boxes.tolist(), scores.tolist()]\n')
    results = run_runtime_alone(tmp_path, body, [str(image_path)] + work_dirs)
    for work_dir in work_dirs:
        boxes, scores = PersonDetector(work_dir)(scene())
        assert len(boxes) > 10
        np.testing.assert_allclose(np.array(results[work_dir][0]), boxes, atol=1e-4)
        np.testing.assert_allclose(np.array(results[work_dir][1]), scores, atol=1e-6)
