"""Step 2 of a conversion: the SDK's description of the model directory, as MMDeploy's ``export2SDK``.

``deploy.json`` (backend, net and weight files, precision), ``pipeline.json`` (preprocessing, inference,
post-processing with the model's parameters) and ``detail.json`` (the configs). The task of the deploy
config then corrects ``pipeline.json`` where MMDeploy's differs from the model config
(:meth:`~rtmpose_ext.deploy.tasks.DeployTask.fix_pipeline`): for pose models the box padding (MMDeploy
writes 1.25 whatever the config says), for detectors the resize and pad of the test pipeline (MMDeploy
stretches pictures to a static input shape). And MMDeploy writes the precision 'FP32' for every backend
but TensorRT and ncnn; here it is the deploy config's
(:func:`~rtmpose_ext.deploy.precision.requested_precision`), which the runtime then runs explicitly.
"""
import copy
import json
import os.path as osp
from contextlib import contextmanager
from typing import List, Optional

from mmengine.config import Config

from .precision import requested_precision
from .scope import ensure_default_scope
from .tasks import get_task
from .tasks.pose_detection import bbox_padding  # noqa: F401  (used by .evaluate)

SDK_FILES = ('deploy.json', 'pipeline.json', 'detail.json')


def export_sdk_info(deploy_cfg: Config, model_cfg: Config, work_dir: str,
                    checkpoint: Optional[str]) -> List[str]:
    """Write the three SDK files into ``work_dir``; return their paths.

    Nothing is computed on a device; ``export2SDK`` builds task processors, which check that the device
    suits the backend (CUDA for TensorRT, the CPU otherwise), so it gets a matching device name.
    """
    from mmdeploy.backend.sdk.export_info import export2SDK
    device = 'cuda:0' if deploy_cfg.backend_config.type == 'tensorrt' else 'cpu'
    # copies: MMDeploy's tasks edit the configs' test pipelines in place (e.g. Resize `scale` -> `size`)
    export2SDK(copy.deepcopy(deploy_cfg), copy.deepcopy(model_cfg), work_dir, pth=checkpoint or '',
               device=device)
    if model_cfg.get('default_scope'):
        ensure_default_scope(model_cfg.default_scope)  # export2SDK built task processors (see .scope)

    with _edit_json(osp.join(work_dir, 'pipeline.json')) as pipeline:
        get_task(deploy_cfg).fix_pipeline(pipeline, deploy_cfg, model_cfg)
    with _edit_json(osp.join(work_dir, 'deploy.json')) as deploy:
        for model in deploy['models']:
            model['precision'] = requested_precision(deploy_cfg)
    return [osp.join(work_dir, name) for name in SDK_FILES]


@contextmanager
def _edit_json(path: str):
    """Load the JSON file ``path``, yield it for in-place edits, write it back."""
    with open(path) as f:
        data = json.load(f)
    yield data
    with open(path, 'w') as f:
        json.dump(data, f, indent=4)
