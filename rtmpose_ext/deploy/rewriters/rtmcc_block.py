"""ncnn rewriters of the GAU (``RTMCCBlock._forward``) and of its residual ``Scale``.

The forms MMDeploy's ncnn rewriters give mmpose's GAU, for our classes: ``split(uv, [e, e, s])`` becomes
three slices, the shared-base ``unsqueeze * gamma + beta`` followed by ``unbind`` becomes one affine map
per query/key with explicit 4-D broadcasts, and the residual scale is broadcast over an inserted axis.
Same arithmetic as :class:`rtmpose_ext.models.utils.RTMCCBlock`. They apply when the model is exported
with MMDeploy's ncnn rewriters, i.e. for MMDeploy's converter ``mmdeploy_onnx2ncnn`` (whose ncnn graphs
need them); pnnx, the default ncnn converter here, reads the standard export and handles split, unbind
and broadcasting itself.
"""
import torch
import torch.nn.functional as F
from mmdeploy.core import FUNCTION_REWRITER

from rtmpose_ext.models.utils.rope import rope


def _affine(base, gamma, beta, i: int):
    """``base * gamma[i] + beta[i]`` for base (B, K, s) with broadcasts spelled out over a 4-D shape."""
    out = base.unsqueeze(1) * gamma[None, None, i:i + 1, :] + beta[None, None, i:i + 1, :]
    return out.squeeze(1)


@FUNCTION_REWRITER.register_rewriter('rtmpose_ext.models.utils.RTMCCBlock._forward', backend='ncnn')
def rtmcc_block___forward__ncnn(self, inputs):
    """The GAU branch (without the residual) with slices instead of split/unbind."""
    if self.attn_type == 'self-attn':
        x = inputs
    else:
        x, k, v = inputs

    x = self.ln(x)
    uv = self.act_fn(self.uv(x))
    if self.attn_type == 'self-attn':
        u = uv[..., :self.e]
        v = uv[..., self.e:2 * self.e]
        base = uv[..., 2 * self.e:2 * self.e + self.s]
        q = _affine(base, self.gamma, self.beta, 0)
        k = _affine(base, self.gamma, self.beta, 1)
        if self.pos_enc:
            q = rope(q, dim=1)
            k = rope(k, dim=1)
    else:
        u = uv[..., :self.e]
        q = uv[..., self.e:self.e + self.s]
        k = self.k_fc(k)
        v = self.v_fc(v)
        if self.pos_enc:
            q = rope(q, 1)
            k = rope(k, 1)

    qk = torch.bmm(q, k.permute(0, 2, 1))
    if self.use_rel_bias:
        if self.attn_type == 'self-attn':
            bias = self.rel_pos_bias(q.size(1))
        else:
            bias = self.rel_pos_bias(q.size(1), k.size(1))
        qk = qk + bias[:, :q.size(1), :k.size(1)]
    kernel = torch.square(F.relu(qk / self.sqrt_s))
    if self.dropout_rate > 0.:
        kernel = self.dropout(kernel)
    return self.o(u * torch.bmm(kernel, v))


@FUNCTION_REWRITER.register_rewriter('rtmpose_ext.models.utils.Scale.forward', backend='ncnn')
def scale__forward__ncnn(self, x):
    """``x * scale`` for x (B, K, D), broadcast over an inserted axis."""
    return (x.unsqueeze(1) * self.scale[None, None, None, :]).squeeze(1)
