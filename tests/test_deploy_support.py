"""Shared set-up of the tests/test_deploy_*.py files (this module has no tests of its own).

Conversions are slow (an ONNX export is ~10 s on 2 cores), so each one is done at most once per test
process and shared: :func:`converted` returns the model directory of a deploy config converted from
RTMPose-t with random weights fixed by a seed (:func:`checkpoint`). Everything lives in one temporary
folder removed at exit.
"""
import atexit
import os.path as osp
import shutil
import tempfile
from typing import Dict, List, Optional

import numpy as np

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
MODEL_CFG = osp.join(REPO, 'configs', 'rtmpose', 'rtmpose-t_8xb256-420e_coco-256x192.py')
DEPLOY_DIR = osp.join(REPO, 'configs', 'deploy')
ORT = 'pose-detection_simcc_onnxruntime_dynamic.py'
ORT_FP16 = 'pose-detection_simcc_onnxruntime-fp16_dynamic.py'
OPENVINO = 'pose-detection_simcc_openvino_static-256x192.py'
OPENVINO_BF16 = 'pose-detection_simcc_openvino-bf16_static-256x192.py'
NCNN = 'pose-detection_simcc_ncnn_static-256x192.py'
NCNN_FP16 = 'pose-detection_simcc_ncnn-fp16_static-256x192.py'
TENSORRT_FP16 = 'pose-detection_simcc_tensorrt-fp16_dynamic-256x192.py'
RKNN_INT8 = 'pose-detection_simcc_rknn-int8_static-256x192.py'
SDK = 'pose-detection_simcc_sdk_static-256x192.py'

_ROOT: Optional[str] = None
_CACHE: Dict[str, object] = {}


def workspace() -> str:
    """The shared temporary folder (created on first use, removed at exit)."""
    global _ROOT
    if _ROOT is None:
        _ROOT = tempfile.mkdtemp(prefix='test_deploy_')
        atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)
    return _ROOT


def deploy_cfg(name: str) -> str:
    return osp.join(DEPLOY_DIR, name)


def checkpoint() -> str:
    """RTMPose-t (our config) with random weights (``torch.manual_seed(0)``), saved once."""
    if 'checkpoint' not in _CACHE:
        import rtmpose_ext  # noqa: F401
        from rtmpose_ext.deploy.fp16_check import make_checkpoint
        _CACHE['checkpoint'] = make_checkpoint(MODEL_CFG, osp.join(workspace(), 'rtmpose-t_random.pth'))
    return _CACHE['checkpoint']


PERSON_BOX = [150, 70, 330, 500]  # x1, y1, x2, y2 of the figure in :func:`image`


def image() -> str:
    """A 480x640 (w x h) picture of a stick figure on a gradient, saved once."""
    if 'image' not in _CACHE:
        import cv2
        img = np.zeros((640, 480, 3), np.uint8)
        img[:] = np.linspace(40, 200, 480, dtype=np.uint8)[None, :, None]
        joints = dict(head=(240, 120), neck=(240, 170), hip=(240, 330), l_hand=(170, 260), r_hand=(310, 260),
                      l_foot=(200, 480), r_foot=(280, 480))
        cv2.circle(img, joints['head'], 35, (60, 180, 255), -1)
        for a, b in (('neck', 'hip'), ('neck', 'l_hand'), ('neck', 'r_hand'), ('hip', 'l_foot'),
                     ('hip', 'r_foot')):
            cv2.line(img, joints[a], joints[b], (30, 30, 220), 14)
        path = osp.join(workspace(), 'person.jpg')
        cv2.imwrite(path, img)
        _CACHE['image'] = path
    return _CACHE['image']


def converted(name: str, **deploy_options):
    """The :class:`~rtmpose_ext.deploy.convert.ConversionResult` of deploy config ``name`` (converted once
    per distinct options)."""
    key = name + repr(sorted(deploy_options.items()))
    if key not in _CACHE:
        from rtmpose_ext.deploy.convert import convert
        work_dir = osp.join(workspace(), f'{osp.splitext(name)[0]}_{len(_CACHE)}')
        _CACHE[key] = convert(deploy_cfg(name), MODEL_CFG, checkpoint(), image(), work_dir,
                              deploy_options=deploy_options or None, log=lambda line: None)
    return _CACHE[key]


def crops(num: int = 4, seed: int = 0) -> np.ndarray:
    """(num, 3, 256, 192) float32 network inputs: the stick figure's crop and crops of random boxes of the
    same picture, preprocessed by the runtime."""
    import cv2

    from rtmpose_ext.deploy.runtime import preprocess
    img = cv2.imread(image())
    rng = np.random.default_rng(seed)
    boxes = [PERSON_BOX]
    for _ in range(num - 1):
        x1, y1 = rng.uniform(0, 200), rng.uniform(0, 300)
        boxes.append([x1, y1, x1 + rng.uniform(60, 250), y1 + rng.uniform(100, 300)])
    inputs, _, _ = preprocess(img, np.array(boxes, np.float32), (192, 256), 1.25,
                              np.array([123.675, 116.28, 103.53], np.float32),
                              np.array([58.395, 57.12, 57.375], np.float32), True)
    return inputs


def pytorch_logits(inputs: np.ndarray) -> List[np.ndarray]:
    """x/y logits of the PyTorch model (our classes, the shared checkpoint) on ``inputs``."""
    if 'model' not in _CACHE:
        from mmpose.apis import init_model
        _CACHE['model'] = init_model(MODEL_CFG, checkpoint(), device='cpu')
    import torch
    with torch.no_grad():
        return [o.numpy() for o in _CACHE['model'](torch.from_numpy(inputs), None, mode='tensor')]


def top2_gap(logits: np.ndarray) -> np.ndarray:
    """Difference between the largest and the second largest logit of each row (..., W) -> (...)."""
    top = np.sort(logits, axis=-1)[..., -2:]
    return top[..., 1] - top[..., 0]
