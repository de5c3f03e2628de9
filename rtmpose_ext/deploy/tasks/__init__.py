"""The tasks a conversion handles, one per ``codebase_config`` (type, task) of the deploy config:
SimCC pose models (mmpose, PoseDetection) and single-stage detectors (mmdet, ObjectDetection)."""
from . import object_detection, pose_detection  # noqa: F401  (registers the tasks)
from .base import DEPLOY_TASKS, DeployTask, get_task, register_task

__all__ = ['DEPLOY_TASKS', 'DeployTask', 'get_task', 'register_task']
