"""KLDiscretLoss: value and gradient equal mmpose 1.3.2's over its argument grid; tau; shape errors."""
import itertools

import pytest
import torch
from mmengine.registry import DefaultScope, init_default_scope
from mmpose.models.losses.classification_loss import KLDiscretLoss as MMKLDiscretLoss
from mmpose.registry import MODELS as MMPOSE_MODELS

from rtmpose_ext.models.losses import KLDiscretLoss
from rtmpose_ext.registry import MODELS

N, K, WX, WY = 3, 5, 24, 32


def _inputs(seed=0):
    """Logits, Gaussian labels (with exact zeros far from the peak, as SimCCLabel makes) and weights."""
    g = torch.Generator().manual_seed(seed)
    pred_x = torch.randn(N, K, WX, generator=g) * 3
    pred_y = torch.randn(N, K, WY, generator=g) * 3

    def labels(w):
        mu = torch.rand(N, K, 1, generator=g) * w
        t = torch.exp(-((torch.arange(w)[None, None] - mu)**2) / (2 * 2.0**2))
        return torch.where(t < 1e-4, torch.zeros_like(t), t)

    gt = (labels(WX), labels(WY))
    weight = (torch.rand(N, K, generator=g) > 0.3).float() * torch.rand(N, K, generator=g)
    return (pred_x, pred_y), gt, weight


def _value_and_grads(loss_module, pred, gt, weight):
    pred = tuple(p.clone().requires_grad_(True) for p in pred)
    loss = loss_module(pred, gt, weight)
    loss.backward()
    return loss.detach(), [p.grad for p in pred]


GRID = list(
    itertools.product(
        [1.0, 10.0],  # beta
        [False, True],  # label_softmax
        [10.0, 2.0],  # label_beta
        [True, False],  # use_target_weight
        [None, [0, 3]],  # mask
        [1.0, 0.25],  # mask_weight
    ))


@pytest.mark.parametrize('beta,label_softmax,label_beta,use_target_weight,mask,mask_weight', GRID)
def test_value_and_grad_equal_mmpose(beta, label_softmax, label_beta, use_target_weight, mask, mask_weight):
    kwargs = dict(beta=beta,
                  label_softmax=label_softmax,
                  label_beta=label_beta,
                  use_target_weight=use_target_weight,
                  mask=mask,
                  mask_weight=mask_weight)
    pred, gt, weight = _inputs(seed=hash((beta, label_softmax, label_beta)) % 1000)
    ours, ours_grads = _value_and_grads(KLDiscretLoss(**kwargs), pred, gt, weight)
    ref, ref_grads = _value_and_grads(MMKLDiscretLoss(**kwargs), pred, gt, weight)
    assert torch.isfinite(ref) and ref.abs() > 0
    torch.testing.assert_close(ours, ref, atol=1e-6, rtol=1e-6)
    for a, b in zip(ours_grads, ref_grads):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-6)


def test_defaults_equal_mmpose():
    ours, ref = KLDiscretLoss(), MMKLDiscretLoss()
    for name in ('beta', 'label_softmax', 'label_beta', 'use_target_weight', 'mask', 'mask_weight'):
        assert getattr(ours, name) == getattr(ref, name), name
    assert ours.label_beta == 10.0 and ours.tau is None


def test_target_weight_of_other_shapes_is_flattened_like_mmpose():
    pred, gt, weight = _inputs(1)
    for w in (weight.reshape(N, K, 1), weight.reshape(-1)):
        torch.testing.assert_close(KLDiscretLoss()(pred, gt, w), MMKLDiscretLoss()(pred, gt, weight))


def test_tau_sets_beta():
    pred, gt, weight = _inputs(2)
    loss = KLDiscretLoss(tau=0.1, label_softmax=True)
    assert loss.beta == pytest.approx(10.0) and loss.tau == 0.1
    torch.testing.assert_close(loss(pred, gt, weight),
                               MMKLDiscretLoss(beta=10.0, label_softmax=True)(pred, gt, weight),
                               atol=1e-6,
                               rtol=1e-6)


def test_tau_and_beta_together_is_an_error():
    with pytest.raises(ValueError, match=r'tau.*beta'):
        KLDiscretLoss(beta=10.0, tau=0.1)
    with pytest.raises(ValueError, match='tau must be > 0'):
        KLDiscretLoss(tau=0.0)
    KLDiscretLoss(beta=1.0, tau=0.5)  # beta at its default: tau wins


def test_shape_mismatch_names_the_shapes():
    pred, gt, weight = _inputs(3)
    loss = KLDiscretLoss()
    bad_gt = (gt[0][..., :-1], gt[1])
    with pytest.raises(ValueError, match=r'\(3, 5, 24\).*\(3, 5, 23\)'):
        loss(pred, bad_gt, weight)
    with pytest.raises(ValueError, match=r'target_weight of shape \(3, 4\)'):
        loss(pred, gt, weight[:, :4])
    with pytest.raises(ValueError, match='same number'):
        loss(pred, gt[:1], weight)
    with pytest.raises(ValueError, match=r'share \(N, K\)'):
        loss((pred[0], pred[1][:, :4]), (gt[0], gt[1][:, :4]), weight)
    # without target weights, none is needed
    KLDiscretLoss(use_target_weight=False)(pred, gt, None)


@pytest.fixture
def rtmpose_ext_scope():
    saved = dict(DefaultScope._instance_dict)
    init_default_scope('rtmpose_ext')
    yield
    DefaultScope._instance_dict = saved


def test_registry(rtmpose_ext_scope):
    assert type(MODELS.build(dict(type='KLDiscretLoss'))) is KLDiscretLoss
    # mmpose's registry, in scope rtmpose_ext, builds ours; the scope prefix picks mmpose's.
    ours = MMPOSE_MODELS.build(dict(type='KLDiscretLoss', beta=10., label_softmax=True))
    ref = MMPOSE_MODELS.build(dict(type='mmpose.KLDiscretLoss', beta=10., label_softmax=True))
    assert type(ours) is KLDiscretLoss and type(ref) is MMKLDiscretLoss
    pred, gt, weight = _inputs(4)
    torch.testing.assert_close(ours(pred, gt, weight), ref(pred, gt, weight))
