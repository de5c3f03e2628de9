"""Running a frame-by-frame pose method over a decoded clip, timed: what the video demo and the pipeline
benchmark share."""
import time
from typing import Callable, List, Tuple

import cv2
import numpy as np

Step = Callable[[np.ndarray, float], dict]


def read_clip(path: str) -> Tuple[List[np.ndarray], float]:
    """All frames (H, W, 3) uint8 BGR of a video file, and its frame rate."""
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise FileNotFoundError(f'cannot read the video {path!r}')
    fps = cap.get(cv2.CAP_PROP_FPS) or 25.
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    return frames, float(fps)


def run_clip(step: Step, frames: List[np.ndarray], fps: float) -> Tuple[List[dict], float]:
    """``step(frame, timestamp)`` on every frame in order; (its results, seconds spent in ``step``)."""
    results, seconds = [], 0.
    for i, frame in enumerate(frames):
        t0 = time.perf_counter()
        results.append(step(frame, i / fps))
        seconds += time.perf_counter() - t0
    return results, seconds


def tracker_step(tracker) -> Step:
    """A :class:`~rtmpose_ext.deploy.runtime.PoseTracker` as a step giving plain dicts."""

    def step(frame, t):
        r = tracker(frame, t)
        return dict(track_ids=r.track_ids,
                    boxes=r.boxes,
                    keypoints=r.keypoints,
                    scores=r.scores,
                    detected=r.detected)

    return step
