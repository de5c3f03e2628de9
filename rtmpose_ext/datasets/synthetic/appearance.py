"""How a person looks: skin, hair, clothes and shoes colours, sleeve and trouser length, hair line.

Nothing here depends on the side of the body: the left and right halves of a person always look the
same, so a horizontally flipped picture is as likely as the original (see :mod:`.renderer` for the
cues that tell left from right: the face, hair, the front of the shirt, feet and depth shading).
"""
import colorsys
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

BGR = Tuple[float, float, float]

# Skin tones (BGR) from light to dark; a person's skin is a random point between two neighbours.
SKIN_TONES = np.array([[185, 205, 245], [150, 180, 230], [115, 150, 200], [80, 115, 165],
                       [55, 80, 120], [40, 55, 85]], np.float64)
HAIR_COLOURS = np.array([[20, 20, 25], [30, 45, 70], [40, 80, 130], [90, 150, 200],
                         [40, 60, 150], [170, 170, 175]], np.float64)


@dataclass(frozen=True)
class Look:
    """Colours (BGR, 0-255 floats) and clothing of one person.

    ``hair_front``: the head is hair where the surface normal's component along the face direction is
    below this (-0.45 = short hair, 0.15 = long fringe); ``hair_top``: also where the normal's up
    component exceeds this. ``logo``: colour of a badge on the chest front, or ``None``.
    """
    skin: BGR
    hair: BGR
    shirt: BGR
    trousers: BGR
    shoes: BGR
    long_sleeves: bool
    long_trousers: bool
    hair_front: float
    hair_top: float
    vneck: bool
    logo: Optional[BGR]
    outline: float          # outline colour = part colour x this


def _hsv(rng: np.random.Generator, s: Tuple[float, float], v: Tuple[float, float]) -> BGR:
    r, g, b = colorsys.hsv_to_rgb(rng.random(), rng.uniform(*s), rng.uniform(*v))
    return (255. * b, 255. * g, 255. * r)


def _between(rng: np.random.Generator, table: np.ndarray, jitter: float) -> BGR:
    i = int(rng.integers(0, len(table) - 1))
    c = table[i] + rng.random() * (table[i + 1] - table[i]) + rng.uniform(-jitter, jitter, 3)
    return tuple(float(x) for x in np.clip(c, 0, 255))


def sample_look(rng: np.random.Generator) -> Look:
    """A random :class:`Look`."""
    return Look(
        skin=_between(rng, SKIN_TONES, 12.),
        hair=_between(rng, HAIR_COLOURS, 10.),
        shirt=_hsv(rng, (0.15, 0.9), (0.25, 0.95)),
        trousers=_hsv(rng, (0.1, 0.8), (0.15, 0.8)),
        shoes=_hsv(rng, (0.0, 0.6), (0.05, 0.7)),
        long_sleeves=bool(rng.random() < 0.5),
        long_trousers=bool(rng.random() < 0.7),
        hair_front=float(rng.uniform(-0.45, 0.15)),
        hair_top=float(rng.uniform(0.3, 0.7)),
        vneck=bool(rng.random() < 0.6),
        logo=_hsv(rng, (0.3, 1.0), (0.3, 1.0)) if rng.random() < 0.6 else None,
        outline=float(rng.uniform(0.45, 0.75)))
