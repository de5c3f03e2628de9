"""Textured backgrounds: gradients, smooth noise, stripes, checkers, patches, and a floor line.

Every texture is drawn with random, mirror-symmetric parameters (directions uniform), so a flipped
background is as likely as the original.
"""
from typing import Callable, Dict

import cv2
import numpy as np


def _colour(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(0, 255, 3).astype(np.float32)


def _two_colours(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8: ``t`` (h, w) in [0, 1] mapped from one random colour to another."""
    ramp = np.linspace(0., 1., 256, dtype=np.float32)[:, None]
    c0, c1 = _colour(rng), _colour(rng)
    lut = np.clip(c0 + ramp * (c1 - c0) + 0.5, 0, 255).astype(np.uint8)
    return lut[np.clip(t * 255 + 0.5, 0, 255).astype(np.uint8)]


def _coords(w: int, h: int):
    return np.arange(w, dtype=np.float32)[None, :], np.arange(h, dtype=np.float32)[:, None]


def gradient(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A linear blend between two colours along a random direction."""
    x, y = _coords(w, h)
    a = rng.uniform(0, 2 * np.pi)
    t = x * np.cos(a) + y * np.sin(a)
    return _two_colours(rng, (t - t.min()) / max(float(t.max() - t.min()), 1.))


def smooth_noise(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """Value noise of 2-4 octaves, mapped between two colours (clouds, grass, carpet...)."""
    t = np.zeros((h, w), np.float32)
    cells = int(rng.integers(2, 8))
    amp, total = 1., 0.
    for _ in range(int(rng.integers(2, 5))):
        grid = rng.random((cells + 1, cells + 1)).astype(np.float32)
        t += amp * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        total += amp
        cells, amp = cells * 2, amp * 0.5
    return _two_colours(rng, t / total)


def stripes(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """Soft or hard stripes at a random angle and period (walls, fences, tiles)."""
    x, y = _coords(w, h)
    a = rng.uniform(0, np.pi)
    period = rng.uniform(6, 60)
    t = 0.5 + 0.5 * np.sin(2 * np.pi * (x * np.cos(a) + y * np.sin(a)) / period + rng.uniform(0, 6.3))
    if rng.random() < 0.5:
        t = (t > 0.5).astype(np.float32)
    return _two_colours(rng, t)


def checker(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A rotated checkerboard (floor tiles)."""
    x, y = _coords(w, h)
    a, size = rng.uniform(0, np.pi / 2), rng.uniform(10, 50)
    u = (x * np.cos(a) + y * np.sin(a)) / size
    v = (-x * np.sin(a) + y * np.cos(a)) / size
    return _two_colours(rng, ((np.floor(u) + np.floor(v)) % 2).astype(np.float32))


def patches(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A flat colour with 5-25 random rectangles and ellipses (furniture, windows, posters)."""
    img = np.empty((h, w, 3), np.uint8)
    img[:] = np.round(_colour(rng)).astype(np.uint8)
    for _ in range(int(rng.integers(5, 26))):
        c = tuple(float(v) for v in _colour(rng))
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        ax, ay = rng.uniform(5, w / 3), rng.uniform(5, h / 3)
        if rng.random() < 0.5:
            cv2.rectangle(img, (int(cx - ax), int(cy - ay)), (int(cx + ax), int(cy + ay)), c, -1)
        else:
            cv2.ellipse(img, (int(cx), int(cy)), (int(ax), int(ay)), rng.uniform(0, 180), 0, 360, c, -1,
                        cv2.LINE_AA)
    return img


TEXTURES: Dict[str, Callable] = {'gradient': gradient, 'smooth_noise': smooth_noise,
                                 'stripes': stripes, 'checker': checker, 'patches': patches}


def _texture(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    names = list(TEXTURES)
    return TEXTURES[names[int(rng.integers(len(names)))]](rng, w, h)


def make_background(rng: np.random.Generator, w: int, h: int) -> np.ndarray:
    """A random (h, w, 3) uint8 BGR background: one texture, sometimes a second one blended in or
    below a horizon (a wall above a floor)."""
    img = _texture(rng, w, h)
    u = rng.random()
    if u < 0.35:
        a = rng.uniform(0.2, 0.5)
        img = cv2.addWeighted(img, 1 - a, _texture(rng, w, h), a, 0.)
    elif u < 0.6:
        horizon = int(rng.uniform(0.3, 0.8) * h)
        img[horizon:] = _texture(rng, w, h)[horizon:]
    return img
