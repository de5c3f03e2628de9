"""``python -m rtmpose_ext.apis.infer``: an image, a folder and an mp4 in, annotated outputs and JSON out;
clear errors and no half-written files for bad input; ``--help`` without torch.

The pose model is RTMPose-t with random weights exported to ONNX Runtime (``test_deploy_support``); the
detector is a stand-in giving one box around the middle of the picture (the person detector has tests of
its own), put in place of :func:`rtmpose_ext.apis.infer.load_models`.
"""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest

from rtmpose_ext.apis import infer
from rtmpose_ext.datasets.synthetic.video import generate_clips
from rtmpose_ext.deploy.runtime import PoseEstimator

from test_deploy_support import ORT, converted


class MiddleBox:

    def __call__(self, image):
        h, w = image.shape[:2]
        return np.array([[0.2 * w, 0.1 * h, 0.8 * w, 0.95 * h]], np.float32), np.array([0.9], np.float32)


@pytest.fixture(scope='module')
def models():
    return MiddleBox(), PoseEstimator(converted(ORT).work_dir)


@pytest.fixture(scope='module')
def clip(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('clips'))
    generate_clips(root, num_clips=1, num_frames=6, fps=25., progress=None)
    return root


@pytest.fixture
def cli(models, monkeypatch):
    monkeypatch.setattr(infer, 'load_models', lambda args: models)
    return lambda *argv: infer.main([str(a) for a in argv] + ['--det', 'unused', '--pose', 'unused'])


def leftovers(folder):
    return sorted(f for f in os.listdir(folder) if f.startswith('.'))


def test_image_in_annotated_image_and_json_out(cli, clip, tmp_path, capsys):
    image = osp.join(clip, 'images', 'clip_000', '000000.jpg')
    assert cli(image, '--out', tmp_path / 'out.jpg', '--json', tmp_path / 'out.json') == 0
    drawn = cv2.imread(str(tmp_path / 'out.jpg'))
    assert drawn.shape == cv2.imread(image).shape and not np.array_equal(drawn, cv2.imread(image))
    doc = json.loads((tmp_path / 'out.json').read_text())
    assert doc['kind'] == 'image' and len(doc['frames']) == 1
    frame = doc['frames'][0]
    assert set(frame) >= {'track_ids', 'boxes', 'keypoints', 'scores', 'timestamp', 'detected'}
    assert np.array(frame['keypoints']).shape[1:] in ((17, 2), ) or frame['track_ids'] == []
    assert 'frames/s' in capsys.readouterr().err
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize('kind', ['folder', 'video'])
def test_folder_and_mp4_in_video_and_json_out(cli, clip, tmp_path, kind):
    source = osp.join(clip, 'images', 'clip_000') if kind == 'folder' else osp.join(
        clip, 'videos', 'clip_000.mp4')
    assert cli(source, '--out', tmp_path / 'out.mp4', '--json', tmp_path / 'out.json', '--det-interval',
               2) == 0
    cap = cv2.VideoCapture(str(tmp_path / 'out.mp4'))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == 6
    doc = json.loads((tmp_path / 'out.json').read_text())
    assert doc['kind'] == kind and [f['frame_id'] for f in doc['frames']] == list(range(6))
    assert [f['detected'] for f in doc['frames']][::2] == [True] * 3
    assert leftovers(tmp_path) == []


def test_missing_camera_is_a_clear_error(cli, tmp_path, capsys):
    assert cli('9', '--out', tmp_path / 'out.mp4', '--json', tmp_path / 'out.json') == 2
    assert 'camera 9 cannot be opened' in capsys.readouterr().err
    assert os.listdir(tmp_path) == []


def test_unreadable_input_leaves_nothing_behind(cli, clip, tmp_path, capsys):
    folder = tmp_path / 'frames'
    shutil.copytree(osp.join(clip, 'images', 'clip_000'), folder)
    (folder / '000003.jpg').write_text('not a picture')
    assert cli(folder, '--out', tmp_path / 'out.mp4', '--json', tmp_path / 'out.json') == 2
    assert "000003.jpg' cannot be read as an image" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ['frames']
    assert cli(tmp_path / 'nothing.mp4') == 2
    assert 'does not exist' in capsys.readouterr().err


def test_bad_output_names_are_refused(cli, clip, tmp_path, capsys):
    video = osp.join(clip, 'videos', 'clip_000.mp4')
    assert cli(video, '--out', tmp_path / 'out.jpg') == 2
    assert 'an image output needs a single-image input' in capsys.readouterr().err
    assert cli(video, '--json', tmp_path / 'no' / 'out.json') == 2
    assert 'does not exist' in capsys.readouterr().err


def test_a_model_directory_of_another_task_is_refused(tmp_path):
    work_dir = tmp_path / 'model'
    shutil.copytree(converted(ORT).work_dir, work_dir)
    detail = json.loads((work_dir / 'detail.json').read_text())
    detail['codebase'] = dict(detail.get('codebase') or {}, task='ObjectDetection')
    (work_dir / 'detail.json').write_text(json.dumps(detail))
    with pytest.raises(ValueError, match="holds a model of task 'ObjectDetection'"):
        PoseEstimator(str(work_dir))


def test_help_is_fast_and_imports_no_torch():
    proc = subprocess.run([sys.executable, '-X', 'importtime', '-m', 'rtmpose_ext.apis.infer', '--help'],
                          capture_output=True,
                          text=True,
                          timeout=60)
    assert proc.returncode == 0 and '--det-interval' in proc.stdout
    imported = {line.split('|')[-1].strip().split('.')[0] for line in proc.stderr.splitlines() if '|' in line}
    assert 'cv2' in imported and not imported & {'torch', 'mmengine', 'mmpose', 'mmdet', 'mmdeploy', 'mmcv'}
