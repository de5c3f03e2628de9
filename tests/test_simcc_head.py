"""SimCCHead: mmpose 1.3.2's state dict loads strictly (with and without deconvs); outputs agree."""

import numpy as np
import pytest
import torch
from mmengine.registry import DefaultScope, init_default_scope
from mmpose.models.heads import SimCCHead as MMSimCCHead
from mmpose.registry import MODELS as MMPOSE_MODELS

from head_parity_support import build_pair, pair_configs, random_feats, randomize, simcc_data_samples
from rtmpose_ext.models.heads import SimCCHead
from rtmpose_ext.models.losses import KLDiscretLoss

INPUT_SIZE = (64, 80)  # small, so that the test is fast; the layers do not depend on it
CODEC = dict(type='SimCCLabel', input_size=INPUT_SIZE, sigma=6.0, simcc_split_ratio=2.0)
BASE = dict(in_channels=32,
            out_channels=17,
            input_size=INPUT_SIZE,
            in_featuremap_size=(2, 3),
            simcc_split_ratio=2.0,
            loss=dict(type='KLDiscretLoss', use_target_weight=True),
            decoder=CODEC)

VARIANTS = {
    # mmpose's SimCC-ResNet config, narrower: three 4x4 deconvs of 256 channels
    'default deconvs':
    dict(),
    'no deconv':
    dict(deconv_out_channels=None, in_featuremap_size=(8, 10)),
    'no deconv, 3x3 final':
    dict(deconv_out_channels=(), final_layer=dict(kernel_size=3, padding=1), in_featuremap_size=(8, 10)),
    'no deconv, no final':
    dict(deconv_out_channels=None, final_layer=None, in_channels=17, in_featuremap_size=(8, 10)),
    'deconvs 4/2/3 + convs':
    dict(deconv_out_channels=(24, 16, 16),
         deconv_kernel_sizes=(4, 2, 3),
         conv_out_channels=(16, 8),
         conv_kernel_sizes=(3, 1)),
    'deconv, no final':
    dict(deconv_out_channels=(17, ), deconv_kernel_sizes=(4, ), final_layer=None, in_featuremap_size=(4, 5)),
    'vipnas':
    dict(deconv_type='vipnas', deconv_out_channels=(32, 32, 32), deconv_num_groups=(8, 8, 8)),
    'ratio 3':
    dict(simcc_split_ratio=3.0,
         decoder=dict(CODEC, simcc_split_ratio=3.0, sigma=(5., 7.)),
         deconv_out_channels=(16, ),
         deconv_kernel_sizes=(4, ),
         in_featuremap_size=(4, 5)),
}


def _configs(variant):
    return pair_configs(BASE, VARIANTS[variant])


def _build_pair(variant, seed=0):
    cfg, ref_cfg = _configs(variant)
    return (*build_pair(SimCCHead, MMSimCCHead, cfg, ref_cfg, seed), cfg)


_feats = random_feats


@pytest.mark.parametrize('variant', list(VARIANTS))
def test_state_dict_keys_shapes_and_strict_load(variant):
    cfg, ref_cfg = _configs(variant)
    ref, ours = MMSimCCHead(**ref_cfg), SimCCHead(**cfg)
    ours_sd, ref_sd = ours.state_dict(), ref.state_dict()
    assert list(ours_sd) == list(ref_sd)
    for k, v in ref_sd.items():
        assert ours_sd[k].shape == v.shape, k
    result = ours.load_state_dict(ref_sd, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert ours.heatmap_size == ref.heatmap_size
    assert type(ours.loss_module) is KLDiscretLoss


@pytest.mark.parametrize('variant', list(VARIANTS))
def test_forward_logits_equal_mmpose(variant):
    ours, ref, cfg = _build_pair(variant)
    feats = _feats(cfg)
    with torch.no_grad():
        (xo, yo), (xr, yr) = ours(feats), ref(feats)
    ratio = cfg['simcc_split_ratio']
    assert xo.shape == (2, 17, int(INPUT_SIZE[0] * ratio)) and yo.shape == (2, 17, int(INPUT_SIZE[1] * ratio))
    assert xr.abs().max() > 1e-3
    torch.testing.assert_close(xo, xr, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(yo, yr, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('variant', ['default deconvs', 'no deconv', 'ratio 3'])
@pytest.mark.parametrize('flip_test', [False, True])
def test_predict_equals_mmpose(variant, flip_test):
    ours, ref, cfg = _build_pair(variant, seed=1)
    samples = simcc_data_samples(cfg['decoder'], 2)
    feats = _feats(cfg, seed=1)
    if flip_test:
        feats = [feats, (feats[0].flip(-1), )]
    test_cfg = dict(flip_test=flip_test)
    with torch.no_grad():
        preds_o, preds_r = ours.predict(feats, samples, test_cfg), ref.predict(feats, samples, test_cfg)
    for po, pr in zip(preds_o, preds_r):
        np.testing.assert_allclose(po.keypoints, pr.keypoints, atol=1e-5, rtol=0)
        np.testing.assert_allclose(po.keypoint_scores, pr.keypoint_scores, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('variant', ['default deconvs', 'ratio 3'])
def test_predict_with_heatmaps_equals_mmpose(variant):
    """SimCCHead's heatmaps divide by the decoder's sigma first (per axis)."""
    ours, ref, cfg = _build_pair(variant, seed=2)
    samples = simcc_data_samples(cfg['decoder'], 2)
    feats = _feats(cfg, seed=2)
    test_cfg = dict(output_heatmaps=True)
    with torch.no_grad(), pytest.warns(UserWarning):
        preds_o, fields_o = ours.predict(feats, samples, test_cfg)
        preds_r, fields_r = ref.predict(feats, samples, test_cfg)
    for po, pr, fo, fr in zip(preds_o, preds_r, fields_o, fields_r):
        for key in ('keypoints', 'keypoint_scores', 'keypoint_x_labels', 'keypoint_y_labels'):
            np.testing.assert_allclose(po.get(key), pr.get(key), atol=1e-5, rtol=1e-5, err_msg=key)
        torch.testing.assert_close(fo.heatmaps, fr.heatmaps, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('variant', ['default deconvs', 'no deconv', 'vipnas'])
def test_loss_accuracy_and_grads_equal_mmpose(variant):
    ours, ref, cfg = _build_pair(variant, seed=3)
    samples = simcc_data_samples(cfg['decoder'], 2, seed=3)
    feats = _feats(cfg, seed=3)
    ours.train(), ref.train()  # BatchNorm on batch statistics
    losses_o, losses_r = ours.loss(feats, samples), ref.loss(feats, samples)
    assert set(losses_o) == set(losses_r) == {'loss_kpt', 'acc_pose'}
    torch.testing.assert_close(losses_o['loss_kpt'], losses_r['loss_kpt'], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(losses_o['acc_pose'], losses_r['acc_pose'])
    losses_o['loss_kpt'].backward()
    losses_r['loss_kpt'].backward()
    for (k, p), q in zip(ours.named_parameters(), ref.parameters()):
        torch.testing.assert_close(p.grad, q.grad, atol=1e-5, rtol=1e-4, msg=k)
    # running statistics were updated identically
    for (k, a), b in zip(ours.state_dict().items(), ref.state_dict().values()):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-5, msg=k)


def test_pre_v1_checkpoint_keys_are_converted_like_mmpose():
    """Before mmpose 1.0, the intermediate convs lived in ``final_layer.n``; both heads rename them."""
    ours, ref, cfg = _build_pair('deconvs 4/2/3 + convs', seed=4)
    new_sd = ref.state_dict()
    old_sd = {}
    n_conv = len(ref.deconv_head.conv_layers)
    for k, v in new_sd.items():
        if k.startswith('deconv_head.conv_layers.'):
            k = k.replace('deconv_head.conv_layers.', 'deconv_head.final_layer.')
        elif k.startswith('deconv_head.final_layer.'):
            k = k.replace('deconv_head.final_layer.', f'deconv_head.final_layer.{n_conv}.')
        old_sd[k] = v.clone()  # a plain dict: no version metadata, as an old checkpoint
    fresh_ours, fresh_ref = SimCCHead(**cfg), MMSimCCHead(**_configs('deconvs 4/2/3 + convs')[1])
    fresh_ours.load_state_dict(dict(old_sd), strict=True)
    fresh_ref.load_state_dict(dict(old_sd), strict=True)
    for (k, a), b in zip(fresh_ours.state_dict().items(), new_sd.values()):
        assert torch.equal(a, b), k
    for a, b in zip(fresh_ref.state_dict().values(), new_sd.values()):
        assert torch.equal(a, b)


def test_vipnas_honours_deconv_kernel_sizes():
    """mmpose's SimCCHead drops deconv_kernel_sizes for 'vipnas' (ViPNASHead's default 4 is used)."""
    head = SimCCHead(**dict(BASE,
                            deconv_type='vipnas',
                            deconv_out_channels=(32, 32),
                            deconv_kernel_sizes=(2, 3),
                            deconv_num_groups=(8, 4)))
    assert head.deconv_head.deconv_layers[0].kernel_size == (2, 2)
    assert head.deconv_head.deconv_layers[3].groups == 4
    x, y = head(_feats(BASE))
    assert x.shape == (2, 17, 128) and y.shape == (2, 17, 160)


def test_errors():
    with pytest.raises(ValueError, match='deconv_type'):
        SimCCHead(**dict(BASE, deconv_type='unet'))
    with pytest.raises(ValueError, match='deconv_kernel_sizes'):
        SimCCHead(**dict(BASE, deconv_out_channels=(8, 8), deconv_kernel_sizes=(4, )))
    with pytest.raises(ValueError, match='Unsupported kernel size 5'):
        SimCCHead(**dict(BASE, deconv_out_channels=(8, ), deconv_kernel_sizes=(5, )))
    head = SimCCHead(**BASE)
    with pytest.raises(ValueError, match=r'\(16, 24\).*\(1, 17, 32, 24\)'):
        head((torch.randn(1, 32, 4, 3), ))


@pytest.fixture
def rtmpose_ext_scope():
    saved = dict(DefaultScope._instance_dict)
    init_default_scope('rtmpose_ext')
    yield
    DefaultScope._instance_dict = saved


def test_registry_builds_ours_and_mmpose_side_by_side(rtmpose_ext_scope):
    cfg, ref_cfg = _configs('default deconvs')
    ours = MMPOSE_MODELS.build(dict(type='SimCCHead', **cfg))
    ref = MMPOSE_MODELS.build(dict(type='mmpose.SimCCHead', **ref_cfg))
    assert type(ours) is SimCCHead and type(ref) is MMSimCCHead
    randomize(ref, 5)
    ours.load_state_dict(ref.state_dict(), strict=True)
    feats = _feats(cfg, seed=5)
    with torch.no_grad():
        for a, b in zip(ours.eval()(feats), ref.eval()(feats)):
            torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
