"""An articulated human body in 3-D: proportions, joint angles and their limits, forward kinematics.

Body frame (lengths in units of the person's standing height): ``x`` points to the person's left,
``y`` up, ``z`` forward (where the chest faces); the origin is the centre of the pelvis, between the
hip joints. A :class:`Pose` holds joint angles in degrees; :func:`body_points` turns a pose into named
3-D points of that frame, :func:`torso_rings` into the torso's cross-sections, and :func:`body_axes`
into the chest's and head's facing directions. The figure is then placed in the image by
:func:`rtmpose_ext.datasets.synthetic.figure.place_figure`.

Everything that differs between the left and the right side is written once with ``side`` = +1 (left)
or -1 (right), so that a mirrored pose gives exactly the mirrored body (tested).
"""
from dataclasses import dataclass, field, replace
from typing import Dict, Tuple

import numpy as np

SIDES: Dict[str, int] = {'left': 1, 'right': -1}


@dataclass(frozen=True)
class Proportions:
    """Body lengths as fractions of the standing height (adult averages, after anthropometric tables).

    Radii are the half-thickness of the drawn body part at its two ends.
    """
    hip_half_width: float = 0.085        # pelvis centre -> hip joint
    pelvis_to_neck: float = 0.29         # pelvis centre -> base of the neck (torso length)
    shoulder_half_width: float = 0.115   # neck base -> shoulder joint, sideways
    shoulder_drop: float = 0.025         # shoulder joints below the neck base
    neck_length: float = 0.085           # neck base -> centre of the head
    head_radius: float = 0.062
    upper_arm: float = 0.186
    forearm: float = 0.146
    hand: float = 0.075
    thigh: float = 0.245
    shin: float = 0.246
    foot: float = 0.12
    chest_half_depth: float = 0.062
    waist_half_width: float = 0.095
    radii: Tuple[Tuple[str, float, float], ...] = (
        ('neck', 0.030, 0.030), ('upper_arm', 0.040, 0.032), ('forearm', 0.032, 0.024),
        ('hand', 0.024, 0.019), ('thigh', 0.062, 0.045), ('shin', 0.045, 0.030),
        ('foot', 0.028, 0.022))

    def radius(self, part: str) -> Tuple[float, float]:
        """(radius at the start, radius at the end) of a limb ``part`` such as ``'thigh'``."""
        for name, r0, r1 in self.radii:
            if name == part:
                return r0, r1
        raise KeyError(f'Proportions.radius: no radius for part {part!r}')


def sample_proportions(rng: np.random.Generator) -> Proportions:
    """Per-person variation: limbs +-5 %, body width (build) x [0.85, 1.2], head x [0.92, 1.12]."""
    base = Proportions()
    build = rng.uniform(0.85, 1.2)
    limb = lambda v: v * rng.uniform(0.95, 1.05)  # noqa: E731
    return replace(
        base,
        hip_half_width=base.hip_half_width * rng.uniform(0.9, 1.1),
        shoulder_half_width=base.shoulder_half_width * rng.uniform(0.92, 1.1),
        head_radius=base.head_radius * rng.uniform(0.92, 1.12),
        upper_arm=limb(base.upper_arm), forearm=limb(base.forearm), thigh=limb(base.thigh),
        shin=limb(base.shin), chest_half_depth=base.chest_half_depth * build,
        waist_half_width=base.waist_half_width * build,
        radii=tuple((n, r0 * build, r1 * build) for n, r0, r1 in base.radii))


# Anatomical ranges of the joint angles (degrees). Arm: elevation from hanging (0) to overhead (180);
# plane of elevation: 0 sideways, 90 forward, -90 backward, >90 across the chest; elbow flexion;
# humeral rotation (+ turns the bending forearm inwards). Leg: hip flexion (+ forward), abduction
# (+ outwards), knee flexion (the shin always folds backwards), hip rotation.
JOINT_LIMITS: Dict[str, Tuple[float, float]] = {
    'arm_elevation': (0., 180.), 'arm_plane': (-90., 130.), 'elbow_flexion': (0., 150.),
    'arm_rotation': (-40., 90.), 'wrist_flexion': (-35., 35.),
    'hip_flexion': (-40., 130.), 'hip_abduction': (-20., 50.), 'knee_flexion': (0., 155.),
    'hip_rotation': (-25., 25.), 'toe_out': (-5., 25.),
    'torso_pitch': (-25., 90.), 'torso_bend': (-30., 30.), 'torso_twist': (-40., 40.),
    'head_yaw': (-75., 75.), 'head_pitch': (-40., 45.), 'head_roll': (-30., 30.),
}
ARM_KEYS = ('arm_elevation', 'arm_plane', 'elbow_flexion', 'arm_rotation', 'wrist_flexion')
LEG_KEYS = ('hip_flexion', 'hip_abduction', 'knee_flexion', 'hip_rotation', 'toe_out')
TORSO_KEYS = ('torso_pitch', 'torso_bend', 'torso_twist')
HEAD_KEYS = ('head_yaw', 'head_pitch', 'head_roll')


def _clamp(v: float, lo: float, hi: float) -> float:
    return min(max(float(v), lo), hi)


@dataclass
class Pose:
    """Joint angles in degrees. ``arms``/``legs`` map ``'left'``/``'right'`` to angle dicts.

    Signs: ``torso_bend`` and ``head_roll`` > 0 tilt towards the person's left, ``torso_twist`` and
    ``head_yaw`` > 0 turn the chest / face towards the person's left, pitches > 0 bend forward / look
    down.
    """
    torso: Dict[str, float] = field(default_factory=dict)
    head: Dict[str, float] = field(default_factory=dict)
    arms: Dict[str, Dict[str, float]] = field(default_factory=dict)
    legs: Dict[str, Dict[str, float]] = field(default_factory=dict)

    def clipped(self) -> 'Pose':
        """A copy with every angle clipped into :data:`JOINT_LIMITS` (missing angles are 0)."""
        clip = lambda d, keys: {k: _clamp(d.get(k, 0.), *JOINT_LIMITS[k]) for k in keys}  # noqa: E731
        return Pose(torso=clip(self.torso, TORSO_KEYS), head=clip(self.head, HEAD_KEYS),
                    arms={s: clip(self.arms.get(s, {}), ARM_KEYS) for s in SIDES},
                    legs={s: clip(self.legs.get(s, {}), LEG_KEYS) for s in SIDES})

    def mirrored(self) -> 'Pose':
        """The mirror pose: sides swapped, sideways angles (bend, twist, yaw, roll) negated."""
        flip = {'torso_bend', 'torso_twist', 'head_yaw', 'head_roll'}
        neg = lambda d: {k: (-v if k in flip else v) for k, v in d.items()}  # noqa: E731
        return Pose(torso=neg(self.torso), head=neg(self.head),
                    arms={'left': dict(self.arms['right']), 'right': dict(self.arms['left'])},
                    legs={'left': dict(self.legs['right']), 'right': dict(self.legs['left'])})


# ------------------------------------------------------------------------------------------ rotations
def rot_pitch(deg: float) -> np.ndarray:
    """(3, 3) rotation about x that tips +y (up) towards +z (forward) by ``deg``."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1., 0., 0.], [0., c, -s], [0., s, c]])


def rot_roll(deg: float) -> np.ndarray:
    """(3, 3) rotation about z that tips +y (up) towards +x (the person's left) by ``deg``."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, s, 0.], [-s, c, 0.], [0., 0., 1.]])


def rot_yaw(deg: float) -> np.ndarray:
    """(3, 3) rotation about y that turns +z (forward) towards +x (the person's left) by ``deg``."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, 0., s], [0., 1., 0.], [-s, 0., c]])


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(np.linalg.norm(v), 1e-9)


def _perp(v: np.ndarray, d: np.ndarray) -> np.ndarray:
    """The part of ``v`` perpendicular to the unit vector ``d`` (not normalised)."""
    return v - np.dot(v, d) * d


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross product of two (3,) vectors (np.cross is slow on tiny arrays)."""
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def _bend(d: np.ndarray, b: np.ndarray, deg: float) -> np.ndarray:
    """Unit direction ``d`` turned by ``deg`` towards the unit direction ``b`` (perpendicular to ``d``)."""
    a = np.radians(deg)
    return np.cos(a) * d + np.sin(a) * b


# ------------------------------------------------------------------------------------------ kinematics
X, Y, Z = np.eye(3)


def torso_rotation(pose: Pose) -> np.ndarray:
    """(3, 3) rotation of the chest relative to the pelvis."""
    t = pose.torso
    return rot_yaw(t['torso_twist']) @ rot_roll(t['torso_bend']) @ rot_pitch(t['torso_pitch'])


def head_rotation(pose: Pose) -> np.ndarray:
    """(3, 3) rotation of the head relative to the pelvis."""
    h = pose.head
    rel = rot_yaw(h['head_yaw']) @ rot_roll(h['head_roll']) @ rot_pitch(h['head_pitch'])
    return torso_rotation(pose) @ rel


def _arm(shoulder: np.ndarray, rt: np.ndarray, side: int, a: Dict[str, float],
         prop: Proportions) -> Dict[str, np.ndarray]:
    """Elbow, wrist and hand tip of one arm; ``rt`` is the torso rotation."""
    up, fwd, lat = rt @ Y, rt @ Z, rt @ (side * X)
    phi, elev = np.radians(a['arm_plane']), np.radians(a['arm_elevation'])
    plane = np.cos(phi) * lat + np.sin(phi) * fwd
    d = -np.cos(elev) * up + np.sin(elev) * plane            # upper arm direction
    b0 = np.sin(elev) * up + np.cos(elev) * plane            # where the elbow folds the forearm
    m = side * _cross(d, b0)                               # humeral rotation turns b0 towards m
    b = _bend(b0, m, a['arm_rotation'])
    f = _bend(d, b, a['elbow_flexion'])                      # forearm direction
    h = _bend(f, _unit(_perp(b, f)), a['wrist_flexion'])
    elbow = shoulder + prop.upper_arm * d
    wrist = elbow + prop.forearm * f
    return {'elbow': elbow, 'wrist': wrist, 'hand': wrist + prop.hand * h}


def _leg(hip: np.ndarray, side: int, a: Dict[str, float], prop: Proportions) -> Dict[str, np.ndarray]:
    """Knee, ankle and toe of one leg (in the pelvis frame)."""
    lat = side * X
    fl = np.radians(a['hip_flexion'])
    d_fl = np.array([0., -np.cos(fl), np.sin(fl)])
    d = _bend(d_fl, lat, a['hip_abduction'])                 # thigh direction
    b0 = _unit(_perp(np.array([0., -np.sin(fl), -np.cos(fl)]), d))   # the shin folds backwards
    m = side * _cross(d, b0)
    b = _bend(b0, m, a['hip_rotation'])
    s = _bend(d, b, a['knee_flexion'])                       # shin direction
    toe_fwd = _bend(Z, lat, a['toe_out'])
    foot = _perp(toe_fwd, s)
    if np.linalg.norm(foot) < 0.3:                           # shin points forward: the foot points up
        foot = _perp(Y, s)
    knee = hip + prop.thigh * d
    ankle = knee + prop.shin * s
    return {'knee': knee, 'ankle': ankle, 'toe': ankle + prop.foot * _unit(foot)}


# Face points in the head frame, in units of the head radius (x left, y up, z forward).
FACE_POINTS: Dict[str, Tuple[float, float, float]] = {
    'nose': (0., -0.2, 1.13), 'nose_root': (0., -0.05, 0.8),
    'left_eye': (0.42, 0.19, 0.87), 'right_eye': (-0.42, 0.19, 0.87),
    'left_ear': (0.97, 0.0, -0.13), 'right_ear': (-0.97, 0.0, -0.13),
    'left_mouth': (0.3, -0.55, 0.78), 'right_mouth': (-0.3, -0.55, 0.78),
}


def body_points(pose: Pose, prop: Proportions) -> Dict[str, np.ndarray]:
    """Named 3-D points (3,) of the body frame: the 17 COCO keypoints and the drawing's helper points.

    Helper points: ``pelvis``, ``neck``, ``chest`` (centre of the shoulder line), ``head`` (centre),
    ``nose_root``, ``left/right_mouth``, ``left/right_hand`` (finger tips), ``left/right_toe``.
    """
    pose = pose.clipped()
    rt, rh = torso_rotation(pose), head_rotation(pose)
    neck = rt @ (prop.pelvis_to_neck * Y)
    pts = {'pelvis': np.zeros(3), 'neck': neck, 'chest': neck - prop.shoulder_drop * (rt @ Y)}
    neck_dir = _unit(rt @ rot_pitch(0.5 * pose.head['head_pitch']) @ np.array([0., 1., 0.12]))
    pts['head'] = neck + prop.neck_length * neck_dir
    for name, local in FACE_POINTS.items():
        pts[name] = pts['head'] + prop.head_radius * (rh @ np.asarray(local))
    for side, sgn in SIDES.items():
        shoulder = pts['chest'] + prop.shoulder_half_width * (rt @ (sgn * X))
        hip = prop.hip_half_width * sgn * X
        pts[f'{side}_shoulder'], pts[f'{side}_hip'] = shoulder, hip
        arm = _arm(shoulder, rt, sgn, pose.arms[side], prop)
        leg = _leg(hip, sgn, pose.legs[side], prop)
        pts[f'{side}_elbow'], pts[f'{side}_wrist'], pts[f'{side}_hand'] = (
            arm['elbow'], arm['wrist'], arm['hand'])
        pts[f'{side}_knee'], pts[f'{side}_ankle'], pts[f'{side}_toe'] = (
            leg['knee'], leg['ankle'], leg['toe'])
    return pts


def _ring(center: np.ndarray, lat: np.ndarray, fwd: np.ndarray, half_width: float,
          half_depth: float, n: int = 12) -> np.ndarray:
    """(n, 3) points of an elliptic cross-section around ``center`` (symmetric left/right)."""
    t = np.linspace(0., 2 * np.pi, n, endpoint=False)
    return (center[None] + half_width * np.cos(t)[:, None] * lat[None]
            + half_depth * np.sin(t)[:, None] * fwd[None])


def torso_rings(pose: Pose, prop: Proportions, pts: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """Elliptic cross-sections (n, 3) of the trunk: ``shoulders``, ``belt`` (top of the trousers),
    ``hips`` (at the hip joints, pelvis frame), plus a ``logo`` ring on the front of the chest."""
    rt = torso_rotation(pose.clipped())
    lat_t, fwd_t, up_t = rt @ X, rt @ Z, rt @ Y
    belt_c = 0.22 * pts['chest']
    belt_lat = _unit(lat_t + X)                              # halfway between chest and pelvis turns
    belt_fwd = _unit(fwd_t + Z)
    d = prop.chest_half_depth
    return {
        'shoulders': _ring(pts['chest'] - 0.02 * up_t, lat_t, fwd_t, prop.shoulder_half_width + 0.015,
                           0.9 * d),
        'chest_low': _ring(0.55 * pts['chest'], lat_t, fwd_t, prop.waist_half_width + 0.01, d),
        'belt': _ring(belt_c, belt_lat, belt_fwd, prop.waist_half_width, d),
        'hips': _ring(-0.03 * Y, X, Z, prop.hip_half_width + 0.03, d),
        'logo': _ring(pts['chest'] - 0.1 * up_t + 1.02 * d * fwd_t, lat_t, up_t, 0.035, 0.035, n=10),
        'vneck': np.stack([pts['chest'] + 0.035 * lat_t + 0.02 * up_t + 0.7 * d * fwd_t,
                           pts['chest'] - 0.06 * up_t + 1.0 * d * fwd_t,
                           pts['chest'] - 0.035 * lat_t + 0.02 * up_t + 0.7 * d * fwd_t]),
    }


def body_axes(pose: Pose) -> Dict[str, np.ndarray]:
    """Unit vectors (3,) of the body frame: ``torso_up/forward``, ``head_up/forward``."""
    pose = pose.clipped()
    rt, rh = torso_rotation(pose), head_rotation(pose)
    return {'torso_up': rt @ Y, 'torso_forward': rt @ Z, 'head_up': rh @ Y, 'head_forward': rh @ Z}
