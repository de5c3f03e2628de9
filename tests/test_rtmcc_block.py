"""RTMCCBlock (GAU), ScaleNorm, Scale, rope, DropPath: same parameters and outputs as mmpose 1.3.2 / mmcv."""
import itertools

import pytest
import torch
from mmcv.cnn.bricks import DropPath as MMCVDropPath
from mmpose.models.utils.rtmcc_block import RTMCCBlock as MMRTMCCBlock
from mmpose.models.utils.rtmcc_block import Scale as MMScale
from mmpose.models.utils.rtmcc_block import rope as mm_rope
from mmpose.models.utils.transformer import ScaleNorm as MMScaleNorm

from rtmpose_ext.models.utils import (DropPath, RTMCCBlock, Scale, ScaleNorm, rope,
                                      set_scale_norm_overflow_safe)

B, K = 2, 17


def _assert_same_keys_and_shapes(ours, ref):
    ours_sd, ref_sd = ours.state_dict(), ref.state_dict()
    assert list(ours_sd) == list(ref_sd)
    for k in ref_sd:
        assert ours_sd[k].shape == ref_sd[k].shape, k


def _randomize(module, seed):
    """Random values in every parameter (so that nothing is at its init value, e.g. g = 1)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.5 + (1.0 if p.ndim <= 1 else 0.0))


# --- rope ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize('shape,dim', [((2, 17, 2, 128), 1), ((17, 64), 0), ((2, 5, 3, 4, 32), [1, 2]),
                                       ((3, 9, 16), 1)])
def test_rope_equals_mmpose(shape, dim):
    x = torch.randn(shape)
    torch.testing.assert_close(rope(x, dim), mm_rope(x, dim), atol=0, rtol=0)


# --- ScaleNorm ----------------------------------------------------------------------------------------


@pytest.mark.parametrize('dim,eps', [(48, 1e-5), (256, 1e-5), (7, 1e-2)])
def test_scale_norm_default_form_is_bit_equal_to_mmpose(dim, eps):
    ours, ref = ScaleNorm(dim, eps=eps), MMScaleNorm(dim, eps=eps)
    assert not ours.overflow_safe
    assert list(ours.state_dict()) == list(ref.state_dict()) == ['g']
    with torch.no_grad():
        ref.g.fill_(1.7)
    ours.load_state_dict(ref.state_dict(), strict=True)
    x = torch.randn(B, K, dim) * 5
    x[0, 0] = 0  # clamp branch: an all-zero row
    x[0, 1] = 1e-7  # clamp branch: a tiny row
    xo, xr = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    yo, yr = ours(xo), ref(xr)
    assert torch.equal(yo, yr)
    (yo * torch.linspace(-1, 1, dim)).sum().backward()
    (yr * torch.linspace(-1, 1, dim)).sum().backward()
    torch.testing.assert_close(xo.grad, xr.grad, atol=0, rtol=0)


@pytest.mark.parametrize('eps', [1e-5, 1e-1])
def test_scale_norm_overflow_safe_form_matches_mmpose_in_float32(eps):
    ours, ref = ScaleNorm(48, eps=eps, overflow_safe=True), MMScaleNorm(48, eps=eps)
    torch.manual_seed(0)
    x = torch.randn(64, K, 48) * torch.logspace(-4, 4, 64)[:, None, None]
    x[0, 0] = 0
    xo, xr = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    yo, yr = ours(xo), ref(xr)
    torch.testing.assert_close(yo, yr, atol=1e-6, rtol=1e-6)
    assert ((yo - yr).abs() / yr.abs().clamp(min=1e-6)).max() < 1e-6
    w = torch.randn(48)
    (yo * w).sum().backward()
    (yr * w).sum().backward()
    # The gradient is a difference of two terms, so near-zero entries carry the rounding of the row's
    # large ones: compare relative to each row's largest entry (both forms are that close to float64).
    row_scale = xr.grad.abs().amax(-1, keepdim=True)
    assert ((xo.grad - xr.grad).abs() / row_scale).max() < 1e-6


def test_scale_norm_overflow_safe_in_float16():
    """Squares of |x| > 256 overflow float16; the overflow-safe form never squares anything above 1."""
    x = torch.full((1, 3, 48), 300.0)
    x[0, 1] = torch.linspace(-2000, 2000, 48)
    x[0, 2] = torch.linspace(-0.01, 0.02, 48)
    expected = MMScaleNorm(48)(x)  # float32
    naive = torch.sqrt((x.half()**2).sum(-1))  # what a half-precision graph computes without care
    assert torch.isinf(naive[0, :2]).all()
    safe = ScaleNorm(48, overflow_safe=True).half()(x.half())
    assert torch.isfinite(safe).all()
    torch.testing.assert_close(safe.float(), expected, atol=2e-3, rtol=2e-3)


def test_overflow_safe_switch_and_block_in_float16():
    block = RTMCCBlock(K, 64, 64, use_rel_bias=True)
    assert set_scale_norm_overflow_safe(block) == 1 and block.ln.overflow_safe
    x = torch.randn(B, K, 64) * 500  # squares up to ~1e7: a plain float16 sum of squares is inf
    y16 = block.half()(x.half())
    assert torch.isfinite(y16).all()
    assert set_scale_norm_overflow_safe(block, False) == 1 and not block.ln.overflow_safe


# --- Scale, DropPath ----------------------------------------------------------------------------------


def test_scale_equals_mmpose():
    ours, ref = Scale(8, init_value=0.5, trainable=False), MMScale(8, init_value=0.5, trainable=False)
    assert list(ours.state_dict()) == ['scale'] and not ours.scale.requires_grad
    x = torch.randn(2, 3, 8)
    assert torch.equal(ours(x), ref(x))


def test_drop_path_draws_like_mmcv():
    x = torch.randn(16, K, 8)
    ours, ref = DropPath(0.3), MMCVDropPath(0.3)
    torch.manual_seed(5)
    yo = ours(x)
    torch.manual_seed(5)
    yr = ref(x)
    assert torch.equal(yo, yr) and not torch.equal(yo, x)
    assert torch.equal(ours.eval()(x), x)


# --- RTMCCBlock ---------------------------------------------------------------------------------------

SELF_ATTN_GRID = list(
    itertools.product(
        [(64, 64), (64, 48)],  # (in_token_dims, out_token_dims): with / without shortcut
        [False, True],  # use_rel_bias
        [False, True],  # pos_enc
        ['SiLU', 'ReLU'],  # act_fn
        [0., 0.2],  # drop_path (and dropout_rate), eval mode
        [False, True],  # bias
    ))


def _block_kwargs(dims, use_rel_bias, pos_enc, act_fn, drop, bias, attn_type='self-attn'):
    return dict(num_token=K,
                in_token_dims=dims[0],
                out_token_dims=dims[1],
                expansion_factor=2,
                s=32,
                eps=1e-5,
                dropout_rate=drop,
                drop_path=drop,
                attn_type=attn_type,
                act_fn=act_fn,
                bias=bias,
                use_rel_bias=use_rel_bias,
                pos_enc=pos_enc)


@pytest.mark.parametrize('dims,use_rel_bias,pos_enc,act_fn,drop,bias', SELF_ATTN_GRID)
def test_self_attention_block_equals_mmpose(dims, use_rel_bias, pos_enc, act_fn, drop, bias):
    kwargs = _block_kwargs(dims, use_rel_bias, pos_enc, act_fn, drop, bias)
    torch.manual_seed(0)
    ours = RTMCCBlock(**kwargs)
    torch.manual_seed(0)
    ref = MMRTMCCBlock(**kwargs)
    _assert_same_keys_and_shapes(ours, ref)
    # parameters are created in the same order: the same seed gives the same initial weights
    for (k, a), b in zip(ours.state_dict().items(), ref.state_dict().values()):
        assert torch.equal(a, b), k
    _randomize(ref, seed=1)
    ours.load_state_dict(ref.state_dict(), strict=True)
    ours.eval(), ref.eval()

    x = torch.randn(B, K, dims[0])
    xo, xr = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    yo, yr = ours(xo), ref(xr)
    assert yo.shape == (B, K, dims[1])
    torch.testing.assert_close(yo, yr, atol=1e-5, rtol=1e-5)
    w = torch.randn_like(yr)
    (yo * w).sum().backward()
    (yr * w).sum().backward()
    torch.testing.assert_close(xo.grad, xr.grad, atol=1e-5, rtol=1e-5)
    for (k, p), q in zip(ours.named_parameters(), ref.parameters()):
        torch.testing.assert_close(p.grad, q.grad, atol=1e-5, rtol=1e-5, msg=k)


def test_train_mode_with_drop_path_and_dropout_equals_mmpose_under_the_same_seed():
    kwargs = _block_kwargs((64, 64), True, True, 'SiLU', 0.3, False)
    ours, ref = RTMCCBlock(**kwargs), MMRTMCCBlock(**kwargs)
    ours.load_state_dict(ref.state_dict(), strict=True)
    x = torch.randn(8, K, 64)
    torch.manual_seed(3)
    yo = ours.train()(x)
    torch.manual_seed(3)
    yr = ref.train()(x)
    torch.testing.assert_close(yo, yr, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('use_rel_bias,pos_enc,dims', [(False, False, (64, 64)), (True, True, (64, 64)),
                                                       (True, False, (64, 40))])
def test_cross_attention_block_equals_mmpose(use_rel_bias, pos_enc, dims):
    kwargs = _block_kwargs(dims, use_rel_bias, pos_enc, 'SiLU', 0., False, attn_type='cross-attn')
    ours, ref = RTMCCBlock(**kwargs), MMRTMCCBlock(**kwargs)
    _assert_same_keys_and_shapes(ours, ref)
    _randomize(ref, seed=2)
    ours.load_state_dict(ref.state_dict(), strict=True)
    x, k, v = torch.randn(B, K, dims[0]), torch.randn(B, K, dims[0]), torch.randn(B, K, dims[0])
    torch.testing.assert_close(ours((x, k, v)), ref((x, k, v)), atol=1e-5, rtol=1e-5)


def test_defaults_and_options():
    ours, ref = RTMCCBlock(K, 32, 32), MMRTMCCBlock(K, 32, 32)
    _assert_same_keys_and_shapes(ours, ref)  # use_rel_bias=True, SiLU, s=128 by default in both
    assert ours.use_rel_bias and isinstance(ours.act_fn, torch.nn.SiLU) and ours.s == 128
    assert ours.shortcut and ref.shortcut

    gelu = RTMCCBlock(K, 32, 32, act_fn='GELU')
    assert isinstance(gelu.act_fn, torch.nn.GELU)
    assert isinstance(RTMCCBlock(K, 32, 32, act_fn=torch.nn.ReLU).act_fn, torch.nn.ReLU)
    with pytest.raises(ValueError, match='act_fn'):
        RTMCCBlock(K, 32, 32, act_fn='NoSuchActivation')
    with pytest.raises(ValueError, match='attn_type'):
        RTMCCBlock(K, 32, 32, attn_type='windowed')

    no_res = RTMCCBlock(K, 32, 32, shortcut=False)
    assert not no_res.shortcut and 'res_scale.scale' not in no_res.state_dict()
    with pytest.raises(ValueError, match='shortcut=True'):
        RTMCCBlock(K, 32, 16, shortcut=True)
