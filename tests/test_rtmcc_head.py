"""RTMCCHead: mmpose 1.3.2's state dict loads strictly; logits, predictions, losses and grads agree."""
import copy

import numpy as np
import pytest
import torch
from mmengine.registry import DefaultScope, init_default_scope
from mmpose.models.heads import RTMCCHead as MMRTMCCHead
from mmpose.models.losses import KLDiscretLoss as MMKLDiscretLoss
from mmpose.registry import MODELS as MMPOSE_MODELS

from head_parity_support import build_pair, pair_configs, random_feats, randomize, simcc_data_samples
from rtmpose_ext.models.heads import RTMCCHead
from rtmpose_ext.models.losses import KLDiscretLoss

INPUT_SIZE = (192, 256)
GAU_T = dict(hidden_dims=256,
             s=128,
             expansion_factor=2,
             dropout_rate=0.,
             drop_path=0.,
             act_fn='SiLU',
             use_rel_bias=False,
             pos_enc=False)
CODEC = dict(type='SimCCLabel',
             input_size=INPUT_SIZE,
             sigma=(4.9, 5.66),
             simcc_split_ratio=2.0,
             normalize=False,
             use_dark=False)
# RTMPose-t's head (configs/body_2d_keypoint/rtmpose/coco/rtmpose-t_8xb256-420e_coco-256x192.py)
RTMPOSE_T = dict(in_channels=384,
                 out_channels=17,
                 input_size=INPUT_SIZE,
                 in_featuremap_size=(6, 8),
                 simcc_split_ratio=2.0,
                 final_layer_kernel_size=7,
                 gau_cfg=GAU_T,
                 loss=dict(type='KLDiscretLoss', use_target_weight=True, beta=10., label_softmax=True),
                 decoder=CODEC)

VARIANTS = {
    'rtmpose-t': {},
    'rel_bias+pos_enc':
    dict(gau_cfg=dict(GAU_T, use_rel_bias=True, pos_enc=True)),
    'drop_path+dropout(eval)':
    dict(gau_cfg=dict(GAU_T, drop_path=0.2, dropout_rate=0.1)),
    'relu':
    dict(gau_cfg=dict(GAU_T, act_fn='ReLU')),
    'all+kernel1+dark':
    dict(gau_cfg=dict(GAU_T,
                      use_rel_bias=True,
                      pos_enc=True,
                      drop_path=0.1,
                      act_fn='ReLU',
                      s=64,
                      hidden_dims=128),
         final_layer_kernel_size=1,
         in_channels=64,
         decoder=dict(CODEC, use_dark=True)),
}


def _configs(variant):
    return pair_configs(RTMPOSE_T, VARIANTS[variant])


def _build_pair(variant, seed=0):
    cfg, ref_cfg = _configs(variant)
    return (*build_pair(RTMCCHead, MMRTMCCHead, cfg, ref_cfg, seed), cfg)


_feats = random_feats


@pytest.mark.parametrize('variant', list(VARIANTS))
def test_state_dict_keys_shapes_and_strict_load(variant):
    cfg, ref_cfg = _configs(variant)
    torch.manual_seed(0)
    ref = MMRTMCCHead(**ref_cfg)
    torch.manual_seed(0)
    ours = RTMCCHead(**cfg)
    ours_sd, ref_sd = ours.state_dict(), ref.state_dict()
    assert list(ours_sd) == list(ref_sd)
    for k, v in ref_sd.items():
        assert ours_sd[k].shape == v.shape, k
        assert torch.equal(ours_sd[k], v), k  # same creation order: same seed, same initial weights
    result = ours.load_state_dict(ref_sd, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    assert type(ours.loss_module) is KLDiscretLoss and type(ref.loss_module) is MMKLDiscretLoss


@pytest.mark.parametrize('variant', list(VARIANTS))
def test_forward_logits_equal_mmpose(variant):
    ours, ref, cfg = _build_pair(variant)
    feats = _feats(cfg)
    with torch.no_grad():
        (xo, yo), (xr, yr) = ours(feats), ref(feats)
    assert xo.shape == (2, 17, int(INPUT_SIZE[0] * 2)) and yo.shape == (2, 17, int(INPUT_SIZE[1] * 2))
    assert xr.abs().max() > 1e-3  # not a degenerate comparison
    torch.testing.assert_close(xo, xr, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(yo, yr, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('variant', ['rtmpose-t', 'rel_bias+pos_enc', 'all+kernel1+dark'])
@pytest.mark.parametrize('flip_test', [False, True])
def test_predict_equals_mmpose(variant, flip_test):
    ours, ref, cfg = _build_pair(variant, seed=1)
    samples = simcc_data_samples(CODEC, 2)
    feats = _feats(cfg, seed=1)
    if flip_test:
        feats = [feats, (feats[0].flip(-1), )]
    test_cfg = dict(flip_test=flip_test)
    with torch.no_grad():
        preds_o, preds_r = ours.predict(feats, samples, test_cfg), ref.predict(feats, samples, test_cfg)
    assert len(preds_o) == len(preds_r) == 2
    for po, pr in zip(preds_o, preds_r):
        assert po.keypoints.shape == (1, 17, 2)
        np.testing.assert_allclose(po.keypoints, pr.keypoints, atol=1e-5, rtol=0)
        np.testing.assert_allclose(po.keypoint_scores, pr.keypoint_scores, atol=1e-5, rtol=1e-5)


def test_predict_with_heatmaps_equals_mmpose():
    ours, ref, cfg = _build_pair('rtmpose-t', seed=2)
    samples = simcc_data_samples(CODEC, 2)
    feats = _feats(cfg, seed=2)
    feats = [feats, (feats[0].flip(-1), )]
    test_cfg = dict(flip_test=True, output_heatmaps=True)
    with torch.no_grad(), pytest.warns(UserWarning, match='normalized for visualization'):
        preds_o, fields_o = ours.predict(feats, samples, test_cfg)
    with torch.no_grad(), pytest.warns(UserWarning):
        preds_r, fields_r = ref.predict(feats, samples, test_cfg)
    for po, pr, fo, fr in zip(preds_o, preds_r, fields_o, fields_r):
        np.testing.assert_allclose(po.keypoints, pr.keypoints, atol=1e-5)
        for key in ('keypoint_scores', 'keypoint_x_labels', 'keypoint_y_labels'):
            np.testing.assert_allclose(po.get(key), pr.get(key), atol=1e-5, rtol=1e-5, err_msg=key)
        assert fo.heatmaps.shape == (17, 512, 384)
        torch.testing.assert_close(fo.heatmaps, fr.heatmaps, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('variant', ['rtmpose-t', 'all+kernel1+dark'])
def test_loss_accuracy_and_grads_equal_mmpose(variant):
    ours, ref, cfg = _build_pair(variant, seed=3)
    samples = simcc_data_samples(CODEC, 2, seed=3)
    feats = _feats(cfg, seed=3)
    losses_o, losses_r = ours.loss(feats, samples), ref.loss(feats, samples)
    assert set(losses_o) == set(losses_r) == {'loss_kpt', 'acc_pose'}
    torch.testing.assert_close(losses_o['loss_kpt'], losses_r['loss_kpt'], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(losses_o['acc_pose'], losses_r['acc_pose'])
    losses_o['loss_kpt'].backward()
    losses_r['loss_kpt'].backward()
    for (k, p), q in zip(ours.named_parameters(), ref.parameters()):
        torch.testing.assert_close(p.grad, q.grad, atol=1e-5, rtol=1e-4, msg=k)


def test_train_mode_with_drop_path_equals_mmpose_under_the_same_seed():
    ours, ref, cfg = _build_pair('drop_path+dropout(eval)', seed=4)
    feats = _feats(cfg, batch=4, seed=4)
    torch.manual_seed(7)
    xo, yo = ours.train()(feats)
    torch.manual_seed(7)
    xr, yr = ref.train()(feats)
    torch.testing.assert_close(xo, xr, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(yo, yr, atol=1e-5, rtol=1e-5)


def test_init_weights_runs_with_default_init_cfg():
    ours = RTMCCHead(**RTMPOSE_T)
    ours.init_weights()
    assert ours.final_layer.weight.std() < 0.01  # Normal(std=0.001)
    assert ours.mlp[1].weight.std() < 0.05  # Normal(std=0.01)


def test_gau_cfg_defaults_extras_and_errors():
    cfg = dict(RTMPOSE_T, gau_cfg=dict(hidden_dims=64))  # mmpose would raise KeyError on missing keys
    head = RTMCCHead(**cfg)
    assert head.gau.s == 128 and isinstance(head.gau.act_fn, torch.nn.ReLU) and not head.gau.use_rel_bias
    head = RTMCCHead(**dict(RTMPOSE_T, gau_cfg=dict(GAU_T, eps=1e-3, bias=True)))
    assert head.gau.ln.eps == 1e-3 and head.gau.uv.bias is not None
    with pytest.raises(ValueError, match='use_rel_bais'):
        RTMCCHead(**dict(RTMPOSE_T, gau_cfg=dict(GAU_T, use_rel_bais=True)))
    with pytest.raises(ValueError, match='multiple input features'):
        RTMCCHead(**dict(RTMPOSE_T, in_channels=[384, 384]))


def test_feature_map_size_mismatch_names_the_shapes():
    head = RTMCCHead(**RTMPOSE_T)
    with pytest.raises(ValueError, match=r'\(6, 8\).*\(1, 17, 7, 6\)'):
        head((torch.randn(1, 384, 7, 6), ))


def test_predict_argument_handling():
    head = RTMCCHead(**RTMPOSE_T).eval()
    feats, samples = _feats(RTMPOSE_T), simcc_data_samples(CODEC, 2)
    with pytest.raises(ValueError, match='flip_test needs the list'):
        head.predict(feats, samples, dict(flip_test=True))  # a tuple of levels, not [feats, flipped]
    with torch.no_grad():
        assert len(head.predict(feats, samples, None)) == 2  # None reads as {} (mmpose would fail)


def test_decode_without_decoder_is_an_error():
    head = RTMCCHead(**dict(RTMPOSE_T, decoder=None))
    with pytest.raises(RuntimeError, match='decoder'):
        head.predict(_feats(RTMPOSE_T), simcc_data_samples(CODEC, 2))


@pytest.fixture
def rtmpose_ext_scope():
    saved = dict(DefaultScope._instance_dict)
    init_default_scope('rtmpose_ext')
    yield
    DefaultScope._instance_dict = saved


def test_registry_builds_ours_and_mmpose_side_by_side(rtmpose_ext_scope):
    ours = MMPOSE_MODELS.build(dict(type='RTMCCHead', **copy.deepcopy(RTMPOSE_T)))
    _, ref_cfg = _configs('rtmpose-t')
    ref = MMPOSE_MODELS.build(dict(type='mmpose.RTMCCHead', **ref_cfg))
    assert type(ours) is RTMCCHead and type(ref) is MMRTMCCHead
    assert type(ours.loss_module) is KLDiscretLoss and type(ref.loss_module) is MMKLDiscretLoss
    randomize(ref, 5)
    ours.load_state_dict(ref.state_dict(), strict=True)
    feats = _feats(RTMPOSE_T, seed=5)
    with torch.no_grad():
        for a, b in zip(ours.eval()(feats), ref.eval()(feats)):
            torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
