"""torch 2.13 loads with weights_only=True; mmengine checkpoints must still load and resume."""
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner import CheckpointLoader, load_checkpoint

import rtmpose_ext  # noqa: F401  (applies the fix)
from rtmpose_ext.compat import apply_checkpoint_loading_fix
from toy_runner import make_toy_runner


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """A Runner trained 2 epochs, with its epoch_1/epoch_2 checkpoints and final weights."""
    work_dir = tmp_path_factory.mktemp('ckpt')
    runner = make_toy_runner(work_dir, max_epochs=2)
    runner.train()
    return work_dir, {k: v.clone() for k, v in runner.model.state_dict().items()}


def test_the_problem_exists_plain_torch_load_rejects_mmengine_checkpoints(trained):
    work_dir, _ = trained
    with pytest.raises(pickle.UnpicklingError, match='HistoryBuffer|weights_only'):
        torch.load(work_dir / 'epoch_2.pth')


def test_unwrapped_mmengine_loader_fails_and_ours_loads(trained):
    work_dir, weights = trained
    original = CheckpointLoader.load_checkpoint.__wrapped__
    with pytest.raises(pickle.UnpicklingError):
        original(CheckpointLoader, str(work_dir / 'epoch_2.pth'), 'cpu', 'current')
    ckpt = CheckpointLoader.load_checkpoint(str(work_dir / 'epoch_2.pth'), map_location='cpu')
    assert ckpt['meta']['epoch'] == 2
    assert isinstance(ckpt['message_hub']['log_scalars']['train/loss'], HistoryBuffer)
    for k, v in weights.items():
        torch.testing.assert_close(ckpt['state_dict'][k], v)


def test_load_checkpoint_into_model(trained):
    work_dir, weights = trained
    from toy_runner import ToyModel
    model = ToyModel()
    load_checkpoint(model, str(work_dir / 'epoch_2.pth'), map_location='cpu', strict=True)
    for k, v in weights.items():
        torch.testing.assert_close(model.state_dict()[k], v)


def test_runner_resumes_from_checkpoint(trained, tmp_path):
    work_dir, _ = trained
    runner = make_toy_runner(tmp_path, max_epochs=3, resume=True, load_from=str(work_dir / 'epoch_1.pth'))
    runner.train()
    assert runner.epoch == 3
    assert (tmp_path / 'epoch_3.pth').exists() and not (tmp_path / 'epoch_1.pth').exists()
    resumed = CheckpointLoader.load_checkpoint(str(tmp_path / 'epoch_3.pth'), map_location='cpu')
    assert resumed['meta']['epoch'] == 3
    assert 'optimizer' in resumed and resumed['optimizer']['state']


class NotAllowed:
    """A type that no allow-list names."""


def test_fix_stays_narrow(tmp_path):
    path = tmp_path / 'with_other_object.pth'
    torch.save({'state_dict': {}, 'meta': {'x': NotAllowed()}}, path)
    with pytest.raises(pickle.UnpicklingError, match='add_safe_globals'):
        CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    # plain torch.load outside mmengine's loader is as strict as before
    buf = tmp_path / 'history.pth'
    torch.save({'h': HistoryBuffer()}, buf)
    with pytest.raises(pickle.UnpicklingError):
        torch.load(buf)


def test_numpy1_names_in_old_checkpoints(tmp_path):
    """Files written under numpy 1.x call the array rebuild 'numpy.core.multiarray._reconstruct'."""
    path = tmp_path / 'numpy1.pth'
    torch.save({'state_dict': {'w': torch.ones(2)}, 'meta': {'a': np.arange(3.0), 's': np.float64(2.5)}},
               path, _use_new_zipfile_serialization=False, pickle_protocol=2)
    raw = path.read_bytes()
    assert b'numpy._core.multiarray' in raw
    path.write_bytes(raw.replace(b'numpy._core.multiarray', b'numpy.core.multiarray'))
    ckpt = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    np.testing.assert_array_equal(ckpt['meta']['a'], np.arange(3.0))
    assert ckpt['meta']['s'] == 2.5


def test_fix_is_idempotent():
    before = CheckpointLoader.__dict__['load_checkpoint'].__func__
    apply_checkpoint_loading_fix()
    assert CheckpointLoader.__dict__['load_checkpoint'].__func__ is before
