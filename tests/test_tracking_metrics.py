"""The tracking measures on a synthetic clip's own ground truth: perfect predictions score AP 1, jitter 0
and no id switch; swapped ids, shaken keypoints and missing people are counted."""
import numpy as np
import pytest

from rtmpose_ext.datasets.synthetic.video import generate_clips
from rtmpose_ext.evaluation import ClipTruth, count_id_switches, match_frames, tracking_report


@pytest.fixture(scope='module')
def truth(tmp_path_factory):
    ann, = generate_clips(str(tmp_path_factory.mktemp('clip')), num_clips=1, num_frames=20, fps=25., seed=1,
                          progress=None)
    return ClipTruth.load(ann)


def perfect(truth):
    return [dict(track_ids=f.track_ids.copy(), keypoints=f.keypoints[..., :2].copy(),
                 scores=np.where(f.keypoints[..., 2] > 0, 0.9, 0.1)) for f in truth.frames]


def test_ground_truth_scores_perfectly(truth):
    report = tracking_report([(truth, perfect(truth))])
    assert report['AP'] == pytest.approx(1.0) and report['id_switches'] == 0
    assert report['jitter'] == pytest.approx(0.0, abs=1e-9) and report['jitter_samples'] > 100


def test_swapped_ids_shaken_keypoints_and_missing_people_are_counted(truth):
    preds = perfect(truth)
    for p in preds[10:]:                                   # two people swap ids half-way
        if len(p['track_ids']) >= 2:
            p['track_ids'][[0, 1]] = p['track_ids'][[1, 0]]
    matches = match_frames(truth, preds)
    assert count_id_switches(matches, preds) == 2
    rng = np.random.default_rng(0)
    shaken = [dict(p, keypoints=p['keypoints'] + rng.normal(0, 2, p['keypoints'].shape)) for p in perfect(truth)]
    report = tracking_report([(truth, shaken)])
    assert report['jitter'] > 3 and report['AP'] < 1
    half = [dict(p, track_ids=p['track_ids'][:1], keypoints=p['keypoints'][:1], scores=p['scores'][:1])
            for p in perfect(truth)]
    assert tracking_report([(truth, half)])['AP'] < 0.8
