"""The synthetic person-keypoint generator (rtmpose_ext.datasets.synthetic): COCO format, visibility
true to the picture, left/right symmetry, determinism, and loading with pycocotools and mmpose."""
import json
import os
import os.path as osp

import numpy as np
import pytest

from rtmpose_ext.datasets.synthetic import coco_meta
from rtmpose_ext.datasets.synthetic.__main__ import main as cli_main
from rtmpose_ext.datasets.synthetic.annotate import annotate, keypoints_of
from rtmpose_ext.datasets.synthetic.appearance import sample_look
from rtmpose_ext.datasets.synthetic.figure import mirror_figure, place_figure
from rtmpose_ext.datasets.synthetic.generate import generate_split, make_scene, split_paths
from rtmpose_ext.datasets.synthetic.pose_sampler import sample_pose
from rtmpose_ext.datasets.synthetic.renderer import Rendering, render_people
from rtmpose_ext.datasets.synthetic.skeleton_model import Pose, Proportions, body_points, sample_proportions

SIZE = (320, 256)  # (W, H)
NAMES = coco_meta.KEYPOINT_NAMES
IDX = coco_meta.KEYPOINT_INDEX


@pytest.fixture(scope='module')
def split(tmp_path_factory):
    """A 12-picture train split (seed 3) and its loaded json."""
    out = str(tmp_path_factory.mktemp('synthetic'))
    ann_file = generate_split(out, 'train', 12, seed=3, image_size=SIZE, progress=None)
    with open(ann_file) as f:
        return out, ann_file, json.load(f)


def _figure(rng, yaw=0., roll=0., height=200., center=(160., 128.), activity=None):
    return place_figure(sample_pose(rng, activity), sample_proportions(rng), sample_look(rng), yaw, roll,
                        height, center)


def _render(figures, size=SIZE, grey=128):
    w, h = size
    canvas, sil = render_people(figures, np.full((h, w, 3), grey, np.uint8))
    return Rendering(canvas.image, canvas.labels, sil)


# ---------------------------------------------------------------------------------------- metainfo
def test_metainfo_matches_mmpose_coco():
    import mmpose
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    path = osp.join(osp.dirname(mmpose.__file__), '.mim', 'configs', '_base_', 'datasets', 'coco.py')
    meta = parse_pose_metainfo(dict(from_file=path))
    assert [meta['keypoint_id2name'][i] for i in range(meta['num_keypoints'])] == list(NAMES)
    assert list(meta['flip_indices']) == list(coco_meta.FLIP_INDICES)
    assert {tuple(sorted(p)) for p in meta['flip_pairs']} == set(coco_meta.FLIP_PAIRS)
    np.testing.assert_allclose(meta['sigmas'], coco_meta.SIGMAS)
    assert [tuple(link) for link in meta['skeleton_links']] == list(coco_meta.SKELETON)
    assert len(coco_meta.SKELETON) == 19


def test_flip_pairs_are_left_right_of_the_same_joint():
    assert len(coco_meta.FLIP_PAIRS) == 8
    for i, j in coco_meta.FLIP_PAIRS:
        a, b = NAMES[i], NAMES[j]
        assert a.startswith('left_') and b == 'right_' + a[len('left_'):]
    assert coco_meta.FLIP_INDICES[IDX['nose']] == IDX['nose']


# ---------------------------------------------------------------------------------------- COCO files
def test_split_layout_and_fields(split):
    out, ann_file, coco = split
    assert ann_file == osp.join(out, 'annotations', 'person_keypoints_train.json')
    assert len(coco['images']) == 12 and coco['annotations']
    cat = coco['categories'][0]
    assert cat['keypoints'] == list(NAMES)
    assert cat['skeleton'] == [[a + 1, b + 1] for a, b in coco_meta.SKELETON]   # 1-based, as COCO
    for img in coco['images']:
        assert (img['width'], img['height']) == SIZE
        assert osp.isfile(osp.join(out, 'images', 'train', img['file_name']))
    ids = [a['id'] for a in coco['annotations']]
    assert len(set(ids)) == len(ids)
    for ann in coco['annotations']:
        assert ann['iscrowd'] == 0 and ann['category_id'] == 1 and ann['area'] > 0


def test_keypoints_inside_box_and_image(split):
    _, _, coco = split
    w, h = SIZE
    for ann in coco['annotations']:
        k = np.array(ann['keypoints'], np.float64).reshape(17, 3)
        x, y, bw, bh = ann['bbox']
        assert 0 <= x and 0 <= y and x + bw <= w + 1e-6 and y + bh <= h + 1e-6 and bw > 0 and bh > 0
        lab = k[k[:, 2] > 0]
        assert ann['num_keypoints'] == len(lab) > 0
        assert np.all(k[k[:, 2] == 0, :2] == 0)                                 # v = 0 => x = y = 0
        assert np.all((lab[:, 0] >= 0) & (lab[:, 0] <= w - 1) & (lab[:, 1] >= 0) & (lab[:, 1] <= h - 1))
        assert np.all((lab[:, 0] >= x - 1) & (lab[:, 0] <= x + bw + 1))
        assert np.all((lab[:, 1] >= y - 1) & (lab[:, 1] <= y + bh + 1))
        assert set(np.unique(k[:, 2])) <= {0, 1, 2}


def test_pycocotools_self_evaluation_gives_ap_1(split):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    _, ann_file, coco = split
    gt = COCO(ann_file)
    assert len(gt.getAnnIds()) == len(coco['annotations'])
    results = [dict(image_id=a['image_id'], category_id=1, keypoints=a['keypoints'], score=1.0)
               for a in coco['annotations']]
    ev = COCOeval(gt, gt.loadRes(results), 'keypoints')
    ev.evaluate()
    ev.accumulate()
    ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)
    # and a clearly wrong prediction (every keypoint moved by 20 % of the box) scores far less
    for r, a in zip(results, coco['annotations']):
        k = np.array(r['keypoints'], np.float64).reshape(17, 3)
        k[:, 0] += 0.2 * a['bbox'][2]
        r['keypoints'] = k.ravel().tolist()
    ev = COCOeval(gt, gt.loadRes(results), 'keypoints')
    ev.evaluate()
    ev.accumulate()
    ev.summarize()
    assert ev.stats[0] < 0.5


def test_mmpose_coco_dataset_loads(split):
    from mmpose.datasets import CocoDataset
    out, ann_file, coco = split
    ds = CocoDataset(ann_file=ann_file, data_root=out, data_mode='topdown', pipeline=[],
                     data_prefix=dict(img='images/train/'), test_mode=False)
    assert len(ds) == len(coco['annotations'])
    anns = {a['id']: a for a in coco['annotations']}
    for i in range(len(ds)):
        info = ds[i]
        assert osp.isfile(info['img_path'])
        ann = anns[info['id']]
        k = np.array(ann['keypoints'], np.float32).reshape(17, 3)
        np.testing.assert_allclose(info['keypoints'][0], k[:, :2])
        np.testing.assert_array_equal(info['keypoints_visible'][0], np.minimum(k[:, 2], 1))
    assert ds.metainfo['dataset_name'] == 'coco'


def test_mmpose_coco_metric_scores_ground_truth_1(split, tmp_path):
    """mmpose's CocoMetric (the demo's evaluator, xtcocotools) gives AP 1 to the ground truth."""
    from mmpose.datasets import CocoDataset
    from mmpose.evaluation import CocoMetric
    out, ann_file, _ = split
    ds = CocoDataset(ann_file=ann_file, data_root=out, data_mode='topdown', pipeline=[],
                     data_prefix=dict(img='images/train/'), test_mode=True)
    metric = CocoMetric(ann_file=ann_file, outfile_prefix=str(tmp_path / 'res'))
    metric.dataset_meta = ds.metainfo
    samples = []
    for i in range(len(ds)):
        info = ds[i]
        x1, y1, x2, y2 = info['bbox'][0]
        samples.append(dict(id=info['id'], img_id=info['img_id'],
                            pred_instances=dict(keypoints=info['keypoints'],
                                                keypoint_scores=np.ones((1, 17), np.float32)),
                            gt_instances=dict(bbox_scores=np.ones(1),
                                              bbox_scales=np.array([[x2 - x1, y2 - y1]]) * 1.25)))
    metric.process([], samples)
    assert metric.compute_metrics(metric.results)['AP'] == pytest.approx(1.0)


# ---------------------------------------------------------------------------------------- visibility
def test_seen_keypoints_lie_on_the_person_and_hidden_ones_are_covered():
    """In random scenes: v = 2 keypoints are on (within a pixel of) pixels where their person is seen
    and on its silhouette drawn alone; v = 1 ones are under its silhouette-alone or something else."""
    n_seen = n_hidden = 0
    for index in range(6):
        scene = make_scene(11, 'val', index, SIZE)
        r = scene.rendering
        for ann in scene.annotations:
            mask, sil = r.visible_mask(ann.person), r.silhouettes[ann.person]
            for x, y, v in ann.keypoints:
                px = int(round(y)), int(round(x))
                near = slice(max(px[0] - 1, 0), px[0] + 2), slice(max(px[1] - 1, 0), px[1] + 2)
                if v == 2:
                    assert mask[near].any() and sil[near].any()
                    n_seen += 1
                elif v == 1:
                    n_hidden += 1
                    assert r.labels[px] != 0 or sil[px]        # something is drawn there
    assert n_seen > 50 and n_hidden > 5


def test_occlusion_by_a_nearer_person_matches_its_silhouette():
    """Person A alone, then with person B drawn in front of it: A's seen keypoints become hidden
    exactly where B's silhouette (B drawn alone) covers them."""
    rng = np.random.default_rng(5)
    checked = covered = 0
    for _ in range(6):
        a = _figure(rng, yaw=rng.uniform(-30, 30), activity='arms_out')
        b = _figure(rng, yaw=rng.uniform(-30, 30), center=(160 + rng.uniform(-50, 50), 128.))
        alone = keypoints_of(a, 0, _render([a]))
        both = keypoints_of(a, 0, _render([a, b]))
        b_sil = _render([b]).silhouettes[0]
        for (x, y, v0), (_, _, v1) in zip(alone, both):
            if v0 == 2:
                assert v1 == (1 if b_sil[int(round(y)), int(round(x))] else 2)
                checked += 1
                covered += v1 == 1
            else:
                assert v1 == v0
    assert checked > 40 and covered > 3


def _still_pose(arm: dict) -> Pose:
    return Pose(torso={}, head={}, arms={'left': arm, 'right': arm}, legs={'left': {}, 'right': {}}).clipped()


def test_self_occlusion_in_profile_and_from_behind():
    prop, look = Proportions(), sample_look(np.random.default_rng(2))
    v = lambda pose, yaw: dict(zip(NAMES, keypoints_of(  # noqa: E731
        fig := place_figure(pose, prop, look, yaw, 0., 220., (160., 128.)), 0, _render([fig]))[:, 2]))
    arms_aside = _still_pose(dict(arm_elevation=25., arm_plane=0.))
    front = v(arms_aside, 0.)
    assert all(front[n] == 2 for n in NAMES)
    back = v(arms_aside, 180.)
    assert back['nose'] == back['left_eye'] == back['right_eye'] == 0     # back of the head: unlabelled
    assert all(back[n] == 2 for n in NAMES[3:])
    # arms forward, turned by 90 degrees (the chest to the viewer's left): the right side faces away
    side = v(_still_pose(dict(arm_elevation=90., arm_plane=90.)), 90.)
    assert side['left_eye'] == 2 and side['left_ear'] == 2 and side['nose'] == 2
    assert side['right_eye'] == 0 and side['right_ear'] == 0
    assert side['right_shoulder'] == 1 and side['right_hip'] == 1     # behind the trunk
    assert side['left_shoulder'] == 2 and side['left_hip'] == 2
    assert side['right_knee'] == 1 and side['right_ankle'] == 1       # behind the near leg
    assert side['right_wrist'] == 1 and side['left_wrist'] == 2       # behind the near arm


def test_poorly_seen_people_are_not_annotated():
    """A person mostly hidden behind a nearer one is annotated only while the seen fraction of its
    silhouette reaches ``min_visible_fraction``; the nearer one always is."""
    rng = np.random.default_rng(8)
    a = _figure(rng, height=170., activity='stand')
    b = _figure(rng, height=230., activity='stand', center=(170., 128.))
    r = _render([a, b])
    seen = r.visible_mask(0).sum() / r.silhouettes[0].sum()
    assert 0 < seen < 0.9
    persons = lambda frac: [x.person for x in annotate([a, b], r, 1, frac)]  # noqa: E731
    assert persons(seen - 0.01) == [0, 1] and persons(seen + 0.01) == [1]


# ---------------------------------------------------------------------------------------- left / right
def test_mirrored_pose_gives_mirrored_body():
    rng = np.random.default_rng(0)
    for _ in range(20):
        pose, prop = sample_pose(rng), sample_proportions(rng)
        pts, mir = body_points(pose, prop), body_points(pose.mirrored(), prop)
        for name, p in pts.items():
            np.testing.assert_allclose(mir[coco_meta.mirror_name(name)], p * [-1, 1, 1], atol=1e-9)


def test_pose_sampler_is_left_right_symmetric():
    """Over many poses, the left and right wrists are raised above their shoulders equally often."""
    rng = np.random.default_rng(1)
    raised = np.zeros(2)
    n = 1500
    for _ in range(n):
        p = body_points(sample_pose(rng), Proportions())
        raised += [p['left_wrist'][1] > p['left_shoulder'][1], p['right_wrist'][1] > p['right_shoulder'][1]]
    assert raised.min() > 0.1 * n
    assert abs(raised[0] - raised[1]) < 4 * np.sqrt(n * 0.25)


def test_horizontal_flip_is_the_mirrored_person():
    """Flipping a rendered person and its keypoints (mmpose's flip_keypoints with the COCO flip
    indices) gives what the renderer draws for the mirrored person: every appearance cue of left and
    right swaps with the flip."""
    from mmpose.structures.keypoint import flip_keypoints
    rng = np.random.default_rng(4)
    w, h = SIZE
    for _ in range(4):
        fig = _figure(rng, yaw=rng.uniform(-180, 180), roll=rng.uniform(-30, 30),
                      center=(rng.uniform(120, 200), 128.))
        r, rm = _render([fig]), _render([mirror_figure(fig, w)])
        k, km = keypoints_of(fig, 0, r), keypoints_of(mirror_figure(fig, w), 0, rm)
        fk, fv = flip_keypoints(k[None, :, :2], k[None, :, 2], (w, h), list(coco_meta.FLIP_INDICES))
        lab = km[:, 2] > 0
        np.testing.assert_allclose(km[lab, :2], fk[0][lab], atol=1e-6)
        agree = (km[:, 2] == fv[0]).mean()
        assert agree >= 15 / 17                     # pixel rounding may move a keypoint off a boundary
        sil, silm = r.silhouettes[0][:, ::-1], rm.silhouettes[0]
        assert (sil & silm).sum() / (sil | silm).sum() > 0.97
        # the same picture up to antialiasing; a left/right colour cue of 10 % fails this
        diff = np.abs(r.image[:, ::-1].astype(int) - rm.image.astype(int)).max(-1)[sil | silm]
        assert diff.mean() < 1 and (diff > 8).mean() < 0.005


def test_flipped_annotation_is_valid(split):
    _, _, coco = split
    w = SIZE[0]
    for ann in coco['annotations']:
        k = np.array(ann['keypoints'], np.float64).reshape(17, 3)[list(coco_meta.FLIP_INDICES)]
        lab = k[:, 2] > 0
        k[lab, 0] = w - 1 - k[lab, 0]
        x, y, bw, bh = ann['bbox']
        fx = w - x - bw
        assert np.all((k[lab, 0] >= fx - 1 - 1) & (k[lab, 0] <= fx + bw + 1))
        assert np.all(k[~lab, :2] == 0) and (k[:, 2] > 0).sum() == ann['num_keypoints']


# ---------------------------------------------------------------------------------------- determinism
def _read_split(out, split='train'):
    img_dir, ann_file, _ = split_paths(out, split)
    with open(ann_file, 'rb') as f:
        ann = f.read()
    images = {n: open(osp.join(img_dir, n), 'rb').read() for n in sorted(os.listdir(img_dir))}
    return ann, images


def test_same_seed_same_bytes_other_seed_differs(split, tmp_path):
    out, _, _ = split
    ann, images = _read_split(out)
    again = str(tmp_path / 'again')
    generate_split(again, 'train', 12, seed=3, image_size=SIZE, workers=2, progress=None)
    assert _read_split(again) == (ann, images)
    other = str(tmp_path / 'other')
    generate_split(other, 'train', 12, seed=4, image_size=SIZE, progress=None)
    ann2, images2 = _read_split(other)
    assert ann2 != ann and all(images2[n] != images[n] for n in images)
    generate_split(other, 'val', 3, seed=3, image_size=SIZE, progress=None)   # other split, same seed
    assert all(b != images[n] for n, b in _read_split(other, 'val')[1].items())


def test_manifest_skips_unchanged_split_and_force_remakes(split, tmp_path, capsys):
    out = str(tmp_path / 'm')
    ann_file = generate_split(out, 'val', 2, seed=0, image_size=SIZE, progress=None)
    mtime = os.stat(ann_file).st_mtime_ns
    cli_main(['--out', out, '--train', '0', '--val', '2', '--seed', '0', '--size', *map(str, SIZE)])
    assert 'already made' in capsys.readouterr().err and os.stat(ann_file).st_mtime_ns == mtime
    cli_main(['--out', out, '--train', '0', '--val', '3', '--seed', '0', '--size', *map(str, SIZE)])
    with open(ann_file) as f:
        assert len(json.load(f)['images']) == 3
    assert len(os.listdir(osp.join(out, 'images', 'val'))) == 3
    mtime = os.stat(ann_file).st_mtime_ns
    cli_main(['--out', out, '--train', '0', '--val', '3', '--seed', '0', '--size', *map(str, SIZE),
              '--force'])
    assert os.stat(ann_file).st_mtime_ns != mtime


def test_cli_help(capsys):
    with pytest.raises(SystemExit) as e:
        cli_main(['--help'])
    assert e.value.code == 0 and '--train' in capsys.readouterr().out


@pytest.mark.parametrize('kwargs, field', [
    (dict(num_images=-1), 'num_images'), (dict(seed=-2), 'seed'), (dict(image_size=(32, 256)), 'image_size'),
    (dict(split='a/b'), 'split'), (dict(difficulty='brutal'), 'difficulty'), (dict(workers=0), 'workers')])
def test_bad_arguments_name_the_field(tmp_path, kwargs, field):
    args = dict(out_dir=str(tmp_path), split='train', num_images=1, seed=0, image_size=SIZE)
    args.update(kwargs)
    with pytest.raises(ValueError, match=field):
        generate_split(**args, progress=None)
