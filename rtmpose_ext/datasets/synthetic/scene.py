"""One synthetic picture: 1-4 people on a textured background with clutter, rendered and annotated.

:class:`SceneConfig` holds the knobs of difficulty; :data:`DIFFICULTIES` names three settings.
:func:`render_scene` draws everything from one random generator, so a picture is a function of the
generator's seed alone.
"""
from dataclasses import asdict, dataclass, replace
from typing import Dict, List, Optional, Tuple

import numpy as np

from .annotate import PersonAnnotation, annotate
from .appearance import sample_look
from .backgrounds import make_background
from .coco_meta import KEYPOINT_NAMES
from .distractors import draw_background_shapes, draw_occluders
from .figure import Figure, place_figure
from .pose_sampler import ACTIVITIES, ACTIVITY_WEIGHTS, sample_pose
from .postprocess import degrade
from .renderer import Canvas, Rendering, render_people
from .skeleton_model import sample_proportions


@dataclass(frozen=True)
class SceneConfig:
    """Knobs of a scene's difficulty.

    person_weights: relative odds of 1, 2, 3, 4 ... people.
    height_single / height_group: range of a person's standing height as a fraction of the picture's
        height, when alone / with others (nearer people are drawn later and tend to be taller).
    facing: odds of (facing the viewer: yaw in +-45 deg, facing away: 180 +- 45 deg, any yaw).
    roll: (probability, max degrees) pairs for the in-picture rotation, tried in order; else
        uniform in +-``roll_default`` degrees.
    min_inside / truncation_prob: at least ``min_inside`` of a person's box (along each axis) lies in
        the picture; with probability ``truncation_prob`` only 40 %.
    max_box_overlap: a person's box may be covered at most this much by nearer people's boxes
        (placement retries up to 10 times).
    background_shapes: (min, max) clutter shapes behind the people; occluder_prob: chance of
        ``occluders`` (min, max) shapes in front of them.
    blur_prob, max_noise_sigma: camera degradation (:func:`~.postprocess.degrade`).
    min_visible_keypoints, min_visible_fraction: who is annotated (:func:`~.annotate.annotate`).
    activities: ((activity, weight), ...) of :mod:`.pose_sampler`; ``None`` for its defaults.
    """
    person_weights: Tuple[float, ...] = (0.35, 0.3, 0.2, 0.15)
    height_single: Tuple[float, float] = (0.5, 0.95)
    height_group: Tuple[float, float] = (0.3, 0.8)
    facing: Tuple[float, float, float] = (0.5, 0.2, 0.3)
    roll: Tuple[Tuple[float, float], ...] = ((0.05, 120.), (0.2, 45.))
    roll_default: float = 15.
    min_inside: float = 0.75              # least fraction of a person's box (per axis) in the picture
    truncation_prob: float = 0.2          # chance that up to 60 % of a person's box may leave the picture
    max_box_overlap: float = 0.5
    background_shapes: Tuple[int, int] = (2, 10)
    occluder_prob: float = 0.35
    occluders: Tuple[int, int] = (1, 2)
    blur_prob: float = 0.3
    max_noise_sigma: float = 6.
    min_visible_keypoints: int = 4
    min_visible_fraction: float = 0.3
    activities: Optional[Tuple[Tuple[str, float], ...]] = None   # (activity, weight); None: all

    def __post_init__(self):
        if self.activities is not None:
            unknown = sorted({a for a, _ in self.activities} - set(ACTIVITIES))
            if unknown:
                raise ValueError(f'SceneConfig.activities: unknown {unknown}, expected some of '
                                 f'{sorted(ACTIVITIES)}')

    def to_dict(self) -> dict:
        return asdict(self)


DIFFICULTIES: Dict[str, SceneConfig] = {
    'easy': SceneConfig(person_weights=(0.6, 0.4), height_single=(0.6, 0.95), height_group=(0.45, 0.85),
                        facing=(0.7, 0.15, 0.15), roll=(), roll_default=10., min_inside=0.97,
                        truncation_prob=0., max_box_overlap=0.25, background_shapes=(0, 4),
                        occluder_prob=0.1, blur_prob=0.1, max_noise_sigma=3.,
                        activities=tuple((a, w) for a, w in ACTIVITY_WEIGHTS.items() if a != 'free')),
    'normal': SceneConfig(),
    'hard': replace(SceneConfig(), person_weights=(0.2, 0.3, 0.25, 0.25), facing=(0.4, 0.2, 0.4),
                    roll=((0.1, 180.), (0.3, 60.)), truncation_prob=0.35, max_box_overlap=0.65,
                    background_shapes=(5, 20), occluder_prob=0.6, occluders=(1, 3), blur_prob=0.5,
                    max_noise_sigma=10.),
}


def scene_config(difficulty: str) -> SceneConfig:
    if difficulty not in DIFFICULTIES:
        raise ValueError(f'difficulty must be one of {sorted(DIFFICULTIES)}, got {difficulty!r}')
    return DIFFICULTIES[difficulty]


def _yaw(rng: np.random.Generator, cfg: SceneConfig) -> float:
    kind = rng.choice(3, p=np.asarray(cfg.facing) / sum(cfg.facing))
    return float([rng.uniform(-45, 45), 180 + rng.uniform(-45, 45), rng.uniform(-180, 180)][kind])


def _roll(rng: np.random.Generator, cfg: SceneConfig) -> float:
    u = rng.random()
    for prob, deg in cfg.roll:
        if u < prob:
            return float(rng.uniform(-deg, deg))
        u -= prob
    return float(rng.uniform(-cfg.roll_default, cfg.roll_default))


def _translate(fig: Figure, dx: float, dy: float) -> Figure:
    shift = np.array([dx, dy, 0.])
    return Figure({k: v + shift for k, v in fig.points.items()},
                  {k: r + shift for k, r in fig.rings.items()}, fig.axes, fig.scale, fig.proportions,
                  fig.look)


def _covered(box, others) -> float:
    """Fraction of ``box`` (x1, y1, x2, y2) covered by the boxes ``others`` (sum of overlaps)."""
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1e-6)
    overlap = lambda a0, a1, b0, b1: max(0., min(a1, b1) - max(a0, b0))  # noqa: E731
    inter = sum(overlap(box[0], box[2], o[0], o[2]) * overlap(box[1], box[3], o[1], o[3]) for o in others)
    return inter / area


def _centre_range(size: float, extent: int, min_inside: float) -> Tuple[float, float]:
    """Where a box ``size`` px long may be centred so that ``min_inside`` of it is in [0, extent]."""
    lo, hi = size * (min_inside - 0.5), extent - size * (min_inside - 0.5)
    return (lo, hi) if lo <= hi else (extent / 2, extent / 2)


def sample_people(rng: np.random.Generator, width: int, height: int, cfg: SceneConfig) -> List[Figure]:
    """1-4 placed figures in drawing order (far to near); nearer people tend to be taller."""
    w = np.asarray(cfg.person_weights, np.float64)
    n = int(rng.choice(len(w), p=w / w.sum())) + 1
    hr = cfg.height_single if n == 1 else cfg.height_group
    activities = None if cfg.activities is None else dict(cfg.activities)
    people = []
    for _ in range(n):
        h_px = rng.uniform(*hr) * height
        fig = place_figure(sample_pose(rng, weights=activities), sample_proportions(rng), sample_look(rng),
                           _yaw(rng, cfg), _roll(rng, cfg), h_px, (0., 0.))
        people.append((h_px * rng.uniform(0.85, 1.15), fig))
    people.sort(key=lambda t: -t[0])                       # nearest first, to place them first
    placed, boxes = [], []
    for _, fig in people:
        x1, y1, x2, y2 = fig.extent()
        inside = 0.4 if rng.random() < cfg.truncation_prob else cfg.min_inside
        xr, yr = _centre_range(x2 - x1, width, inside), _centre_range(y2 - y1, height, inside)
        for _ in range(10):
            cx, cy = rng.uniform(*xr), rng.uniform(*yr)
            box = (cx - (x2 - x1) / 2, cy - (y2 - y1) / 2, cx + (x2 - x1) / 2, cy + (y2 - y1) / 2)
            if _covered(box, boxes) <= cfg.max_box_overlap:
                break
        boxes.append(box)
        placed.append(_translate(fig, cx, cy))
    return placed[::-1]


@dataclass
class Scene:
    """A rendered, annotated picture: ``rendering`` (before degradation), ``image`` (H, W, 3) uint8
    BGR (after), the figures in drawing order and the annotations of those seen enough."""
    rendering: Rendering
    image: np.ndarray
    figures: List[Figure]
    annotations: List[PersonAnnotation]


def render_scene(rng: np.random.Generator, width: int, height: int, cfg: SceneConfig) -> Scene:
    """Background, clutter behind, people far to near, occluders in front, camera degradation."""
    image = make_background(rng, width, height)
    labels = np.zeros((height, width), np.uint16)
    canvas = Canvas(image, labels)
    draw_background_shapes(canvas, rng, int(rng.integers(cfg.background_shapes[0],
                                                          cfg.background_shapes[1] + 1)))
    figures = sample_people(rng, width, height, cfg)
    canvas, silhouettes = render_people(figures, image, labels)
    if rng.random() < cfg.occluder_prob:
        targets = [np.stack([f.points[k][:2] for k in KEYPOINT_NAMES]) for f in figures]
        draw_occluders(canvas, rng, targets, [f.scale for f in figures],
                       int(rng.integers(cfg.occluders[0], cfg.occluders[1] + 1)))
    rendering = Rendering(image, labels, silhouettes)
    final = degrade(rng, image, cfg.blur_prob, max_noise_sigma=cfg.max_noise_sigma)
    anns = annotate(figures, rendering, cfg.min_visible_keypoints, cfg.min_visible_fraction)
    return Scene(rendering, final, figures, anns)
