"""RKNN (Rockchip NPUs): rknn-toolkit2 in its own environment (``make setup-rknn``), run as a subprocess
on the exported ONNX model (:mod:`..rknn.job`); writes ``end2end.rknn`` and checks it in the toolkit's PC
simulator against ONNX Runtime.

Deploy config keys (``backend_config``):

- ``common_config``: keyword arguments of ``RKNN.config``: ``target_platform`` (one of
  :data:`TARGET_PLATFORMS`; rknn-toolkit2 rejects MMDeploy's ``rv1126``, a chip of the first toolkit),
  ``optimization_level``, ``quantized_dtype`` ('w8a8', ...), ``quantized_algorithm``, ``float_dtype``, ...
  ``mean_values`` / ``std_values`` default to the model config's data preprocessor: the RKNN model takes
  the uint8 crop (H, W, 3) in the network's channel order (RGB for RTMPose) and normalises inside.
- ``quantization_config``: ``do_quantization`` (int8), ``dataset`` (a calibration list, one image or
  ``.npy`` path a line; None: ``calibration.num_samples`` crops of the training split are written as
  ``.npy`` files into ``WORK_DIR/rknn_calibration/``), ``calibration`` (:mod:`..calibration`),
  ``float_from`` (ONNX node names: hybrid int8, the graph from each to the outputs in float16, through
  the toolkit's ``hybrid_quantization_step1/2``; the step files go to ``WORK_DIR/rknn_hybrid/``).
- ``simulator_check``: ``num_samples`` crops of the test split (default 32) run by the simulator and by
  ONNX Runtime fp32: ``WORK_DIR/rknn_check.json`` (logit and keypoint differences);
  ``accuracy_analysis`` (default True): rknn-toolkit2's per-layer report in
  ``WORK_DIR/rknn_accuracy_analysis/``.
- ``toolkit_python``: the toolkit environment's interpreter (:mod:`..rknn.toolkit`).

The job's description is kept as ``WORK_DIR/rknn_job.json``; evaluation rebuilds the model from it in the
simulator (the simulator cannot load an ``.rknn`` file).
"""
import json
import os
import os.path as osp
from typing import List

import numpy as np
from mmengine.config import Config

from ..calibration import calibration_crops, calibration_settings, model_channel_order
from ..configs import DeployConfigError
from ..rknn.toolkit import run_job, toolkit_python
from .base import BackendConverter, MissingToolkitError, register_converter

TARGET_PLATFORMS = ('rk3588', 'rk3576', 'rk3568', 'rk3566', 'rk3562', 'rv1103', 'rv1106', 'rv1103b',
                    'rv1106b', 'rv1126b', 'rk2118')
CONFIG_KEYS = ('target_platform', 'optimization_level', 'quantized_dtype', 'quantized_algorithm',
               'quantized_method', 'quantized_hybrid_level', 'float_dtype', 'mean_values', 'std_values',
               'single_core_mode', 'compress_weight', 'remove_weight', 'model_pruning', 'sparse_infer',
               'enable_flash_attention', 'custom_string')
JOB_FILE = 'rknn_job.json'


def toolkit_config(deploy_cfg: Config, model_cfg: Config) -> dict:
    """``RKNN.config`` arguments: ``common_config`` with mean/std from the model's data preprocessor."""
    config = dict(deploy_cfg.backend_config.get('common_config') or {})
    preprocessor = model_cfg.model.data_preprocessor
    config.setdefault('mean_values', [list(map(float, preprocessor.mean))])
    config.setdefault('std_values', [list(map(float, preprocessor.std))])
    return config


def _write_crops(folder: str, crops: np.ndarray) -> str:
    """One ``.npy`` per crop of (N, H, W, 3) ``crops`` in ``folder``, as the toolkit reads them (1, 3, H,
    W) uint8, and their list; returns the list's path."""
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i, crop in enumerate(crops):
        paths.append(osp.join(folder, f'{i:04d}.npy'))
        np.save(paths[-1], crop.transpose(2, 0, 1)[None])
    listing = osp.join(folder, 'dataset.txt')
    with open(listing, 'w') as f:
        f.write('\n'.join(paths) + '\n')
    return listing


@register_converter
class RKNNConverter(BackendConverter):
    name = 'rknn'

    def check(self, deploy_cfg: Config) -> None:
        backend_cfg = deploy_cfg.backend_config
        if deploy_cfg.onnx_config.get('dynamic_axes'):
            raise DeployConfigError('onnx_config.dynamic_axes: RKNN models are static; remove the dynamic '
                                    'axes')
        common = backend_cfg.get('common_config') or {}
        unknown = sorted(set(common) - set(CONFIG_KEYS))
        if unknown:
            raise DeployConfigError(f'backend_config.common_config: unknown RKNN.config keys {unknown}; '
                                    f'known: {list(CONFIG_KEYS)}')
        target = common.get('target_platform')
        if target not in TARGET_PLATFORMS:
            raise DeployConfigError(f'backend_config.common_config.target_platform: expected one of '
                                    f'{TARGET_PLATFORMS} (rknn-toolkit2 2.x), got {target!r}')
        quant = backend_cfg.get('quantization_config')
        if not isinstance(quant, dict) or 'do_quantization' not in quant:
            raise DeployConfigError('backend_config.quantization_config.do_quantization (bool) is '
                                    'missing')
        calibration_settings(quant)
        float_from = quant.get('float_from') or []
        if isinstance(float_from, str) or not all(isinstance(n, str) and n for n in float_from):
            raise DeployConfigError('backend_config.quantization_config.float_from: expected a list of ONNX '
                                    f"node names such as ['/final_layer/Conv'], got {float_from!r}")
        num = (backend_cfg.get('simulator_check') or {}).get('num_samples', 32)
        if not isinstance(num, int) or num < 1:
            raise DeployConfigError('backend_config.simulator_check.num_samples: expected an integer >= 1, '
                                    f'got {num!r}')

    def export_backend(self, deploy_cfg: Config) -> str:
        return 'rknn'   # our RKNN rewrites: ScaleNorm without ReduceL2

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu', log=print) -> List[str]:
        backend_cfg = deploy_cfg.backend_config
        python = toolkit_python(backend_cfg.get('toolkit_python'))
        if python is None:
            raise MissingToolkitError(self.name, 'rknn-toolkit2', ' in its own environment: run `make '
                                      'setup-rknn` (or point backend_config.toolkit_python or '
                                      'RTMPOSE_EXT_RKNN_PYTHON at an interpreter that has it)')
        job_file = self.write_job(onnx_file, work_dir, deploy_cfg, model_cfg)
        run_job(python, job_file, osp.join(work_dir, 'rknn_toolkit.log'), log)
        with open(job_file) as f:
            return [json.load(f)['output']]

    def write_job(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config) -> str:
        """Calibration and comparison crops, and ``WORK_DIR/rknn_job.json`` describing the job."""
        backend_cfg = deploy_cfg.backend_config
        work_dir = osp.abspath(work_dir)
        quant = backend_cfg.quantization_config
        config = toolkit_config(deploy_cfg, model_cfg)
        dataset = quant.get('dataset')
        if quant['do_quantization'] and not dataset:
            settings = calibration_settings(quant)
            crops = calibration_crops(model_cfg, settings['num_samples'], settings['seed'])
            dataset = _write_crops(osp.join(work_dir, 'rknn_calibration'),
                                   model_channel_order(crops, model_cfg))
        check_cfg = backend_cfg.get('simulator_check') or {}
        crops = model_channel_order(calibration_crops(model_cfg, check_cfg.get('num_samples', 32), seed=0,
                                                      split='test'), model_cfg)
        inputs = osp.join(work_dir, 'rknn_check_inputs.npy')
        np.save(inputs, crops)
        codec = model_cfg.codec[-1] if isinstance(model_cfg.codec, (list, tuple)) else model_cfg.codec
        job = dict(onnx=osp.abspath(onnx_file), output=self.output_prefix(onnx_file, work_dir) + '.rknn',
                   config=config, do_quantization=bool(quant['do_quantization']),
                   dataset=osp.abspath(dataset) if dataset else None,
                   float_from=list(quant.get('float_from') or []),
                   hybrid_dir=osp.join(work_dir, 'rknn_hybrid'),
                   compare=dict(inputs=inputs, mean=config['mean_values'][0], std=config['std_values'][0],
                                split_ratio=float(codec['simcc_split_ratio'])),
                   report=osp.join(work_dir, 'rknn_check.json'),
                   analysis_dir=(osp.join(work_dir, 'rknn_accuracy_analysis')
                                 if check_cfg.get('accuracy_analysis', True) else None))
        job_file = osp.join(work_dir, JOB_FILE)
        with open(job_file, 'w') as f:
            json.dump(job, f, indent=2)
        return job_file
