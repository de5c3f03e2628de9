"""ScaleNorm (Nguyen & Salazar, 2019): ``x / max(||x||_2 * dim**-0.5, eps) * g`` over the last axis."""
import torch
from torch import Tensor, nn


class ScaleNorm(nn.Module):
    """Scale norm over the last dimension, with one learnable gain ``g`` (state-dict key ``g``).

    ``forward(x) = x / clamp(||x||_2 * dim**-0.5, min=eps) * g``, as mmpose 1.3.2's ``ScaleNorm``;
    optionally (``overflow_safe``) in a form that cannot overflow in float16.

    Args:
        dim (int): Size of the last dimension (only used for the factor ``dim**-0.5``).
        eps (float): Lower bound of the scaled norm. Defaults to 1e-5.
        overflow_safe (bool): Compute the norm as ``m * ||x / m||_2`` with ``m = max|x|`` (detached), so
            that no square exceeds 1 and nothing overflows in float16 (where the plain sum of squares
            exceeds 65504 as soon as e.g. one ``|x| > 256``). The same function and gradient, but in
            float32 not bit-equal to mmpose's form: up to 4e-7 relative per element, measured over inputs
            of magnitude 1e-4 to 1e4, which a GAU with large weights can amplify past 1e-5 downstream.
            Hence off by default (mmpose's form, bit for bit); turn it on for half-precision deployment,
            e.g. with :func:`set_scale_norm_overflow_safe`. Not in mmpose. Defaults to False.

    Reference:
        `Transformers without Tears: Improving the Normalization of Self-Attention
        <https://arxiv.org/abs/1910.05895>`_
    """

    def __init__(self, dim: int, eps: float = 1e-5, overflow_safe: bool = False):
        super().__init__()
        self.scale = dim**-0.5
        self.eps = eps
        self.overflow_safe = overflow_safe
        self.g = nn.Parameter(torch.ones(1))

    def forward(self, x: Tensor) -> Tensor:
        """Normalise ``x`` over its last dimension."""
        if self.overflow_safe:
            # ||x|| = m * ||x / m|| for any m > 0; with m = max|x| every square is <= 1 and the scaled norm
            # of x / m lies in [dim**-0.5, 1], so nothing overflows. x / max(m * n, eps) is computed as
            # (x / m) / max(n, eps / m). The clamp of m only keeps an all-zero row finite (its output is 0).
            m = x.detach().abs().amax(dim=-1, keepdim=True).clamp(min=torch.finfo(x.dtype).tiny)
            y = x / m
            n = torch.linalg.vector_norm(y, dim=-1, keepdim=True) * self.scale
            return y / torch.maximum(n, self.eps / m) * self.g
        if torch.onnx.is_in_onnx_export():
            # As mmpose: linalg.norm maps to ONNX ReduceL2 (torch.norm's export differs across versions).
            norm = torch.linalg.norm(x, dim=-1, keepdim=True)
        else:
            norm = torch.norm(x, dim=-1, keepdim=True)
        norm = norm * self.scale
        return x / norm.clamp(min=self.eps) * self.g

    def extra_repr(self) -> str:
        return f'scale={self.scale:.6g}, eps={self.eps}, overflow_safe={self.overflow_safe}'


def set_scale_norm_overflow_safe(model: nn.Module, enabled: bool = True) -> int:
    """Switch every :class:`ScaleNorm` in ``model`` to (or back from) the overflow-safe form, e.g. before
    exporting a model for float16 inference. Returns how many modules were switched."""
    count = 0
    for module in model.modules():
        if isinstance(module, ScaleNorm):
            module.overflow_safe = enabled
            count += 1
    return count
