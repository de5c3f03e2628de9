"""rtmpose_ext's SimCCLabel: parity with mmpose 1.3.2, bad inputs, properties, sigma='auto', registry."""
import math
import os
import warnings
import zlib

import rtmpose_ext  # noqa: F401  (first: registers everything)
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mmengine.registry import DefaultScope
from mmpose.codecs import SimCCLabel as MMSimCCLabel
from mmpose.registry import KEYPOINT_CODECS as MM_KEYPOINT_CODECS

from rtmpose_ext.codecs import SimCCLabel
from rtmpose_ext.registry import KEYPOINT_CODECS

SIZES = [(192, 256), (288, 384)]
RATIOS = [1.0, 2.0, 3.0]
SIGMAS = [6.0, (4.9, 5.66)]


def seed(*args) -> int:
    """A deterministic seed from the test parameters (``hash`` of strings varies between runs)."""
    return zlib.crc32(repr(args).encode())


def both(**kwargs):
    return SimCCLabel(**kwargs), MMSimCCLabel(**kwargs)


def random_keypoints(rng, input_size, n=4, k=17, margin=0.0):
    w, h = input_size
    keypoints = rng.uniform([-margin, -margin], [w + margin, h + margin], (n, k, 2)).astype(np.float32)
    visible = (rng.random((n, k)) > 0.2).astype(np.float32)
    return keypoints, visible


def assert_encoded_equal(ours, ref):
    assert set(ours) == set(ref)
    for key in ref:
        assert ours[key].shape == ref[key].shape, key
        assert ours[key].dtype == ref[key].dtype, key
        np.testing.assert_allclose(ours[key], ref[key], rtol=0, atol=1e-6, err_msg=key)


def model_like_simcc(rng, codec_kwargs, keypoints, noise=0.01, amplitude=1.0):
    """Un-normalised Gaussian SimCC vectors around ``keypoints`` plus noise, like a trained head's output."""
    ref = MMSimCCLabel(**dict(codec_kwargs, normalize=False, use_dark=False, decode_visibility=False))
    enc = ref.encode(keypoints)
    x = amplitude * enc['keypoint_x_labels'] + rng.normal(0, noise, enc['keypoint_x_labels'].shape)
    y = amplitude * enc['keypoint_y_labels'] + rng.normal(0, noise, enc['keypoint_y_labels'].shape)
    return x.astype(np.float32), y.astype(np.float32)


# ---------------------------------------------------------------------------------------------- parity


@pytest.mark.parametrize('input_size', SIZES)
@pytest.mark.parametrize('ratio', RATIOS)
@pytest.mark.parametrize('sigma', SIGMAS)
@pytest.mark.parametrize('smoothing', [('gaussian', True, 0.0), ('gaussian', False, 0.0),
                                       ('standard', True, 0.0), ('standard', True, 0.2)])
def test_encode_matches_mmpose(input_size, ratio, sigma, smoothing):
    smoothing_type, normalize, label_smooth_weight = smoothing
    ours, ref = both(input_size=input_size,
                     smoothing_type=smoothing_type,
                     sigma=sigma,
                     simcc_split_ratio=ratio,
                     normalize=normalize,
                     label_smooth_weight=label_smooth_weight)
    rng = np.random.default_rng(seed(input_size, ratio, sigma, smoothing))
    # margin: some keypoints lie outside the image, a few within 3 sigma of it (partial Gaussians)
    keypoints, visible = random_keypoints(rng, input_size, margin=40)
    assert_encoded_equal(ours.encode(keypoints, visible), ref.encode(keypoints, visible))
    assert_encoded_equal(ours.encode(keypoints), ref.encode(keypoints))  # keypoints_visible=None
    kp64 = keypoints.astype(np.float64)
    assert_encoded_equal(ours.encode(kp64, visible), ref.encode(kp64, visible))


def test_encode_matches_mmpose_on_rounding_ties_and_borders():
    ours, ref = both(input_size=(192, 256), sigma=(4.9, 5.66), simcc_split_ratio=2.0)
    xs = np.array([0, 0.25, 0.75, 10.25, 10.75, 191.75, 191.76, 192, -0.25, -7.6, -7.9, 199.0, 199.6])
    keypoints = np.stack([xs, xs * 256 / 192], axis=-1)[None].astype(np.float32)
    assert_encoded_equal(ours.encode(keypoints), ref.encode(keypoints))
    ours, ref = both(input_size=(192, 256), smoothing_type='standard', simcc_split_ratio=2.0)
    assert_encoded_equal(ours.encode(keypoints), ref.encode(keypoints))


@pytest.mark.parametrize('input_size', SIZES)
@pytest.mark.parametrize('ratio', RATIOS)
@pytest.mark.parametrize('sigma', SIGMAS)
@pytest.mark.parametrize('use_dark', [False, True])
@pytest.mark.parametrize('decode_visibility', [False, True])
def test_decode_matches_mmpose(input_size, ratio, sigma, use_dark, decode_visibility):
    kwargs = dict(input_size=input_size,
                  sigma=sigma,
                  simcc_split_ratio=ratio,
                  use_dark=use_dark,
                  decode_visibility=decode_visibility)
    ours, ref = both(**kwargs)
    rng = np.random.default_rng(seed(input_size, ratio, sigma, use_dark, decode_visibility))
    keypoints, _ = random_keypoints(rng, input_size, n=6)
    x, y = model_like_simcc(rng, kwargs, keypoints)
    x[0, :3] -= 2.0  # scores <= 0: location -1, no refinement
    x_in, y_in = x.copy(), y.copy()

    out = ours.decode(x, y)
    ref_out = ref.decode(x.copy(), y.copy())  # mmpose's DARK overwrites its inputs
    np.testing.assert_array_equal(x, x_in)  # ours does not
    np.testing.assert_array_equal(y, y_in)

    if decode_visibility:
        (kp, (scores, vis)), (ref_kp, (ref_scores, ref_vis)) = out, ref_out
        # mmpose with use_dark computes visibility from its overwritten (log-blurred) inputs; ours from the
        # vectors passed in, i.e. what mmpose gives without DARK:
        _, (_, ref_vis) = MMSimCCLabel(**dict(kwargs, use_dark=False)).decode(x.copy(), y.copy())
        assert vis.shape == ref_vis.shape
        np.testing.assert_allclose(vis, ref_vis, rtol=0, atol=1e-6)
    else:
        (kp, scores), (ref_kp, ref_scores) = out, ref_out
    assert kp.shape == ref_kp.shape == (6, 17, 2) and kp.dtype == ref_kp.dtype
    assert scores.shape == ref_scores.shape and scores.dtype == ref_scores.dtype
    np.testing.assert_allclose(kp, ref_kp, rtol=0, atol=1e-4)
    np.testing.assert_allclose(scores, ref_scores, rtol=0, atol=1e-6)
    assert np.all(kp[0, :3] == np.float32(-1 / ratio))


def test_decode_dark_matches_mmpose_in_float64_and_with_heavy_noise():
    kwargs = dict(input_size=(192, 256), sigma=(4.9, 5.66), use_dark=True)
    ours, ref = both(**kwargs)
    rng = np.random.default_rng(7)
    keypoints, _ = random_keypoints(rng, (192, 256), n=8)
    for noise in (0.0, 0.05):
        x, y = model_like_simcc(rng, kwargs, keypoints, noise=noise)
        for dtype in (np.float32, np.float64):
            xd, yd = x.astype(dtype), y.astype(dtype)
            kp, scores = ours.decode(xd, yd)
            ref_kp, ref_scores = ref.decode(xd.copy(), yd.copy())
            np.testing.assert_allclose(kp, ref_kp, rtol=0, atol=1e-4)
            np.testing.assert_allclose(scores, ref_scores, rtol=0, atol=1e-6)


def test_decode_score_is_the_smaller_maximum():
    codec = SimCCLabel(input_size=(192, 256))
    x = np.zeros((1, 2, 384), np.float32)
    y = np.zeros((1, 2, 512), np.float32)
    x[0, 0, 10], y[0, 0, 20] = 0.9, 0.4
    x[0, 1, 30], y[0, 1, 40] = 0.2, 0.7
    kp, scores = codec.decode(x, y)
    np.testing.assert_allclose(scores, [[0.4, 0.2]])
    np.testing.assert_allclose(kp, [[[5, 10], [15, 20]]])


def test_decode_2d_input():
    ours, ref = both(input_size=(192, 256), sigma=(4.9, 5.66), decode_visibility=True)
    rng = np.random.default_rng(3)
    keypoints, _ = random_keypoints(rng, (192, 256), n=1)
    x, y = model_like_simcc(rng, dict(input_size=(192, 256), sigma=(4.9, 5.66)), keypoints)
    kp, (scores, vis) = ours.decode(x[0], y[0])
    ref_kp, (ref_scores, ref_vis) = ref.decode(x[0], y[0])
    assert kp.shape == ref_kp.shape == (1, 17, 2)
    assert scores.shape == ref_scores.shape == (1, 17)
    assert vis.shape == (1, 17) and ref_vis.shape == (17, )  # ours: same shape as the scores
    np.testing.assert_allclose(kp, ref_kp, atol=1e-4)
    np.testing.assert_allclose(vis[0], ref_vis, atol=1e-6)
    # with DARK, mmpose raises on 2-D input; ours gives the 3-D result
    dark, ref_dark = both(input_size=(192, 256), sigma=(4.9, 5.66), use_dark=True)
    np.testing.assert_allclose(dark.decode(x[0], y[0])[0],
                               ref_dark.decode(x[:1].copy(), y[:1].copy())[0],
                               atol=1e-4)


# ------------------------------------------------------------------------------- invalid / edge inputs


def _encode_silently(codec, keypoints, visible=None):
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # no RuntimeWarning (e.g. NaN casts)
        return codec.encode(keypoints, visible)


@pytest.mark.parametrize('smoothing_type', ['gaussian', 'standard'])
def test_invisible_outside_nan_inf_get_zero_weight(smoothing_type):
    codec = SimCCLabel(input_size=(192, 256), smoothing_type=smoothing_type, sigma=(4.9, 5.66))
    keypoints = np.array([[[50, 60], [50, 60], [-500, 60], [50, 1e6], [np.nan, 60], [50, np.nan], [np.inf, 0],
                           [-np.inf, -np.inf], [1e30, 1e30]]], np.float32)
    visible = np.array([[1, 0, 1, 1, 1, 1, 1, 1, 1]], np.float32)
    enc = _encode_silently(codec, keypoints, visible)
    np.testing.assert_array_equal(enc['keypoint_weights'], [[1, 0, 0, 0, 0, 0, 0, 0, 0]])
    assert enc['keypoint_weights'].dtype == np.float32
    for key in ('keypoint_x_labels', 'keypoint_y_labels'):
        assert np.all(np.isfinite(enc[key]))
        assert np.all(enc[key][0, 1:] == 0)
        assert enc[key][0, 0].max() > 0


def test_outside_matches_mmpose_three_sigma_rule():
    """Like mmpose, a Gaussian keypoint outside the image keeps weight 1 while its label has an in-range
    part (the 3-sigma rule)."""
    ours, ref = both(input_size=(192, 256), sigma=(4.9, 5.66))
    keypoints = np.array([[[-3, 100], [-8.1, 100], [-8.4, 100], [199.6, 100], [200.0, 100], [100, 264]]],
                         np.float32)
    enc, ref_enc = ours.encode(keypoints), ref.encode(keypoints)
    assert_encoded_equal(enc, ref_enc)
    assert 0 < enc['keypoint_weights'].sum() < 6
    std, ref_std = both(input_size=(192, 256), smoothing_type='standard')
    assert_encoded_equal(std.encode(keypoints), ref_std.encode(keypoints))
    np.testing.assert_array_equal(std.encode(keypoints)['keypoint_weights'], [[0, 0, 0, 0, 0, 0]])


def test_fractional_and_negative_visibility():
    """visibility >= 0.5 is the weight (as mmpose); below 0.5 (and NaN) the weight is 0 (mmpose keeps it)."""
    codec = SimCCLabel(input_size=(192, 256))
    keypoints = np.full((1, 5, 2), 50, np.float32)
    visible = np.array([[1.0, 0.7, 0.3, -1.0, np.nan]], np.float32)
    enc = codec.encode(keypoints, visible)
    np.testing.assert_allclose(enc['keypoint_weights'], [[1.0, 0.7, 0, 0, 0]])
    enc = codec.encode(keypoints, np.array([[1, 1, 0, 0, 1]], dtype=bool))
    assert enc['keypoint_weights'].dtype == np.float32


def test_zero_instances_and_zero_keypoints():
    ours, ref = both(input_size=(192, 256), sigma=(4.9, 5.66), use_dark=True, decode_visibility=True)
    for shape in [(0, 17, 2), (3, 0, 2)]:
        keypoints = np.zeros(shape, np.float32)
        enc = ours.encode(keypoints)
        assert_encoded_equal(enc, ref.encode(keypoints))
        kp, (scores, vis) = ours.decode(enc['keypoint_x_labels'], enc['keypoint_y_labels'])
        assert kp.shape == shape and scores.shape == shape[:2] and vis.shape == shape[:2]


@pytest.mark.parametrize('keypoints, visible, field', [
    (np.zeros((17, 2)), None, 'keypoints'),
    (np.zeros((1, 17, 3)), None, 'keypoints'),
    (np.zeros((1, 17, 1)), None, 'keypoints'),
    (np.zeros((1, 17, 2)), np.ones((1, 16)), 'keypoints_visible'),
    (np.zeros((1, 17, 2)), np.ones((17, )), 'keypoints_visible'),
    (np.zeros((1, 17, 2)), np.ones((1, 17, 2)), 'keypoints_visible'),
])
def test_encode_rejects_bad_shapes(keypoints, visible, field):
    with pytest.raises(ValueError, match=f'`{field}` must have shape'):
        SimCCLabel(input_size=(192, 256)).encode(keypoints, visible)


@pytest.mark.parametrize('x_shape, y_shape, field', [
    ((384, ), (512, ), 'simcc_x'),
    ((1, 1, 17, 384), (1, 1, 17, 512), 'simcc_x'),
    ((1, 17, 384), (17, 512), 'simcc_y'),
    ((1, 17, 384), (1, 16, 512), 'simcc_y'),
    ((1, 17, 0), (1, 17, 512), 'simcc_x'),
])
def test_decode_rejects_bad_shapes(x_shape, y_shape, field):
    with pytest.raises(ValueError, match=f'`{field}` must have shape'):
        SimCCLabel(input_size=(192, 256)).decode(np.zeros(x_shape, np.float32), np.zeros(y_shape, np.float32))


@pytest.mark.parametrize('kwargs', [
    dict(smoothing_type='laplace'),
    dict(smoothing_type='gaussian', label_smooth_weight=0.1),
    dict(smoothing_type='standard', label_smooth_weight=1.5),
    dict(sigma='wide'),
    dict(sigma=(1.0, 2.0, 3.0)),
    dict(sigma=0),
    dict(sigma=(-1, 2)),
    dict(simcc_split_ratio=0),
])
def test_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        SimCCLabel(input_size=(192, 256), **kwargs)


# ------------------------------------------------------------------------------------------ properties


@st.composite
def keypoint_sets(draw):
    n = draw(st.integers(0, 3))
    k = draw(st.integers(1, 6))
    coords = st.one_of(st.floats(-60, 260, width=32), st.just(float('nan')))
    keypoints = np.array(draw(st.lists(coords, min_size=n * k * 2, max_size=n * k * 2)),
                         np.float32).reshape(n, k, 2)
    visible = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n * k, max_size=n * k)),
                       np.float32).reshape(n, k)
    return keypoints, visible


@settings(max_examples=150, deadline=None)
@given(data=keypoint_sets(),
       smoothing_type=st.sampled_from(['gaussian', 'standard']),
       ratio=st.sampled_from(RATIOS),
       sigma=st.sampled_from(SIGMAS + ['auto']))
def test_property_weights(data, smoothing_type, ratio, sigma):
    keypoints, visible = data
    codec = SimCCLabel(input_size=(192, 256),
                       smoothing_type=smoothing_type,
                       sigma=sigma,
                       simcc_split_ratio=ratio)
    enc = _encode_silently(codec, keypoints, visible)
    weights = enc['keypoint_weights']
    assert weights.shape == visible.shape and set(np.unique(weights)) <= {0.0, 1.0}
    centres = np.around(keypoints * ratio).astype(np.float64)  # float32 product, as the codec and mmpose
    Wx, Wy = codec.label_size
    if smoothing_type == 'gaussian':
        margin = 3 * codec.sigma
        inside = (centres > -margin - 1) & (centres < np.array([Wx, Wy]) + margin)
        outside = (centres < -margin - 1) | (centres >= np.array([Wx, Wy]) + margin)
    else:
        inside = (centres >= 0) & (centres < [Wx, Wy])
        outside = ~inside
    nan = np.isnan(keypoints).any(-1)
    assert np.all(weights[visible == 0] == 0)
    assert np.all(weights[nan] == 0)
    assert np.all(weights[outside.any(-1)] == 0)
    assert np.all(weights[(visible == 1) & ~nan & inside.all(-1)] == 1)
    for key in ('keypoint_x_labels', 'keypoint_y_labels'):
        labels = enc[key]
        assert np.all(np.isfinite(labels))
        assert np.all(labels[weights == 0] == 0)
        assert np.all(labels[weights == 1].max(axis=-1) > 0)
    # mmpose agrees wherever it handles the input (finite keypoints)
    finite = ~nan.any(axis=1) if keypoints.size else np.ones(len(keypoints), bool)
    kwargs = dict(input_size=(192, 256),
                  smoothing_type=smoothing_type,
                  sigma=codec.sigma,
                  simcc_split_ratio=ratio)
    assert_encoded_equal({
        k: v[finite]
        for k, v in enc.items()
    },
                         MMSimCCLabel(**kwargs).encode(keypoints[finite], visible[finite]))


@settings(max_examples=150, deadline=None)
@given(data=keypoint_sets(),
       ratio=st.sampled_from(RATIOS),
       sigma=st.sampled_from(SIGMAS + ['auto']),
       use_dark=st.booleans())
def test_property_round_trip(data, ratio, sigma, use_dark):
    keypoints, visible = data
    codec = SimCCLabel(input_size=(192, 256), sigma=sigma, simcc_split_ratio=ratio, use_dark=use_dark)
    enc = codec.encode(keypoints, visible)
    decoded, scores = codec.decode(enc['keypoint_x_labels'], enc['keypoint_y_labels'])
    in_image = ((keypoints >= 0) & (keypoints < [192, 256])).all(-1)
    check = in_image & (visible == 1)
    if not use_dark:
        assert np.all(np.abs(decoded - keypoints)[check] <= 1 / ratio)
    else:  # DARK on exact integer-centred Gaussians stays within a bin away from the ends of the range
        away = ((keypoints >= 3 * codec.sigma / ratio) &
                (keypoints < [192, 256] - 3 * codec.sigma / ratio)).all(-1)
        assert np.all(np.abs(decoded - keypoints)[check & away] <= 1 / ratio)
    assert np.all(scores[check] > 0)


# ------------------------------------------------------------------------------------------ sigma='auto'


def _rtmpose_config_sigma():
    """sigma of mmpose's RTMPose-m COCO 256x192 config (shipped in the mmpose wheel)."""
    import mmpose
    from mmengine.config import Config
    path = os.path.join(os.path.dirname(mmpose.__file__), '.mim', 'configs', 'body_2d_keypoint', 'rtmpose',
                        'coco', 'rtmpose-m_8xb256-420e_coco-256x192.py')
    if not os.path.exists(path):
        return (4.9, 5.66)  # the values written in that config
    codec = Config.fromfile(path).codec
    assert tuple(codec.input_size) == (192, 256) and codec.simcc_split_ratio == 2.0
    return tuple(codec.sigma)


def test_sigma_auto_matches_rtmpose_config():
    expected = (math.sqrt(192 * 2.0 / 16), math.sqrt(256 * 2.0 / 16))  # sqrt(W_S / 16), W_S = bins per axis
    config_sigma = _rtmpose_config_sigma()
    np.testing.assert_allclose(expected, config_sigma, atol=0.01)
    codec = SimCCLabel(input_size=(192, 256), sigma='auto', simcc_split_ratio=2.0)
    np.testing.assert_allclose(codec.sigma, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(codec.sigma, config_sigma, atol=0.01)
    # 'auto' follows the label length
    np.testing.assert_allclose(
        SimCCLabel(input_size=(288, 384), sigma='auto', simcc_split_ratio=3.0).sigma,
        (math.sqrt(864 / 16), math.sqrt(1152 / 16)))
    # and encodes like the explicit pair
    keypoints = np.random.default_rng(0).uniform(0, 190, (2, 17, 2)).astype(np.float32)
    assert_encoded_equal(codec.encode(keypoints),
                         MMSimCCLabel(input_size=(192, 256), sigma=expected).encode(keypoints))


def test_sigma_forms():
    np.testing.assert_array_equal(SimCCLabel(input_size=(192, 256), sigma=3).sigma, [3.0, 3.0])
    np.testing.assert_array_equal(SimCCLabel(input_size=(192, 256), sigma=[2, 4]).sigma, [2.0, 4.0])
    np.testing.assert_array_equal(
        SimCCLabel(input_size=(192, 256), sigma=np.array([2.5, 4])).sigma, [2.5, 4.0])


# ---------------------------------------------------------------------------------------------- registry


def test_registry_builds_ours_and_mmposes():
    cfg = dict(input_size=(192, 256), sigma=(4.9, 5.66), simcc_split_ratio=2.0)
    assert type(KEYPOINT_CODECS.build(dict(type='SimCCLabel', **cfg))) is SimCCLabel
    assert type(KEYPOINT_CODECS.build(dict(type='mmpose.SimCCLabel', **cfg))) is MMSimCCLabel
    with DefaultScope.overwrite_default_scope('rtmpose_ext'):
        # what mmpose's own pipeline (GenerateTarget, heads) does under default_scope='rtmpose_ext'
        assert type(MM_KEYPOINT_CODECS.build(dict(type='SimCCLabel', **cfg))) is SimCCLabel
        assert type(MM_KEYPOINT_CODECS.build(dict(type='mmpose.SimCCLabel', **cfg))) is MMSimCCLabel
        assert type(KEYPOINT_CODECS.build(dict(type='SimCCLabel', sigma='auto', input_size=(192, 256)))) \
            is SimCCLabel
    with DefaultScope.overwrite_default_scope('mmpose'):
        assert type(MM_KEYPOINT_CODECS.build(dict(type='SimCCLabel', **cfg))) is MMSimCCLabel


def test_mapping_tables_match_mmpose():
    for attr in ('label_mapping_table', 'field_mapping_table', 'instance_mapping_table',
                 'auxiliary_encode_keys'):
        assert getattr(SimCCLabel, attr) == getattr(MMSimCCLabel, attr)
    assert not SimCCLabel(input_size=(192, 256)).support_batch_decoding
