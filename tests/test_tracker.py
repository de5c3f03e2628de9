"""The pose tracker's parts: boxes from keypoints, merging detections, OKS pose NMS (against mmpose's),
the One-Euro filter (against the paper's formula), ids through crossing people, early re-detection, one
batched pose call per frame, and its parameter checks.

The end-to-end tests run the tracker on a synthetic clip (:mod:`rtmpose_ext.datasets.synthetic.video`)
with stand-ins for the two models that read the clip's ground truth (``tracking_support.py``), so they
test the tracker's logic, not a model's accuracy.
"""
import math

import numpy as np
import pytest

from rtmpose_ext.datasets.synthetic.video import make_clip, render_frame
from rtmpose_ext.deploy.runtime import OneEuroFilter, PoseTracker, boxes_from_keypoints, oks_matrix, oks_nms
from rtmpose_ext.deploy.runtime.tracker import Candidates
from rtmpose_ext.evaluation import count_id_switches

from tracking_support import ClipState, TruthDetector, TruthPoseEstimator, xyxy


# ------------------------------------------------------------------------------------------ boxes
def mmdeploy_keypoints_to_bbox(kpts, scores, img_h, img_w, scale, kpt_thr, min_keypoints):
    """MMDeploy's ``keypoints_to_bbox`` (pose_tracker/utils.cpp), written out scalar by scalar."""
    x1, y1, x2, y2, valid = img_w, img_h, 0., 0., 0
    for (x, y), s in zip(kpts, scores):
        if s >= kpt_thr:
            x1, y1, x2, y2, valid = min(x1, x), min(y1, y), max(x2, x), max(y2, y), valid + 1
    if valid < (min_keypoints if min_keypoints >= 0 else (len(scores) + 1) // 2):
        return None
    xc, yc, w, h = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) * scale, (y2 - y1) * scale
    clip = lambda v, hi: max(0., min(hi, v))  # noqa: E731
    return [
        clip(xc - w / 2, img_w),
        clip(yc - h / 2, img_h),
        clip(xc + w / 2, img_w),
        clip(yc + h / 2, img_h)
    ]


def test_boxes_from_keypoints_match_mmdeploys_rule():
    rng = np.random.default_rng(0)
    kpts = rng.uniform(-40, 360, (50, 17, 2)).astype(np.float32)
    scores = rng.uniform(0, 1, (50, 17)).astype(np.float32)
    tracker = PoseTracker(None, None)
    for min_kpts in (-1, 3, 12):
        tracker.pose_min_keypoints = min_kpts
        boxes, valid = boxes_from_keypoints(kpts, scores, 0.5, tracker.min_keypoints, 1.25)
        boxes = np.clip(boxes, 0, [320, 256, 320, 256])
        for i in range(50):
            ref = mmdeploy_keypoints_to_bbox(kpts[i], scores[i], 256, 320, 1.25, 0.5, min_kpts)
            assert valid[i] == (ref is not None)
            if ref is not None:
                np.testing.assert_allclose(boxes[i], ref, atol=1e-3)
    assert 0 < valid.sum() < 50


# ------------------------------------------------------------------------------------------ merging
def test_detections_merge_with_tracked_boxes():
    tracker = PoseTracker(None, None, det_nms_thr=0.7)
    tracked = Candidates(np.array([[0, 0, 100, 200], [200, 0, 300, 200]], np.float32), np.array([4, 7]))
    detections = np.array(
        [
            [3, 2, 101, 205],  # person 4, seen again: replaces its box, keeps id 4
            [150, 10, 220, 190],  # a newcomer
            [8, 4, 104, 196]
        ],  # a second, looser detection of person 4: dropped
        np.float32)
    merged = tracker._merge_detections(tracked, detections, np.array([0.9, 0.8, 0.7], np.float32))
    assert merged.track_ids.tolist() == [4, 7, -1]
    np.testing.assert_array_equal(merged.boxes, [[3, 2, 101, 205], [200, 0, 300, 200], [150, 10, 220, 190]])


# ------------------------------------------------------------------------------------------ OKS NMS
def random_poses(rng, clusters=6, per_cluster=4):
    centres = rng.uniform(50, 500, (clusters, 1, 2)) + rng.normal(0, 40, (clusters, 17, 2))
    kpts = np.repeat(centres, per_cluster, 0) + rng.normal(0, 6, (clusters * per_cluster, 17, 2))
    return kpts, rng.uniform(0, 1, len(kpts)), rng.uniform(2000, 20000, len(kpts))


@pytest.mark.parametrize('thr', [0.3, 0.5, 0.7])
def test_oks_nms_matches_mmpose(thr):
    from mmpose.evaluation.functional.nms import oks_iou
    from mmpose.evaluation.functional import oks_nms as mmpose_oks_nms
    rng = np.random.default_rng(int(thr * 10))
    kpts, scores, areas = random_poses(rng)
    with_vis = np.concatenate([kpts, np.ones((len(kpts), 17, 1))], -1)
    db = [dict(keypoints=k, score=s, area=a) for k, s, a in zip(with_vis, scores, areas)]
    ref = mmpose_oks_nms(db, thr)
    keep = oks_nms(kpts, scores, areas, thr)
    assert 1 < len(keep) < len(kpts)
    np.testing.assert_array_equal(keep, ref)
    flat = with_vis.reshape(len(kpts), -1)
    np.testing.assert_allclose(oks_matrix(kpts[:1], kpts, areas[:1], areas)[0],
                               oks_iou(flat[0], flat, areas[0], areas),
                               rtol=1e-6,
                               atol=1e-7)  # theirs: float32


# ------------------------------------------------------------------------------------------ One-Euro
def one_euro_reference(samples, times, min_cutoff, beta, d_cutoff):
    """Casiez et al. (2012)'s One-Euro filter of 1-D samples, as in the paper's pseudo-code."""

    def alpha(te, cutoff):
        tau = 1.0 / (2 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / te)

    x_prev, dx_prev, t_prev, out = samples[0], 0.0, times[0], [samples[0]]
    for x, t in zip(samples[1:], times[1:]):
        te = t - t_prev
        a_d = alpha(te, d_cutoff)
        dx_hat = a_d * (x - x_prev) / te + (1 - a_d) * dx_prev
        a = alpha(te, min_cutoff + beta * abs(dx_hat))
        x_hat = a * x + (1 - a) * x_prev
        x_prev, dx_prev, t_prev = x_hat, dx_hat, t
        out.append(x_hat)
    return np.array(out)


def test_one_euro_matches_the_reference_formula():
    rng = np.random.default_rng(0)
    times = np.cumsum(rng.uniform(0.01, 0.08, 200))  # irregular frame times
    signal = 100 * np.sin(times * 3)[:, None] + rng.normal(0, 2, (200, 5))
    f = OneEuroFilter(min_cutoff=1.5, beta=0.05, d_cutoff=2.0)
    ours = np.stack([f(x[:, None], t)[:, 0] for x, t in zip(signal, times)])  # 5 points of 1 dimension
    for k in range(5):
        np.testing.assert_allclose(ours[:, k],
                                   one_euro_reference(signal[:, k], times, 1.5, 0.05, 2.0),
                                   rtol=1e-12,
                                   atol=1e-9)


def test_one_euro_depends_on_time_not_frames():
    """The same motion (3-4 px a frame at 25 frames/s) at 25 and 50 frames/s, and at 50 frames/s with a
    third of the frames dropped, gives nearly the same output at the common times (measured: 1.4 px apart,
    where the filter lags the motion by up to 5 px); a filter counting frames with the same parameters
    (MMDeploy's te = 1; 0.04 cycles a frame = 1 Hz at 25 frames/s) drifts apart 2-3x more (2.6, 4.2 px)."""
    motion = lambda t: np.stack([80 * t + 20 * np.sin(4 * t), 30 * np.cos(3 * t)], -1)[:, None]  # noqa: E731
    t25, t50 = np.arange(100) / 25, np.arange(200) / 50
    dropped = t50[np.random.default_rng(0).random(200) > 0.33]
    runs = {}
    for name, times in (('25', t25), ('50', t50), ('dropped', dropped)):
        f = OneEuroFilter(min_cutoff=1.0, beta=0.01, d_cutoff=1.0)
        runs[name] = dict(zip(np.round(times, 6), (f(x, t) for x, t in zip(motion(times), times))))
        counted = OneEuroFilter(min_cutoff=0.04, beta=0.01, d_cutoff=0.04)
        runs['frames_' + name] = dict(
            zip(np.round(times, 6), (counted(x, i) for i, x in enumerate(motion(times)))))
    common = [t for t in np.round(t25[25:], 6) if t in runs['dropped']]
    gap = lambda a, b: max(float(np.abs(runs[a][t] - runs[b][t]).max()) for t in common)  # noqa: E731
    lag = max(float(np.abs(runs['50'][t] - motion(np.array([t]))[0]).max()) for t in common)
    assert lag > 3.0  # it does smooth
    assert gap('25', '50') < 1.5 and gap('50', 'dropped') < 1.5
    assert gap('frames_25', 'frames_50') > 1.5 * gap('25', '50')
    assert gap('frames_50', 'frames_dropped') > 2.5 * gap('50', 'dropped')


def test_one_euro_rejects_bad_input():
    with pytest.raises(ValueError, match='min_cutoff'):
        OneEuroFilter(min_cutoff=0)
    f = OneEuroFilter()
    f(np.zeros((17, 2)), 1.0)
    with pytest.raises(ValueError, match='must not decrease'):
        f(np.zeros((17, 2)), 0.5)
    with pytest.raises(ValueError, match='shape'):
        f(np.zeros((5, 2)), 2.0)


# ------------------------------------------------------------------------------------------ end to end
def track_clip(clip, frames=None, **params):
    """Run the tracker with the ground-truth stand-ins over ``clip``; (results, truths, detector, pose)."""
    state = ClipState(frame=0, people=[])
    detector, pose = TruthDetector(state), TruthPoseEstimator(state)
    tracker = PoseTracker(detector, pose, **params)
    results, truths = [], []
    for f in range(clip.num_frames if frames is None else frames):
        image, people = render_frame(clip, f)
        state.frame, state.people = f, people
        results.append(tracker(image, f / clip.fps))
        truths.append(people)
    return results, truths, detector, pose


def match_to_truth(results, truths):
    """Per frame {annotated track id: index of the result whose keypoints are nearest} (within 10 px)."""
    matches = []
    for result, people in zip(results, truths):
        m = {}
        for p in people:
            seen = p['keypoints'][:, 2] > 0
            if len(result) and seen.any():
                d = np.linalg.norm(result.keypoints[:, seen] - p['keypoints'][None, seen, :2],
                                   axis=-1).mean(1)
                if d.min() < 10:
                    m[p['track_id']] = int(d.argmin())
        matches.append(m)
    return matches


@pytest.fixture(scope='module')
def crossing_clip():
    clip = make_clip(0, 1, num_frames=75, fps=25.)
    assert [m.kind for m in clip.motions].count('walk') == 2
    return clip


def test_ids_survive_people_crossing(crossing_clip):
    """Two walkers cross (the nearer one hides the farther): with detection every 5 frames each keeps one
    id; and a detection-less gap does not merge them."""
    results, truths, detector, _ = track_clip(crossing_clip, det_interval=5, track_max_missing=25)
    preds = [dict(track_ids=r.track_ids) for r in results]
    matches = match_to_truth(results, truths)
    walkers = [i for i, m in enumerate(crossing_clip.motions) if m.kind == 'walk']
    xs = [[crossing_clip.motions[w].position(f / 25.)[0] for f in range(75)] for w in walkers]
    assert np.sign(xs[0][0] - xs[1][0]) != np.sign(xs[0][-1] - xs[1][-1])  # they do cross
    for w in walkers:
        assert sum(w in m for m in matches) > 50  # followed most of the time
    assert count_id_switches(matches, preds) == 0
    assert len(detector.calls) < 75


def test_one_batched_pose_call_per_frame(crossing_clip):
    results, _, _, pose = track_clip(crossing_clip, frames=20, det_interval=5)
    assert len(pose.batches) == 20 and max(pose.batches) >= 2


def test_smoothing_lowers_jitter(crossing_clip):
    accel = {}
    for name, params in (('raw', None), ('smooth', (0.02, 2.0, 1.0))):
        state = ClipState(frame=0, people=[])
        tracker = PoseTracker(TruthDetector(state),
                              TruthPoseEstimator(state, noise_px=3.),
                              smooth_params=params)
        history = {}
        for f in range(40):
            image, state.people = render_frame(crossing_clip, f)
            state.frame = f
            r = tracker(image, f / 25.)
            for i, k in zip(r.track_ids, r.keypoints):
                history.setdefault(int(i), []).append(k)
        accel[name] = np.mean(
            [np.abs(np.diff(np.stack(h), 2, axis=0)).mean() for h in history.values() if len(h) > 2])
    assert accel['smooth'] < 0.6 * accel['raw']


class Scripted:
    """A pose stand-in that loses person ``lost`` (scores 0.05) on the frames ``lost_frames``."""

    def __init__(self, pose, state, lost, lost_frames):
        self.pose, self.state, self.lost, self.lost_frames = pose, state, lost, set(lost_frames)

    def __call__(self, image, boxes):
        keypoints, scores = self.pose(image, boxes)
        if self.state.frame in self.lost_frames:
            person = next(p for p in self.state.people if p['track_id'] == self.lost)
            target = np.array(xyxy(person['bbox']))
            for i, box in enumerate(boxes):
                if np.abs(np.asarray(box) - target).max() < 30:
                    scores[i] = 0.05
        return keypoints, scores


def test_early_redetection_finds_a_lost_person(crossing_clip):
    """A person lost on frame 12 is looked for on frame 13, not at the next K-th frame (20), and keeps their
    id; with ``redetect=False`` the detector runs on the K-th frames only."""
    seen = {}
    for redetect in (True, False):
        state = ClipState(frame=0, people=[])
        detector = TruthDetector(state)
        pose = Scripted(TruthPoseEstimator(state), state, lost=2, lost_frames=[12])
        tracker = PoseTracker(detector, pose, det_interval=10, redetect=redetect)
        ids, reasons = [], {}
        for f in range(20):
            image, state.people = render_frame(crossing_clip, f)
            state.frame = f
            r = tracker(image, f / 25.)
            ids.append(set(r.track_ids.tolist()))
            reasons[f] = r.reasons
        seen[redetect] = (detector.calls, ids, reasons)
    calls, ids, reasons = seen[True]
    assert 13 in calls and reasons[13] == ['lost']
    assert ids[11] == ids[13] and len(ids[12]) == len(ids[11]) - 1
    assert seen[False][0] == [0, 10]
    assert len(seen[False][1][13]) == len(ids[11]) - 1  # without it, still lost on frame 13


def test_early_redetection_at_the_border_and_for_newcomers():
    """A walker leaving the picture makes the tracker detect before the K-th frame ('border'); before the
    first person is in sight it detects every frame ('no tracks')."""
    clip = make_clip(0, 0, num_frames=100, fps=25.)
    results, truths, detector, _ = track_clip(clip, det_interval=10)
    reasons = {r for result in results for r in result.reasons}
    assert 'border' in reasons
    early = [f for f in detector.calls if f % 10]
    assert early and all(results[f].detected for f in early)


@pytest.mark.parametrize('params, message', [(dict(det_interval=0), 'det_interval'),
                                             (dict(det_thr=1.5), 'det_thr'),
                                             (dict(smooth_params=(0.1, 0., 1.)), 'min_cutoff'),
                                             (dict(smooth_params=(1, 2)), 'smooth_params'),
                                             (dict(keypoint_sigmas=[0.1, -1]), 'keypoint_sigmas')])
def test_bad_parameters_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        PoseTracker(None, None, **params)


def test_bad_frames_are_refused():
    tracker = PoseTracker(lambda image: (np.zeros((0, 4)), np.zeros(0)), None)
    with pytest.raises(ValueError, match='image: expected'):
        tracker(np.zeros((10, 10), np.uint8))
    tracker(np.zeros((10, 10, 3), np.uint8), 1.0)
    with pytest.raises(ValueError, match='timestamp: must not decrease'):
        tracker(np.zeros((10, 10, 3), np.uint8), 0.5)
