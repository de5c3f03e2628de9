"""A person placed in the picture: the posed body turned, rotated, scaled and moved into image space.

Image space ("camera" coordinates): ``x`` px to the right, ``y`` px down, ``z`` px towards the viewer
(orthographic view, so ``z`` only orders what hides what). Pixel centres are at integer coordinates,
as OpenCV draws, and a horizontal flip maps ``x`` to ``W - 1 - x`` (as mmpose's ``flip_keypoints``).
"""
from dataclasses import dataclass
from typing import Dict, Tuple

import numpy as np

from .appearance import Look
from .coco_meta import mirror_name
from .skeleton_model import Pose, Proportions, body_axes, body_points, rot_yaw, torso_rings

# Body frame (x left, y up, z forward) -> camera for a person facing the viewer: the person's left is
# the viewer's right, up is -y.
BODY_TO_CAMERA = np.diag([1., -1., 1.])


@dataclass
class Figure:
    """One person in image space.

    points: name -> (3,) position (px); the 17 COCO keypoints and helper points (see
        :func:`~.skeleton_model.body_points`).
    rings: name -> (n, 3) outlines of the trunk's cross-sections and chest decorations (px).
    axes: name -> (3,) unit vectors ``torso_up/forward``, ``head_up/forward``.
    scale: px per body height; proportions and look as sampled.
    """
    points: Dict[str, np.ndarray]
    rings: Dict[str, np.ndarray]
    axes: Dict[str, np.ndarray]
    scale: float
    proportions: Proportions
    look: Look

    def extent(self) -> Tuple[float, float, float, float]:
        """(x1, y1, x2, y2) px: a box around all points, padded by the thickest limb radius."""
        xy = np.stack(list(self.points.values()))[:, :2]
        pad = max(r for _, r, _ in self.proportions.radii) * self.scale
        lo, hi = xy.min(0) - pad, xy.max(0) + pad
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def _image_roll(deg: float) -> np.ndarray:
    """(3, 3) rotation in the image plane, clockwise on screen for ``deg`` > 0 (y points down)."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0.], [s, c, 0.], [0., 0., 1.]])


def place_figure(pose: Pose, proportions: Proportions, look: Look, yaw: float, roll: float,
                 height_px: float, center_xy: Tuple[float, float]) -> Figure:
    """Pose the body, turn it by ``yaw`` degrees about its vertical axis (0 = facing the viewer,
    > 0 turns the chest towards the viewer's left), rotate by ``roll`` degrees in the image, scale to
    ``height_px`` per body height and move the centre of its extent to ``center_xy`` (px)."""
    if not height_px > 0:
        raise ValueError(f'place_figure: height_px must be > 0, got {height_px}')
    m = _image_roll(roll) @ BODY_TO_CAMERA @ rot_yaw(-yaw)
    pts = body_points(pose, proportions)
    rings = torso_rings(pose, proportions, pts)
    points = {k: height_px * (m @ v) for k, v in pts.items()}
    rings = {k: height_px * (r @ m.T) for k, r in rings.items()}
    axes = {k: m @ v for k, v in body_axes(pose).items()}
    fig = Figure(points, rings, axes, float(height_px), proportions, look)
    x1, y1, x2, y2 = fig.extent()
    shift = np.array([center_xy[0] - (x1 + x2) / 2, center_xy[1] - (y1 + y2) / 2, 0.])
    fig.points = {k: v + shift for k, v in fig.points.items()}
    fig.rings = {k: r + shift for k, r in fig.rings.items()}
    return fig


def mirror_figure(fig: Figure, width: int) -> Figure:
    """The figure flipped horizontally in an image ``width`` px wide: ``x -> width - 1 - x``, left
    and right points swapped (the mirror image of a person is a person with sides exchanged)."""
    flip_pt = lambda v: np.array([width - 1 - v[..., 0], v[..., 1], v[..., 2]]).T  # noqa: E731
    points = {mirror_name(k): np.array([width - 1 - v[0], v[1], v[2]]) for k, v in fig.points.items()}
    rings = {k: flip_pt(r) for k, r in fig.rings.items()}
    axes = {k: v * np.array([-1., 1., 1.]) for k, v in fig.axes.items()}
    return Figure(points, rings, axes, fig.scale, fig.proportions, fig.look)
