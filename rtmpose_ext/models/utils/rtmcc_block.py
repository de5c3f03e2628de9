"""RTMCCBlock: the Gated Attention Unit (GAU) of RTMPose's head.

GAU (Hua et al., 2022, "Transformer Quality in Linear Time") merges the attention and the gated linear
unit into one layer. For tokens ``X`` (one token per keypoint in RTMPose)::

    U, V, Z = act(ScaleNorm(X) W_uv)                 # widths e, e, s
    Q, K    = Z * gamma_{0,1} + beta_{0,1}            # cheap per-dim affine maps (+ optional RoPE)
    A       = relu(Q K^T / sqrt(s) [+ rel. bias])^2   # squared-ReLU attention
    out     = (U * (A V)) W_o  [+ res_scale * X]     # gated output, optional scaled residual

Same parameters (names, shapes, creation order) and arithmetic as mmpose 1.3.2's ``RTMCCBlock``, so its
state dicts load with ``strict=True`` and outputs agree; with the same seed even the initial weights agree.
"""
import inspect
import math
from typing import Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .drop_path import DropPath
from .rope import rope
from .scale import Scale
from .scale_norm import ScaleNorm

_ATTN_TYPES = ('self-attn', 'cross-attn')


def _build_act(act_fn: Union[str, type, nn.Module]) -> nn.Module:
    """An activation module from a ``torch.nn`` class name, class or instance.

    ``'SiLU'`` and ``'ReLU'`` (mmpose's two choices) and any other class that takes ``inplace`` are built
    with ``inplace=True``, as mmpose does; the rest with no arguments.
    """
    if isinstance(act_fn, nn.Module):
        return act_fn
    cls = getattr(nn, act_fn, None) if isinstance(act_fn, str) else act_fn
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise ValueError(f'RTMCCBlock: act_fn must name a torch.nn activation (e.g. "SiLU", "ReLU", "GELU") '
                         f'or be an nn.Module class or instance; got {act_fn!r}')
    try:
        takes_inplace = 'inplace' in inspect.signature(cls).parameters
    except (TypeError, ValueError):
        takes_inplace = False
    return cls(inplace=True) if takes_inplace else cls()


class RTMCCBlock(nn.Module):
    """Gated Attention Unit (GAU) of RTMPose.

    Args:
        num_token (int): Number of tokens (keypoints); sizes the relative position bias ``w``.
        in_token_dims (int): Input token dimension.
        out_token_dims (int): Output token dimension.
        expansion_factor (int | float): ``e = int(in_token_dims * expansion_factor)`` is the width of U
            and V. Defaults to 2.
        s (int): Width of the shared query/key base Z. Defaults to 128.
        eps (float): ``eps`` of the input ScaleNorm. Defaults to 1e-5.
        dropout_rate (float): Dropout on the attention matrix. Defaults to 0.
        drop_path (float): Stochastic-depth rate of the GAU branch. Defaults to 0.
        attn_type (str): ``'self-attn'`` (input ``x``) or ``'cross-attn'`` (input ``(x, k, v)``).
            Defaults to ``'self-attn'``.
        act_fn (str | type | nn.Module): Activation after the uv projection. mmpose accepts ``'SiLU'``
            and ``'ReLU'`` (or ``nn.SiLU`` / ``nn.ReLU``); here any ``torch.nn`` activation name, class or
            instance. Defaults to ``'SiLU'``.
        bias (bool): Biases in the linear layers. Defaults to False.
        use_rel_bias (bool): Add a learned relative position bias to the attention logits (``w`` of
            length ``2 * num_token - 1`` for self-attention; RoPE-rotated ``a``, ``b`` for cross-attention).
            Defaults to True.
        pos_enc (bool): Apply rotary position embedding to Q and K. Defaults to False.
        shortcut (bool, optional): Residual connection ``res_scale(x) + branch``. ``None`` (default) does
            what mmpose does: on iff ``in_token_dims == out_token_dims``. ``True`` with different dims is
            a ``ValueError``; ``False`` drops the residual (and the ``res_scale.scale`` parameter, so the
            state dict then differs from mmpose's). Not in mmpose.

    Reference:
        `Transformer Quality in Linear Time <https://arxiv.org/abs/2202.10447>`_
    """

    def __init__(self,
                 num_token: int,
                 in_token_dims: int,
                 out_token_dims: int,
                 expansion_factor: Union[int, float] = 2,
                 s: int = 128,
                 eps: float = 1e-5,
                 dropout_rate: float = 0.,
                 drop_path: float = 0.,
                 attn_type: str = 'self-attn',
                 act_fn: Union[str, type, nn.Module] = 'SiLU',
                 bias: bool = False,
                 use_rel_bias: bool = True,
                 pos_enc: bool = False,
                 shortcut: Optional[bool] = None):
        super().__init__()
        if attn_type not in _ATTN_TYPES:
            raise ValueError(f'RTMCCBlock: attn_type must be one of {_ATTN_TYPES}, got {attn_type!r}')
        if shortcut and in_token_dims != out_token_dims:
            raise ValueError(f'RTMCCBlock: shortcut=True needs in_token_dims == out_token_dims, got '
                             f'{in_token_dims} and {out_token_dims}')
        self.s = s
        self.num_token = num_token
        self.use_rel_bias = use_rel_bias
        self.attn_type = attn_type
        self.pos_enc = pos_enc
        self.drop_path = DropPath(drop_path) if drop_path > 0. else nn.Identity()

        # Parameters are created in mmpose's order, so the same seed gives the same initial weights.
        self.e = int(in_token_dims * expansion_factor)
        if use_rel_bias:
            if attn_type == 'self-attn':
                self.w = nn.Parameter(torch.rand([2 * num_token - 1], dtype=torch.float))
            else:
                self.a = nn.Parameter(torch.rand([1, s], dtype=torch.float))
                self.b = nn.Parameter(torch.rand([1, s], dtype=torch.float))
        self.o = nn.Linear(self.e, out_token_dims, bias=bias)

        if attn_type == 'self-attn':
            self.uv = nn.Linear(in_token_dims, 2 * self.e + self.s, bias=bias)
            self.gamma = nn.Parameter(torch.rand((2, self.s)))
            self.beta = nn.Parameter(torch.rand((2, self.s)))
        else:
            self.uv = nn.Linear(in_token_dims, self.e + self.s, bias=bias)
            self.k_fc = nn.Linear(in_token_dims, self.s, bias=bias)
            self.v_fc = nn.Linear(in_token_dims, self.e, bias=bias)
            nn.init.xavier_uniform_(self.k_fc.weight)
            nn.init.xavier_uniform_(self.v_fc.weight)

        self.ln = ScaleNorm(in_token_dims, eps=eps)
        nn.init.xavier_uniform_(self.uv.weight)
        self.act_fn = _build_act(act_fn)

        self.shortcut = (in_token_dims == out_token_dims) if shortcut is None else bool(shortcut)
        if self.shortcut:
            self.res_scale = Scale(in_token_dims)

        self.sqrt_s = math.sqrt(s)
        self.dropout_rate = dropout_rate
        if dropout_rate > 0.:
            self.dropout = nn.Dropout(dropout_rate)

    def rel_pos_bias(self, seq_len: int, k_len: Optional[int] = None) -> Tensor:
        """Relative position bias of shape (1, seq_len, seq_len) (self) or (1, seq_len, k_len) (cross).

        Self-attention: entry (i, j) is ``w[j - i + seq_len - 1]`` (a Toeplitz matrix built by padding
        and reshaping, as mmpose does). Cross-attention: ``rope(a) @ rope(b)^T``.
        """
        if self.attn_type == 'self-attn':
            t = F.pad(self.w[:2 * seq_len - 1], [0, seq_len]).repeat(seq_len)
            t = t[..., :-seq_len].reshape(-1, seq_len, 3 * seq_len - 2)
            r = (2 * seq_len - 1) // 2
            t = t[..., r:-r]
        else:
            a = rope(self.a.repeat(seq_len, 1), dim=0)
            b = rope(self.b.repeat(k_len, 1), dim=0)
            t = torch.bmm(a, b.permute(0, 2, 1))
        return t

    def _forward(self, inputs):
        """The GAU branch, without the residual."""
        if self.attn_type == 'self-attn':
            x = inputs
        else:
            x, k, v = inputs

        x = self.ln(x)
        uv = self.act_fn(self.uv(x))  # [B, K, 2e + s] (self) or [B, K, e + s] (cross)

        if self.attn_type == 'self-attn':
            u, v, base = torch.split(uv, [self.e, self.e, self.s], dim=2)
            # [B, K, 1, s] * [2, s] + [2, s] -> [B, K, 2, s]: q and k from one shared base
            base = base.unsqueeze(2) * self.gamma[None, None, :] + self.beta
            if self.pos_enc:
                base = rope(base, dim=1)
            q, k = torch.unbind(base, dim=2)
        else:
            u, q = torch.split(uv, [self.e, self.s], dim=2)
            k = self.k_fc(k)
            v = self.v_fc(v)
            if self.pos_enc:
                q = rope(q, 1)
                k = rope(k, 1)

        qk = torch.bmm(q, k.permute(0, 2, 1))  # [B, K, K]
        if self.use_rel_bias:
            if self.attn_type == 'self-attn':
                bias = self.rel_pos_bias(q.size(1))
            else:
                bias = self.rel_pos_bias(q.size(1), k.size(1))
            qk += bias[:, :q.size(1), :k.size(1)]
        kernel = torch.square(F.relu(qk / self.sqrt_s))
        if self.dropout_rate > 0.:
            kernel = self.dropout(kernel)

        x = u * torch.bmm(kernel, v)  # gate: [B, K, e]
        return self.o(x)

    def forward(self, x):
        """``res_scale(x) + drop_path(GAU(x))`` with the shortcut, else ``drop_path(GAU(x))``.

        Args:
            x (Tensor | tuple[Tensor, Tensor, Tensor]): Tokens (B, K, in_token_dims), or
                ``(x, k, v)`` for cross-attention.
        """
        if self.shortcut:
            res_shortcut = x[0] if self.attn_type == 'cross-attn' else x
            main_branch = self.drop_path(self._forward(x))
            return self.res_scale(res_shortcut) + main_branch
        return self.drop_path(self._forward(x))
