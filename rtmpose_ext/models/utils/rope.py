"""Rotary position embedding (RoFormer) in the variant used by RTMPose's GAU."""
from typing import Sequence, Union

import torch
from torch import Tensor


def rope(x: Tensor, dim: Union[int, Sequence[int]]) -> Tensor:
    """Apply rotary position embedding to ``x`` along the spatial dimension(s) ``dim``.

    The last dimension (even size ``2h``) is split into halves ``x1, x2`` that are rotated by the angle
    ``position * 10000**(i / h)`` for ``i = 0..h-1``, where ``position`` is the flat index over the
    dimensions in ``dim``. Note the exponent sign: the frequencies grow with ``i`` (RoFormer uses
    ``10000**(-i / h)``); this follows mmpose 1.3.2 exactly so that trained weights keep their meaning.

    Args:
        x (Tensor): Input of shape (..., 2h).
        dim (int | Sequence[int]): The spatial dimension(s); with several, the last one must come before
            the feature dimension and the positions run over them in row-major order.

    Returns:
        Tensor: ``cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)``, the shape of ``x``.

    Reference:
        `RoFormer: Enhanced Transformer with Rotary Position Embedding <https://arxiv.org/abs/2104.09864>`_
    """
    shape = x.shape
    if isinstance(dim, int):
        dim = [dim]
    spatial_shape = [shape[i] for i in dim]
    total_len = 1
    for i in spatial_shape:
        total_len *= i

    position = torch.reshape(torch.arange(total_len, dtype=torch.int, device=x.device), spatial_shape)
    # Broadcast over the dimensions between the last spatial one and the feature dimension.
    for _ in range(dim[-1] + 1, len(shape) - 1):
        position = torch.unsqueeze(position, dim=-1)

    half_size = shape[-1] // 2
    freq_seq = -torch.arange(half_size, dtype=torch.int, device=x.device) / float(half_size)
    inv_freq = 10000**-freq_seq
    sinusoid = position[..., None] * inv_freq[None, None, :]

    sin = torch.sin(sinusoid)
    cos = torch.cos(sinusoid)
    x1, x2 = torch.chunk(x, 2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)
