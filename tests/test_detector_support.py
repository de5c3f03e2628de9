"""Shared set-up of the tests/test_detector_*.py files (this module has no tests of its own).

The detector is RTMDet-nano of the CPU-scaled synthetic config (128x128 input) with weights that give
boxes of every size and score without training (:func:`checkpoint`): BatchNorm statistics measured on
synthetic pictures (mmdet's initial weights and unit statistics shrink the features to ~1e-6), class
and box convolutions set so that scores spread over (0, 1) and boxes are a few strides wide. Each
conversion is done once per test process (:func:`converted`), in the temporary folder of the deploy
tests (removed at exit).
"""
import os.path as osp
from functools import lru_cache
from typing import Dict

import numpy as np

from test_deploy_support import workspace  # the temporary folder of the deploy tests, removed at exit

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DET_CFG = osp.join(REPO, 'configs', 'rtmdet', 'rtmdet_nano_128-1xb16_synthetic-person.py')
DEPLOY_DIR = osp.join(REPO, 'configs', 'deploy')
ORT_DYNAMIC = 'detection_onnxruntime_dynamic.py'
ORT_STATIC = 'detection_onnxruntime_static.py'
OPENVINO = 'detection_openvino_static.py'
NCNN = 'detection_ncnn_static.py'
SIZE = 128  # the synthetic config's input (w = h)
# OpenVINO's CPU plugin computes in bfloat16 by default on CPUs that have it: ask for float32
ENGINE_OPTIONS = {OPENVINO: dict(precision_hint='f32')}

# class-score convolutions of the test detector: logits spread by the weights, shifted by the bias
CLS_STD, CLS_BIAS = 0.03, -3.5

_CACHE: Dict[str, object] = {}


def deploy_cfg(name: str) -> str:
    return osp.join(DEPLOY_DIR, name)


def scene(index: int = 3) -> np.ndarray:
    """A 320x256 picture of the synthetic easy split's generator (not one of the dataset's files)."""
    from rtmpose_ext.datasets.synthetic import make_scene
    return make_scene(7, 'test', index, (320, 256), 'easy').image


def portrait(index: int = 3) -> np.ndarray:
    """A 200x320 (w x h) picture: a part of :func:`scene` turned upright (pads on the right)."""
    return np.ascontiguousarray(scene(index)[:, 40:240].transpose(1, 0, 2)[::-1])


def image_file() -> str:
    """:func:`scene` saved as a JPEG once (the conversion traces the model on a file)."""
    if 'image' not in _CACHE:
        import cv2
        path = osp.join(workspace(), 'scene.jpg')
        cv2.imwrite(path, scene())
        _CACHE['image'] = path
    return _CACHE['image']


def mmdet_scope():
    """A context in which mmdet's scope is the default one; the caller's is current again afterwards
    (``init_detector`` would leave 'mmdet' current, and other tests build in other scopes)."""
    from mmengine.registry import DefaultScope
    return DefaultScope.overwrite_default_scope('mmdet')


def _calibrate_batch_norm(model, pictures) -> None:
    """BatchNorm statistics of ``model`` measured on ``pictures`` (the model's test preprocessing)."""
    import torch
    from mmcv.transforms import Compose
    from mmdet.utils import get_test_pipeline_cfg
    cfg = get_test_pipeline_cfg(model.cfg.copy())
    cfg[0].type = 'mmdet.LoadImageFromNDArray'
    pipeline = Compose(cfg)
    samples = [pipeline(dict(img=p, img_id=i)) for i, p in enumerate(pictures)]
    batch = model.data_preprocessor(dict(inputs=[s['inputs'] for s in samples],
                                         data_samples=[s['data_samples'] for s in samples]), False)
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            module.reset_running_stats()
            module.momentum = None  # cumulative average over the calibration batch
    model.train()
    with torch.no_grad():
        model.bbox_head(model.extract_feat(batch['inputs']))
    model.eval()


def checkpoint() -> str:
    """The test detector's checkpoint (seeded), saved once."""
    if 'checkpoint' not in _CACHE:
        import torch
        import rtmpose_ext  # noqa: F401
        from mmdet.apis import init_detector
        from rtmpose_ext.datasets.synthetic import make_scene
        torch.manual_seed(0)
        pictures = [make_scene(1, 'train', i, (320, 256), 'easy').image for i in range(8)]
        with mmdet_scope():
            model = init_detector(DET_CFG, None, device='cpu')
            _calibrate_batch_norm(model, pictures)
        for conv in model.bbox_head.rtm_cls:
            torch.nn.init.normal_(conv.weight, std=CLS_STD)
            torch.nn.init.constant_(conv.bias, CLS_BIAS)
        for conv in model.bbox_head.rtm_reg:
            torch.nn.init.normal_(conv.weight, std=0.01)
            torch.nn.init.constant_(conv.bias, 2.)  # distances ~2 strides from the prior
        path = osp.join(workspace(), 'rtmdet-nano_test.pth')
        torch.save(dict(state_dict=model.state_dict(), meta=dict(dataset_meta=dict(classes=('person', )))),
                    path)
        _CACHE['checkpoint'] = path
    return _CACHE['checkpoint']


def converted(name: str):
    """The :class:`~rtmpose_ext.deploy.convert.ConversionResult` of deploy config ``name`` (once)."""
    if name not in _CACHE:
        from rtmpose_ext.deploy.convert import convert
        work_dir = osp.join(workspace(), osp.splitext(name)[0])
        _CACHE[name] = convert(deploy_cfg(name), DET_CFG, checkpoint(), image_file(), work_dir,
                               log=lambda line: None)
    return _CACHE[name]


def detector(name: str, **options):
    """:class:`~rtmpose_ext.deploy.runtime.PersonDetector` of the conversion of ``name``."""
    from rtmpose_ext.deploy.runtime import PersonDetector
    return PersonDetector(converted(name).work_dir, **{**ENGINE_OPTIONS.get(name, {}), **options})


def mmdet_model():
    """mmdet's model of the test checkpoint (``init_detector``), built once."""
    if 'model' not in _CACHE:
        from mmdet.apis import init_detector
        path = checkpoint()
        with mmdet_scope():
            _CACHE['model'] = init_detector(DET_CFG, path, device='cpu')
    return _CACHE['model']


def mmdet_boxes(image: np.ndarray):
    """Boxes (N, 4) and scores (N,) of mmdet's ``inference_detector`` on ``image``."""
    from mmdet.apis import inference_detector
    model = mmdet_model()
    with mmdet_scope():
        result = inference_detector(model, image).pred_instances
    return result.bboxes.numpy(), result.scores.numpy()


def above(boxes: np.ndarray, scores: np.ndarray, threshold: float):
    """The boxes and scores with a score of at least ``threshold``."""
    keep = scores >= threshold
    return boxes[keep], scores[keep]


def match(ref_boxes: np.ndarray, ref_scores: np.ndarray, boxes: np.ndarray, scores: np.ndarray):
    """For each reference box, the index of the box of highest IoU among ``boxes`` (-1 if none), that IoU,
    the largest coordinate difference (px) and the score difference: ``tools/check_detector.py``'s."""
    return _check_detector_tool().match(ref_boxes, ref_scores, boxes, scores)


@lru_cache(maxsize=1)
def _check_detector_tool():
    from tool_loading import load_tool
    return load_tool('check_detector')
