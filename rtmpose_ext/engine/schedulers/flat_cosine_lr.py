"""``FlatCosineAnnealingLR``: linear warm-up by iteration, a flat phase, then cosine decay, in one scheduler.

RTMPose's configs write this schedule as two mmengine schedulers::

    param_scheduler = [
        dict(type='LinearLR', start_factor=1.0e-5, by_epoch=False, begin=0, end=1000),
        dict(type='CosineAnnealingLR', eta_min=base_lr * 0.05, begin=max_epochs // 2, end=max_epochs,
             T_max=max_epochs // 2, by_epoch=True, convert_to_iter_based=True),
    ]

and this scheduler gives the same learning rate at every iteration (up to rounding) as::

    param_scheduler = [
        dict(type='FlatCosineAnnealingLR', warmup_iters=1000, warmup_factor=1.0e-5,
             cosine_begin=max_epochs // 2, end=max_epochs, eta_min_ratio=0.05,
             by_epoch=True, convert_to_iter_based=True),
    ]
"""
import math
from numbers import Integral, Real
from typing import List, Optional

from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, OptimizerType, _ParamScheduler

from rtmpose_ext.registry import PARAM_SCHEDULERS


def _check_int(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f'{name} must be an integer >= {minimum}, but got {value!r}')


@PARAM_SCHEDULERS.register_module()
class FlatCosineAnnealingLR(LRSchedulerMixin, _ParamScheduler):
    r"""Linear warm-up (always by iteration), then a flat learning rate, then cosine annealing.

    With :math:`b` the base learning rate of a parameter group (its ``initial_lr``), :math:`k` the number
    of steps since ``begin``, :math:`t` the number of steps since ``cosine_begin`` and
    :math:`T = end - cosine\_begin`, the learning rate at step :math:`s` is :math:`w(k)\,g(s)` where

    .. math::

        w(k) &= f + (1 - f)\,\min(k, W - 1) / (W - 1)  \quad (W \ge 2;\ w = 1 \text{ for } W = 0;
                \ w(0) = f,\ w(k \ge 1) = 1 \text{ for } W = 1) \\
        g(s) &= b \quad (s < cosine\_begin) \\
        g(s) &= \eta_{min} + (b - \eta_{min})\,(1 + \cos(\pi t / T)) / 2 \quad (cosine\_begin \le s < end)

    with :math:`f` = ``warmup_factor`` and :math:`W` = ``warmup_iters``. This is what mmengine's
    ``LinearLR(start_factor=f, begin=begin, end=begin + W, by_epoch=False)`` followed by
    ``CosineAnnealingLR(begin=cosine_begin, end=end, T_max=end - cosine_begin)`` give when the warm-up ends
    before the cosine phase starts (RTMPose's case); the warm-up factor reaches 1 at the warm-up's last
    iteration, and the cosine phase's last value is the one at :math:`t = T - 1` (not exactly
    :math:`\eta_{min}`), exactly as there. Before ``begin`` and from ``end`` on the learning rate is left
    as it is (mmengine's convention), i.e. it stays at the last scheduled value after ``end``.

    If the warm-up runs into the cosine phase, the warm-up factor multiplies the flat-cosine curve. With
    ``eta_min=0`` that is again exactly the mmengine composition; with ``eta_min > 0`` mmengine's chained
    recursion gives a slightly different curve during the overlap, which this scheduler does not copy.

    The value is computed in closed form from the step count (not chained on the current value), so
    resuming from :meth:`state_dict` continues the same curve, and another LR scheduler active on the
    same steps would be overridden rather than composed.

    Args:
        optimizer (Optimizer or OptimWrapper): the (wrapped) optimizer.
        cosine_begin (int | float): step at which the cosine decay starts (epochs when ``by_epoch=True``;
            converted to iterations with ``convert_to_iter_based=True``). Required.
        end (int | float): step at which the schedule stops (epochs when ``by_epoch=True``); the runner
            fills in ``max_epochs``/``max_iters`` when it is not given. Must be finite.
        eta_min (float, optional): learning rate at the end of the cosine phase, absolute, the same for
            every parameter group. Give either this or ``eta_min_ratio``; if neither, 0.
        eta_min_ratio (float, optional): ``eta_min`` as a fraction of each group's base learning rate.
        warmup_iters (int): length of the linear warm-up in iterations, counted from ``begin``, whatever
            ``by_epoch`` says for the rest. 0 (the default) disables the warm-up. Needs an iteration-based
            scheduler: ``by_epoch=False`` or ``convert_to_iter_based=True``.
        warmup_factor (float): learning rate factor at the first warm-up iteration, in (0, 1].
            Defaults to 1e-3.
        begin (int | float): step at which the schedule (and the warm-up) starts. Defaults to 0.
        last_step (int): index of the last step, for resuming without a state dict. Defaults to -1.
        by_epoch (bool): whether ``begin``, ``cosine_begin`` and ``end`` are in epochs. Defaults to True.
        verbose (bool): print the value at each update. Defaults to False.
    """

    def __init__(self,
                 optimizer: OptimizerType,
                 cosine_begin: int,
                 end: int = INF,
                 eta_min: Optional[float] = None,
                 eta_min_ratio: Optional[float] = None,
                 warmup_iters: int = 0,
                 warmup_factor: float = 1e-3,
                 begin: int = 0,
                 last_step: int = -1,
                 by_epoch: bool = True,
                 verbose: bool = False):
        self._check_args(cosine_begin, end, eta_min, eta_min_ratio, warmup_iters, warmup_factor, begin,
                         by_epoch)
        self.cosine_begin = cosine_begin
        self.eta_min = 0.0 if eta_min is None and eta_min_ratio is None else eta_min
        self.eta_min_ratio = eta_min_ratio
        self.warmup_iters = int(warmup_iters)
        self.warmup_factor = float(warmup_factor)
        super().__init__(optimizer,
                         begin=begin,
                         end=end,
                         last_step=last_step,
                         by_epoch=by_epoch,
                         verbose=verbose)

    @staticmethod
    def _check_range(begin, cosine_begin, end) -> None:
        for name, value in (('begin', begin), ('cosine_begin', cosine_begin), ('end', end)):
            if isinstance(value, bool) or not isinstance(value, Real) or value < 0:
                raise ValueError(f'{name} must be a number >= 0, but got {value!r}')
        if end >= INF:
            raise ValueError('end must be given (finite); the runner fills it in with max_epochs/max_iters '
                             'only when it builds the scheduler from a config')
        if not begin <= cosine_begin:
            raise ValueError(f'cosine_begin must be >= begin, but got cosine_begin={cosine_begin}, '
                             f'begin={begin}')
        if not cosine_begin < end:
            raise ValueError(f'cosine_begin must be < end, but got cosine_begin={cosine_begin}, end={end}')

    @classmethod
    def _check_args(cls, cosine_begin, end, eta_min, eta_min_ratio, warmup_iters, warmup_factor, begin,
                    by_epoch) -> None:
        cls._check_range(begin, cosine_begin, end)
        if eta_min is not None and eta_min_ratio is not None:
            raise ValueError('give either eta_min or eta_min_ratio, not both')
        if eta_min is not None and (isinstance(eta_min, bool) or not isinstance(eta_min, Real)
                                    or eta_min < 0):
            raise ValueError(f'eta_min must be a number >= 0, but got {eta_min!r}')
        if eta_min_ratio is not None and (isinstance(eta_min_ratio, bool) or
                                          not isinstance(eta_min_ratio, Real) or not 0 <= eta_min_ratio <= 1):
            raise ValueError(f'eta_min_ratio must be in [0, 1], but got {eta_min_ratio!r}')
        _check_int('warmup_iters', warmup_iters, 0)
        if (isinstance(warmup_factor, bool) or not isinstance(warmup_factor, Real)
                or not 0 < warmup_factor <= 1):
            raise ValueError(f'warmup_factor must be in (0, 1], but got {warmup_factor!r}')
        if warmup_iters > 0 and by_epoch:
            raise ValueError('warmup_iters counts iterations, so it needs an iteration-based scheduler: set '
                             'convert_to_iter_based=True (or by_epoch=False), or warmup_iters=0')

    @classmethod
    def build_iter_from_epoch(cls,
                              *args,
                              cosine_begin: int,
                              begin: int = 0,
                              end: int = INF,
                              by_epoch: bool = True,
                              epoch_length: Optional[int] = None,
                              **kwargs):
        """Build the iteration-based scheduler from epoch-based arguments (``convert_to_iter_based=True``).

        ``begin``, ``cosine_begin`` and ``end`` are multiplied by ``epoch_length``; ``warmup_iters`` is
        already in iterations and is kept.
        """
        if not by_epoch:
            raise ValueError('convert_to_iter_based=True needs by_epoch=True (the arguments in epochs)')
        _check_int('epoch_length', epoch_length, 1)
        cls._check_range(begin, cosine_begin, end)  # in epochs; the rest is checked by __init__
        return cls(*args,
                   cosine_begin=int(cosine_begin * epoch_length),
                   begin=int(begin * epoch_length),
                   end=int(end * epoch_length),
                   by_epoch=False,
                   **kwargs)

    def _warmup_multiplier(self, k: int) -> float:
        if self.warmup_iters == 0 or k >= self.warmup_iters:
            return 1.0
        if self.warmup_iters == 1:
            return self.warmup_factor
        return self.warmup_factor + (1.0 - self.warmup_factor) * k / (self.warmup_iters - 1)

    def _get_value(self) -> List[float]:
        """Closed-form learning rate of every parameter group at the current step."""
        k = self.last_step  # steps since `begin`
        step = self.begin + k
        w = self._warmup_multiplier(k)
        values = []
        for base in self.base_values:
            if step < self.cosine_begin:
                g = base
            else:
                eta_min = base * self.eta_min_ratio if self.eta_min_ratio is not None else self.eta_min
                t = step - self.cosine_begin
                period = self.end - self.cosine_begin
                g = eta_min + (base - eta_min) * (1 + math.cos(math.pi * t / period)) / 2
            values.append(w * g)
        return values
