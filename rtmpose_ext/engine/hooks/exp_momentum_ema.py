"""``ExpMomentumEMA``: EMA of the model weights whose momentum decays exponentially to a floor (YOLOX's).

Used through mmengine's ``EMAHook``, which builds ``ema_type`` from mmengine's root ``MODELS`` registry;
under ``default_scope='rtmpose_ext'`` that build switches to our ``MODELS`` child, so::

    custom_hooks = [dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.0002, update_buffers=True,
                         priority=49)]

builds this class (``'mmpose.ExpMomentumEMA'`` would build mmpose's).
"""
import math
from numbers import Real
from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import ExponentialMovingAverage
from torch import Tensor

from rtmpose_ext.registry import MODELS


@MODELS.register_module()
class ExpMomentumEMA(ExponentialMovingAverage):
    r"""Exponential moving average of the parameters (and optionally buffers) with an annealed momentum.

    At update number :math:`t` (the first update, :math:`t = 0`, copies the source weights; later ones
    happen every ``interval`` updates) each floating-point tensor is updated as

    .. math::

        m_t = (1 - m) \exp(-(1 + t) / \gamma) + m, \qquad
        \bar\theta \leftarrow (1 - m_t)\,\bar\theta + m_t\,\theta

    so early updates follow the model closely and the momentum anneals towards ``momentum`` (:math:`m`).
    Same formula as mmpose's / mmdet's ``ExpMomentumEMA``.

    Args:
        model (nn.Module): the model to average (deep-copied).
        momentum (float): the floor :math:`m` of the momentum, in (0, 1). Defaults to 0.0002.
        gamma (float): time constant :math:`\gamma` (in updates) of the momentum's decay, > 0.
            Defaults to 2000.
        interval (int): update the average every ``interval`` calls. Defaults to 1.
        device (torch.device, optional): where to keep the averaged copy. Defaults to the model's device.
        update_buffers (bool): average the buffers (e.g. BatchNorm running stats) too; otherwise they are
            copied from the model at every update. Defaults to False.
    """

    def __init__(self,
                 model: nn.Module,
                 momentum: float = 0.0002,
                 gamma: float = 2000,
                 interval: int = 1,
                 device: Optional[torch.device] = None,
                 update_buffers: bool = False) -> None:
        if isinstance(gamma, bool) or not isinstance(gamma, Real) or not gamma > 0:
            raise ValueError(f'gamma must be a number > 0, but got {gamma!r}')
        if not isinstance(momentum, Real) or not 0 < momentum < 1:
            raise ValueError(f'momentum must be in (0, 1), but got {momentum!r}')
        if isinstance(interval, bool) or not isinstance(interval, int) or interval < 1:
            raise ValueError(f'interval must be an integer >= 1, but got {interval!r}')
        super().__init__(model=model,
                         momentum=momentum,
                         interval=interval,
                         device=device,
                         update_buffers=update_buffers)
        self.gamma = gamma

    def momentum_at(self, steps: int) -> float:
        """The momentum :math:`m_t` used by the update with step count ``steps``."""
        return (1 - self.momentum) * math.exp(-(1 + int(steps)) / self.gamma) + self.momentum

    def avg_func(self, averaged_param: Tensor, source_param: Tensor, steps: int) -> None:
        """In place: ``averaged = (1 - m_t) * averaged + m_t * source``."""
        m = self.momentum_at(steps)
        averaged_param.mul_(1 - m).add_(source_param, alpha=m)

    def update_parameters(self, model: nn.Module) -> None:
        """mmengine's update (the first call copies, buffers follow the model unless averaged) with
        the averaging steps done by two ``torch._foreach_*`` calls over all floating-point tensors
        instead of :meth:`avg_func` on each (185 of them in RTMPose-t with its buffers: 3.9 vs 5.0 ms per
        update on 2 CPU cores, ``python tools/benchmark_train_step.py``); the same arithmetic as
        :meth:`avg_func`."""
        steps = int(self.steps)
        if steps == 0 or steps % self.interval:
            return super().update_parameters(model)
        source = model.state_dict() if self.update_buffers else dict(model.named_parameters())
        pairs = [(avg.data, source[key].data.to(avg.device)) for key, avg in self.avg_parameters.items()
                 if avg.dtype.is_floating_point]
        averaged, new = [a for a, _ in pairs], [s for _, s in pairs]
        m = self.momentum_at(steps)
        torch._foreach_mul_(averaged, 1 - m)
        torch._foreach_add_(averaged, new, alpha=m)
        if not self.update_buffers:
            for b_avg, b_src in zip(self.module.buffers(), model.buffers()):
                b_avg.data.copy_(b_src.data.to(b_avg.device))
        self.steps += 1
