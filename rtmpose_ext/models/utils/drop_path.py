"""Stochastic depth: drop a residual branch per sample during training."""
import torch
from torch import Tensor, nn


def drop_path(x: Tensor, drop_prob: float = 0., training: bool = False) -> Tensor:
    """Zero whole samples of ``x`` with probability ``drop_prob`` and rescale the rest by ``1/keep``.

    Same arithmetic and random draws as mmcv's ``drop_path`` (one ``torch.rand`` of shape (N, 1, ...)),
    so that with the same seed both drop the same samples. Identity when not training or ``drop_prob=0``.
    """
    if drop_prob == 0. or not training:
        return x
    keep_prob = 1 - drop_prob
    shape = (x.shape[0], ) + (1, ) * (x.ndim - 1)
    random_tensor = keep_prob + torch.rand(shape, dtype=x.dtype, device=x.device)
    return x.div(keep_prob) * random_tensor.floor()


class DropPath(nn.Module):
    """Module form of :func:`drop_path`.

    Args:
        drop_prob (float): Probability of dropping a sample's branch. Defaults to 0.1 (as mmcv's).

    Reference:
        `Deep Networks with Stochastic Depth <https://arxiv.org/abs/1603.09382>`_
    """

    def __init__(self, drop_prob: float = 0.1):
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x: Tensor) -> Tensor:
        return drop_path(x, self.drop_prob, self.training)

    def extra_repr(self) -> str:
        return f'drop_prob={self.drop_prob}'
