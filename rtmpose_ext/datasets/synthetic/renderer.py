"""Draw figures as filled, antialiased body parts with OpenCV, keeping a per-pixel label map.

Each person is 16 parts (trunk, pelvis, neck, head and two arms and legs of three parts each), drawn
back to front by depth (painter's algorithm), each with a darker outline. Besides the picture, the
renderer writes ``labels`` (H, W) uint16: 0 for background, ``1 + STRIDE * i + part_id`` where person
``i`` (drawing order) is seen, :data:`FRONT_OCCLUDER` where a distractor covers the scene; and each
person's silhouette as if alone (what an amodal mask would be). Annotation reads visibility from them.

Cues that tell the front from the back and left from right, all the same under a horizontal mirror:
a face (eyes, nose, mouth) on the side of the head that faces the viewer and hair on its back; a
V-neck and a badge on the front of the shirt; feet that point forwards; parts farther from the
viewer drawn darker and behind nearer ones.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .figure import Figure

SHIFT = 4                       # sub-pixel bits for cv2 polygons
ONE = 1 << SHIFT
STRIDE = 32                     # labels per person
FRONT_OCCLUDER = 65535

LIMB_PARTS: Dict[str, Tuple[str, str]] = {   # part -> (start point, end point) of each side
    'upper_arm': ('shoulder', 'elbow'), 'forearm': ('elbow', 'wrist'), 'hand': ('wrist', 'hand'),
    'thigh': ('hip', 'knee'), 'shin': ('knee', 'ankle'), 'foot': ('ankle', 'toe')}
PART_NAMES: Tuple[str, ...] = ('torso', 'pelvis', 'neck', 'head') + tuple(
    f'{side}_{part}' for part in LIMB_PARTS for side in ('left', 'right'))
PART_ID: Dict[str, int] = {name: i for i, name in enumerate(PART_NAMES)}
# Added to the depth (in body heights) to order parts at equal depth: thighs under the pelvis
# (shorts), arms over the trunk.
DRAW_PRIORITY: Dict[str, float] = {
    'thigh': 0.0, 'shin': 0.005, 'foot': 0.01, 'torso': 0.012, 'pelvis': 0.02, 'neck': 0.03,
    'head': 0.04, 'upper_arm': 0.05, 'forearm': 0.06, 'hand': 0.07}


def person_label(person: int, part: str) -> int:
    """The value of ``labels`` where part ``part`` of person ``person`` (drawing order) is seen."""
    return 1 + STRIDE * person + PART_ID[part]


def decode_label(label: int) -> Tuple[int, Optional[str]]:
    """(person index, part name) of a ``labels`` value; (-1, None) for background or an occluder."""
    if label == 0 or label == FRONT_OCCLUDER:
        return -1, None
    person, part = divmod(int(label) - 1, STRIDE)
    return person, PART_NAMES[part]


# ------------------------------------------------------------------------------------------ shapes
def _half_circle(n: int) -> np.ndarray:
    t = np.linspace(-np.pi / 2, np.pi / 2, n)
    return np.stack([np.cos(t), np.sin(t)], 1)


HALF_CIRCLES = {n: _half_circle(n) for n in (5, 9)}    # (n, 2) cos, sin from -90 to 90 degrees


def capsule(a: np.ndarray, b: np.ndarray, ra: float, rb: float) -> np.ndarray:
    """(2n, 2) outline of a tapered capsule from ``a`` (radius ``ra``) to ``b`` (radius ``rb``), px."""
    d = b - a
    length = float(np.hypot(d[0], d[1]))
    u = d / length if length > 1e-6 else np.array([1., 0.])
    uv = np.array([u, [-u[1], u[0]]])                  # rows: along, across
    arc = HALF_CIRCLES[5 if max(ra, rb) < 4 else 9] @ uv
    return np.concatenate([a - ra * arc, b + rb * arc])


def convex_outline(points: np.ndarray) -> np.ndarray:
    """(n, 2) convex hull of 2-D ``points`` (m, 2), px."""
    hull = cv2.convexHull(np.round(points * ONE).astype(np.int32))
    return hull.reshape(-1, 2).astype(np.float64) / ONE


def _fixed(poly: np.ndarray) -> np.ndarray:
    return np.round(poly * ONE).astype(np.int32)


def _colour(c: Sequence[float], factor: float = 1.) -> Tuple[float, ...]:
    return tuple(min(max(float(x) * factor, 0.), 255.) for x in c)


@dataclass
class Canvas:
    """What is drawn into: picture (H, W, 3) uint8 BGR, ``labels`` (H, W) uint16, and the current
    person's silhouette (H, W) uint8 (``None`` when drawing distractors)."""
    image: np.ndarray
    labels: np.ndarray
    silhouette: Optional[np.ndarray] = None

    def fill(self, poly: np.ndarray, colour, label: Optional[int], outline: Optional[float] = None):
        """Fill polygon ``poly`` (n, 2) px antialiased; write ``label`` and the silhouette under it."""
        pts = [_fixed(poly)]
        cv2.fillPoly(self.image, pts, _colour(colour), cv2.LINE_AA, SHIFT)
        if outline is not None:
            cv2.polylines(self.image, pts, True, _colour(colour, outline), 1, cv2.LINE_AA, SHIFT)
        if label is not None:
            cv2.fillPoly(self.labels, pts, int(label), cv2.LINE_8, SHIFT)
            if self.silhouette is not None:
                cv2.fillPoly(self.silhouette, pts, 1, cv2.LINE_8, SHIFT)


# ------------------------------------------------------------------------------------------ parts
@dataclass
class Part:
    """A body part to draw: its name, depth (sort key, body heights) and colour (BGR)."""
    name: str
    depth: float
    colour: Tuple[float, float, float]
    polygon: Optional[np.ndarray] = None        # (n, 2) px; None for the head
    extras: List[Tuple[np.ndarray, tuple]] = field(default_factory=list)   # decorations on top


def _limb_colour(fig: Figure, part: str):
    look = fig.look
    return {'upper_arm': look.shirt, 'forearm': look.shirt if look.long_sleeves else look.skin,
            'hand': look.skin, 'thigh': look.trousers,
            'shin': look.trousers if look.long_trousers else look.skin, 'foot': look.shoes}[part]


def figure_parts(fig: Figure) -> List[Part]:
    """The parts of ``fig`` in drawing order (back to front)."""
    p, s, look = fig.points, fig.scale, fig.look
    xy = lambda name: p[name][:2]  # noqa: E731
    parts = []
    for limb, (a, b) in LIMB_PARTS.items():
        ra, rb = fig.proportions.radius(limb)
        for side in ('left', 'right'):
            pa, pb = p[f'{side}_{a}'], p[f'{side}_{b}']
            parts.append(Part(f'{side}_{limb}', (pa[2] + pb[2]) / 2 / s + DRAW_PRIORITY[limb],
                              _limb_colour(fig, limb), capsule(pa[:2], pb[:2], ra * s, rb * s)))
    rings = fig.rings
    trunk_z = (rings['shoulders'][:, 2].mean() + rings['hips'][:, 2].mean()) / 2 / s
    torso = Part('torso', trunk_z + DRAW_PRIORITY['torso'], look.shirt, convex_outline(
        np.concatenate([rings['shoulders'], rings['chest_low'], rings['belt']])[:, :2]))
    facing = fig.axes['torso_forward'][2]
    if look.vneck and facing > 0.25:
        torso.extras.append((rings['vneck'][:, :2], look.skin))
    if look.logo is not None and facing > 0.3:
        torso.extras.append((rings['logo'][:, :2], look.logo))
    pelvis = Part('pelvis', trunk_z + DRAW_PRIORITY['pelvis'], look.trousers, convex_outline(
        np.concatenate([rings['belt'], rings['hips']])[:, :2]))
    r_neck = fig.proportions.radius('neck')[0] * s
    neck = Part('neck', p['head'][2] / s + DRAW_PRIORITY['neck'], look.skin,   # under the head
                capsule(xy('neck'), xy('head'), r_neck, r_neck))
    head = Part('head', p['head'][2] / s + DRAW_PRIORITY['head'], look.skin)
    parts += [torso, pelvis, neck, head]
    return sorted(parts, key=lambda part: part.depth)


def face_normal_z(fig: Figure, name: str) -> float:
    """z (towards the viewer) of the head's surface normal at face point ``name``: < 0 on the far side."""
    d = fig.points[name] - fig.points['head']
    return float(d[2] / max(np.linalg.norm(d), 1e-9))


# Face points are drawn (and labelled) only where the head's surface at them faces the viewer enough.
FACE_MIN_NORMAL_Z = {'nose': -0.2, 'left_eye': 0.0, 'right_eye': 0.0, 'left_ear': -0.35,
                     'right_ear': -0.35}


def _draw_head(canvas: Canvas, fig: Figure, label: int, shade: float) -> None:
    """The head: a shaded sphere, skin where it faces forwards and hair behind and on top."""
    h, w = canvas.labels.shape
    cx, cy = fig.points['head'][:2]
    r = fig.proportions.head_radius * fig.scale
    x0, x1 = max(int(np.floor(cx - r - 1)), 0), min(int(np.ceil(cx + r + 1)) + 1, w)
    y0, y1 = max(int(np.floor(cy - r - 1)), 0), min(int(np.ceil(cy + r + 1)) + 1, h)
    if x1 <= x0 or y1 <= y0:
        return
    dx = (np.arange(x0, x1) - cx)[None, :] / r
    dy = (np.arange(y0, y1) - cy)[:, None] / r
    d = np.sqrt(dx * dx + dy * dy)
    alpha = np.clip((1 - d) * r + 0.5, 0, 1)[..., None]
    inv = 1 / np.maximum(d, 1.)
    nz = np.sqrt(np.clip(1 - d * d, 0, 1))
    fwd, up, look = fig.axes['head_forward'], fig.axes['head_up'], fig.look
    along_fwd = (dx * inv) * fwd[0] + (dy * inv) * fwd[1] + nz * fwd[2]
    along_up = (dx * inv) * up[0] + (dy * inv) * up[1] + nz * up[2]
    hair = np.maximum(np.clip((look.hair_front - along_fwd) / 0.12 + 0.5, 0, 1),
                      np.clip((along_up - look.hair_top) / 0.12 + 0.5, 0, 1))[..., None]
    colour = (hair * np.array(look.hair) + (1 - hair) * np.array(look.skin)) * (
        (0.72 + 0.28 * nz) * shade)[..., None]
    region = canvas.image[y0:y1, x0:x1]
    region[:] = np.clip(region * (1 - alpha) + colour * alpha + 0.5, 0, 255).astype(np.uint8)
    inside = alpha[..., 0] >= 0.5
    canvas.labels[y0:y1, x0:x1][inside] = label
    if canvas.silhouette is not None:
        canvas.silhouette[y0:y1, x0:x1][inside] = 1
    _draw_face(canvas, fig, label, r, shade)


def _draw_face(canvas: Canvas, fig: Figure, label: int, r: float, shade: float) -> None:
    p, look = fig.points, fig.look
    skin = _colour(look.skin, shade)
    for ear in ('left_ear', 'right_ear'):
        if face_normal_z(fig, ear) > FACE_MIN_NORMAL_Z[ear]:
            ring = capsule(p[ear][:2], p[ear][:2], 0.24 * r, 0.24 * r)
            canvas.fill(ring, _colour(skin, 0.9), label, outline=look.outline)
    for eye in ('left_eye', 'right_eye'):
        if face_normal_z(fig, eye) > FACE_MIN_NORMAL_Z[eye]:
            c = p[eye][:2]
            if r >= 9:
                canvas.fill(capsule(c, c, 0.2 * r, 0.2 * r), (235, 235, 235), None)
            canvas.fill(capsule(c, c, max(0.12 * r, 0.8), max(0.12 * r, 0.8)), (40, 30, 25), None)
    if (face_normal_z(fig, 'left_mouth') + face_normal_z(fig, 'right_mouth')) / 2 > 0.1:
        canvas.fill(capsule(p['left_mouth'][:2], p['right_mouth'][:2], 0.07 * r, 0.07 * r),
                    _colour((70, 60, 150), shade), None)
    if face_normal_z(fig, 'nose') > FACE_MIN_NORMAL_Z['nose']:
        canvas.fill(capsule(p['nose_root'][:2], p['nose'][:2], 0.16 * r, 0.11 * r),
                    _colour(skin, 0.82), label, outline=0.85)


def draw_figure(canvas: Canvas, fig: Figure, person: int) -> None:
    """Draw ``fig`` as person number ``person`` (its labels) onto ``canvas``, back to front."""
    parts = figure_parts(fig)
    front = max(part.depth for part in parts)
    for part in parts:
        shade = 1. - 0.3 * float(np.clip((front - part.depth) / 0.35, 0., 1.))
        label = person_label(person, part.name)
        if part.polygon is None:
            _draw_head(canvas, fig, label, shade)
            continue
        canvas.fill(part.polygon, _colour(part.colour, shade), label, outline=fig.look.outline)
        for poly, colour in part.extras:
            canvas.fill(poly, _colour(colour, shade), label)


@dataclass
class Rendering:
    """A rendered scene: ``image`` (H, W, 3) uint8 BGR, ``labels`` (H, W) uint16 (see module doc)
    and ``silhouettes``: per person (drawing order), (H, W) bool mask of the person drawn alone."""
    image: np.ndarray
    labels: np.ndarray
    silhouettes: List[np.ndarray]

    def visible_mask(self, person: int) -> np.ndarray:
        """(H, W) bool: the pixels where person ``person`` is seen."""
        lab = self.labels.astype(np.int32)
        return (lab >= 1 + STRIDE * person) & (lab < 1 + STRIDE * (person + 1))


def render_people(figures: Sequence[Figure], image: np.ndarray,
                  labels: Optional[np.ndarray] = None) -> Tuple[Canvas, List[np.ndarray]]:
    """Draw ``figures`` far to near onto ``image`` (H, W, 3) uint8 (in place) and ``labels``
    (H, W) uint16 (new zeros if ``None``). Returns the canvas and each person's silhouette (H, W) bool
    as if drawn alone."""
    h, w = image.shape[:2]
    canvas = Canvas(image, np.zeros((h, w), np.uint16) if labels is None else labels)
    silhouettes = []
    for i, fig in enumerate(figures):
        canvas.silhouette = np.zeros((h, w), np.uint8)
        draw_figure(canvas, fig, i)
        silhouettes.append(canvas.silhouette.astype(bool))
    canvas.silhouette = None
    return canvas, silhouettes
