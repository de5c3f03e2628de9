"""Synthetic video clips with per-frame ground truth: the still generator's figures, animated.

    python -m rtmpose_ext.datasets.synthetic.video --out data/synthetic_video --clips 3 --frames 100 --fps 25

Each clip has 2-3 people on a still background (easy-split looks and sizes): walkers entering, leaving and
crossing each other at different depths (the nearer one occludes the farther), and sometimes a person
standing, waving or turning (:mod:`.motion`). Clip ``i`` is drawn from ``SeedSequence([seed,
crc32('video'), i])`` alone, so the same arguments give the same bytes. Layout::

    out/videos/clip_000.mp4                 # the clip (mp4v), for the pipeline
    out/images/clip_000/000000.jpg ...      # its frames
    out/annotations/clip_000.json           # COCO person keypoints per frame, PoseTrack's video fields
    out/annotations/clips.manifest.json     # the arguments; skip if unchanged

The annotation file is COCO's (pycocotools reads it) with PoseTrack's fields: each image has ``vid_id``,
``frame_id`` (0-based in the clip), ``nframes`` and ``timestamp`` (s); each annotation a ``track_id``
(the person, constant through the clip); ``info`` holds the frame rate.
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
import zlib
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from .annotate import annotate
from .appearance import sample_look
from .backgrounds import make_background
from .coco_meta import coco_categories
from .distractors import draw_background_shapes
from .figure import Figure, place_figure
from .generate import JPEG_QUALITY
from .motion import Motion, describe
from .pose_sampler import sample_pose
from .renderer import FRONT_OCCLUDER, Canvas, Rendering, render_people
from .scene import _translate
from .skeleton_model import sample_proportions

VIDEO_VERSION = '1.0'
FOURCC = 'mp4v'


def clip_rng(seed: int, index: int) -> np.random.Generator:
    """The random generator of clip ``index``."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(b'video'), int(index)]))


# ------------------------------------------------------------------------------------------- people
def _ground_y(height_px: float, height: int) -> float:
    """Feet line of a person ``height_px`` tall: nearer (taller) people stand lower in the picture."""
    rel = height_px / height
    return min(height * (0.62 + 0.75 * (rel - 0.5)), height - 3.)


def _walker(rng: np.random.Generator, width: int, height: int, direction: float, cross: Tuple[float, float],
            duration: float) -> Motion:
    """A walker heading ``direction`` (+1 right, -1 left) who passes x = cross[0] at t = cross[1] s."""
    h = rng.uniform(0.5, 0.8) * height
    speed = rng.uniform(0.35, 0.6) * h  # px/s
    x0 = cross[0] - direction * speed * cross[1]
    return Motion('walk',
                  sample_pose(rng, 'stand', jitter_deg=3.),
                  sample_proportions(rng),
                  sample_look(rng), (x0, _ground_y(h, height)), (direction * speed, 0.),
                  h,
                  yaw=-direction * rng.uniform(40., 70.),
                  gait_hz=speed / h * 1.6,
                  stride=rng.uniform(18., 30.),
                  phase=rng.random())


def _stander(rng: np.random.Generator, width: int, height: int) -> Motion:
    h = rng.uniform(0.5, 0.75) * height
    kind = 'wave' if rng.random() < 0.5 else 'turn'
    x = rng.uniform(0.2, 0.8) * width
    return Motion(kind,
                  sample_pose(rng, 'stand', jitter_deg=3.),
                  sample_proportions(rng),
                  sample_look(rng), (x, _ground_y(h, height)), (rng.uniform(-8., 8.), 0.),
                  h,
                  yaw=rng.uniform(-30., 30.),
                  arm_hz=rng.uniform(0.8, 1.8),
                  turn_deg=rng.uniform(40., 70.),
                  turn_hz=rng.uniform(0.2, 0.4),
                  phase=rng.random(),
                  side='left' if rng.random() < 0.5 else 'right')


def sample_motions(rng: np.random.Generator, width: int, height: int, duration: float) -> List[Motion]:
    """Two walkers in opposite directions who cross in the middle third of the clip and picture, and
    with probability 0.6 a third person standing (waving or turning); far to near."""
    tc, xc = rng.uniform(0.35, 0.65) * duration, rng.uniform(0.35, 0.65) * width
    first = 1. if rng.random() < 0.5 else -1.
    people = [
        _walker(rng, width, height, first, (xc, tc), duration),
        _walker(rng, width, height, -first, (xc + rng.normal(0, 10), tc + rng.normal(0, 0.2)), duration)
    ]
    if rng.random() < 0.6:
        people.append(_stander(rng, width, height))
    return sorted(people, key=lambda m: m.start[1])


def figure_at(motion: Motion, t: float) -> Figure:
    """``motion`` posed at ``t`` seconds and placed: pelvis at its x, lowest point on its ground line."""
    pose, yaw = motion.at(t)
    fig = place_figure(pose, motion.proportions, motion.look, yaw, 0., motion.height_px, (0., 0.))
    x, ground = motion.position(t)
    lowest = max(float(v[1]) for v in fig.points.values())
    return _translate(fig, x - float(fig.points['pelvis'][0]), ground - lowest)


# ------------------------------------------------------------------------------------------- frames
@dataclass
class Clip:
    """A clip to render: its background, people (far to near), camera settings and frame times."""
    background: np.ndarray
    motions: List[Motion]
    fps: float
    num_frames: int
    levels: np.ndarray  # (256,) uint8 LUT: the clip's gain and offset
    noise_sigma: float
    pole: Optional[np.ndarray]  # (4, 2) px, an occluder in front of everyone, or None
    seed: int

    def times(self) -> np.ndarray:
        return np.arange(self.num_frames) / self.fps


def make_clip(seed: int, index: int, num_frames: int = 100, fps: float = 25., image_size=(320, 256)) -> Clip:
    """Clip ``index`` of the set made with ``seed`` (not rendered)."""
    rng = clip_rng(seed, index)
    w, h = image_size
    background = make_background(rng, w, h)
    draw_background_shapes(Canvas(background, np.zeros((h, w), np.uint16)), rng, int(rng.integers(0, 5)))
    motions = sample_motions(rng, w, h, num_frames / fps)
    levels = np.arange(256, dtype=np.float32) * rng.uniform(0.85, 1.15) + rng.uniform(-15, 15)
    pole = None
    if rng.random() < 0.3:
        x, half = rng.uniform(0.1, 0.9) * w, rng.uniform(3., 7.)
        pole = np.array([[x - half, -2], [x + half, -2], [x + half, h + 2], [x - half, h + 2]])
    return Clip(background, motions, float(fps), int(num_frames),
                np.clip(levels + 0.5, 0, 255).astype(np.uint8), float(rng.uniform(0., 3.)), pole,
                int(rng.integers(2**31)))


def render_frame(clip: Clip, frame: int) -> Tuple[np.ndarray, List[dict]]:
    """Frame ``frame`` of ``clip``: the (H, W, 3) uint8 BGR picture and its people as dicts with
    ``track_id`` (the person's index in ``clip.motions``), ``keypoints`` (17, 3) and ``bbox`` [x, y, w, h]."""
    t = frame / clip.fps
    image = clip.background.copy()
    labels = np.zeros(image.shape[:2], np.uint16)
    figures = [figure_at(m, t) for m in clip.motions]
    canvas, silhouettes = render_people(figures, image, labels)
    if clip.pole is not None:
        canvas.fill(clip.pole, (60., 60., 70.), FRONT_OCCLUDER, outline=0.6)
    people = [
        dict(track_id=a.person, keypoints=a.keypoints, bbox=a.bbox, area=a.area)
        for a in annotate(figures, Rendering(image, labels, silhouettes))
    ]
    image = cv2.LUT(image, clip.levels)
    if clip.noise_sigma > 0.5:
        rng = np.random.default_rng([clip.seed, frame])
        noise = (rng.random(image.shape, dtype=np.float32) - 0.5) * (clip.noise_sigma * np.sqrt(12.))
        image = np.clip(image + noise + 0.5, 0, 255).astype(np.uint8)
    return image, people


# ------------------------------------------------------------------------------------------- files
def clip_paths(out_dir: str, name: str) -> Dict[str, str]:
    return dict(video=osp.join(out_dir, 'videos', f'{name}.mp4'),
                images=osp.join(out_dir, 'images', name),
                annotations=osp.join(out_dir, 'annotations', f'{name}.json'))


def _coco(name: str, vid_id: int, clip: Clip, frames: List[List[dict]], size) -> dict:
    w, h = size
    images, annotations = [], []
    for f, people in enumerate(frames):
        image_id = vid_id * 10000 + f + 1
        images.append(
            dict(id=image_id,
                 file_name=f'{name}/{f:06d}.jpg',
                 width=w,
                 height=h,
                 vid_id=vid_id,
                 frame_id=f,
                 nframes=clip.num_frames,
                 timestamp=round(f / clip.fps, 6)))
        for p in people:
            kpts = np.round(p['keypoints'], 2)
            annotations.append(
                dict(id=image_id * 100 + p['track_id'],
                     image_id=image_id,
                     category_id=1,
                     track_id=p['track_id'],
                     keypoints=[float(v) if i % 3 < 2 else int(v) for i, v in enumerate(kpts.ravel())],
                     num_keypoints=int((p['keypoints'][:, 2] > 0).sum()),
                     bbox=[round(float(v), 2) for v in p['bbox']],
                     area=float(p['area']),
                     iscrowd=0))
    return dict(info=dict(description=f'rtmpose_ext synthetic video {name}',
                          version=VIDEO_VERSION,
                          fps=clip.fps,
                          people=[describe(m) for m in clip.motions]),
                licenses=[],
                images=images,
                annotations=annotations,
                categories=coco_categories())


def write_clip(out_dir: str, name: str, vid_id: int, clip: Clip, image_size) -> str:
    """Render ``clip`` into its mp4, JPEG frames and annotation file (written to temporary names first);
    return the annotation file's path."""
    paths = clip_paths(out_dir, name)
    for folder in (osp.dirname(paths['video']), paths['images'], osp.dirname(paths['annotations'])):
        os.makedirs(folder, exist_ok=True)
    tmp_video = paths['video'] + '.tmp.mp4'
    writer = cv2.VideoWriter(tmp_video, cv2.VideoWriter_fourcc(*FOURCC), clip.fps, tuple(image_size))
    if not writer.isOpened():
        raise RuntimeError(f'OpenCV cannot write {FOURCC} video to {tmp_video}')
    frames = []
    try:
        for f in range(clip.num_frames):
            image, people = render_frame(clip, f)
            writer.write(image)
            cv2.imwrite(osp.join(paths['images'], f'{f:06d}.jpg'), image,
                        [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
            frames.append(people)
    finally:
        writer.release()
    os.replace(tmp_video, paths['video'])
    tmp = paths['annotations'] + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(_coco(name, vid_id, clip, frames, image_size), f, separators=(',', ':'))
    os.replace(tmp, paths['annotations'])
    return paths['annotations']


def generate_clips(out_dir: str,
                   num_clips: int = 3,
                   num_frames: int = 100,
                   fps: float = 25.,
                   seed: int = 0,
                   image_size: Sequence[int] = (320, 256),
                   force: bool = False,
                   progress=sys.stderr) -> List[str]:
    """Make clips ``clip_000`` ... under ``out_dir`` (skipped when made alike before, unless ``force``);
    return their annotation files."""
    _check_args(num_clips, num_frames, fps, seed, image_size)
    manifest = dict(version=VIDEO_VERSION,
                    num_clips=int(num_clips),
                    num_frames=int(num_frames),
                    fps=float(fps),
                    seed=int(seed),
                    image_size=[int(v) for v in image_size])
    manifest_file = osp.join(out_dir, 'annotations', 'clips.manifest.json')
    names = [f'clip_{i:03d}' for i in range(num_clips)]
    anns = [clip_paths(out_dir, n)['annotations'] for n in names]
    if not force and osp.isfile(manifest_file) and all(osp.isfile(a) for a in anns):
        with open(manifest_file) as f:
            if json.load(f) == manifest:
                _say(progress,
                     f'[synthetic video] {out_dir}: {num_clips} clips already made with these arguments')
                return anns
    if osp.isfile(manifest_file):
        os.remove(manifest_file)
    t0 = time.perf_counter()
    for i, name in enumerate(names):
        clip = make_clip(seed, i, num_frames, fps, tuple(image_size))
        write_clip(out_dir, name, i + 1, clip, tuple(image_size))
        _say(progress, f'[synthetic video] {name}: {num_frames} frames ({time.perf_counter() - t0:.1f} s)')
    with open(manifest_file, 'w') as f:
        json.dump(manifest, f)
    return anns


def _say(stream, text: str) -> None:
    if stream is not None:
        stream.write(text + '\n')
        stream.flush()


def _check_args(num_clips, num_frames, fps, seed, image_size) -> None:
    checks = [('num_clips', isinstance(num_clips, int) and num_clips >= 1, 'an int >= 1'),
              ('num_frames', isinstance(num_frames, int) and num_frames >= 3, 'an int >= 3'),
              ('fps', fps > 0, '> 0'), ('seed', isinstance(seed, int) and seed >= 0, 'an int >= 0'),
              ('image_size', len(image_size) == 2 and min(image_size) >= 64, '(width, height), both >= 64')]
    for name, ok, expected in checks:
        if not ok:
            value = {
                'num_clips': num_clips,
                'num_frames': num_frames,
                'fps': fps,
                'seed': seed,
                'image_size': image_size
            }[name]
            raise ValueError(f'{name} must be {expected}, got {value!r}')


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog='python -m rtmpose_ext.datasets.synthetic.video',
                                description='Synthetic video clips of moving people with per-frame COCO '
                                'keypoints and PoseTrack track ids.')
    p.add_argument('--out',
                   default='data/synthetic_video',
                   help='output folder (default: data/synthetic_video)')
    p.add_argument('--clips', type=int, default=3, help='number of clips (default 3)')
    p.add_argument('--frames', type=int, default=100, help='frames per clip (default 100)')
    p.add_argument('--fps', type=float, default=25., help='frame rate (default 25)')
    p.add_argument('--seed', type=int, default=0, help='base random seed (default 0)')
    p.add_argument('--size',
                   type=int,
                   nargs=2,
                   default=(320, 256),
                   metavar=('W', 'H'),
                   help='frame size in px (default 320 256)')
    p.add_argument('--force', action='store_true', help='remake the clips even if already made alike')
    args = p.parse_args(argv)
    try:
        generate_clips(args.out, args.clips, args.frames, args.fps, args.seed, tuple(args.size), args.force)
    except ValueError as e:
        p.error(str(e))


if __name__ == '__main__':
    main()
