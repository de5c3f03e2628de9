"""CachedLoadImage: the same arrays as mmpose's LoadImage, copies the cache cannot be harmed through,
bounded memory (least recently used dropped), clear errors."""
import cv2
import numpy as np
import pytest
from mmpose.datasets.transforms import LoadImage

import rtmpose_ext.datasets  # noqa: F401  (registers the transforms)
from rtmpose_ext.datasets.transforms import CachedLoadImage
from rtmpose_ext.registry import TRANSFORMS


def _write_pictures(folder, count, shape=(40, 30, 3)):
    """``count`` JPEG files of random content; returns their paths."""
    paths = []
    for i in range(count):
        path = str(folder / f'{i}.jpg')
        cv2.imwrite(path, np.random.default_rng(i).integers(0, 256, size=shape, dtype=np.uint8))
        paths.append(path)
    return paths


def test_same_result_as_mmpose_load_image(tmp_path):
    paths = _write_pictures(tmp_path, 3)
    ours, theirs = CachedLoadImage(), LoadImage()
    for _ in range(2):  # the second round comes from the cache
        for path in paths:
            a, b = ours(dict(img_path=path)), theirs(dict(img_path=path))
            assert a['img'].dtype == np.uint8 and a['img'].shape == (40, 30, 3)
            np.testing.assert_array_equal(a['img'], b['img'])
            assert a['img_shape'] == b['img_shape'] == a['ori_shape'] == b['ori_shape'] == (40, 30)
    assert len(ours._cache) == 3


def test_changing_the_returned_picture_leaves_the_cache_alone(tmp_path):
    (path,) = _write_pictures(tmp_path, 1)
    load = CachedLoadImage()
    first = load(dict(img_path=path))['img']
    expected = first.copy()
    first[:] = 0
    np.testing.assert_array_equal(load(dict(img_path=path))['img'], expected)


def test_memory_bound_drops_the_least_recently_used(tmp_path):
    paths = _write_pictures(tmp_path, 4)
    one = 40 * 30 * 3
    load = CachedLoadImage(max_megabytes=2.5 * one / 2**20)  # room for two pictures
    for path in paths[:2]:
        load(dict(img_path=path))
    load(dict(img_path=paths[0]))          # paths[0] is now the most recently used
    load(dict(img_path=paths[2]))          # evicts paths[1]
    assert list(load._cache) == [paths[0], paths[2]]
    assert load.cached_megabytes == pytest.approx(2 * one / 2**20)
    disabled = CachedLoadImage(max_megabytes=0)
    disabled(dict(img_path=paths[3]))
    assert not disabled._cache and disabled.cached_megabytes == 0


def test_given_image_is_used_as_it_is():
    img = np.zeros((5, 7, 3), np.uint8)
    out = CachedLoadImage()(dict(img=img))
    assert out['img'] is img and out['img_shape'] == out['ori_shape'] == (5, 7)


@pytest.mark.parametrize('kwargs, match', [
    (dict(max_megabytes=-1), 'max_megabytes must be a number >= 0, got -1'),
    (dict(max_megabytes='1G'), "max_megabytes must be a number >= 0, got '1G'"),
])
def test_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CachedLoadImage(**kwargs)


def test_missing_and_undecodable_files_are_named(tmp_path):
    load = CachedLoadImage()
    with pytest.raises(FileNotFoundError, match='nowhere.jpg'):
        load(dict(img_path=str(tmp_path / 'nowhere.jpg')))
    bad = tmp_path / 'bad.jpg'
    bad.write_bytes(b'not a picture')
    with pytest.raises(ValueError, match='bad.jpg is not a picture cv2 can decode'):
        load(dict(img_path=str(bad)))
    with pytest.raises(KeyError, match='neither img_path nor img'):
        load(dict())


def test_built_from_config():
    load = TRANSFORMS.build(dict(type='CachedLoadImage', max_megabytes=64,
                                 backend_args=dict(backend='local')))
    assert isinstance(load, CachedLoadImage) and load.max_bytes == 64 * 2**20
    assert 'max_megabytes=64' in repr(load)
