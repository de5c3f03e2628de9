"""What a conversion does differently per task, and the registry of tasks by the deploy config's
``codebase_config`` (``type``, ``task``)."""
from typing import Callable, Dict, Tuple

from mmengine.config import Config

from ..configs import DeployConfigError


class DeployTask:
    """The task-specific checks and corrections of a conversion.

    Subclasses set ``codebase`` and ``task`` (``codebase_config.type`` / ``.task`` of the deploy
    configs they convert) and override what differs; each check raises :class:`DeployConfigError`
    naming the field.
    """
    codebase = ''
    task = ''

    def check_deploy_config(self, cfg: Config) -> None:
        """Check the task's keys of the deploy config (e.g. the number of outputs)."""

    def check_model_config(self, cfg: Config) -> None:
        """Check that the model config describes a model of this task that can be exported."""

    def resolve(self, deploy_cfg: Config, model_cfg: Config) -> None:
        """Fill, in place, deploy config values left to the model config (e.g. a static input shape)."""

    def check_pair(self, deploy_cfg: Config, model_cfg: Config) -> None:
        """Check what depends on both configs (e.g. options of the graph that the model must allow)."""

    def describe(self, deploy_cfg: Config) -> str:
        """Words for the conversion's first progress line (e.g. ', NMS in the graph')."""
        return ''

    def fix_pipeline(self, pipeline: dict, deploy_cfg: Config, model_cfg: Config) -> None:
        """Correct, in place, the ``pipeline.json`` content that MMDeploy's ``export2SDK`` wrote."""


DEPLOY_TASKS: Dict[Tuple[str, str], DeployTask] = {}


def register_task(cls: Callable) -> Callable:
    """Class decorator: register an instance under ``(cls.codebase, cls.task)``."""
    DEPLOY_TASKS[(cls.codebase, cls.task)] = cls()
    return cls


def get_task(deploy_cfg: Config) -> DeployTask:
    """The task of ``deploy_cfg.codebase_config`` (``type``, ``task``)."""
    codebase_cfg = deploy_cfg.get('codebase_config') or {}
    key = (codebase_cfg.get('type'), codebase_cfg.get('task'))
    if key not in DEPLOY_TASKS:
        supported = ', '.join(f"type={c!r}, task={t!r}" for c, t in sorted(DEPLOY_TASKS))
        raise DeployConfigError(f'deploy config: codebase_config type={key[0]!r}, task={key[1]!r} is not '
                                f'supported; supported: {supported}')
    return DEPLOY_TASKS[key]
