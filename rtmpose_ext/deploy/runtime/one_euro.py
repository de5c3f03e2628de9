"""The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012), on arrays of points, driven by timestamps.

For a sample x at time t (seconds), te = t - t_prev:
    alpha(fc) = r / (r + 1), r = 2 pi fc te            (a first-order low-pass of cut-off fc, Hz)
    dx        = (x - x_hat_prev) / te                   (speed, units per second)
    dx_hat    = alpha(fc_d) dx + (1 - alpha(fc_d)) dx_hat_prev
    fc        = fc_min + beta |dx_hat|                  (|.|: the speed of each point)
    x_hat     = alpha(fc) x + (1 - alpha(fc)) x_hat_prev
The cut-offs are in Hz, so the result depends on the elapsed time and not on how many frames it took: the
same motion filtered at 25 or 50 frames/s, or with frames dropped, gives nearly the same output (MMDeploy's
PoseTracker counts frames instead: te = 1).
"""
from typing import Optional, Tuple

import numpy as np


def smoothing_factor(te: float, cutoff) -> np.ndarray:
    """alpha of a first-order low-pass of cut-off ``cutoff`` (Hz) for a step of ``te`` seconds."""
    r = 2 * np.pi * np.asarray(cutoff, np.float64) * te
    return r / (r + 1)


class OneEuroFilter:
    """One-Euro filter of a fixed-shape array of D-dimensional points (..., D), e.g. keypoints (K, 2).

    Args:
        min_cutoff (float): fc_min, the cut-off (Hz) at rest: lower = smoother, more lag when slow.
        beta (float): how fast the cut-off rises with speed (Hz per unit/s): higher = less lag when fast.
        d_cutoff (float): fc_d, the cut-off (Hz) of the speed estimate.
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.0, d_cutoff: float = 1.0):
        for name, value in (('min_cutoff', min_cutoff), ('d_cutoff', d_cutoff)):
            if not value > 0:
                raise ValueError(f'OneEuroFilter: {name} must be > 0 Hz, got {value}')
        if beta < 0:
            raise ValueError(f'OneEuroFilter: beta must be >= 0, got {beta}')
        self.min_cutoff, self.beta, self.d_cutoff = float(min_cutoff), float(beta), float(d_cutoff)
        self.x: Optional[np.ndarray] = None
        self.dx: Optional[np.ndarray] = None
        self.t: Optional[float] = None

    def reset(self) -> None:
        self.x = self.dx = self.t = None

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """The filtered value of sample ``x`` (..., D) taken at ``t`` seconds (float64 copy)."""
        x = np.array(x, np.float64)
        if self.x is None:
            self.x, self.dx, self.t = x, np.zeros_like(x), float(t)
            return x.copy()
        if x.shape != self.x.shape:
            raise ValueError(
                f'OneEuroFilter: sample shape {x.shape} differs from the first one {self.x.shape}')
        te = float(t) - self.t
        if te < 0:
            raise ValueError(f'OneEuroFilter: timestamps must not decrease, got {t} after {self.t}')
        if te == 0:
            return self.x.copy()
        a_d = smoothing_factor(te, self.d_cutoff)
        self.dx = a_d * (x - self.x) / te + (1 - a_d) * self.dx
        speed = np.linalg.norm(self.dx, axis=-1, keepdims=True)
        a = smoothing_factor(te, self.min_cutoff + self.beta * speed)
        self.x = a * x + (1 - a) * self.x
        self.t = float(t)
        return self.x.copy()

    @property
    def params(self) -> Tuple[float, float, float]:
        """(beta, min_cutoff, d_cutoff), the order of MMDeploy's ``smooth_params``."""
        return self.beta, self.min_cutoff, self.d_cutoff
