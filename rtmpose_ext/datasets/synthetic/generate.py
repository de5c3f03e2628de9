"""Write a split of synthetic pictures and its COCO person-keypoints annotation file.

Layout (as COCO's)::

    out_dir/images/{split}/000000.jpg ...
    out_dir/annotations/person_keypoints_{split}.json
    out_dir/annotations/person_keypoints_{split}.manifest.json   # the arguments; skip if unchanged

Picture ``i`` of a split is drawn from ``np.random.default_rng(SeedSequence([seed, crc32(split),
i]))`` alone, so splits (and parts of a split) can be made in any order or in parallel and the same
arguments give the same bytes.
"""
import json
import os
import os.path as osp
import sys
import time
import zlib
from functools import partial
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .coco_meta import coco_categories
from .scene import Scene, render_scene, scene_config

GENERATOR_VERSION = '1.0'
JPEG_QUALITY = 92


def image_rng(seed: int, split: str, index: int) -> np.random.Generator:
    """The random generator of picture ``index`` of ``split``."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(split.encode()), int(index)]))


def make_scene(seed: int, split: str, index: int, image_size: Tuple[int, int] = (320, 256),
               difficulty: str = 'normal') -> Scene:
    """Picture ``index`` of ``split`` as a :class:`~.scene.Scene` (not written)."""
    w, h = image_size
    return render_scene(image_rng(seed, split, index), w, h, scene_config(difficulty))


def _render_one(index: int, seed: int, split: str, image_size: Tuple[int, int], difficulty: str):
    scene = make_scene(seed, split, index, image_size, difficulty)
    ok, buf = cv2.imencode('.jpg', scene.image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise RuntimeError('cv2.imencode failed to encode a JPEG')
    image_id = index + 1
    anns = [a.to_coco(image_id * 100 + j, image_id) for j, a in enumerate(scene.annotations)]
    return index, buf.tobytes(), anns


def _check_args(split: str, num_images: int, seed: int, image_size: Sequence[int], workers: int) -> None:
    if not split or not all(c.isalnum() or c in '_-' for c in split):
        raise ValueError(f'split must be a non-empty name of letters, digits, "_" or "-", got {split!r}')
    if not isinstance(num_images, (int, np.integer)) or num_images < 0:
        raise ValueError(f'num_images must be an int >= 0, got {num_images!r}')
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f'seed must be an int >= 0, got {seed!r}')
    if len(image_size) != 2 or min(image_size) < 64:
        raise ValueError(f'image_size must be (width, height) with both >= 64 px, got {image_size!r}')
    if workers < 1:
        raise ValueError(f'workers must be >= 1, got {workers!r}')


def _write_json(path: str, obj) -> None:
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(obj, f, separators=(',', ':'))
    os.replace(tmp, path)


def _progress(split: str, done: int, total: int, t0: float, stream) -> None:
    if stream is not None:
        stream.write(f'[synthetic] {split}: {done}/{total} images ({time.perf_counter() - t0:.1f} s)\n')
        stream.flush()


def split_paths(out_dir: str, split: str) -> Tuple[str, str, str]:
    """(image folder, annotation json, manifest json) of ``split`` under ``out_dir``."""
    ann_dir = osp.join(out_dir, 'annotations')
    return (osp.join(out_dir, 'images', split), osp.join(ann_dir, f'person_keypoints_{split}.json'),
            osp.join(ann_dir, f'person_keypoints_{split}.manifest.json'))


def generate_split(out_dir: str, split: str, num_images: int, seed: int,
                   image_size: Tuple[int, int] = (320, 256), difficulty: str = 'normal',
                   workers: int = 1, force: bool = False, progress: Optional[object] = sys.stderr) -> str:
    """Render ``num_images`` pictures of ``image_size`` (width, height) px into
    ``out_dir/images/{split}/`` and write ``out_dir/annotations/person_keypoints_{split}.json``.

    Skips the work (and says so) when the manifest shows the same split made with the same arguments
    and generator version, unless ``force``. ``workers`` > 1 renders in that many processes (same
    bytes). ``progress``: a stream for a counter (``None`` for silence). Returns the json's path.
    """
    _check_args(split, num_images, seed, image_size, workers)
    cfg = scene_config(difficulty)
    img_dir, ann_file, manifest_file = split_paths(out_dir, split)
    manifest = dict(generator_version=GENERATOR_VERSION, split=split, num_images=int(num_images),
                    seed=int(seed), image_size=[int(image_size[0]), int(image_size[1])],
                    difficulty=difficulty, scene_config=cfg.to_dict(), jpeg_quality=JPEG_QUALITY)
    manifest = json.loads(json.dumps(manifest))        # tuples -> lists, as read back
    if not force and osp.isfile(ann_file) and osp.isfile(manifest_file):
        with open(manifest_file) as f:
            if json.load(f) == manifest:
                if progress is not None:
                    progress.write(f'[synthetic] {split}: {ann_file} already made with these arguments '
                                   '(use --force to remake)\n')
                return ann_file
    os.makedirs(img_dir, exist_ok=True)
    os.makedirs(osp.dirname(ann_file), exist_ok=True)
    if osp.isfile(manifest_file):
        os.remove(manifest_file)
    for name in os.listdir(img_dir):
        if name.endswith('.jpg'):
            os.remove(osp.join(img_dir, name))
    render = partial(_render_one, seed=seed, split=split, image_size=tuple(image_size),
                     difficulty=difficulty)
    images: List[dict] = []
    annotations: List[dict] = []
    t0 = time.perf_counter()
    step = max(1, num_images // 10)
    pool = None
    if workers > 1:
        import multiprocessing
        pool = multiprocessing.get_context('fork').Pool(workers)
        results = pool.imap(render, range(num_images), chunksize=8)
    else:
        results = map(render, range(num_images))
    try:
        for done, (index, jpg, anns) in enumerate(results, 1):
            file_name = f'{index:06d}.jpg'
            with open(osp.join(img_dir, file_name), 'wb') as f:
                f.write(jpg)
            images.append(dict(id=index + 1, file_name=file_name, width=int(image_size[0]),
                               height=int(image_size[1])))
            annotations.extend(anns)
            if done % step == 0 or done == num_images:
                _progress(split, done, num_images, t0, progress)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    coco = dict(info=dict(description=f'rtmpose_ext synthetic people, split {split}',
                          version=GENERATOR_VERSION),
                licenses=[], images=images, annotations=annotations, categories=coco_categories())
    _write_json(ann_file, coco)
    _write_json(manifest_file, manifest)
    if progress is not None:
        progress.write(f'[synthetic] {split}: {len(images)} images, {len(annotations)} people -> '
                       f'{ann_file} ({time.perf_counter() - t0:.1f} s)\n')
    return ann_file
