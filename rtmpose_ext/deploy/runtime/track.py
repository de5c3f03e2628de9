"""One tracked person: their last pose, a constant-velocity motion model and the keypoint smoother."""
from typing import Optional

import numpy as np

from .one_euro import OneEuroFilter


class Track:
    """A person followed from frame to frame.

    Args:
        track_id (int): The id, unique within a tracker.
        keypoints (np.ndarray): (K, 2) px, the first pose; ``scores`` (K,) its keypoint scores.
        t (float): Its timestamp, seconds.
        smoother (OneEuroFilter, optional): Smooths the keypoints given out; None: raw keypoints.
        velocity_momentum (float): Weight of the previous velocity in its running estimate.

    Attributes:
        keypoints, scores: the last observed (raw) pose; ``output``: what was given out (smoothed).
        velocity (np.ndarray): (2,) px/s of the keypoints' centre, a running estimate.
        missing (int): Frames since the track was last matched (0: seen in the last frame).
        mean_score (float): Running mean of the pose's mean keypoint score.
    """

    def __init__(self,
                 track_id: int,
                 keypoints: np.ndarray,
                 scores: np.ndarray,
                 t: float,
                 smoother: Optional[OneEuroFilter] = None,
                 velocity_momentum: float = 0.5):
        self.track_id = int(track_id)
        self.smoother = smoother
        self.velocity_momentum = float(velocity_momentum)
        self.velocity = np.zeros(2, np.float64)
        self.missing = 0
        self.keypoints = np.asarray(keypoints, np.float64)
        self.scores = np.asarray(scores, np.float32)
        self.t = float(t)
        self.mean_score = float(self.scores.mean())
        self.output = self._smooth(self.keypoints, self.t)

    def _smooth(self, keypoints: np.ndarray, t: float) -> np.ndarray:
        return keypoints.copy() if self.smoother is None else self.smoother(keypoints, t)

    def predict(self, t: float) -> np.ndarray:
        """(K, 2) keypoints expected at time ``t``: the last pose moved by the velocity."""
        return self.keypoints + self.velocity * (float(t) - self.t)

    def update(self, keypoints: np.ndarray, scores: np.ndarray, t: float) -> None:
        """The person seen again at ``t`` with ``keypoints`` (K, 2) and ``scores`` (K,)."""
        keypoints = np.asarray(keypoints, np.float64)
        dt = float(t) - self.t
        if dt > 0:
            step = (keypoints.mean(0) - self.keypoints.mean(0)) / dt
            m = self.velocity_momentum if self.missing == 0 else 0.
            self.velocity = m * self.velocity + (1 - m) * step
        self.keypoints, self.scores, self.t, self.missing = keypoints, np.asarray(scores,
                                                                                  np.float32), float(t), 0
        self.output = self._smooth(keypoints, t)

    def update_score(self, momentum: float = 0.8) -> None:
        """Fold the current pose's mean keypoint score into ``mean_score``."""
        self.mean_score = momentum * self.mean_score + (1 - momentum) * float(self.scores.mean())

    def mark_missing(self) -> None:
        self.missing += 1
