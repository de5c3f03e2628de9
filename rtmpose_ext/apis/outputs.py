"""Output files written whole or not at all: each goes to a temporary name beside its target and is renamed
only when complete (:meth:`commit`); :meth:`abort` removes it."""
import json
import os
import os.path as osp
import tempfile
from typing import Optional, Tuple

import cv2
import numpy as np

from .frame_sources import IMAGE_EXTENSIONS, InputError

VIDEO_FOURCCS = {'.mp4': 'mp4v', '.avi': 'MJPG'}


def _temporary(path: str) -> str:
    folder = osp.dirname(osp.abspath(path))
    if not osp.isdir(folder):
        raise InputError(f'output {path!r}: folder {folder!r} does not exist')
    fd, tmp = tempfile.mkstemp(prefix='.' + osp.basename(path) + '.',
                               suffix=osp.splitext(path)[1],
                               dir=folder)
    os.close(fd)
    return tmp


class AtomicFile:
    """Base: a temporary file ``self.tmp`` that becomes ``path`` on :meth:`commit`."""

    def __init__(self, path: str):
        self.path, self.tmp = path, _temporary(path)

    def commit(self) -> None:
        self.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.close()
        if osp.exists(self.tmp):
            os.remove(self.tmp)

    def close(self) -> None:
        pass


class VideoOutput(AtomicFile):
    """An annotated video (.mp4: mp4v, .avi: MJPG) or, for a single-image input, an image."""

    def __init__(self, path: str, fps: float, size: Tuple[int, int], single_image: bool):
        ext = osp.splitext(path)[1].lower()
        if ext in IMAGE_EXTENSIONS and not single_image:
            raise InputError(f'--out {path!r}: an image output needs a single-image input; use .mp4 or .avi')
        if ext not in IMAGE_EXTENSIONS and ext not in VIDEO_FOURCCS:
            raise InputError(
                f'--out {path!r}: expected a video ({", ".join(VIDEO_FOURCCS)}) or, for one image, '
                f'an image ({", ".join(IMAGE_EXTENSIONS)})')
        super().__init__(path)
        self.writer: Optional[cv2.VideoWriter] = None
        if ext in VIDEO_FOURCCS:
            self.writer = cv2.VideoWriter(self.tmp, cv2.VideoWriter_fourcc(*VIDEO_FOURCCS[ext]), fps,
                                          tuple(size))
            if not self.writer.isOpened():
                self.abort()
                raise InputError(f'--out {path!r}: OpenCV cannot write this video format here')

    def write(self, image: np.ndarray) -> None:
        if self.writer is not None:
            self.writer.write(image)
        elif not cv2.imwrite(self.tmp, image):
            raise OSError(f'cannot write {self.tmp!r}')

    def close(self) -> None:
        if self.writer is not None:
            self.writer.release()


class JsonOutput(AtomicFile):
    """The per-frame results, written as one JSON document on :meth:`commit`."""

    def __init__(self, path: str, header: dict):
        if not path.lower().endswith('.json'):
            raise InputError(f'--json {path!r}: expected a file name ending in .json')
        super().__init__(path)
        self.document = dict(header, frames=[])

    def add(self, frame: dict) -> None:
        self.document['frames'].append(frame)

    def commit(self) -> None:
        with open(self.tmp, 'w') as f:
            json.dump(self.document, f, separators=(',', ':'))
        super().commit()
