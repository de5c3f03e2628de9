"""Synthetic clips: deterministic for a seed, COCO files with PoseTrack's video fields, people that walk,
cross, enter and leave, and a command line that refuses bad arguments."""
import hashlib
import json
import os.path as osp

import numpy as np
import pytest

from rtmpose_ext.datasets.synthetic.video import generate_clips, main, make_clip, render_frame


def digest(root):
    h = hashlib.sha256()
    for name in ('annotations/clip_000.json', 'images/clip_000/000000.jpg', 'images/clip_000/000004.jpg'):
        with open(osp.join(root, name), 'rb') as f:
            h.update(f.read())
    return h.hexdigest()


def test_clips_are_deterministic_and_cached(tmp_path, capsys):
    a, b = str(tmp_path / 'a'), str(tmp_path / 'b')
    generate_clips(a, num_clips=1, num_frames=5, fps=25., seed=3, progress=None)
    generate_clips(b, num_clips=1, num_frames=5, fps=25., seed=3, progress=None)
    assert digest(a) == digest(b)
    import sys
    generate_clips(a, num_clips=1, num_frames=5, fps=25., seed=3, progress=sys.stdout)
    assert 'already made' in capsys.readouterr().out
    generate_clips(b, num_clips=1, num_frames=5, fps=25., seed=4, progress=None)
    assert digest(a) != digest(b)


def test_annotations_have_posetrack_fields_and_load_in_pycocotools(tmp_path):
    from pycocotools.coco import COCO
    ann, = generate_clips(str(tmp_path), num_clips=1, num_frames=5, fps=25., progress=None)
    doc = json.load(open(ann))
    assert doc['info']['fps'] == 25.
    assert [(i['vid_id'], i['frame_id'], i['nframes']) for i in doc['images']] == [(1, f, 5)
                                                                                   for f in range(5)]
    assert [i['timestamp'] for i in doc['images']] == [f / 25 for f in range(5)]
    assert all('track_id' in a and len(a['keypoints']) == 51 for a in doc['annotations'])
    coco = COCO(ann)
    assert len(coco.getImgIds()) == 5 and len(coco.getAnnIds()) == len(doc['annotations'])
    assert osp.isfile(osp.join(tmp_path, 'videos', 'clip_000.mp4'))


def test_people_walk_cross_enter_and_leave():
    clip = make_clip(0, 1, num_frames=100, fps=25.)
    walkers = [m for m in clip.motions if m.kind == 'walk']
    assert len(walkers) == 2 and np.sign(walkers[0].velocity[0]) != np.sign(walkers[1].velocity[0])
    gap = [walkers[0].position(t)[0] - walkers[1].position(t)[0] for t in (0., 4.)]
    assert np.sign(gap[0]) != np.sign(gap[1])  # they cross
    seen = [{p['track_id'] for p in render_frame(clip, f)[1]} for f in (0, 50, 99)]
    assert seen[0] != seen[2] or seen[0] != seen[1]  # someone enters or leaves
    kpts = [next(p for p in render_frame(clip, f)[1] if p['track_id'] == 1)['keypoints'] for f in (40, 41)]
    step = np.linalg.norm(kpts[1][:, :2] - kpts[0][:, :2], axis=1).mean()
    assert 0.5 < step < 15  # smooth motion at 25 frames/s


def test_bad_arguments_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(['--out', str(tmp_path), '--frames', '1'])
    assert 'num_frames must be an int >= 3' in capsys.readouterr().err
