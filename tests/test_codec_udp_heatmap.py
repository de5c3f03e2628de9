"""rtmpose_ext's UDPHeatmap: parity with mmpose 1.3.2, DARK accuracy vs mmpose, bad inputs, properties,
registry.

Positions are compared in input-image pixels at input 256x192 (w=192, h=256) with 64x48 heatmaps unless
a test says otherwise; one heatmap pixel is (191/47, 255/63) = (4.06, 4.05) input pixels.
"""
import warnings
import zlib

import rtmpose_ext  # noqa: F401  (first: registers everything)
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mmengine.registry import DefaultScope
from mmpose.codecs import UDPHeatmap as MMUDPHeatmap
from mmpose.codecs.utils import generate_offset_heatmap, generate_udp_gaussian_heatmaps
from mmpose.registry import KEYPOINT_CODECS as MM_KEYPOINT_CODECS

from rtmpose_ext.codecs import UDPHeatmap
from rtmpose_ext.registry import KEYPOINT_CODECS

INPUT, HEATMAP = (192, 256), (48, 64)
SIZES = [((192, 256), (48, 64)), ((288, 384), (72, 96))]
UNIT = (np.array(INPUT) - 1) / (np.array(HEATMAP) - 1)  # UDP unit length: input pixels per heatmap pixel
# DARK (mmpose's, which ours reproduces) is accurate where the blurred Gaussian is not cut by the heatmap
# border: for centres at least this many heatmap pixels inside every border (see test_clean_decode_accuracy).
DARK_MARGIN = 4.5


def seed(*args) -> int:
    return zlib.crc32(repr(args).encode())


def both(**kwargs):
    return UDPHeatmap(**kwargs, decode_unit='udp'), MMUDPHeatmap(**kwargs)


def assert_encoded_equal(ours, ref):
    """Equal, except that where mmpose's Gaussian heatmap is empty ours has weight 0 (mmpose tests the window
    ``[left, right)`` with ``right < 0`` and so keeps weight 1 for a window ending exactly at pixel 0)."""
    assert set(ours) == set(ref)
    ref = dict(ref)
    if len(ref['heatmaps']) == ref['keypoint_weights'].shape[1] and ref['keypoint_weights'].shape[0] == 1:
        empty = ref['heatmaps'].reshape(len(ref['heatmaps']), -1).max(axis=1, initial=0) <= 0
        ref['keypoint_weights'] = np.where(empty, 0,
                                           ref['keypoint_weights']).astype(ref['keypoint_weights'].dtype)
    for key in ref:
        assert ours[key].shape == ref[key].shape, key
        assert ours[key].dtype == ref[key].dtype, key
        np.testing.assert_allclose(ours[key], ref[key], rtol=0, atol=1e-6, err_msg=key)


def clean_heatmaps(centres, heatmap_size=HEATMAP, sigma=2.0):
    """mmpose's UDP Gaussian heatmaps (K, H, W) for each instance of ``centres`` (N, K, 2) (heatmap px)."""
    return np.stack([
        generate_udp_gaussian_heatmaps(heatmap_size, c[None], np.ones((1, len(c)), np.float32), sigma)[0]
        for c in centres
    ])


# ---------------------------------------------------------------------------------------------- encode


@pytest.mark.parametrize('input_size, heatmap_size', SIZES)
@pytest.mark.parametrize('sigma', [2.0, 3.0, 1.5, 2.5])
@pytest.mark.parametrize('heatmap_type', ['gaussian', 'combined'])
def test_encode_matches_mmpose(input_size, heatmap_size, sigma, heatmap_type):
    ours, ref = both(input_size=input_size, heatmap_size=heatmap_size, heatmap_type=heatmap_type, sigma=sigma)
    rng = np.random.default_rng(seed(input_size, sigma, heatmap_type))
    # 'gaussian': also keypoints outside the image (mmpose's 3-sigma window rule decides their weight);
    # 'combined': mmpose keeps the weight of keypoints whose disc misses the heatmap, ours zeroes it
    # (test_combined_outside_gets_zero_weight), so only keypoints inside the image here
    margin = 40 if heatmap_type == 'gaussian' else -10
    for _ in range(10):
        keypoints = rng.uniform(-margin, np.array(input_size) + margin, (1, 17, 2)).astype(np.float32)
        visible = (rng.random((1, 17)) > 0.2).astype(np.float32)
        assert_encoded_equal(ours.encode(keypoints, visible), ref.encode(keypoints, visible))
        assert_encoded_equal(ours.encode(keypoints), ref.encode(keypoints))
        kp64 = keypoints.astype(np.float64)
        assert_encoded_equal(ours.encode(kp64, visible), ref.encode(kp64, visible))


def test_encode_multi_instance_matches_mmpose_utils():
    """mmpose's codec asserts N == 1; ours follows mmpose's heatmap functions for N > 1."""
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, sigma=2.0, decode_unit='udp')
    combined = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, heatmap_type='combined', decode_unit='udp')
    rng = np.random.default_rng(5)
    keypoints = rng.uniform(0, INPUT, (4, 17, 2)).astype(np.float32)
    visible = (rng.random((4, 17)) > 0.3).astype(np.float32)
    heatmaps, weights = generate_udp_gaussian_heatmaps(HEATMAP, keypoints / codec.scale_factor, visible, 2.0)
    enc = codec.encode(keypoints, visible)
    np.testing.assert_allclose(enc['heatmaps'], heatmaps, atol=1e-6)
    np.testing.assert_array_equal(enc['keypoint_weights'], weights)
    heatmaps, weights = generate_offset_heatmap(HEATMAP, keypoints / codec.scale_factor, visible, 0.0546875)
    enc = combined.encode(keypoints, visible)
    np.testing.assert_allclose(enc['heatmaps'], heatmaps, atol=1e-6)
    np.testing.assert_array_equal(enc['keypoint_weights'], weights)


def test_encode_centre_is_sub_pixel_exact():
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, sigma=2.0, decode_unit='udp')
    centre = np.array([20.3, 31.7])
    heatmap = codec.encode((centre * UNIT)[None, None])['heatmaps'][0]
    yy, xx = np.mgrid[0:64, 0:48]
    expected = np.exp(-((xx - centre[0])**2 + (yy - centre[1])**2) / 8)
    window = (np.abs(xx - 20) <= 6) & (np.abs(yy - 32) <= 6)
    np.testing.assert_allclose(heatmap, np.where(window, expected, 0), atol=1e-6)


# ---------------------------------------------------------------------------------------------- decode


@pytest.mark.parametrize('input_size, heatmap_size', SIZES)
@pytest.mark.parametrize('heatmap_type', ['gaussian', 'combined'])
@pytest.mark.parametrize('blur_kernel_size', [11, 17, 5])
def test_decode_matches_mmpose(input_size, heatmap_size, heatmap_type, blur_kernel_size):
    kwargs = dict(input_size=input_size,
                  heatmap_size=heatmap_size,
                  heatmap_type=heatmap_type,
                  blur_kernel_size=blur_kernel_size)
    ref = MMUDPHeatmap(**kwargs)
    ours_mm = UDPHeatmap(decode_unit='mmpose', **kwargs)
    ours_udp = UDPHeatmap(**kwargs, decode_unit='udp')
    rng = np.random.default_rng(seed(input_size, heatmap_type, blur_kernel_size))
    for noise in (0.0, 0.02, 0.1):
        keypoints = rng.uniform(0, np.array(input_size) - 1, (1, 17, 2)).astype(np.float32)
        heatmaps = ref.encode(keypoints)['heatmaps']
        heatmaps = (heatmaps + rng.normal(0, noise, heatmaps.shape)).astype(np.float32)
        before = heatmaps.copy()
        kp, scores = ours_mm.decode(heatmaps)
        ref_kp, ref_scores = ref.decode(heatmaps)
        np.testing.assert_array_equal(heatmaps, before)
        assert kp.shape == ref_kp.shape == (1, 17, 2) and kp.dtype == ref_kp.dtype
        assert scores.shape == ref_scores.shape and scores.dtype == ref_scores.dtype
        np.testing.assert_allclose(kp, ref_kp, rtol=0, atol=1e-4)
        np.testing.assert_allclose(scores, ref_scores, rtol=0, atol=1e-6)
        # decode_unit='udp' differs only by the unit: (input - 1) / (heatmap - 1), not input / (heatmap - 1)
        kp_udp, _ = ours_udp.decode(heatmaps)
        np.testing.assert_allclose(kp_udp,
                                   ref_kp * (np.array(input_size) - 1) / input_size,
                                   rtol=0,
                                   atol=1e-4)


def test_decode_batch_equals_single():
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, decode_unit='udp')
    rng = np.random.default_rng(11)
    heatmaps = clean_heatmaps(rng.uniform(0, HEATMAP, (5, 17, 2))) + rng.normal(0, 0.05, (5, 17, 64, 48))
    heatmaps = heatmaps.astype(np.float32)
    kp, scores = codec.decode(heatmaps)
    assert kp.shape == (5, 17, 2) and scores.shape == (5, 17)
    for i in range(5):
        kp_i, scores_i = codec.decode(heatmaps[i])
        np.testing.assert_allclose(kp[i:i + 1], kp_i, atol=1e-5)
        np.testing.assert_array_equal(scores[i:i + 1], scores_i)


def test_clean_decode_accuracy():
    """Clean Gaussian heatmaps, random sub-pixel centres: decoded vs true position in input pixels."""
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, sigma=2.0, decode_unit='udp')
    rng = np.random.default_rng(2024)
    truth = rng.uniform(0, np.array(INPUT) - 1, (300, 17, 2))  # input pixels
    heatmaps = np.stack([codec.encode(t[None])['heatmaps'] for t in truth])
    decoded, _ = codec.decode(heatmaps)
    err = np.linalg.norm(decoded - truth, axis=-1)
    centres = truth / UNIT
    inside = ((centres >= DARK_MARGIN) & (centres <= np.array(HEATMAP) - 1 - DARK_MARGIN)).all(-1)
    print(f'\nclean decode error (input px): max {err[inside].max():.5f}, mean {err[inside].mean():.6f} '
          f'for centres >= {DARK_MARGIN} heatmap px inside ({inside.sum()} keypoints); '
          f'over the whole heatmap: max {err.max():.3f}, mean {err.mean():.4f}')
    assert err[inside].max() < 0.05
    # the same numbers as mmpose's decode (mapped with the same unit)
    ref_kp = np.concatenate([MMUDPHeatmap(INPUT, HEATMAP).decode(h)[0] for h in heatmaps])
    np.testing.assert_allclose(decoded, ref_kp * (np.array(INPUT) - 1) / INPUT, atol=1e-4)


def noisy_cluttered_heatmaps(rng, n):
    """Gaussian heatmaps (sigma 2) at random sub-pixel centres, amplitude 0.6-1, with 1-3 weaker distractor
    peaks (amplitude 0.2-0.6, sigma 1.5-3) anywhere and Gaussian pixel noise (std 0.05)."""
    W, H = HEATMAP
    truth = rng.uniform([0, 0], [W - 1, H - 1], (n, 17, 2))
    heatmaps = rng.uniform(0.6, 1.0, (n, 17, 1, 1)) * clean_heatmaps(truth)
    yy, xx = np.mgrid[0:H, 0:W]
    for _ in range(3):
        pos = rng.uniform([0, 0], [W - 1, H - 1], (n, 17, 1, 1, 2))
        amp = rng.uniform(0.2, 0.6, (n, 17, 1, 1)) * (rng.random((n, 17, 1, 1)) < 0.7)
        s = rng.uniform(1.5, 3.0, (n, 17, 1, 1))
        heatmaps += amp * np.exp(-((xx - pos[..., 0])**2 + (yy - pos[..., 1])**2) / (2 * s**2))
    heatmaps += rng.normal(0, 0.05, heatmaps.shape)
    return heatmaps.astype(np.float32), truth * UNIT


def test_noisy_decode_no_worse_than_mmpose():
    """Mean error on noisy, cluttered heatmaps, both decoders read in the same unit.

    mmpose's decode scales by input / (heatmap - 1) (its estimator compensates); to compare decoders,
    both results are taken back to heatmap pixels with their own unit, then to input pixels with UDP's.
    """
    rng = np.random.default_rng(7)
    heatmaps, truth = noisy_cluttered_heatmaps(rng, 200)
    ours, ref = UDPHeatmap(INPUT, HEATMAP, decode_unit='udp'), MMUDPHeatmap(INPUT, HEATMAP)
    kp = ours.decode(heatmaps)[0] / UNIT
    ref_kp = np.concatenate([ref.decode(h)[0] for h in heatmaps]) / (np.array(INPUT) / (np.array(HEATMAP) - 1))
    err = np.linalg.norm((kp - truth / UNIT) * UNIT, axis=-1)
    ref_err = np.linalg.norm((ref_kp - truth / UNIT) * UNIT, axis=-1)
    ok = err < 2 * UNIT.max()  # keypoints not captured by a distractor peak
    print(f'\nnoisy + clutter, mean error in input px: ours {err.mean():.4f}, mmpose {ref_err.mean():.4f} '
          f'(where ours is within 2 heatmap px, {ok.mean():.1%} of keypoints: ours {err[ok].mean():.4f}, '
          f'mmpose {ref_err[ok].mean():.4f})')
    assert err.mean() <= ref_err.mean() + 1e-6
    assert err[ok].mean() <= ref_err[ok].mean() + 1e-6


# ------------------------------------------------------------------------------- invalid / edge inputs


@pytest.mark.parametrize('heatmap_type', ['gaussian', 'combined'])
def test_invisible_outside_nan_inf_get_zero_weight(heatmap_type):
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, heatmap_type=heatmap_type, decode_unit='udp')
    keypoints = np.array([[[50, 60], [50, 60], [-500, 60], [50, 1e6], [np.nan, 60], [50, np.nan], [np.inf, 0],
                           [-np.inf, -np.inf], [1e30, 1e30]]], np.float32)
    visible = np.array([[1, 0, 1, 1, 1, 1, 1, 1, 1]], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        enc = codec.encode(keypoints, visible)
    np.testing.assert_array_equal(enc['keypoint_weights'], [[1, 0, 0, 0, 0, 0, 0, 0, 0]])
    maps = enc['heatmaps'].reshape(9, -1, 64, 48)
    assert np.all(np.isfinite(maps)) and maps[0, 0].max() > 0.9
    assert np.all(maps[1:] == 0)


def test_gaussian_outside_follows_mmpose_window_rule():
    ours, ref = both(input_size=INPUT, heatmap_size=HEATMAP, sigma=2.0)
    # heatmap x = -6.4 (window [-11, 2) reaches the heatmap), -7.6 (window [-13, 0): empty, mmpose keeps
    # weight 1), -8.6 (window [-14, -1)); 53.2 (window [47, 60)), 54.4 (window [48, 61)); W = 48, H = 64
    keypoints = np.array([[[-6.4, 10], [-7.6, 10], [-8.6, 10], [53.2, 10], [54.4, 10], [10, 70.0]]])
    keypoints = (keypoints * UNIT).astype(np.float32)
    enc, ref_enc = ours.encode(keypoints), ref.encode(keypoints)
    np.testing.assert_array_equal(enc['keypoint_weights'], [[1, 0, 0, 1, 0, 0]])
    np.testing.assert_array_equal(ref_enc['keypoint_weights'], [[1, 1, 0, 1, 0, 0]])
    np.testing.assert_allclose(enc['heatmaps'], ref_enc['heatmaps'], atol=1e-6)
    assert enc['heatmaps'][1].max() == 0


def test_combined_outside_gets_zero_weight():
    """mmpose keeps the weight of a 'combined' keypoint whose disc misses the heatmap; ours sets it to 0."""
    ours, ref = both(input_size=INPUT, heatmap_size=HEATMAP, heatmap_type='combined')
    keypoints = np.array([[[50, 60], [-100, 60], [50, 400]]], np.float32)
    enc, ref_enc = ours.encode(keypoints), ref.encode(keypoints)
    np.testing.assert_array_equal(enc['keypoint_weights'], [[1, 0, 0]])
    np.testing.assert_array_equal(ref_enc['keypoint_weights'], [[1, 1, 1]])
    np.testing.assert_allclose(enc['heatmaps'][:3], ref_enc['heatmaps'][:3], atol=1e-6)
    assert np.all(enc['heatmaps'][3:] == 0) and np.all(ref_enc['heatmaps'][3::3] == 0)


def test_fractional_visibility():
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, decode_unit='udp')
    enc = codec.encode(np.full((1, 4, 2), 50, np.float32), np.array([[1.0, 0.6, 0.4, -1.0]], np.float32))
    np.testing.assert_allclose(enc['keypoint_weights'], [[1.0, 0.6, 0, 0]])
    assert np.all(enc['heatmaps'][2:] == 0)


@pytest.mark.parametrize('heatmap_type', ['gaussian', 'combined'])
def test_zero_instances_and_keypoints(heatmap_type):
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, heatmap_type=heatmap_type, decode_unit='udp')
    c = 3 if heatmap_type == 'combined' else 1
    enc = codec.encode(np.zeros((0, 17, 2), np.float32))
    assert enc['heatmaps'].shape == (17 * c, 64, 48) and np.all(enc['heatmaps'] == 0)
    assert enc['keypoint_weights'].shape == (0, 17)
    enc = codec.encode(np.zeros((1, 0, 2), np.float32))
    assert enc['heatmaps'].shape == (0, 64, 48) and enc['keypoint_weights'].shape == (1, 0)
    kp, scores = codec.decode(np.zeros((0, 17 * c, 64, 48), np.float32))
    assert kp.shape == (0, 17, 2) and scores.shape == (0, 17)
    kp, scores = codec.decode(np.zeros((0, 64, 48), np.float32))
    assert kp.shape == (1, 0, 2) and scores.shape == (1, 0)


def test_decode_non_positive_and_flat_maps():
    """Maps with maximum <= 0 give location -1 (before scaling), like mmpose, and no NaN."""
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, decode_unit='mmpose')
    heatmaps = np.zeros((3, 64, 48), np.float32)
    heatmaps[1] = -0.5
    heatmaps[2, 10, 20] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        kp, scores = codec.decode(heatmaps)
    np.testing.assert_allclose(kp[0, :2], -np.array(INPUT) / (np.array(HEATMAP) - 1) * np.ones((2, 1)))
    np.testing.assert_allclose(scores, [[0, -0.5, 1]])
    np.testing.assert_allclose(kp[0, 2],
                               MMUDPHeatmap(INPUT, HEATMAP).decode(heatmaps[2:])[0][0, 0],
                               atol=1e-4)


@pytest.mark.parametrize('keypoints, visible, field', [
    (np.zeros((17, 2)), None, 'keypoints'),
    (np.zeros((1, 17, 3)), None, 'keypoints'),
    (np.zeros((1, 17, 2)), np.ones((1, 16)), 'keypoints_visible'),
    (np.zeros((1, 17, 2)), np.ones((17, )), 'keypoints_visible'),
])
def test_encode_rejects_bad_shapes(keypoints, visible, field):
    with pytest.raises(ValueError, match=f'`{field}` must have shape'):
        UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, decode_unit='udp').encode(keypoints, visible)


@pytest.mark.parametrize('heatmap_type, shape', [
    ('gaussian', (64, 48)),
    ('gaussian', (1, 1, 17, 64, 48)),
    ('gaussian', (17, 48, 64)),
    ('gaussian', (17, 64, 47)),
    ('combined', (17, 64, 48)),
])
def test_decode_rejects_bad_shapes(heatmap_type, shape):
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, heatmap_type=heatmap_type, decode_unit='udp')
    with pytest.raises(ValueError, match='`encoded` must have shape'):
        codec.decode(np.zeros(shape, np.float32))


@pytest.mark.parametrize('kwargs', [
    dict(heatmap_type='offset'),
    dict(decode_unit='pixels'),
    dict(blur_kernel_size=10),
    dict(blur_kernel_size=0),
    dict(sigma=0),
    dict(heatmap_size=(1, 64)),
])
def test_bad_arguments(kwargs):
    args = dict(input_size=INPUT, heatmap_size=HEATMAP)
    args.update(kwargs)
    with pytest.raises(ValueError):
        UDPHeatmap(**args)


# ------------------------------------------------------------------------------------------ properties


@st.composite
def keypoint_sets(draw):
    k = draw(st.integers(1, 6))
    coords = st.one_of(st.floats(-60, 300, width=32), st.just(float('nan')))
    keypoints = np.array(draw(st.lists(coords, min_size=k * 2, max_size=k * 2)), np.float32).reshape(1, k, 2)
    visible = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=k, max_size=k)),
                       np.float32).reshape(1, k)
    return keypoints, visible


@settings(max_examples=150, deadline=None)
@given(data=keypoint_sets(), sigma=st.sampled_from([2.0, 3.0, 1.5]))
def test_property_weights(data, sigma):
    keypoints, visible = data
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, sigma=sigma, decode_unit='udp')
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        enc = codec.encode(keypoints, visible)
    weights, heatmaps = enc['keypoint_weights'], enc['heatmaps']
    assert set(np.unique(weights)) <= {0.0, 1.0}
    nan = np.isnan(keypoints).any(-1)
    centres = keypoints / codec.scale_factor
    far = ((centres < -3 * sigma - 2) | (centres > np.array(HEATMAP) + 3 * sigma + 0.5)).any(-1)
    on_map = ((centres >= 0) & (centres <= np.array(HEATMAP) - 1)).all(-1)
    assert np.all(weights[(visible == 0) | nan | far] == 0)
    assert np.all(weights[(visible == 1) & on_map] == 1)
    assert np.all(np.isfinite(heatmaps)) and heatmaps.dtype == np.float32
    assert np.all(heatmaps[weights[0] == 0] == 0)
    assert np.all(heatmaps[weights[0] == 1].max(axis=(1, 2)) > 0)
    if not nan.any():
        assert_encoded_equal(enc, MMUDPHeatmap(INPUT, HEATMAP, sigma=sigma).encode(keypoints, visible))


@settings(max_examples=150, deadline=None)
@given(data=keypoint_sets())
def test_property_round_trip(data):
    keypoints, visible = data
    codec = UDPHeatmap(input_size=INPUT, heatmap_size=HEATMAP, sigma=2.0, decode_unit='udp')
    decoded, scores = codec.decode(codec.encode(keypoints, visible)['heatmaps'])
    centres = keypoints / UNIT
    inside = ((centres >= DARK_MARGIN) & (centres <= np.array(HEATMAP) - 1 - DARK_MARGIN)).all(-1)
    check = inside & (visible == 1)
    assert np.all(np.linalg.norm(decoded - keypoints, axis=-1)[check] < 0.05)
    on_map = ((centres >= 0) & (centres <= np.array(HEATMAP) - 1)).all(-1) & (visible == 1)
    assert np.all(scores[on_map] > 0.5)
    # anywhere on the heatmap the decoded keypoint is within 1.5 heatmap px (DARK near the border)
    assert np.all(np.abs(decoded - keypoints)[on_map] < 1.5 * UNIT)


# ---------------------------------------------------------------------------------------------- registry


def test_registry_builds_ours_and_mmposes():
    cfg = dict(input_size=INPUT, heatmap_size=HEATMAP, sigma=2)
    assert type(KEYPOINT_CODECS.build(dict(type='UDPHeatmap', **cfg))) is UDPHeatmap
    assert type(KEYPOINT_CODECS.build(dict(type='mmpose.UDPHeatmap', **cfg))) is MMUDPHeatmap
    with DefaultScope.overwrite_default_scope('rtmpose_ext'):
        assert type(MM_KEYPOINT_CODECS.build(dict(type='UDPHeatmap', **cfg))) is UDPHeatmap
        assert type(MM_KEYPOINT_CODECS.build(dict(type='mmpose.UDPHeatmap', **cfg))) is MMUDPHeatmap
    with DefaultScope.overwrite_default_scope('mmpose'):
        assert type(MM_KEYPOINT_CODECS.build(dict(type='UDPHeatmap', **cfg))) is MMUDPHeatmap


def test_mapping_tables_match_mmpose():
    for attr in ('label_mapping_table', 'field_mapping_table', 'instance_mapping_table',
                 'auxiliary_encode_keys'):
        assert getattr(UDPHeatmap, attr) == getattr(MMUDPHeatmap, attr)
    assert not UDPHeatmap(INPUT, HEATMAP).support_batch_decoding
