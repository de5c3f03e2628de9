"""People that move: a walking gait, waving, turning, as joint angles and a place in the picture over time.

A :class:`Motion` is everything random about one person of a clip, drawn once; :meth:`Motion.at` gives
their pose, yaw and ground position at any time t (seconds), so a clip can be rendered at any frame rate.

- ``walk``: a gait cycle of ``gait_hz`` cycles/s: hips swing by +-``stride`` degrees in opposite phase, the
  knee of the swinging leg bends, the arms swing against the legs; the person moves at ``velocity`` px/s
  and faces where they go (``yaw`` keeps them three-quarter to the viewer).
- ``wave``: standing, one arm up and waving (elbow and shoulder oscillating at ``arm_hz``).
- ``turn``: standing, turning back and forth by +-``turn_deg`` about a yaw, arms rising and falling.
"""
from dataclasses import dataclass, replace
from typing import Dict, Tuple

import numpy as np

from .appearance import Look
from .skeleton_model import Pose, Proportions

KINDS = ('walk', 'wave', 'turn')


def _sin(x: float) -> float:
    return float(np.sin(2 * np.pi * x))


@dataclass(frozen=True)
class Motion:
    """One person's motion in a clip.

    kind: one of :data:`KINDS`. base: the relaxed pose the motion starts from. start: (x, y) px of the
    pelvis' x and the ground (feet) y at t = 0; velocity: (vx, vy) px/s. height_px: standing height.
    yaw: facing (degrees, 0 = the viewer, > 0 the chest towards the viewer's left). gait_hz, stride:
    cycles/s and hip swing (degrees) of ``walk``. arm_hz: of ``wave``/``turn``; turn_deg, turn_hz:
    amplitude and rate of ``turn``. phase: in cycles. side: the waving arm.
    """
    kind: str
    base: Pose
    proportions: Proportions
    look: Look
    start: Tuple[float, float]
    velocity: Tuple[float, float]
    height_px: float
    yaw: float
    gait_hz: float = 0.9
    stride: float = 25.
    arm_hz: float = 1.5
    turn_deg: float = 60.
    turn_hz: float = 0.25
    phase: float = 0.
    side: str = 'left'

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f'Motion.kind must be one of {KINDS}, got {self.kind!r}')

    def position(self, t: float) -> Tuple[float, float]:
        """(pelvis x, ground y) px at ``t`` seconds."""
        return self.start[0] + self.velocity[0] * t, self.start[1] + self.velocity[1] * t

    def at(self, t: float) -> Tuple[Pose, float]:
        """(pose, yaw in degrees) at ``t`` seconds."""
        pose = replace(self.base,
                       arms={
                           s: dict(a)
                           for s, a in self.base.arms.items()
                       },
                       legs={
                           s: dict(a)
                           for s, a in self.base.legs.items()
                       },
                       torso=dict(self.base.torso),
                       head=dict(self.base.head))
        return getattr(self, f'_{self.kind}')(pose, t)

    def _walk(self, pose: Pose, t: float) -> Tuple[Pose, float]:
        cycle = self.phase + self.gait_hz * t
        swing = _sin(cycle)
        for side, sign in (('left', 1.), ('right', -1.)):
            hip = sign * self.stride * swing
            bend = max(0., sign * float(np.cos(2 * np.pi * cycle)))  # the leg swinging forward
            pose.legs[side].update(hip_flexion=hip, knee_flexion=5. + 45. * bend)
            arm = -0.8 * hip  # against the leg of its side
            pose.arms[side].update(arm_elevation=abs(arm),
                                   arm_plane=85. if arm >= 0 else -85.,
                                   elbow_flexion=15. + 0.5 * abs(arm))
        return pose, self.yaw

    def _wave(self, pose: Pose, t: float) -> Tuple[Pose, float]:
        cycle = self.phase + self.arm_hz * t
        pose.arms[self.side].update(arm_elevation=110. + 20. * _sin(cycle),
                                    arm_plane=20.,
                                    elbow_flexion=70. + 40. * _sin(cycle + 0.25),
                                    arm_rotation=0.)
        return pose, self.yaw

    def _turn(self, pose: Pose, t: float) -> Tuple[Pose, float]:
        lift = 0.5 + 0.5 * _sin(self.phase + self.arm_hz * t / 2)
        for side in ('left', 'right'):
            pose.arms[side].update(arm_elevation=10. + 75. * lift, arm_plane=10., elbow_flexion=20.)
        return pose, self.yaw + self.turn_deg * _sin(self.turn_hz * t)


def describe(motion: Motion) -> Dict[str, object]:
    """The numbers of a motion that a clip's annotation file records (JSON-ready)."""
    return dict(kind=motion.kind,
                start=[round(v, 2) for v in motion.start],
                velocity=[round(v, 2) for v in motion.velocity],
                height_px=round(motion.height_px, 2),
                yaw=round(motion.yaw, 2))
