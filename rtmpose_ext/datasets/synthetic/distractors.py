"""Shapes that are not people: blobs, rectangles, ellipses, lines and limb-like sticks in the
background, and occluders (the same shapes, or a pole) drawn in front of the people."""
from typing import Callable, Dict, Sequence

import cv2
import numpy as np

from .appearance import SKIN_TONES
from .renderer import FRONT_OCCLUDER, Canvas, capsule


def _colour(rng: np.random.Generator) -> tuple:
    if rng.random() < 0.25:          # skin-like: a hard negative for the limbs
        i = int(rng.integers(len(SKIN_TONES)))
        return tuple(float(v) for v in SKIN_TONES[i])
    return tuple(float(v) for v in rng.uniform(0, 255, 3))


def blob(rng, c: np.ndarray, size: float) -> np.ndarray:
    """(n, 2) a star-shaped random polygon of radius about ``size`` around ``c``."""
    n = int(rng.integers(5, 10))
    t = np.sort(rng.uniform(0, 2 * np.pi, n))
    r = size * rng.uniform(0.4, 1.0, n)
    return c + np.stack([r * np.cos(t), r * np.sin(t)], 1)


def box(rng, c: np.ndarray, size: float) -> np.ndarray:
    """(4, 2) a rotated rectangle."""
    a = rng.uniform(0, np.pi)
    hw, hh = size * rng.uniform(0.2, 1.0), size * rng.uniform(0.2, 1.0)
    u, v = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    return c + np.array([hw * u + hh * v, hw * u - hh * v, -hw * u - hh * v, -hw * u + hh * v])


def ellipse(rng, c: np.ndarray, size: float) -> np.ndarray:
    """(36, 2) a rotated ellipse (computed at 1/16 px)."""
    axes = (int(size * rng.uniform(0.3, 1) * 16), int(size * rng.uniform(0.3, 1) * 16))
    pts = cv2.ellipse2Poly((0, 0), axes, int(rng.uniform(0, 180)), 0, 360, 10)
    return c + pts.astype(np.float64) / 16


def stick(rng, c: np.ndarray, size: float) -> np.ndarray:
    """A tapered capsule like a limb or a branch."""
    a = rng.uniform(0, 2 * np.pi)
    d = size * np.array([np.cos(a), np.sin(a)])
    r = size * rng.uniform(0.08, 0.25)
    return capsule(c - d, c + d, r, r * rng.uniform(0.5, 1.0))


def line(rng, c: np.ndarray, size: float) -> np.ndarray:
    """A thin straight bar (cable, edge, pole segment)."""
    a = rng.uniform(0, 2 * np.pi)
    d = size * rng.uniform(1, 3) * np.array([np.cos(a), np.sin(a)])
    r = rng.uniform(0.7, 3.0)
    return capsule(c - d, c + d, r, r)


SHAPES: Dict[str, Callable] = {'blob': blob, 'box': box, 'ellipse': ellipse, 'stick': stick,
                               'line': line}


def draw_background_shapes(canvas: Canvas, rng: np.random.Generator, count: int) -> None:
    """``count`` random shapes anywhere, behind the people (labels stay background)."""
    h, w = canvas.labels.shape
    names = list(SHAPES)
    for _ in range(count):
        c = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        poly = SHAPES[names[int(rng.integers(len(names)))]](rng, c, rng.uniform(0.03, 0.25) * h)
        canvas.fill(poly, _colour(rng), None, outline=rng.uniform(0.5, 1.0))


def draw_occluders(canvas: Canvas, rng: np.random.Generator, targets: Sequence[np.ndarray],
                   heights: Sequence[float], count: int) -> None:
    """``count`` shapes in front of everything, each centred near a random point of ``targets``
    (per person, (k, 2) px) and sized by that person's height (px); or a vertical pole."""
    h, w = canvas.labels.shape
    names = ['blob', 'box', 'ellipse', 'stick']
    for _ in range(count):
        i = int(rng.integers(len(targets)))
        size = heights[i] * rng.uniform(0.08, 0.22)
        if rng.random() < 0.2:      # a pole or door frame across the whole picture
            x = targets[i][int(rng.integers(len(targets[i])))][0] + rng.normal(0, size / 2)
            half = heights[i] * rng.uniform(0.02, 0.06)
            poly = np.array([[x - half, -2], [x + half, -2], [x + half, h + 2], [x - half, h + 2]])
        else:
            c = targets[i][int(rng.integers(len(targets[i])))] + rng.normal(0, size / 2, 2)
            poly = SHAPES[names[int(rng.integers(len(names)))]](rng, c, size)
        canvas.fill(poly, _colour(rng), FRONT_OCCLUDER, outline=rng.uniform(0.5, 1.0))
