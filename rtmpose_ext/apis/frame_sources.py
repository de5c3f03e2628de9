"""Frames to run on: an image, a folder of images, a video file or a camera, with timestamps (OpenCV only).

:func:`open_source` reads the command line's INPUT and raises :class:`InputError` (naming the input and
what was expected) when it cannot be read.
"""
import os
import os.path as osp
import time
from dataclasses import dataclass
from typing import Callable, Dict, Iterator, Optional, Tuple

import cv2
import numpy as np

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff')
FOLDER_FPS = 30.  # the frame rate assumed for a folder of images (their timestamps)


class InputError(ValueError):
    """The input cannot be read (what the user gave is wrong, not the program)."""


@dataclass
class FrameSource:
    """Frames of one input. ``frames()`` yields ``(image (H, W, 3) uint8 BGR, timestamp s)``.

    kind: 'image', 'folder', 'video' or 'camera'; fps: frames/s (of the file, or assumed); size: (w, h)
    of the first frame; total: number of frames if known; name: the input as given.
    """
    kind: str
    name: str
    fps: float
    size: Tuple[int, int]
    total: Optional[int]
    frames: Callable[[], Iterator[Tuple[np.ndarray, float]]]
    close: Callable[[], None] = lambda: None


def _read_image(path: str) -> np.ndarray:
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise InputError(
            f'{path!r} cannot be read as an image (expected one of {", ".join(IMAGE_EXTENSIONS)})')
    return image


def _image(path: str) -> FrameSource:
    image = _read_image(path)
    return FrameSource('image', path, FOLDER_FPS, (image.shape[1], image.shape[0]), 1,
                       lambda: iter([(image, 0.)]))


def _folder(path: str) -> FrameSource:
    files = sorted(f for f in os.listdir(path) if f.lower().endswith(IMAGE_EXTENSIONS))
    if not files:
        raise InputError(
            f'folder {path!r} holds no images (expected files ending in {", ".join(IMAGE_EXTENSIONS)})')
    first = _read_image(osp.join(path, files[0]))

    def frames():
        for i, name in enumerate(files):
            yield _read_image(osp.join(path, name)), i / FOLDER_FPS

    return FrameSource('folder', path, FOLDER_FPS, (first.shape[1], first.shape[0]), len(files), frames)


def _capture(cap: cv2.VideoCapture, kind: str, name: str) -> FrameSource:
    ok, first = cap.read()
    if not ok or first is None:
        cap.release()
        raise InputError(f'{kind} {name!r} gives no frames')
    fps = cap.get(cv2.CAP_PROP_FPS)
    fps = float(fps) if fps and fps > 0 else FOLDER_FPS
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) if kind == 'video' else 0

    def frames():
        t0, image, i = time.monotonic(), first, 0
        while image is not None:
            yield image, (time.monotonic() - t0 if kind == 'camera' else i / fps)
            ok, image = cap.read()
            image, i = (image if ok else None), i + 1

    return FrameSource(kind, name, fps, (first.shape[1], first.shape[0]), count if count > 0 else None,
                       frames, cap.release)


def _video(path: str) -> FrameSource:
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        raise InputError(f'{path!r} cannot be read as a video or an image')
    return _capture(cap, 'video', path)


def _camera(index: str) -> FrameSource:
    logging = cv2.utils.logging
    level = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_SILENT)  # OpenCV's own probing messages; ours follows
    try:
        cap = cv2.VideoCapture(int(index))
    finally:
        logging.setLogLevel(level)
    if not cap.isOpened():
        raise InputError(
            f'camera {index} cannot be opened (no such device, or it is in use); expected the index '
            'of a connected camera (0 is the first)')
    return _capture(cap, 'camera', index)


OPENERS: Dict[str, Callable[[str], FrameSource]] = {
    'camera': _camera,
    'folder': _folder,
    'image': _image,
    'video': _video
}


def input_kind(spec: str) -> str:
    """'camera' for a non-negative integer, 'folder', 'image' (by extension) or 'video' for a path."""
    if spec.isdigit():
        return 'camera'
    if osp.isdir(spec):
        return 'folder'
    if not osp.exists(spec):
        raise InputError(f'{spec!r} does not exist (expected an image, a folder of images, a video file or a '
                         'camera index)')
    return 'image' if spec.lower().endswith(IMAGE_EXTENSIONS) else 'video'


def open_source(spec: str) -> FrameSource:
    """The frames of ``spec``: an image file, a folder of images (in name order), a video file or a camera
    index."""
    return OPENERS[input_kind(spec)](spec)
