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

RKNN: the same, with the norm as ``Sqrt(ReduceSum((x / m) * (x / m)))``: RKNN's board runtime has no
ReduceL2. After the division by ``m`` every square is <= 1 and their sum <= dim, so the sum of squares
cannot overflow in float16 either (with ``scale_norm_overflow_safe=False``: ``sqrt(sum(x * x))``).
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


def _l2_norm(y: Tensor, sum_of_squares: bool) -> Tensor:
    """(..., 1) L2 norm over the last axis of ``y``: ReduceL2, or Sqrt(ReduceSum(y * y)) (no ReduceL2)."""
    if sum_of_squares:
        return (y * y).sum(dim=-1, keepdim=True).sqrt()
    return torch.linalg.norm(y, dim=-1, keepdim=True)


def overflow_safe_scale_norm(x: Tensor, scale: float, eps: float, g: Tensor,
                             explicit_broadcast: bool = False, sum_of_squares: bool = False) -> Tensor:
    """ScaleNorm ``x / max(||x||_2 * scale, eps) * g`` over the last axis of ``x`` (N, K, D), with no
    intermediate larger than ``max|x|`` (see the module docstring). Returns a tensor shaped like ``x``.
    ``sum_of_squares``: the norm without ReduceL2 (for RKNN)."""
    m = x.abs().amax(dim=-1, keepdim=True).clamp(min=FP16_SMALLEST_NORMAL)  # (N, K, 1)
    norm = _l2_norm(_divide(x, m, explicit_broadcast), sum_of_squares) * scale * m
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


@FUNCTION_REWRITER.register_rewriter('rtmpose_ext.models.utils.ScaleNorm.forward', backend='rknn')
def scale_norm__forward__rknn(self, x):
    """Overflow-safe ScaleNorm without ReduceL2 (RKNN); with ``scale_norm_overflow_safe=False``
    ``x / max(sqrt(sum(x * x)) * scale, eps) * g``."""
    ctx = FUNCTION_REWRITER.get_context()
    if _overflow_safe(ctx):
        return overflow_safe_scale_norm(x, self.scale, self.eps, self.g, sum_of_squares=True)
    norm = _l2_norm(x, sum_of_squares=True) * self.scale
    return x / norm.clamp(min=self.eps) * self.g
