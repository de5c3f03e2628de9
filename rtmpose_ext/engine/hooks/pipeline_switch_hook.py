"""``PipelineSwitchHook``: replace the training pipeline once, at the start of a given epoch.

RTMPose trains its last epochs with a weaker augmentation pipeline ("stage 2")::

    custom_hooks = [
        dict(type='PipelineSwitchHook', switch_epoch=max_epochs - stage2_num_epochs,
             switch_pipeline=train_pipeline_stage2),
    ]
"""
import copy
from typing import Callable, List, Sequence, Tuple, Union

from mmengine.dataset import Compose
from mmengine.hooks import Hook
from mmengine.runner import IterBasedTrainLoop

from rtmpose_ext.registry import HOOKS


@HOOKS.register_module()
class PipelineSwitchHook(Hook):
    """Switch the training dataset's pipeline to ``switch_pipeline`` at the start of epoch ``switch_epoch``.

    ``switch_epoch`` is the 0-based epoch index (``runner.epoch``, the number of finished epochs), as in
    mmdet's hook: with ``switch_epoch=390`` the switch happens before the 391st epoch, i.e. epochs shown
    as ``Epoch(train) [391]`` ... in the log use the new pipeline.

    - The switch happens once, in ``before_train_epoch`` of the first epoch with
      ``runner.epoch >= switch_epoch``. So a run resumed at or after ``switch_epoch`` uses the new pipeline
      from its first epoch on, and one resumed before it switches when it gets there.
    - Persistent dataloader workers (``persistent_workers=True``) hold their own copy of the dataset; the
      hook shuts them down and drops the dataloader's cached iterator, so the next epoch starts new
      workers that copy the dataset with the new pipeline. Non-persistent workers are restarted by the
      dataloader at every epoch anyway.
    - Only the training dataloader's dataset is touched; validation and test pipelines are left alone.
    - Dataset wrappers without a pipeline of their own (mmengine's ``ConcatDataset``, ``RepeatDataset``,
      ``ClassBalancedDataset``, torch's ``ConcatDataset``/``Subset``, i.e. anything with ``datasets`` or
      ``dataset``) are looked through: each wrapped dataset gets its own new pipeline. A dataset that has
      a ``pipeline`` of its own (e.g. mmpose's ``CombinedDataset``) gets its pipeline replaced and its
      sub-datasets are left alone. Anything else raises ``TypeError``.

    Only epoch-based training is supported (an iteration-based loop raises ``TypeError``).

    Args:
        switch_epoch (int): 0-based index of the first epoch that uses ``switch_pipeline``.
        switch_pipeline (list[dict | callable]): the new pipeline: transform configs (built in the
            runner's default scope when training starts) or transform objects.
    """

    priority = 'NORMAL'

    def __init__(self, switch_epoch: int, switch_pipeline: Sequence[Union[dict, Callable]]) -> None:
        if isinstance(switch_epoch, bool) or not isinstance(switch_epoch, int) or switch_epoch < 0:
            raise ValueError(f'switch_epoch must be an integer >= 0, but got {switch_epoch!r}')
        if isinstance(switch_pipeline, (str, dict)) or not isinstance(switch_pipeline, Sequence):
            raise TypeError('switch_pipeline must be a list of transform configs (dicts) or transforms, but '
                            f'got {type(switch_pipeline).__name__}')
        self.switch_epoch = switch_epoch
        self.switch_pipeline = list(switch_pipeline)
        self._has_switched = False

    def _build_pipeline(self) -> Compose:
        return Compose(copy.deepcopy(self.switch_pipeline))

    def before_train(self, runner) -> None:
        """Check the loop type and build the pipeline once, so a bad config fails before training."""
        if isinstance(runner.train_loop, IterBasedTrainLoop):
            raise TypeError('PipelineSwitchHook needs an epoch-based train loop (train_cfg by_epoch=True)')
        self._build_pipeline()

    def before_train_epoch(self, runner) -> None:
        """Switch at the first epoch with ``runner.epoch >= switch_epoch``."""
        if self._has_switched or runner.epoch < self.switch_epoch:
            return
        loader = runner.train_dataloader
        replaced = self._replace_pipelines(loader.dataset, 'train_dataloader.dataset')
        restarted = self._restart_workers(loader)
        self._has_switched = True
        runner.logger.info(f'PipelineSwitchHook: switched the training pipeline at epoch {runner.epoch + 1} '
                           f'(runner.epoch={runner.epoch}, switch_epoch={self.switch_epoch}) in '
                           f'{", ".join(replaced)}' +
                           ('; restarting the persistent dataloader workers' if restarted else ''))

    def _replace_pipelines(self, dataset, where: str) -> List[str]:
        """Give ``dataset`` (or every dataset it wraps) a new pipeline; return where it did."""
        if hasattr(dataset, 'pipeline'):
            dataset.pipeline = self._build_pipeline()
            return [f'{where} ({type(dataset).__name__})']
        children: List[Tuple[str, object]] = []
        if isinstance(getattr(dataset, 'datasets', None), Sequence):
            children = [(f'{where}.datasets[{i}]', d) for i, d in enumerate(dataset.datasets)]
        elif getattr(dataset, 'dataset', None) is not None:
            children = [(f'{where}.dataset', dataset.dataset)]
        if not children:
            raise TypeError(
                f'PipelineSwitchHook cannot switch the pipeline of {where} ({type(dataset).__name__}): it '
                "has no 'pipeline' attribute and wraps no 'dataset'/'datasets'")
        replaced: List[str] = []
        for child_where, child in children:
            replaced += self._replace_pipelines(child, child_where)
        return replaced

    @staticmethod
    def _restart_workers(loader) -> bool:
        """Shut down the persistent workers (they hold a copy of the old dataset) and drop the iterator."""
        iterator = getattr(loader, '_iterator', None)
        if iterator is None:
            return False
        shutdown = getattr(iterator, '_shutdown_workers', None)
        if callable(shutdown):
            shutdown()
        loader._iterator = None  # DataLoader.__iter__ makes a new one, with new workers
        return True
