"""torch 2.13's torch.onnx.export defaults to dynamo=True; mmdeploy's torch2onnx must still export."""
import os.path as osp

import numpy as np
import pytest
import torch

import rtmpose_ext  # noqa: F401  (applies the fix)
from rtmpose_ext.compat import apply_onnx_export_fix

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
MODEL_CFG = osp.join(REPO, 'configs', 'rtmpose', 'rtmpose-t_8xb256-420e_coco-256x192.py')
DEPLOY_CFG = osp.join(REPO, 'configs', 'deploy', 'pose-detection_simcc_onnxruntime_dynamic.py')


@pytest.fixture
def recorder(monkeypatch):
    """torch.onnx.export replaced by a recorder of its kwargs, then wrapped by the fix."""
    calls = []

    def fake_export(*args, dynamo=True, **kwargs):
        calls.append(dynamo)

    monkeypatch.setattr(torch.onnx, 'export', fake_export)
    apply_onnx_export_fix()
    return calls


def _call_as(module_name: str, **kwargs):
    """Call torch.onnx.export from code whose module is ``module_name``."""
    scope = {'__name__': module_name, 'torch': torch, 'kwargs': kwargs}
    exec('torch.onnx.export(None, (), "x.onnx", **kwargs)', scope)


def test_only_mmdeploy_calls_get_the_torchscript_exporter(recorder):
    _call_as('mmdeploy.apis.onnx.export')
    _call_as('user_code')
    _call_as('mmdeploy_lookalike')
    _call_as('mmdeploy.apis.onnx.export', dynamo=True)
    assert recorder == [False, True, True, True]


def test_fix_is_idempotent():
    before = torch.onnx.export
    apply_onnx_export_fix()
    assert torch.onnx.export is before


def _export(tmp_path):
    from mmdeploy.apis import torch2onnx
    img = np.random.default_rng(0).integers(0, 255, (256, 192, 3), dtype=np.uint8)
    torch2onnx(img, str(tmp_path), 'end2end.onnx', DEPLOY_CFG, MODEL_CFG, model_checkpoint=None, device='cpu')
    return tmp_path / 'end2end.onnx'


@pytest.mark.slow
def test_torch2onnx_fails_without_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.onnx, 'export', torch.onnx.export.__wrapped__)
    with pytest.raises(Exception):
        _export(tmp_path)
        import onnx
        onnx.checker.check_model(str(tmp_path / 'end2end.onnx'))


@pytest.mark.slow
def test_torch2onnx_exports_rtmpose_t(tmp_path):
    import onnx
    import onnxruntime as ort
    path = _export(tmp_path)
    model = onnx.load(str(path))
    onnx.checker.check_model(model)
    assert [o.name for o in model.graph.output] == ['simcc_x', 'simcc_y']
    sess = ort.InferenceSession(str(path), providers=['CPUExecutionProvider'])
    x = np.random.default_rng(1).standard_normal((2, 3, 256, 192)).astype(np.float32)
    simcc_x, simcc_y = sess.run(None, {'input': x})
    assert simcc_x.shape == (2, 17, 384) and simcc_y.shape == (2, 17, 512)
    assert np.isfinite(simcc_x).all() and np.isfinite(simcc_y).all()
