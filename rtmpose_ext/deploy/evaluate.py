"""``python -m rtmpose_ext.deploy.evaluate DEPLOY_CFG MODEL_CFG BACKEND_FILE [BACKEND_FILE ...]``

COCO evaluation of an exported model, as MMDeploy's test tool does it: the model config's test dataloader
and preprocessing (mmpose's pipeline and data preprocessor), the backend's network (run by
:mod:`rtmpose_ext.deploy.runtime`'s engines), SimCC decoding, the keypoints mapped back to the image, and
the config's ``test_evaluator`` (mmpose's CocoMetric: keypoint AP/AR). With ``--checkpoint`` the PyTorch
model (flip test off, as in the export) runs on the same batches and the report adds its metrics and the
per-keypoint differences between the two.

Backend files: ``end2end.onnx`` (ONNX Runtime), ``end2end.xml`` (OpenVINO), ``end2end.param end2end.bin``
(ncnn), ``end2end.rknn`` (RKNN, run in rknn-toolkit2's PC simulator, rebuilt from the conversion's
``rknn_job.json``), ``end2end.engine`` (TensorRT, on a CUDA device). Example:

    python -m rtmpose_ext.deploy.evaluate configs/deploy/pose-detection_simcc_onnxruntime_dynamic.py \\
        configs/rtmpose/rtmpose-t_8xb256-420e_coco-256x192.py work/ort/end2end.onnx \\
        --checkpoint rtmpose-t.pth --cfg-options test_dataloader.dataset.data_root=data/coco/
"""
import argparse
import copy
import json
import os.path as osp
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.config import DictAction

# rknn: in rknn-toolkit2's PC simulator; tensorrt: needs the tensorrt package and a CUDA device
RUNNABLE_BACKENDS = ('onnxruntime', 'openvino', 'ncnn', 'rknn', 'tensorrt')


@dataclass
class EvaluationResult:
    """Metrics of the backend model (and of the PyTorch model with ``checkpoint``) on one dataset.

    ``keypoint_diff`` (with a checkpoint): ``mean_px`` / ``max_px`` distance between the two models'
    keypoints in image pixels, ``mean_score`` / ``max_score`` absolute score difference, ``num`` keypoints.
    ``predictions``: per annotation id, ``[keypoints (K, 2), scores (K,)]`` lists for 'backend' (and
    'pytorch'). ``precision``: what the backend's engine ran ('f32', 'bf16', 'f16'), ``precision_detail``
    how, ``cpu`` the CPU it ran on (with its reduced-precision flags).
    """
    backend: Dict[str, float]
    precision: str = ''
    precision_detail: str = ''
    cpu: str = ''
    pytorch: Optional[Dict[str, float]] = None
    keypoint_diff: Optional[Dict[str, float]] = None
    num_instances: int = 0
    predictions: Dict[str, Dict[int, list]] = field(default_factory=dict)


def _codec(model_cfg) -> dict:
    return model_cfg.codec[-1] if isinstance(model_cfg.codec, (list, tuple)) else model_cfg.codec


def backend_model_info(deploy_cfg, model_cfg, files: Sequence[str]):
    """A runtime :class:`~rtmpose_ext.deploy.runtime.ModelInfo` for ``files`` from the two configs."""
    from .precision import requested_precision
    from .runtime import ModelInfo
    from .sdk_info import bbox_padding
    onnx_cfg = deploy_cfg.onnx_config
    codec, preprocessor = _codec(model_cfg), model_cfg.model.data_preprocessor
    return ModelInfo(work_dir=osp.dirname(files[0]),
                     net=files[0],
                     weights=files[1] if len(files) > 1 else '',
                     precision=requested_precision(deploy_cfg),
                     input_name=onnx_cfg.input_names[0],
                     output_names=list(onnx_cfg.output_names),
                     input_size=tuple(codec['input_size']),
                     padding=bbox_padding(model_cfg),
                     mean=np.asarray(preprocessor.mean, np.float32),
                     std=np.asarray(preprocessor.std, np.float32),
                     to_rgb=bool(preprocessor.get('bgr_to_rgb', False)),
                     split_ratio=float(codec['simcc_split_ratio']),
                     export_postprocess=bool(deploy_cfg.codebase_config.get('export_postprocess', False)))


def _check_files(backend: str, files: Sequence[str]) -> None:
    from .configs import DeployConfigError
    if backend not in RUNNABLE_BACKENDS:
        needs = {'sdk': 'mmdeploy-runtime'}.get(backend, backend)
        raise DeployConfigError(f'backend {backend!r}: no runtime for it here (it needs {needs}); '
                                f'evaluable backends: {RUNNABLE_BACKENDS}')
    expected = {'onnxruntime': ['.onnx'], 'openvino': ['.xml'], 'ncnn': ['.param', '.bin'],
                'rknn': ['.rknn'], 'tensorrt': ['.engine']}[backend]
    exts = [osp.splitext(f)[1] for f in files]
    if exts[:len(expected)] != expected:
        raise DeployConfigError(f'BACKEND_FILES: {backend} needs {" ".join("*" + e for e in expected)}, '
                                f'got {list(files)}')
    for f in files:
        if not osp.isfile(f):
            raise FileNotFoundError(f'BACKEND_FILES: no such file: {f!r}')


def _pred_instances(keypoints: np.ndarray, scores: np.ndarray, sample):
    """Keypoints (1, K, 2) in input pixels -> image pixels, as mmpose's ``add_pred_to_datasample``."""
    from mmengine.structures import InstanceData
    meta = sample.metainfo
    scale, center = meta['input_scale'], meta['input_center']
    keypoints = keypoints / meta['input_size'] * scale + center - 0.5 * scale
    return InstanceData(keypoints=keypoints, keypoint_scores=scores, keypoints_visible=scores,
                        bboxes=sample.gt_instances.bboxes, bbox_scores=sample.gt_instances.bbox_scores)


def _evaluation_engine(info, engine_options: Optional[Dict]):
    """The runtime's engine for the net file; an RKNN model runs in rknn-toolkit2's PC simulator, rebuilt
    from the conversion's job (``rknn_job.json`` beside the ``.rknn`` file)."""
    if info.net.endswith('.rknn'):
        from .rknn.simulator import RKNNSimulatorEngine
        return RKNNSimulatorEngine(info.work_dir)
    from .runtime import create_engine
    return create_engine(info, **(engine_options or {}))


class BackendPredictor:
    """The backend network + SimCC decoding on a preprocessed batch; returns mmpose data samples."""

    def __init__(self, deploy_cfg, model_cfg, files: Sequence[str], engine_options: Optional[Dict] = None):
        info = backend_model_info(deploy_cfg, model_cfg, files)
        self.engine = _evaluation_engine(info, engine_options)
        self.split_ratio = float(_codec(model_cfg)['simcc_split_ratio'])
        self.export_postprocess = bool(deploy_cfg.codebase_config.get('export_postprocess', False))

    def __call__(self, batch: dict) -> list:
        from .runtime import decode_simcc
        outputs = self.engine(batch['inputs'].numpy())
        if self.export_postprocess:
            keypoints, scores = outputs
        else:
            keypoints, scores = decode_simcc(outputs[0], outputs[1], self.split_ratio)
        samples = [copy.deepcopy(s) for s in batch['data_samples']]
        for i, sample in enumerate(samples):
            sample.pred_instances = _pred_instances(keypoints[i:i + 1], scores[i:i + 1], sample)
        return samples


def _pytorch_model(model_cfg, checkpoint: str):
    """The PyTorch model with flip test off (as exported)."""
    from mmpose.apis import init_model

    from .scope import ensure_default_scope
    cfg = copy.deepcopy(model_cfg)
    cfg.model.test_cfg['flip_test'] = False
    model = init_model(cfg, checkpoint, device='cpu')
    ensure_default_scope(model_cfg.get('default_scope', 'mmpose'))
    return model


def evaluate(deploy_cfg, model_cfg, backend_files: Sequence[str], checkpoint: Optional[str] = None,
             cfg_options: Optional[Dict] = None, engine_options: Optional[Dict] = None,
             log=print) -> EvaluationResult:
    """Evaluate ``backend_files`` (and the PyTorch model of ``checkpoint``) on the model config's test
    dataset; see the module docstring."""
    import torch
    from mmengine.evaluator import Evaluator
    from mmengine.registry import MODELS
    from mmengine.runner import Runner

    from .configs import load_configs
    from .scope import ensure_default_scope

    deploy_cfg, model_cfg = load_configs(deploy_cfg, model_cfg, model_options=cfg_options)
    backend = deploy_cfg.backend_config.type
    if deploy_cfg.codebase_config.get('model_type', 'end2end') == 'sdk':
        backend = 'sdk'
    _check_files(backend, backend_files)
    ensure_default_scope(model_cfg.get('default_scope', 'mmpose'))
    predictor = BackendPredictor(deploy_cfg, model_cfg, backend_files, engine_options)
    loader = Runner.build_dataloader(model_cfg.test_dataloader)
    preprocessor = MODELS.build(model_cfg.model.data_preprocessor)
    model = _pytorch_model(model_cfg, checkpoint) if checkpoint else None

    names = ['backend'] + (['pytorch'] if model is not None else [])
    evaluators, predictions = {}, {name: {} for name in names}
    for name in names:
        evaluators[name] = Evaluator(copy.deepcopy(model_cfg.test_evaluator))
        evaluators[name].dataset_meta = loader.dataset.metainfo
    t0 = time.perf_counter()
    with torch.no_grad():
        for data in loader:
            outputs = {'backend': predictor(preprocessor(data, False))}
            if model is not None:
                outputs['pytorch'] = model.test_step(data)
            for name, samples in outputs.items():
                evaluators[name].process(samples, data)
                predictions[name].update({int(s.id): _as_lists(s.pred_instances) for s in samples})
    num = len(loader.dataset)
    log(f'ran {num} instances through {backend} ({time.perf_counter() - t0:.1f} s)')
    from .runtime import cpu_summary
    engine = predictor.engine
    log(f'{backend} ran in {engine.precision}: {engine.precision_detail}')
    result = EvaluationResult(backend=_floats(evaluators['backend'].evaluate(num)), num_instances=num,
                              predictions=predictions, precision=engine.precision,
                              precision_detail=engine.precision_detail, cpu=cpu_summary())
    if model is not None:
        result.pytorch = _floats(evaluators['pytorch'].evaluate(num))
        result.keypoint_diff = keypoint_differences(predictions['backend'], predictions['pytorch'])
    return result


def _as_lists(pred_instances) -> list:
    return [np.asarray(pred_instances.keypoints)[0].tolist(),
            np.asarray(pred_instances.keypoint_scores)[0].tolist()]


def _floats(metrics: Dict) -> Dict[str, float]:
    return {k: float(v) for k, v in metrics.items()}


def keypoint_differences(a: Dict[int, list], b: Dict[int, list]) -> Dict[str, float]:
    """Distances (px) and score differences between two prediction dicts of the same annotation ids."""
    ids = sorted(a)
    ka = np.array([a[i][0] for i in ids]), np.array([a[i][1] for i in ids])
    kb = np.array([b[i][0] for i in ids]), np.array([b[i][1] for i in ids])
    dist = np.linalg.norm(ka[0] - kb[0], axis=-1)
    score = np.abs(ka[1] - kb[1])
    return dict(mean_px=float(dist.mean()), max_px=float(dist.max()), mean_score=float(score.mean()),
                max_score=float(score.max()), num=int(dist.size))


def format_report(result: EvaluationResult) -> str:
    """The metrics side by side (backend, PyTorch, difference) and the keypoint differences."""
    lines = [f'backend precision: {result.precision} ({result.precision_detail}) on {result.cpu}'] \
        if result.precision else []
    header = f'{"metric":<12}{"backend":>10}'
    lines.append(header + (f'{"pytorch":>10}{"diff":>10}' if result.pytorch else ''))
    for key, value in result.backend.items():
        line = f'{key.split("/")[-1]:<12}{value:>10.4f}'
        if result.pytorch:
            line += f'{result.pytorch[key]:>10.4f}{value - result.pytorch[key]:>+10.4f}'
        lines.append(line)
    if result.keypoint_diff:
        d = result.keypoint_diff
        lines.append(f'keypoints vs PyTorch ({d["num"]}): mean {d["mean_px"]:.4f} px, max {d["max_px"]:.4f} '
                     f'px; scores: mean {d["mean_score"]:.2e}, max {d["max_score"]:.2e}')
    return '\n'.join(lines)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='python -m rtmpose_ext.deploy.evaluate', description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('deploy_cfg', help='deploy config the model was converted with')
    parser.add_argument('model_cfg', help='model config (its test_dataloader and test_evaluator are used)')
    parser.add_argument('backend_files', nargs='+', help='backend model file(s)')
    parser.add_argument('--checkpoint', default=None,
                        help='also evaluate this PyTorch checkpoint and compare')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None, metavar='KEY=VALUE',
                        help='overrides of the model config (data paths, batch size, ...)')
    parser.add_argument('--num-threads', type=int, default=None, help='CPU threads of the backend')
    parser.add_argument('--precision-hint', default=None, choices=('f32', 'bf16', 'f16'),
                        help="OpenVINO / ncnn: run this precision instead of the model's (deploy.json)")
    parser.add_argument('--out', default=None, help='write the metrics (and differences) as JSON here')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import rtmpose_ext  # noqa: F401
    from .configs import DeployConfigError
    options = {k: v for k, v in (('num_threads', args.num_threads), ('precision_hint', args.precision_hint))
               if v}
    try:
        result = evaluate(args.deploy_cfg, args.model_cfg, args.backend_files, args.checkpoint,
                          args.cfg_options, options)
    except (DeployConfigError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    print(format_report(result))
    if args.out:
        report = {k: v for k, v in asdict(result).items() if k != 'predictions'}
        with open(args.out, 'w') as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
