"""The numpy runtime: its preprocessing and decoding against mmpose's, end to end against mmpose's
``inference_topdown`` on the same model, batching over boxes, errors, and no torch / OpenMMLab imports.

End to end: the ONNX Runtime model (fp32) of RTMPose-t with random weights fixed by a seed, against
``inference_topdown`` with flip test off (the export has none). Random weights give peaky logits here
(top-2 gaps far above the ~1e-4 logit differences between the two), so the keypoints are compared where
the PyTorch logits' top-2 gap exceeds twice the largest logit difference (there the arg-max provably
agrees); that set must cover at least 90 % of the keypoints, and all of them must be within 0.5 px.
"""
import json

import cv2
import numpy as np
import pytest

import rtmpose_ext  # noqa: F401
from rtmpose_ext.codecs import SimCCLabel
from rtmpose_ext.deploy.runtime import (PoseEstimator, bbox_xyxy_to_center_scale, decode_simcc,
                                        fix_aspect_ratio, preprocess, warp_matrix)

from runtime_isolation import run_runtime_alone
from test_deploy_support import (MODEL_CFG, NCNN, ORT, PERSON_BOX, checkpoint, converted, image,
                                 pytorch_logits, top2_gap)

BOXES = np.array([PERSON_BOX, [40, 300, 260, 620], [300, 10, 470, 250]], np.float32)


def test_preprocessing_matches_mmpose():
    from mmpose.datasets.transforms import TopdownAffine
    from mmpose.structures.bbox import bbox_xyxy2cs, get_warp_matrix
    rng = np.random.default_rng(0)
    corners = [rng.uniform(0, 300, (20, 2)), rng.uniform(310, 600, (20, 2))]
    boxes = np.concatenate(corners, 1).astype(np.float32)
    center, scale = bbox_xyxy_to_center_scale(boxes, 1.25)
    ref_center, ref_scale = bbox_xyxy2cs(boxes, padding=1.25)
    np.testing.assert_array_equal(center, ref_center)
    np.testing.assert_array_equal(scale, ref_scale)
    fixed = fix_aspect_ratio(scale, 192 / 256)
    np.testing.assert_array_equal(fixed, TopdownAffine._fix_aspect_ratio(ref_scale, 192 / 256))
    for c, s in zip(center, fixed):
        np.testing.assert_allclose(warp_matrix(c, s, (192, 256)), get_warp_matrix(c, s, 0., (192, 256)),
                                   rtol=1e-6, atol=1e-5)


def test_inputs_match_mmpose_pipeline_and_data_preprocessor():
    """The runtime's network input equals mmpose's test pipeline + PoseDataPreprocessor output."""
    from mmcv.transforms import Compose
    from mmengine.config import Config
    from mmpose.models.data_preprocessors import PoseDataPreprocessor
    from mmpose.registry import TRANSFORMS
    cfg = Config.fromfile(MODEL_CFG)
    pipeline = Compose([TRANSFORMS.build(t) for t in cfg.test_dataloader.dataset.pipeline])
    img = cv2.imread(image())
    dp = cfg.model.data_preprocessor
    inputs, _, _ = preprocess(img, BOXES, (192, 256), 1.25, np.array(dp.mean, np.float32),
                              np.array(dp.std, np.float32), True)
    preprocessor = PoseDataPreprocessor(mean=dp.mean, std=dp.std, bgr_to_rgb=True)
    for i, box in enumerate(BOXES):
        data = pipeline(dict(img=img, bbox=box[None], bbox_score=np.ones(1, np.float32)))
        ref = preprocessor(dict(inputs=[data['inputs']], data_samples=[data['data_samples']]))['inputs']
        np.testing.assert_allclose(inputs[i], ref[0].numpy(), rtol=0, atol=1e-5)


def test_decoding_matches_our_codec():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(3, 17, 384)).astype(np.float32), rng.normal(size=(3, 17, 512)).astype(np.float32)
    x[0, 2] -= 10  # a keypoint with a negative score: location -1
    x[1, 3, [5, 9]] = 20  # a tie: the first maximum wins
    kpts, scores = decode_simcc(x, y, 2.0)
    ref_kpts, ref_scores = SimCCLabel(input_size=(192, 256), sigma=(4.9, 5.66)).decode(x, y)
    np.testing.assert_array_equal(kpts, ref_kpts)
    np.testing.assert_array_equal(scores, ref_scores)


def test_runtime_matches_inference_topdown():
    from mmpose.apis import inference_topdown, init_model
    model = init_model(MODEL_CFG, checkpoint(), device='cpu', cfg_options={'model.test_cfg.flip_test': False})
    img = cv2.imread(image())
    results = inference_topdown(model, img, BOXES, bbox_format='xyxy')
    ref_kpts = np.stack([r.pred_instances.keypoints[0] for r in results])
    ref_scores = np.stack([r.pred_instances.keypoint_scores[0] for r in results])

    estimator = PoseEstimator(converted(ORT).work_dir)
    keypoints, scores = estimator(img, BOXES)
    assert keypoints.shape == (3, 17, 2) and scores.shape == (3, 17)

    inputs, _, _ = preprocess(img, BOXES, (192, 256), 1.25, estimator.info.mean, estimator.info.std, True)
    reference, outputs = pytorch_logits(inputs), estimator.engine(inputs)
    diff = max(float(np.abs(o - r).max()) for o, r in zip(outputs, reference))
    stable = np.minimum(top2_gap(reference[0]), top2_gap(reference[1])) > 2 * diff
    assert stable.mean() >= 0.9, f'only {stable.mean():.0%} of the keypoints have a clear arg-max'
    distance = np.linalg.norm(keypoints - ref_kpts, axis=-1)
    assert distance[stable].max() < 0.5, distance
    np.testing.assert_allclose(scores, ref_scores, rtol=0, atol=10 * diff)


def test_boxes_are_batched():
    estimator = PoseEstimator(converted(ORT).work_dir)
    img = cv2.imread(image())
    keypoints, scores = estimator(img, BOXES)
    for i, box in enumerate(BOXES):
        k, s = estimator(img, box[None])
        np.testing.assert_allclose(k[0], keypoints[i], atol=1e-3)
        np.testing.assert_allclose(s[0], scores[i], atol=1e-4)
    whole, _ = estimator(img)  # no boxes: the whole image
    assert whole.shape == (1, 17, 2)


@pytest.mark.parametrize('image_arg, boxes, message', [
    (np.zeros((10, 10), np.uint8), None, 'image: expected an'),
    (np.zeros((10, 10, 3), np.float32), None, 'image: expected an'),
    (np.zeros((10, 10, 3), np.uint8), np.array([[5, 5, 1, 9]]), 'x1 < x2'),
    (np.zeros((10, 10, 3), np.uint8), np.zeros((0, 4)), 'no boxes'),
])
def test_bad_input_is_refused(image_arg, boxes, message):
    estimator = PoseEstimator(converted(ORT).work_dir)
    with pytest.raises(ValueError, match=message):
        estimator(image_arg, boxes)


def test_missing_model_directory_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match='deploy.json is missing'):
        PoseEstimator(str(tmp_path))


def test_runtime_runs_without_torch_or_openmmlab(tmp_path):
    """Loaded from its folder alone (as copied onto a device) with torch, mm* and rtmpose_ext blocked, the
    runtime runs the ONNX Runtime and ncnn models and gives the keypoints it gives in-process; its tracker
    and drawing run too (scipy's assignment; a stand-in detector giving the first box)."""
    work_dirs = [converted(ORT).work_dir, converted(NCNN).work_dir]
    body = ('import cv2, importlib, numpy as np\n'
            'boxes = np.array(json.loads(args[1]))\n'
            'for work_dir in args[2:]:\n'
            '    keypoints, scores = runtime.PoseEstimator(work_dir)(cv2.imread(args[0]), boxes)\n'
            '    results[work_dir] = keypoints.tolist()\n'
            'draw = importlib.import_module("rtmpose_runtime.draw")\n'
            'detector = lambda image: (boxes[:1].astype(np.float32), np.array([0.9], np.float32))\n'
            'tracker = runtime.PoseTracker(detector, runtime.PoseEstimator(args[2]), pose_kpt_thr=0.,\n'
            '                              pose_min_keypoints=1)\n'
            'image = cv2.imread(args[0])\n'
            'people = tracker(image, 0.)\n'
            'draw.draw_poses(image, people.track_ids, people.boxes, people.keypoints, people.scores)\n'
            'results["tracked"] = len(people)\n')
    results = run_runtime_alone(tmp_path, body, [image(), json.dumps(BOXES.tolist())] + work_dirs)
    assert results['tracked'] == 1
    img = cv2.imread(image())
    for work_dir in work_dirs:
        expected, _ = PoseEstimator(work_dir)(img, BOXES)
        np.testing.assert_allclose(np.array(results[work_dir]), expected, atol=1e-4)


def test_pipeline_engine_options_turn_onnxruntime_spinning_off():
    """The tracker's two models take turns on the cores: their ONNX Runtime sessions must not spin-wait."""
    from rtmpose_ext.deploy.runtime import pipeline_engine_options
    assert pipeline_engine_options() == dict(allow_spinning=False)
    estimator = PoseEstimator(converted(ORT).work_dir, **pipeline_engine_options(1))
    options = estimator.engine.session.get_session_options()
    assert options.get_session_config_entry('session.intra_op.allow_spinning') == '0'
    assert options.intra_op_num_threads == 1
    default = PoseEstimator(converted(ORT).work_dir).engine.session.get_session_options()
    with pytest.raises(RuntimeError, match='allow_spinning'):   # ONNX Runtime's default: spinning
        default.get_session_config_entry('session.intra_op.allow_spinning')
