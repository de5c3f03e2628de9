"""RandomBlur, RandomMedianBlur and CoarseDropout: the albumentations-free replacements of mmpose's
``Albumentation(transforms=[Blur, MedianBlur, CoarseDropout])`` in RTMPose's pipelines."""
import copy

import cv2
import numpy as np
import pytest
import torch
from mmcv.transforms.utils import cache_random_params
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope, init_default_scope

import rtmpose_ext.datasets  # noqa: F401  (registers the transforms)
from rtmpose_ext.datasets import CoarseDropout, RandomBlur, RandomMedianBlur
from rtmpose_ext.registry import TRANSFORMS

H, W = 256, 192  # TopdownAffine(input_size=(192, 256)) output

# What replaces RTMPose's `Albumentation(transforms=[Blur(p=0.1), MedianBlur(p=0.1), CoarseDropout(...)])`.
AUG_STAGE1 = [
    dict(type='RandomBlur', prob=0.1),
    dict(type='RandomMedianBlur', prob=0.1),
    dict(type='CoarseDropout', prob=1.0, min_holes=1, max_holes=1, min_height=0.2, max_height=0.4,
         min_width=0.2, max_width=0.4),
]

COCO_FLIP_INDICES = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


@pytest.fixture(autouse=True)
def _rtmpose_ext_scope():
    """Run each test with default scope ``rtmpose_ext`` (as a config's ``default_scope`` sets it), and restore
    the previous scope afterwards, whatever other tests set."""
    with DefaultScope.overwrite_default_scope('rtmpose_ext'):
        yield


def _image(seed: int = 0, shape=(H, W, 3), low: int = 1) -> np.ndarray:
    """Noisy uint8 image (values >= ``low``, so that zeros only come from dropout holes)."""
    return np.random.default_rng(seed).integers(low, 256, size=shape, dtype=np.uint8)


def _zero_rectangle(before: np.ndarray, after: np.ndarray):
    """The single rectangle (y1, y2, x1, x2) that ``after`` zeroed, checking that nothing else changed."""
    changed = (after != before).any(axis=-1)
    ys, xs = np.nonzero(changed)
    y1, y2, x1, x2 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    assert changed[y1:y2, x1:x2].all(), 'the changed pixels are not one filled rectangle'
    assert changed.sum() == (y2 - y1) * (x2 - x1)
    assert (after[y1:y2, x1:x2] == 0).all()
    return y1, y2, x1, x2


# ----------------------------------------------------------------------------------------------- prob=0


@pytest.mark.parametrize('transform', [
    RandomBlur(prob=0.0),
    RandomMedianBlur(prob=0.0),
    CoarseDropout(prob=0.0),
])
def test_prob_zero_leaves_image_unchanged(transform):
    img = _image()
    original = img.copy()
    np.random.seed(0)
    for _ in range(50):
        results = transform(dict(img=img))
        assert results['img'] is img
    np.testing.assert_array_equal(img, original)


# ------------------------------------------------------------------------------------------------- blurs


@pytest.mark.parametrize('cls, reference', [
    (RandomBlur, lambda img, k: cv2.blur(img, (k, k))),
    (RandomMedianBlur, lambda img, k: cv2.medianBlur(img, k)),
])
def test_blur_prob_one_uses_an_allowed_kernel(cls, reference):
    img = _image()
    original = img.copy()
    candidates = {k: reference(img, k) for k in (1, 3, 5, 7, 9)}
    # The candidates differ from each other, so the kernel that was used can be identified.
    for a in candidates:
        for b in candidates:
            assert a == b or not np.array_equal(candidates[a], candidates[b])

    transform = cls(prob=1.0)
    np.random.seed(0)
    counts = {3: 0, 5: 0, 7: 0}
    for _ in range(300):
        out = transform(dict(img=img))['img']
        assert out.shape == img.shape and out.dtype == np.uint8
        used = [k for k, ref in candidates.items() if np.array_equal(out, ref)]
        assert len(used) == 1 and used[0] in counts, f'output matches kernels {used}'
        counts[used[0]] += 1
    np.testing.assert_array_equal(img, original)  # input not modified
    # Uniform over {3, 5, 7}: expected 100 each; this range holds for any fair seed with overwhelming odds.
    assert all(60 <= c <= 140 for c in counts.values()), counts

    # A fixed kernel size.
    np.random.seed(1)
    for k in (3, 5, 7):
        np.testing.assert_array_equal(cls(prob=1.0, kernel_size=k)(dict(img=img))['img'], candidates[k])
        np.testing.assert_array_equal(cls(prob=1.0, kernel_size=(k, k))(dict(img=img))['img'], candidates[k])


@pytest.mark.parametrize('cls', [RandomBlur, RandomMedianBlur, CoarseDropout])
def test_application_frequency_matches_prob(cls):
    img = _image()
    transform = cls(prob=0.1)
    np.random.seed(0)
    applied = sum(transform(dict(img=img))['img'] is not img for _ in range(3000))
    assert 240 <= applied <= 360, applied  # 300 expected, std ~16


@pytest.mark.parametrize('cls', [RandomBlur, RandomMedianBlur])
def test_blur_keeps_shape_of_gray_and_single_channel_images_and_lists(cls):
    np.random.seed(0)
    for shape in [(H, W), (H, W, 1), (H, W, 4)]:
        img = _image(shape=shape)
        out = cls(prob=1.0, kernel_size=5)(dict(img=img))['img']
        assert out.shape == shape and out.dtype == img.dtype
        assert not np.array_equal(out, img)
    imgs = [_image(1), _image(2)]
    outs = cls(prob=1.0, kernel_size=5)(dict(img=list(imgs)))['img']
    assert isinstance(outs, list) and len(outs) == 2
    for img, out in zip(imgs, outs):
        np.testing.assert_array_equal(out, cls(prob=1.0, kernel_size=5)(dict(img=img))['img'])


def test_median_blur_rejects_large_kernel_on_float_image():
    img = _image().astype(np.float32)
    np.testing.assert_array_equal(RandomMedianBlur(prob=1.0, kernel_size=5)(dict(img=img))['img'],
                                  cv2.medianBlur(img, 5))
    with pytest.raises(ValueError, match='uint8'):
        RandomMedianBlur(prob=1.0, kernel_size=7)(dict(img=img))


# ------------------------------------------------------------------------------------------ CoarseDropout


def test_coarse_dropout_rtmpose_defaults():
    """One zero rectangle of 0.2-0.4 x image size inside the image; everything else unchanged."""
    transform = CoarseDropout()  # the defaults are RTMPose's arguments
    img = _image()
    original = img.copy()
    keypoints = np.random.default_rng(1).uniform(0, 192, size=(1, 17, 2)).astype(np.float32)
    visible = np.ones((1, 17), dtype=np.float32)
    np.random.seed(0)
    heights, widths, tops, lefts = [], [], [], []
    for _ in range(200):
        results = dict(img=img, keypoints=keypoints, transformed_keypoints=keypoints.copy(),
                       keypoints_visible=visible, bbox=np.array([[0, 0, W, H]], dtype=np.float32))
        before = copy.deepcopy({k: v for k, v in results.items() if k != 'img'})
        results = transform(results)
        y1, y2, x1, x2 = _zero_rectangle(img, results['img'])
        heights.append(y2 - y1)
        widths.append(x2 - x1)
        tops.append(y1)
        lefts.append(x1)
        # Every other key is unchanged, and is the same object.
        assert results['keypoints'] is keypoints and results['keypoints_visible'] is visible
        for key, value in before.items():
            np.testing.assert_array_equal(results[key], value)
    np.testing.assert_array_equal(img, original)  # the input image is not modified
    # int(H * u), u uniform in [0.2, 0.4): 51..102 rows, 38..76 columns.
    assert min(heights) >= int(0.2 * H) and max(heights) <= int(0.4 * H)
    assert min(widths) >= int(0.2 * W) and max(widths) <= int(0.4 * W)
    assert max(heights) - min(heights) > 35 and max(widths) - min(widths) > 25  # spread over the range
    assert min(tops) < 20 and max(np.add(tops, heights)) > H - 20  # positions cover the image
    assert min(lefts) < 20 and max(np.add(lefts, widths)) > W - 20


def test_coarse_dropout_hole_count_sizes_and_union():
    img = _image()
    transform = CoarseDropout(prob=1.0, min_holes=1, max_holes=4, min_height=5, max_height=9, min_width=3,
                              max_width=4)
    counts, heights, widths = set(), set(), set()
    for seed in range(200):
        np.random.seed(seed)
        holes = transform._sample_holes(H, W)
        np.random.seed(seed)
        out = transform(dict(img=img))['img']
        counts.add(len(holes))
        expected = img.copy()
        for x1, y1, x2, y2 in holes:
            assert 0 <= x1 < x2 <= W and 0 <= y1 < y2 <= H
            heights.add(y2 - y1)
            widths.add(x2 - x1)
            expected[y1:y2, x1:x2] = 0
        np.testing.assert_array_equal(out, expected)
    assert counts == {1, 2, 3, 4}
    assert heights == set(range(5, 10)) and widths == {3, 4}  # integer sizes: both ends included


def test_coarse_dropout_exact_number_of_disjoint_holes():
    """With a fixed number of holes, count them: one connected zero rectangle per hole."""
    img = _image()
    transform = CoarseDropout(prob=1.0, min_holes=3, max_holes=3, min_height=4, max_height=6, min_width=4,
                              max_width=6)
    checked = 0
    for seed in range(50):
        np.random.seed(seed)
        holes = transform._sample_holes(H, W)
        # Keep the draws whose holes are apart (no overlap, not touching) so that they can be counted.
        apart = all(a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
                    for i, a in enumerate(holes) for b in holes[i + 1:])
        if not apart:
            continue
        np.random.seed(seed)
        out = transform(dict(img=img))['img']
        zero = (out == 0).all(axis=-1).astype(np.uint8)
        n_labels, labels, stats, _ = cv2.connectedComponentsWithStats(zero, connectivity=4)
        assert n_labels - 1 == 3
        for label in range(1, n_labels):
            x, y, w, h, area = stats[label]
            assert area == w * h and 4 <= w <= 6 and 4 <= h <= 6  # filled rectangles of the right size
        checked += 1
    assert checked >= 40


def test_coarse_dropout_fill_value_caps_and_units():
    img = _image()
    np.random.seed(0)
    out = CoarseDropout(prob=1.0, fill_value=(10, 20, 30))(dict(img=img))['img']
    changed = (out != img).any(axis=-1)
    assert changed.sum() > 0
    np.testing.assert_array_equal(out[changed], np.tile([10, 20, 30], (changed.sum(), 1)))
    # Whole-image holes: float 1.0 and oversized pixel sizes (capped).
    for kwargs in (dict(min_height=1.0, max_height=1.0, min_width=1.0, max_width=1.0),
                   dict(min_height=1000, max_height=2000, min_width=500, max_width=500)):
        out = CoarseDropout(prob=1.0, fill_value=7, **kwargs)(dict(img=img))['img']
        assert (out == 7).all()
    # Mixed units across the pairs: height in pixels, width as a fraction.
    out = CoarseDropout(prob=1.0, min_height=10, max_height=10, min_width=0.5, max_width=0.5)(
        dict(img=img))['img']
    y1, y2, x1, x2 = _zero_rectangle(img, out)
    assert (y2 - y1, x2 - x1) == (10, W // 2)
    # Gray images and lists of images (same holes in each).
    gray = _image(shape=(H, W))
    np.random.seed(3)
    out = CoarseDropout(prob=1.0)(dict(img=gray))['img']
    assert out.shape == (H, W) and (out == 0).sum() > 0
    np.random.seed(3)
    outs = CoarseDropout(prob=1.0)(dict(img=[img, img[..., ::-1]]))['img']
    np.testing.assert_array_equal((outs[0] == 0).all(-1), (outs[1] == 0).all(-1))
    # Wrong number of per-channel values, and values outside the dtype's range.
    with pytest.raises(ValueError, match='fill_value'):
        CoarseDropout(prob=1.0, fill_value=(1, 2))(dict(img=img))
    with pytest.raises(ValueError, match='fill_value'):
        CoarseDropout(prob=1.0, fill_value=-1)(dict(img=img))


# ---------------------------------------------------------------------------------------- determinism


def _run_aug(seed: int, n: int = 20):
    transforms = [TRANSFORMS.build(cfg) for cfg in AUG_STAGE1]
    transforms[0].prob = transforms[1].prob = 0.5  # exercise both blurs more often
    np.random.seed(seed)
    outs = []
    for i in range(n):
        results = dict(img=_image(i))
        for t in transforms:
            results = t(results)
        outs.append(results['img'])
    return outs


def test_determinism_under_np_random_seed():
    a, b, c = _run_aug(0), _run_aug(0), _run_aug(1)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert any(not np.array_equal(x, z) for x, z in zip(a, c))


@pytest.mark.parametrize('transform', [
    RandomBlur(prob=0.5), RandomMedianBlur(prob=0.5), CoarseDropout(prob=0.5, max_holes=3)])
def test_cache_random_params(transform):
    """Decorated with mmcv's ``cache_randomness``: one draw shared inside ``cache_random_params``."""
    img = _image()
    np.random.seed(0)
    for _ in range(10):
        with cache_random_params(transform):
            first = transform(dict(img=img))['img']
            second = transform(dict(img=img))['img']
        np.testing.assert_array_equal(first, second)


# ----------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize('cls', [RandomBlur, RandomMedianBlur])
@pytest.mark.parametrize('kwargs, match', [
    (dict(kernel_size=(4, 7)), 'kernel_size.*odd'),
    (dict(kernel_size=(3, 8)), 'kernel_size.*odd|odd.*kernel_size'),
    (dict(kernel_size=(-3, 7)), 'kernel_size'),
    (dict(kernel_size=0), 'kernel_size'),
    (dict(kernel_size=6), 'kernel_size'),
    (dict(kernel_size=(7, 3)), 'low <= high'),
    (dict(kernel_size=(3, 5, 7)), 'kernel_size'),
    (dict(kernel_size='3'), 'kernel_size'),
    (dict(kernel_size=(3.0, 7)), 'kernel_size'),
    (dict(prob=-0.1), r'prob.*\[0, 1\]'),
    (dict(prob=1.5), r'prob.*\[0, 1\]'),
    (dict(prob=float('nan')), 'prob'),
    (dict(prob='0.1'), 'prob'),
])
def test_blur_argument_validation(cls, kwargs, match):
    with pytest.raises(ValueError, match=match) as info:
        cls(**kwargs)
    assert cls.__name__ in str(info.value)


@pytest.mark.parametrize('kwargs, match', [
    (dict(prob=1.1), r'prob.*\[0, 1\]'),
    (dict(prob=-1), r'prob.*\[0, 1\]'),
    (dict(min_holes=2, max_holes=1), 'min_holes <= max_holes'),
    (dict(min_holes=-1), 'min_holes'),
    (dict(min_holes=0, max_holes=0), 'max_holes >= 1'),
    (dict(max_holes=1.5), 'max_holes'),
    (dict(min_height=0.5, max_height=0.4), 'min_height must be <= max_height'),
    (dict(min_width=30, max_width=20), 'min_width must be <= max_width'),
    (dict(min_height=0.0), r'min_height.*\(0, 1\]|\(0, 1\].*min_height'),
    (dict(max_width=1.5), r'\(0, 1\]'),
    (dict(min_height=10, max_height=0.4), 'both be ints'),
    (dict(min_width=0, max_width=10), 'min_width'),
    (dict(min_width=-5, max_width=10), 'min_width'),
    (dict(fill_value='black'), 'fill_value'),
    (dict(fill_value=()), 'fill_value'),
])
def test_coarse_dropout_argument_validation(kwargs, match):
    with pytest.raises(ValueError, match=match) as info:
        CoarseDropout(**kwargs)
    assert 'CoarseDropout' in str(info.value)


def test_repr_lists_arguments():
    assert repr(RandomBlur()) == 'RandomBlur(prob=0.1, kernel_size=(3, 7))'
    assert repr(RandomMedianBlur(prob=0.2, kernel_size=5)) == 'RandomMedianBlur(prob=0.2, kernel_size=(5, 5))'
    assert repr(CoarseDropout(prob=0.5, fill_value=(1, 2, 3))) == (
        'CoarseDropout(prob=0.5, min_holes=1, max_holes=1, min_height=0.2, max_height=0.4, '
        'min_width=0.2, max_width=0.4, fill_value=(1, 2, 3))')


# ------------------------------------------------------------------------------------- registry, Compose


@pytest.mark.parametrize('cfg, cls', [
    (dict(type='RandomBlur', prob=0.3, kernel_size=(3, 5)), RandomBlur),
    (dict(type='RandomMedianBlur'), RandomMedianBlur),
    (dict(type='CoarseDropout', min_holes=2, max_holes=3, min_height=8, max_height=16, min_width=0.1,
          max_width=0.2, fill_value=128), CoarseDropout),
    (dict(type='rtmpose_ext.CoarseDropout'), CoarseDropout),
])
def test_build_from_config(cfg, cls):
    transform = TRANSFORMS.build(copy.deepcopy(cfg))
    assert type(transform) is cls
    for key, value in cfg.items():
        if key != 'type':
            assert getattr(transform, key) == (tuple(value) if isinstance(value, tuple) else value)


def test_compose_under_rtmpose_ext_scope():
    """mmpose datasets build their pipelines with mmengine's ``Compose`` under the default scope."""
    init_default_scope('rtmpose_ext')
    pipeline = Compose(copy.deepcopy(AUG_STAGE1))
    assert [type(t) for t in pipeline.transforms] == [RandomBlur, RandomMedianBlur, CoarseDropout]
    img = _image()
    np.random.seed(0)
    for _ in range(10):
        out = pipeline(dict(img=img))['img']
        # The blurs keep values >= 1 (the image has no zeros), so the zeros are the one dropout hole.
        zero = (out == 0).all(-1)
        ys, xs = np.nonzero(zero)
        y1, y2, x1, x2 = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        assert zero[y1:y2, x1:x2].all() and zero.sum() == (y2 - y1) * (x2 - x1)
        assert int(0.2 * H) <= y2 - y1 <= int(0.4 * H) and int(0.2 * W) <= x2 - x1 <= int(0.4 * W)


def test_prefixed_types_under_mmpose_scope():
    """A config that keeps ``default_scope='mmpose'`` can name the transforms ``rtmpose_ext.<Name>``."""
    init_default_scope('mmpose')
    pipeline = Compose([dict(cfg, type=f'rtmpose_ext.{cfg["type"]}') for cfg in copy.deepcopy(AUG_STAGE1)])
    assert [type(t) for t in pipeline.transforms] == [RandomBlur, RandomMedianBlur, CoarseDropout]


def _synthetic_instance(rng: np.random.Generator) -> dict:
    """A COCO-style top-down sample as mmpose's dataset yields it (image already loaded)."""
    img = rng.integers(0, 256, size=(480, 640, 3), dtype=np.uint8)
    x1, y1, w, h = 200.0, 60.0, 180.0, 360.0
    keypoints = np.stack([rng.uniform(x1, x1 + w, 17), rng.uniform(y1, y1 + h, 17)], -1)[None]
    visible = np.ones((1, 17), dtype=np.float32)
    visible[0, [3, 4]] = 0
    return dict(
        img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2], img_path='synthetic.jpg', img_id=1, id=1,
        category_id=1, bbox=np.array([[x1, y1, x1 + w, y1 + h]], dtype=np.float32),
        bbox_score=np.ones(1, dtype=np.float32), keypoints=keypoints.astype(np.float32),
        keypoints_visible=visible, num_keypoints=15, iscrowd=0, dataset_name='coco',
        flip_indices=COCO_FLIP_INDICES, upper_body_ids=list(range(11)), lower_body_ids=list(range(11, 17)))


@pytest.mark.parametrize('dropout_prob', [1.0, 0.5])  # RTMPose's stage 1 and stage 2
def test_end_to_end_rtmpose_train_pipeline(dropout_prob):
    codec = dict(type='SimCCLabel', input_size=(192, 256), sigma=(4.9, 5.66), simcc_split_ratio=2.0,
                 normalize=False, use_dark=False)
    aug = copy.deepcopy(AUG_STAGE1)
    aug[2]['prob'] = dropout_prob
    train_pipeline = [
        dict(type='GetBBoxCenterScale'),
        dict(type='RandomFlip', direction='horizontal'),
        dict(type='RandomHalfBody'),
        dict(type='RandomBBoxTransform', scale_factor=[0.6, 1.4], rotate_factor=80),
        dict(type='TopdownAffine', input_size=codec['input_size']),
        dict(type='mmdet.YOLOXHSVRandomAug'),
        *aug,
        dict(type='GenerateTarget', encoder=codec),
        dict(type='PackPoseInputs'),
    ]
    init_default_scope('rtmpose_ext')
    pipeline = Compose(train_pipeline)
    assert type(pipeline.transforms[5]).__module__.startswith('mmdet.')
    assert [type(t) for t in pipeline.transforms[6:9]] == [RandomBlur, RandomMedianBlur, CoarseDropout]

    rng = np.random.default_rng(0)
    np.random.seed(0)
    for _ in range(8):
        packed = pipeline(_synthetic_instance(rng))
        inputs, sample = packed['inputs'], packed['data_samples']
        assert isinstance(inputs, torch.Tensor) and inputs.dtype == torch.uint8
        assert inputs.shape == (3, 256, 192)
        labels = sample.gt_instance_labels
        assert labels.keypoint_x_labels.shape == (1, 17, 384)
        assert labels.keypoint_y_labels.shape == (1, 17, 512)
        assert labels.keypoint_weights.shape == (1, 17)
        assert sample.gt_instances.keypoints.shape == (1, 17, 2)
        assert sample.metainfo['input_size'] == (192, 256)
        assert sample.metainfo['img_shape'] == (480, 640)
