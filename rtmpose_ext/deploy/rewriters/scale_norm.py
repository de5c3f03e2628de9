"""Rewriters of ``ScaleNorm.forward``: an L2 norm that cannot overflow in float16.

mmpose's ScaleNorm exports ``x / max(ReduceL2(x) * dim**-0.5, eps) * g``. Where ReduceL2 runs in
float16 as ``sqrt(sum(x * x))`` (TensorRT's fp16 mode; any backend that keeps the squares or their sum in
half precision) it overflows as soon as one ``|x| > 256`` or the sum of squares exceeds 65504; the norm
becomes inf, the output 0 (or NaN), and the keypoints collapse. The rewrite computes the same function as

    m = max(max|x|, 2**-14)                  # ReduceMax(Abs); 2**-14: float16's smallest normal
    n = ReduceL2(x / m) * dim**-0.5 * m      # every square <= 1, n <= m: nothing overflows
    out = x / max(n, eps) * g

(``||x|| = m * ||x / m||`` for any ``m > 0``). It is on by default; ``codebase_config`` key
``scale_norm_overflow_safe=False`` exports the module's own forward instead (mmpose's form unless the
module has ``overflow_safe=True``).

ncnn: the same, with the divisions broadcast explicitly over an inserted axis, as MMDeploy's ncnn rewrite
of mmpose's ScaleNorm does (for ncnn's BinaryOp broadcasting, by its comment). It applies when the model
is exported with MMDeploy's ncnn rewriters, i.e. for ``mmdeploy_onnx2ncnn``; pnnx gets the standard form.
"""
import torch
from mmdeploy.core import FUNCTION_REWRITER
from mmdeploy.utils import get_codebase_config
from torch import Tensor

FP16_SMALLEST_NORMAL = 2.0**-14


def _divide(a: Tensor, b: Tensor, explicit_broadcast: bool) -> Tensor:
    """``a / b`` with ``b`` (..., 1) broadcast over the last axis of ``a`` (..., D)."""
    if explicit_broadcast:
        return (a.unsqueeze(2) / b.unsqueeze(2)).squeeze(2)
    return a / b


def overflow_safe_scale_norm(x: Tensor, scale: float, eps: float, g: Tensor,
                             explicit_broadcast: bool = False) -> Tensor:
    """ScaleNorm ``x / max(||x||_2 * scale, eps) * g`` over the last axis of ``x`` (N, K, D), with no
    intermediate larger than ``max|x|`` (see the module docstring). Returns a tensor shaped like ``x``."""
    m = x.abs().amax(dim=-1, keepdim=True).clamp(min=FP16_SMALLEST_NORMAL)  # (N, K, 1)
    norm = torch.linalg.norm(_divide(x, m, explicit_broadcast), dim=-1, keepdim=True) * scale * m
    return _divide(x, norm.clamp(min=eps), explicit_broadcast) * g


def _overflow_safe(ctx) -> bool:
    return bool(get_codebase_config(ctx.cfg).get('scale_norm_overflow_safe', True))


@FUNCTION_REWRITER.register_rewriter('rtmpose_ext.models.utils.ScaleNorm.forward')
def scale_norm__forward(self, x):
    """Overflow-safe ScaleNorm (default backends)."""
    ctx = FUNCTION_REWRITER.get_context()
    if not _overflow_safe(ctx):
        return ctx.origin_func(self, x)
    return overflow_safe_scale_norm(x, self.scale, self.eps, self.g)


@FUNCTION_REWRITER.register_rewriter('rtmpose_ext.models.utils.ScaleNorm.forward', backend='ncnn')
def scale_norm__forward__ncnn(self, x):
    """Overflow-safe ScaleNorm with explicit broadcasts (ncnn); with ``scale_norm_overflow_safe=False``
    mmpose's form, also with explicit broadcasts."""
    ctx = FUNCTION_REWRITER.get_context()
    if _overflow_safe(ctx):
        return overflow_safe_scale_norm(x, self.scale, self.eps, self.g, explicit_broadcast=True)
    norm = torch.linalg.norm(x, dim=-1, keepdim=True) * self.scale
    return _divide(x, norm.clamp(min=self.eps), explicit_broadcast=True) * self.g
