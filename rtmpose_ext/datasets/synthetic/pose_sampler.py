"""Random poses: everyday activities (standing, walking, running, waving, sitting, ...) and free poses.

:func:`sample_pose` picks an activity by :data:`ACTIVITY_WEIGHTS`, draws its joint angles, adds a
little jitter everywhere and clips to the anatomical limits of
:data:`~rtmpose_ext.datasets.synthetic.skeleton_model.JOINT_LIMITS`. Which side leads (the waving arm,
the forward leg) is a fair coin, so the distribution of poses is left/right symmetric.
"""
from typing import Callable, Dict, Optional, Tuple

import numpy as np

from .skeleton_model import ARM_KEYS, JOINT_LIMITS, LEG_KEYS, Pose

Angles = Dict[str, float]


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def relaxed_arm(rng: np.random.Generator) -> Angles:
    """An arm hanging by the side, elbow a little bent."""
    return dict(arm_elevation=_u(rng, 0, 22), arm_plane=_u(rng, 20, 100), elbow_flexion=_u(rng, 0, 35),
                arm_rotation=_u(rng, -10, 35), wrist_flexion=_u(rng, -20, 20))


def standing_leg(rng: np.random.Generator) -> Angles:
    return dict(hip_flexion=_u(rng, -5, 10), hip_abduction=_u(rng, -2, 10), knee_flexion=_u(rng, 0, 12),
                hip_rotation=_u(rng, -10, 10), toe_out=_u(rng, 0, 20))


def _base(rng: np.random.Generator) -> Pose:
    """Upright, relaxed: the starting point of every activity."""
    return Pose(torso=dict(torso_pitch=_u(rng, -5, 8), torso_bend=_u(rng, -5, 5),
                           torso_twist=_u(rng, -10, 10)),
                head=dict(head_yaw=_u(rng, -35, 35) if rng.random() < 0.8 else _u(rng, -75, 75),
                          head_pitch=_u(rng, -15, 25), head_roll=_u(rng, -10, 10)),
                arms={s: relaxed_arm(rng) for s in ('left', 'right')},
                legs={s: standing_leg(rng) for s in ('left', 'right')})


def _sides(rng: np.random.Generator) -> Tuple[str, str]:
    """(leading side, other side), a fair coin."""
    return ('left', 'right') if rng.random() < 0.5 else ('right', 'left')


def stand(rng, p: Pose) -> None:
    return None


def walk(rng, p: Pose, run: bool = False) -> None:
    a, b = _sides(rng)
    s = _u(rng, 30, 60) if run else _u(rng, 12, 35)
    p.legs[a].update(hip_flexion=s, knee_flexion=_u(rng, 20, 80) if run else _u(rng, 0, 25))
    p.legs[b].update(hip_flexion=-0.7 * s, knee_flexion=_u(rng, 40, 120) if run else _u(rng, 5, 45))
    arm_flex = (lambda: _u(rng, 70, 110)) if run else (lambda: _u(rng, 5, 50))
    p.arms[b].update(arm_elevation=0.9 * s, arm_plane=_u(rng, 70, 100), elbow_flexion=arm_flex())
    p.arms[a].update(arm_elevation=0.7 * s, arm_plane=_u(rng, -100, -70), elbow_flexion=arm_flex())
    if run:
        p.torso['torso_pitch'] = _u(rng, 5, 25)


def run(rng, p: Pose) -> None:
    walk(rng, p, run=True)


def arms_up(rng, p: Pose) -> None:
    sides = ('left', 'right') if rng.random() < 0.6 else _sides(rng)[:1]
    for s in sides:
        p.arms[s].update(arm_elevation=_u(rng, 125, 178), arm_plane=_u(rng, -10, 100),
                         elbow_flexion=_u(rng, 0, 70), arm_rotation=_u(rng, -30, 30))


def wave(rng, p: Pose) -> None:
    a, _ = _sides(rng)
    p.arms[a].update(arm_elevation=_u(rng, 60, 120), arm_plane=_u(rng, -20, 50),
                     elbow_flexion=_u(rng, 50, 135), arm_rotation=_u(rng, -25, 25))


def arms_out(rng, p: Pose) -> None:
    for s in ('left', 'right'):
        p.arms[s].update(arm_elevation=_u(rng, 65, 105), arm_plane=_u(rng, -15, 40),
                         elbow_flexion=_u(rng, 0, 35), arm_rotation=_u(rng, -20, 60))


def hands_on_hips(rng, p: Pose) -> None:
    for s in ('left', 'right') if rng.random() < 0.7 else _sides(rng)[:1]:
        p.arms[s].update(arm_elevation=_u(rng, 25, 50), arm_plane=_u(rng, -30, 10),
                         elbow_flexion=_u(rng, 95, 140), arm_rotation=_u(rng, 50, 90))


def reach(rng, p: Pose) -> None:
    for s in ('left', 'right') if rng.random() < 0.5 else _sides(rng)[:1]:
        p.arms[s].update(arm_elevation=_u(rng, 55, 115), arm_plane=_u(rng, 60, 125),
                         elbow_flexion=_u(rng, 0, 60), arm_rotation=_u(rng, -20, 60))


def sit(rng, p: Pose) -> None:
    for s in ('left', 'right'):
        p.legs[s].update(hip_flexion=_u(rng, 65, 105), hip_abduction=_u(rng, -5, 20),
                         knee_flexion=_u(rng, 60, 115))
        p.arms[s].update(arm_elevation=_u(rng, 5, 45), arm_plane=_u(rng, 50, 110),
                         elbow_flexion=_u(rng, 30, 100))
    p.torso['torso_pitch'] = _u(rng, -15, 20)


def squat(rng, p: Pose) -> None:
    for s in ('left', 'right'):
        p.legs[s].update(hip_flexion=_u(rng, 85, 125), hip_abduction=_u(rng, 5, 35),
                         knee_flexion=_u(rng, 100, 150))
        p.arms[s].update(arm_elevation=_u(rng, 30, 90), arm_plane=_u(rng, 60, 110),
                         elbow_flexion=_u(rng, 0, 90))
    p.torso['torso_pitch'] = _u(rng, 15, 50)


def bend_over(rng, p: Pose) -> None:
    pitch = _u(rng, 45, 90)
    p.torso['torso_pitch'] = pitch
    p.head['head_pitch'] = _u(rng, -40, 0)
    for s in ('left', 'right'):
        p.arms[s].update(arm_elevation=pitch + _u(rng, -25, 20), arm_plane=_u(rng, 60, 110),
                         elbow_flexion=_u(rng, 0, 50))
        p.legs[s].update(hip_flexion=_u(rng, 0, 20), knee_flexion=_u(rng, 0, 25))


def kick(rng, p: Pose) -> None:
    a, b = _sides(rng)
    p.legs[a].update(hip_flexion=_u(rng, 50, 110), knee_flexion=_u(rng, 0, 50),
                     hip_abduction=_u(rng, -5, 30))
    p.legs[b].update(knee_flexion=_u(rng, 0, 30))
    arms_out(rng, p)
    p.torso['torso_pitch'] = _u(rng, -20, 10)


def lunge(rng, p: Pose) -> None:
    a, b = _sides(rng)
    p.legs[a].update(hip_flexion=_u(rng, 55, 95), knee_flexion=_u(rng, 60, 105))
    p.legs[b].update(hip_flexion=_u(rng, -40, -15), knee_flexion=_u(rng, 0, 40))
    p.torso['torso_pitch'] = _u(rng, -5, 20)


def free(rng, p: Pose) -> None:
    """Every limb angle uniform within its limits: unusual, ambiguous poses."""
    for s in ('left', 'right'):
        p.arms[s].update({k: _u(rng, *JOINT_LIMITS[k]) for k in ARM_KEYS})
        p.legs[s].update({k: _u(rng, *JOINT_LIMITS[k]) for k in LEG_KEYS})
        p.legs[s]['hip_flexion'] = _u(rng, -30, 100)
    for k in p.torso:
        p.torso[k] = _u(rng, *JOINT_LIMITS[k]) * 0.6


ACTIVITIES: Dict[str, Callable] = {
    'stand': stand, 'walk': walk, 'run': run, 'arms_up': arms_up, 'wave': wave, 'arms_out': arms_out,
    'hands_on_hips': hands_on_hips, 'reach': reach, 'sit': sit, 'squat': squat,
    'bend_over': bend_over, 'kick': kick, 'lunge': lunge, 'free': free}
ACTIVITY_WEIGHTS: Dict[str, float] = {
    'stand': 0.13, 'walk': 0.13, 'run': 0.08, 'arms_up': 0.08, 'wave': 0.08, 'arms_out': 0.06,
    'hands_on_hips': 0.06, 'reach': 0.07, 'sit': 0.08, 'squat': 0.05, 'bend_over': 0.05, 'kick': 0.04,
    'lunge': 0.04, 'free': 0.05}


def _jitter(rng: np.random.Generator, angles: Angles, deg: float) -> None:
    for k in angles:
        angles[k] += _u(rng, -deg, deg)


def sample_pose(rng: np.random.Generator, activity: Optional[str] = None, jitter_deg: float = 6.,
                weights: Optional[Dict[str, float]] = None) -> Pose:
    """A random :class:`Pose` (angles clipped to the limits) of ``activity``; if ``None``, an activity
    drawn by ``weights`` (default :data:`ACTIVITY_WEIGHTS`)."""
    if activity is None:
        weights = ACTIVITY_WEIGHTS if weights is None else weights
        names = list(weights)
        w = np.array([weights[n] for n in names], np.float64)
        activity = names[int(rng.choice(len(names), p=w / w.sum()))]
    if activity not in ACTIVITIES:
        raise ValueError(f'sample_pose: activity must be one of {sorted(ACTIVITIES)}, got {activity!r}')
    pose = _base(rng)
    ACTIVITIES[activity](rng, pose)
    for part in (pose.torso, pose.head, *pose.arms.values(), *pose.legs.values()):
        _jitter(rng, part, jitter_deg)
    return pose.clipped()
