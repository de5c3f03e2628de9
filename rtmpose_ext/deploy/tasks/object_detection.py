"""Single-stage mmdet detectors (RTMDet): ``codebase_config`` type 'mmdet', task 'ObjectDetection'.

The graph ends in one of two ways (``codebase_config.with_nms``, our key; default True as MMDeploy):

- ``with_nms=True``: MMDeploy's NMS (ONNX ``NonMaxSuppression``) with the model config's ``test_cfg``
  (``score_thr``, ``nms.iou_threshold``, ``max_per_img``); outputs ``dets`` (N, K, 5) x1, y1, x2, y2,
  score in input pixels and ``labels`` (N, K). For backends that run ONNX's NMS (ONNX Runtime, OpenVINO).
- ``with_nms=False``: every prior's decoded box, ``boxes`` (N, A, 4) in input pixels, and its class
  scores (N, A, C) after the sigmoid; the runtime thresholds and suppresses in numpy. For ncnn (pnnx
  cannot convert ``NonMaxSuppression``).

The network input is what the model config's ``test_pipeline`` makes of a picture: resized (keeping the
aspect ratio or not), padded, normalised. A static deploy config with ``onnx_config.input_shape=None``
takes the pipeline's pad size. MMDeploy's SDK description stretches the picture to a static input shape
(``keep_ratio=False``); :meth:`ObjectDetectionTask.fix_pipeline` writes the model config's own resize and
pad instead, so that the runtime reproduces mmdet's test pipeline.
"""
from typing import List, Optional, Tuple

from mmengine.config import Config

from ..configs import DeployConfigError, is_dynamic_shape
from .base import DeployTask, register_task

# test pipeline transforms the runtime reproduces (the others load or pack, and are skipped)
PREPROCESS_TRANSFORMS = ('Resize', 'Pad')
SKIPPED_TRANSFORMS = ('LoadImageFromFile', 'LoadImageFromNDArray', 'LoadAnnotations', 'PackDetInputs')


def _short_type(transform: dict) -> str:
    return str(transform.get('type', '')).split('.')[-1]


def test_transforms(model_cfg: Config) -> List[dict]:
    """The model config's top-level ``test_pipeline`` without loading and packing (Resize, Pad)."""
    return [t for t in model_cfg.test_pipeline if _short_type(t) not in SKIPPED_TRANSFORMS]


def pad_size(model_cfg: Config) -> Optional[Tuple[int, int]]:
    """(w, h) of the test pipeline's ``Pad(size=...)``, or None if it pads to a divisor or not at all."""
    for transform in test_transforms(model_cfg):
        if _short_type(transform) == 'Pad' and transform.get('size') is not None:
            w, h = transform['size']
            return int(w), int(h)
    return None


def with_nms(deploy_cfg: Config) -> bool:
    """Whether the graph ends with NMS (``codebase_config.with_nms``, default True)."""
    return bool(deploy_cfg.codebase_config.get('with_nms', True))


@register_task
class ObjectDetectionTask(DeployTask):
    codebase = 'mmdet'
    task = 'ObjectDetection'

    def check_deploy_config(self, cfg: Config) -> None:
        """Two outputs; MMDeploy's ``post_processing`` with NMS in the graph; for ncnn, the pnnx
        converter and no NMS in the graph."""
        onnx_cfg, codebase_cfg, backend_cfg = cfg.onnx_config, cfg.codebase_config, cfg.backend_config
        outputs = '(dets, labels)' if with_nms(cfg) else '(boxes, scores)'
        if len(onnx_cfg.output_names) != 2:
            raise DeployConfigError(f'deploy config: a detector with with_nms={with_nms(cfg)} has two '
                                    f'outputs {outputs}; got onnx_config.output_names='
                                    f'{list(onnx_cfg.output_names)}')
        if with_nms(cfg) and not isinstance(codebase_cfg.get('post_processing'), dict):
            raise DeployConfigError('deploy config: `codebase_config.post_processing` (MMDeploy\'s NMS '
                                    'settings) is missing')
        if backend_cfg.type == 'ncnn':
            if backend_cfg.get('converter', 'pnnx') != 'pnnx':
                raise DeployConfigError("backend_config.converter: detectors convert with 'pnnx' only (the "
                                        "runtime does not read mmdeploy_onnx2ncnn's DetectionOutput form)")
            if with_nms(cfg):
                raise DeployConfigError('codebase_config.with_nms: ncnn (pnnx) cannot run ONNX '
                                        'NonMaxSuppression; set with_nms=False (the runtime runs NMS in '
                                        'numpy)')

    def check_model_config(self, cfg: Config) -> None:
        """A single-stage detector with ``bbox_head`` and ``test_cfg`` (score_thr, nms.iou_threshold),
        and a top-level ``test_pipeline`` of transforms the runtime reproduces."""
        model = cfg.get('model')
        if not isinstance(model, dict) or 'bbox_head' not in model or 'mask_head' in model:
            raise DeployConfigError('model config: `model.bbox_head` (a single-stage detector without '
                                    'masks, e.g. RTMDet) is required')
        test_cfg = model.get('test_cfg') or {}
        if 'score_thr' not in test_cfg or 'iou_threshold' not in (test_cfg.get('nms') or {}):
            raise DeployConfigError('model config: `model.test_cfg.score_thr` and '
                                    f'`model.test_cfg.nms.iou_threshold` are required, got {dict(test_cfg)}')
        if not isinstance(cfg.get('test_pipeline'), (list, tuple)):
            raise DeployConfigError('model config: a top-level `test_pipeline` (read by MMDeploy and the '
                                    'runtime) is required')
        for i, transform in enumerate(test_transforms(cfg)):
            if _short_type(transform) not in PREPROCESS_TRANSFORMS:
                raise DeployConfigError(f'model config: test_pipeline transform {transform.get("type")!r} is '
                                        f'not reproduced by the runtime (it reproduces '
                                        f'{PREPROCESS_TRANSFORMS}, and skips {SKIPPED_TRANSFORMS})')

    def resolve(self, deploy_cfg: Config, model_cfg: Config) -> None:
        """A static config without ``onnx_config.input_shape`` takes the test pipeline's pad size (and
        gives it to OpenVINO's ``model_inputs``)."""
        if is_dynamic_shape(deploy_cfg) or deploy_cfg.onnx_config.get('input_shape'):
            return
        size = pad_size(model_cfg)
        if size is None:
            raise DeployConfigError('onnx_config.input_shape: a static model needs a fixed input size; set '
                                    '[w, h] or pad to a fixed size in the test pipeline (Pad(size=...))')
        deploy_cfg.onnx_config.input_shape = list(size)
        if deploy_cfg.backend_config.type == 'openvino' and not deploy_cfg.backend_config.get('model_inputs'):
            deploy_cfg.backend_config.model_inputs = [dict(opt_shapes=dict(
                {deploy_cfg.onnx_config.input_names[0]: [1, 3, size[1], size[0]]}))]

    def check_pair(self, deploy_cfg: Config, model_cfg: Config) -> None:
        """A static input shape equals the size the test pipeline pads to."""
        shape = deploy_cfg.onnx_config.get('input_shape')
        size = pad_size(model_cfg)
        if shape and not is_dynamic_shape(deploy_cfg) and (size is None or tuple(shape) != size):
            raise DeployConfigError(f'onnx_config.input_shape {list(shape)} must equal the (w, h) the model '
                                    f"config's test pipeline pads to ({size}); set it to None to take that "
                                    'size')

    def describe(self, deploy_cfg: Config) -> str:
        return ', NMS in the graph' if with_nms(deploy_cfg) else ', NMS in the runtime'

    def fix_pipeline(self, pipeline: dict, deploy_cfg: Config, model_cfg: Config) -> None:
        """The model config's own Resize and Pad (MMDeploy stretches to a static input shape) and
        ``with_nms`` in the post-processing parameters."""
        own = {_short_type(t): dict(t) for t in test_transforms(model_cfg)}
        for task in pipeline['pipeline']['tasks']:
            transforms = task.get('transforms', [])
            for i, transform in enumerate(transforms):
                kind = transform.get('type')
                if kind == 'Resize' and 'Resize' in own:
                    resize = own['Resize']
                    transforms[i] = dict(transform, size=list(resize['scale']),
                                         keep_ratio=bool(resize.get('keep_ratio', False)))
                elif kind == 'Pad' and transform.get('size') is not None and 'Pad' in own:
                    transforms[i] = dict(own['Pad'], type='Pad')
            if task.get('name') == 'postprocess':
                task['params']['with_nms'] = with_nms(deploy_cfg)
