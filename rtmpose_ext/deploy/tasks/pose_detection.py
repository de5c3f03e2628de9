"""Top-down SimCC pose models (RTMPose, SimCC) of mmpose: ``codebase_config`` type 'mmpose', task
'PoseDetection'."""
from mmengine.config import Config

from ..configs import DeployConfigError
from .base import DeployTask, register_task


def _codec(model_cfg: Config):
    codec = model_cfg.get('codec')
    return codec[-1] if isinstance(codec, (list, tuple)) else codec


def bbox_padding(model_cfg: Config) -> float:
    """The box padding of the model config's test pipeline (``GetBBoxCenterScale``; 1.25 by default)."""
    for transform in model_cfg.test_dataloader.dataset.pipeline:
        if transform.get('type', '').split('.')[-1] == 'GetBBoxCenterScale':
            return float(transform.get('padding', 1.25))
    return 1.25


@register_task
class PoseDetectionTask(DeployTask):
    codebase = 'mmpose'
    task = 'PoseDetection'

    def check_deploy_config(self, cfg: Config) -> None:
        """One input and two outputs (x/y logits, or keypoints/scores decoded in the graph)."""
        onnx_cfg = cfg.onnx_config
        if len(onnx_cfg.output_names) != 2:
            raise DeployConfigError('deploy config: a SimCC pose model has one input and two outputs; got '
                                    f'onnx_config.input_names={list(onnx_cfg.input_names)}, '
                                    f'output_names={list(onnx_cfg.output_names)}')

    def check_model_config(self, cfg: Config) -> None:
        """A top-down SimCC model: codec SimCCLabel, ``model`` and the test pipeline."""
        codec = _codec(cfg)
        if not isinstance(codec, dict) or codec.get('type') != 'SimCCLabel':
            raise DeployConfigError('model config: `codec` must be a SimCCLabel codec (these deploy tools '
                                    f'handle SimCC models), got {codec!r}')
        if 'model' not in cfg or 'test_dataloader' not in cfg:
            raise DeployConfigError('model config: `model` and `test_dataloader` (its pipeline describes '
                                    'the preprocessing) are required')

    def check_pair(self, deploy_cfg: Config, model_cfg: Config) -> None:
        """With ``codebase_config.export_postprocess=True`` the codec must be decodable in the graph
        (no DARK, no visibility)."""
        if not deploy_cfg.codebase_config.get('export_postprocess', False):
            return
        codec = _codec(model_cfg)
        for key in ('use_dark', 'decode_visibility'):
            if codec.get(key, False):
                raise DeployConfigError(f'codebase_config.export_postprocess=True cannot export '
                                        f'codec.{key}=True; set codebase_config.export_postprocess=False '
                                        '(decode outside the graph)')

    def describe(self, deploy_cfg: Config) -> str:
        return ', decoding in the graph' if deploy_cfg.codebase_config.get('export_postprocess') else ''

    def fix_pipeline(self, pipeline: dict, deploy_cfg: Config, model_cfg: Config) -> None:
        """MMDeploy writes the box padding as 1.25 whatever the model config says: use the model
        config's ``GetBBoxCenterScale`` padding."""
        for task in pipeline['pipeline']['tasks']:
            for transform in task.get('transforms', []):
                if transform['type'] == 'TopDownGetBboxCenterScale':
                    transform['padding'] = bbox_padding(model_cfg)
