"""Multi-person pose tracking on an image, a folder of images, a video or a camera, with exported models.

    python -m rtmpose_ext.apis.infer INPUT --det DET_DIR --pose POSE_DIR [--out out.mp4] [--json out.json]
                                     [--det-interval K] [--det-thr T] [--no-smooth] [--show] [--threads N]
                                     [--max-frames N]

INPUT: an image file, a folder of images (name order), a video file, or a camera index (0 = the first).
DET_DIR / POSE_DIR: model directories written by ``python -m rtmpose_ext.deploy`` (a person detector and
a pose model). ``--out`` writes the frames with each person's skeleton in the colour of their track id
(.mp4 or .avi; an image for a single-image input); ``--json`` the track ids, boxes, keypoints and scores of
every frame. Both are written to temporary files and renamed when complete: nothing half-written is left.

Runs with numpy, OpenCV, scipy and the backend's runtime only: no torch, no OpenMMLab package. Exit status:
0 done, 2 bad input (unreadable file, missing camera, wrong model directory, bad option), 1 other errors.
"""
import argparse
import sys
import time
from typing import List, Optional, Sequence

from .frame_sources import InputError, open_source
from .outputs import JsonOutput, VideoOutput

PROG = 'python -m rtmpose_ext.apis.infer'


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog=PROG,
                                description=__doc__.split('\n\n')[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split('\n\n', 2)[2])
    p.add_argument('input', metavar='INPUT', help='image, folder of images, video file or camera index')
    p.add_argument('--det', required=True, metavar='DET_DIR', help='exported person detector directory')
    p.add_argument('--pose', required=True, metavar='POSE_DIR', help='exported pose model directory')
    p.add_argument('--out', help='annotated video (.mp4, .avi) or, for one image, an image file')
    p.add_argument('--json', help='per-frame results (.json)')
    p.add_argument('--det-interval',
                   type=int,
                   default=1,
                   metavar='K',
                   help='run the detector every K frames (default 1; 5-10 for speed, see the docs)')
    p.add_argument(
        '--det-thr',
        type=float,
        default=0.5,
        help="least detection score (default 0.5, MMDeploy's; lower for a weakly trained detector)")
    p.add_argument('--no-smooth', action='store_true', help='do not smooth keypoints (One-Euro filter)')
    p.add_argument('--show',
                   action='store_true',
                   help='show the annotated frames in a window (q or Esc quits)')
    p.add_argument('--threads',
                   type=int,
                   default=None,
                   metavar='N',
                   help='CPU threads per model (default: all)')
    p.add_argument('--max-frames', type=int, default=None, metavar='N', help='stop after N frames')
    p.add_argument('--kpt-thr', type=float, default=0.3, help='least keypoint score drawn (default 0.3)')
    args = p.parse_args(argv)
    for name in ('det_interval', 'threads', 'max_frames'):
        value = getattr(args, name)
        if value is not None and value < 1:
            p.error(f'--{name.replace("_", "-")}: expected an integer >= 1, got {value}')
    return args


def load_models(args: argparse.Namespace):
    """(detector, pose estimator) of the two model directories; errors name the directory."""
    from ..deploy.runtime import PoseEstimator, pipeline_engine_options
    try:
        from ..deploy.runtime import PersonDetector
    except ImportError as e:  # pragma: no cover - only without the detector runtime
        raise RuntimeError(f'the person detector runtime is not available: {e}') from e
    options = pipeline_engine_options(args.threads)
    try:
        detector = PersonDetector(args.det, **options)
    except (FileNotFoundError, ValueError, KeyError) as e:
        raise InputError(f'--det {args.det!r}: {e}') from e
    try:
        estimator = PoseEstimator(args.pose, **options)
    except (FileNotFoundError, ValueError, KeyError) as e:
        raise InputError(f'--pose {args.pose!r}: {e}') from e
    return detector, estimator


class ProgressBar:
    """``[#####.....] 40/100 frames, 23.5 frames/s`` on stderr, redrawn at most 4 times a second."""

    def __init__(self, total: Optional[int], stream=None, width: int = 30):
        self.total, self.stream, self.width = total, stream or sys.stderr, width
        self.done, self.t0, self.shown = 0, time.perf_counter(), 0.

    @property
    def fps(self) -> float:
        elapsed = time.perf_counter() - self.t0
        return self.done / elapsed if elapsed > 0 else 0.

    def step(self) -> None:
        self.done += 1
        now = time.perf_counter()
        if now - self.shown >= 0.25 or self.done == self.total:
            self.shown = now
            self.stream.write('\r' + self.text())
            self.stream.flush()

    def text(self) -> str:
        if self.total:
            filled = int(self.width * self.done / self.total)
            bar = f'[{"#" * filled}{"." * (self.width - filled)}] {self.done}/{self.total}'
        else:
            bar = f'{self.done}'
        return f'{bar} frames, {self.fps:.1f} frames/s'

    def close(self) -> None:
        self.stream.write('\n')
        self.stream.flush()


def frame_record(index: int, timestamp: float, result) -> dict:
    """One frame of the JSON output."""
    return dict(frame_id=index,
                timestamp=round(float(timestamp), 6),
                detected=bool(result.detected),
                track_ids=result.track_ids.tolist(),
                boxes=result.boxes.round(2).tolist(),
                keypoints=result.keypoints.round(2).tolist(),
                scores=result.scores.round(4).tolist())


def run(args: argparse.Namespace, source, tracker, outputs: List) -> ProgressBar:
    """Track every frame of ``source``; write, show and record them."""
    from ..deploy.runtime.draw import draw_poses
    import cv2
    video, record = outputs
    progress = ProgressBar(source.total if args.max_frames is
                           None else min(source.total or args.max_frames, args.max_frames))
    for index, (image, timestamp) in enumerate(source.frames()):
        if args.max_frames is not None and index >= args.max_frames:
            break
        result = tracker(image, timestamp)
        if record is not None:
            record.add(frame_record(index, timestamp, result))
        if video is not None or args.show:
            drawn = draw_poses(image, result.track_ids, result.boxes, result.keypoints, result.scores,
                               args.kpt_thr)
            if video is not None:
                video.write(drawn)
            if args.show:
                cv2.imshow(PROG, drawn)
                if cv2.waitKey(1) & 0xFF in (ord('q'), 27):
                    break
        progress.step()
    progress.close()
    return progress


def make_tracker(args: argparse.Namespace, detector, estimator):
    from ..deploy.runtime import PoseTracker
    kwargs = dict(det_interval=args.det_interval, det_thr=args.det_thr)
    if args.no_smooth:
        kwargs['smooth_params'] = None
    return PoseTracker(detector, estimator, **kwargs)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    outputs: List = [None, None]
    source = None
    try:
        source = open_source(args.input)
        tracker = make_tracker(args, *load_models(args))
        if args.out:
            outputs[0] = VideoOutput(args.out, source.fps, source.size, source.kind == 'image')
        if args.json:
            outputs[1] = JsonOutput(
                args.json,
                dict(input=args.input,
                     kind=source.kind,
                     fps=source.fps,
                     width=source.size[0],
                     height=source.size[1],
                     det_interval=args.det_interval,
                     smooth=not args.no_smooth))
        progress = run(args, source, tracker, outputs)
        for output in outputs:
            if output is not None:
                output.commit()
    except InputError as e:
        _abort(outputs)
        print(f'{PROG}: error: {e}', file=sys.stderr)
        return 2
    except BaseException:
        _abort(outputs)
        raise
    finally:
        if source is not None:
            source.close()
    written = ', '.join(o.path for o in outputs if o is not None)
    print(f'{progress.done} frames, {progress.fps:.1f} frames/s' + (f'; wrote {written}' if written else ''))
    return 0


def _abort(outputs: List) -> None:
    for output in outputs:
        if output is not None:
            output.abort()


if __name__ == '__main__':
    sys.exit(main())
