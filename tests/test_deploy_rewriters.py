"""Our MMDeploy rewriters: registration, path resolution, numerics in and out of the rewrite context,
the graph-side decoding, and the default-scope fix for MMDeploy's task processor."""
import numpy as np
import pytest
import torch
from mmengine.config import Config

import rtmpose_ext  # noqa: F401
import rtmpose_ext.deploy  # noqa: F401  (registers the rewriters)
from rtmpose_ext.codecs import SimCCLabel
from rtmpose_ext.deploy.rewriters import decode_simcc_graph, overflow_safe_scale_norm
from rtmpose_ext.models.heads import RTMCCHead, SimCCHead
from rtmpose_ext.models.utils import RTMCCBlock, Scale, ScaleNorm

from test_deploy_support import MODEL_CFG, deploy_cfg, ORT

OUR_PATHS = [
    'rtmpose_ext.models.heads.RTMCCHead.forward',
    'rtmpose_ext.models.heads.SimCCHead.forward',
    'rtmpose_ext.models.utils.ScaleNorm.forward',
    'rtmpose_ext.models.utils.RTMCCBlock._forward',
    'rtmpose_ext.models.utils.Scale.forward',
]


def _cfg(backend='onnxruntime', **codebase):
    return Config(dict(codebase_config=dict(type='mmpose', task='PoseDetection', **codebase),
                       backend_config=dict(type=backend), onnx_config=dict(type='onnx')))


def _rewritten(module, inputs, backend='onnxruntime', **codebase):
    """``module(inputs)`` inside MMDeploy's rewriter context of ``backend``."""
    from mmdeploy.core import RewriterContext
    with RewriterContext(cfg=_cfg(backend, **codebase), backend=backend), torch.no_grad():
        return module(inputs)


def _head(**gau):
    torch.manual_seed(0)
    gau_cfg = dict(hidden_dims=64, s=32, expansion_factor=2, dropout_rate=0., drop_path=0., act_fn='SiLU',
                   use_rel_bias=False, pos_enc=False)
    gau_cfg.update(gau)
    head = RTMCCHead(in_channels=16, out_channels=5, input_size=(48, 64), in_featuremap_size=(6, 8),
                     final_layer_kernel_size=7, gau_cfg=gau_cfg,
                     decoder=dict(type='SimCCLabel', input_size=(48, 64), sigma=(4.9, 5.66),
                                  simcc_split_ratio=2.0, normalize=False))
    return head.eval()


def test_rewriters_are_registered_for_our_paths():
    from mmdeploy.core import FUNCTION_REWRITER
    records = FUNCTION_REWRITER._registry._rewrite_records
    assert set(OUR_PATHS) <= set(records)


@pytest.mark.parametrize('path', OUR_PATHS)
def test_mmdeploy_resolves_our_paths_to_our_classes(path):
    from mmdeploy.core.rewriters.rewriter_utils import import_function
    func, cls = import_function(path)
    owner = {'RTMCCHead': RTMCCHead, 'SimCCHead': SimCCHead, 'ScaleNorm': ScaleNorm, 'RTMCCBlock': RTMCCBlock,
             'Scale': Scale}[path.split('.')[-2]]
    assert cls is owner and func is getattr(owner, path.split('.')[-1])


def test_head_exports_logits_equal_to_its_forward():
    head = _head()
    feats = (torch.randn(2, 16, 8, 6) * 30, )
    with torch.no_grad():
        expected = head(feats)
    got = _rewritten(head, feats)
    for g, e in zip(got, expected):
        torch.testing.assert_close(g, e, rtol=1e-5, atol=1e-5)
    assert RTMCCHead.forward is not None and head(feats)[0].shape == (2, 5, 96)  # context left cleanly


def test_export_postprocess_decodes_as_our_codec():
    head = _head()
    feats = (torch.randn(3, 16, 8, 6), )
    with torch.no_grad():
        simcc_x, simcc_y = head(feats)
    simcc_x[0, 1] = -1.0  # a keypoint whose score is <= 0 gets location -1 (then / split ratio)
    keypoints, scores = decode_simcc_graph(simcc_x, simcc_y, 2.0)
    ref_kpts, ref_scores = SimCCLabel(input_size=(48, 64), sigma=(4.9, 5.66), normalize=False).decode(
        simcc_x.numpy(), simcc_y.numpy())
    np.testing.assert_array_equal(keypoints.numpy(), ref_kpts)
    np.testing.assert_array_equal(scores.numpy(), ref_scores)
    assert keypoints[0, 1].tolist() == [-0.5, -0.5]

    got_kpts, got_scores = _rewritten(head, feats, export_postprocess=True)
    with torch.no_grad():
        ref = SimCCLabel(input_size=(48, 64), sigma=(4.9, 5.66), normalize=False).decode(
            *(t.numpy() for t in head(feats)))
    np.testing.assert_allclose(got_kpts.numpy(), ref[0])
    np.testing.assert_allclose(got_scores.numpy(), ref[1], rtol=1e-5)


def test_export_postprocess_refuses_dark():
    head = _head()
    head.decoder.use_dark = True
    with pytest.raises(ValueError, match='use_dark'):
        _rewritten(head, (torch.randn(1, 16, 8, 6), ), export_postprocess=True)


@pytest.mark.parametrize('explicit_broadcast', [False, True])
def test_overflow_safe_scale_norm_is_scale_norm(explicit_broadcast):
    x = torch.randn(2, 17, 48, dtype=torch.float64) * torch.logspace(-6, 4, 17, dtype=torch.float64)[:, None]
    norm = ScaleNorm(48)
    norm.g.data.fill_(1.7)
    expected = norm(x)
    got = overflow_safe_scale_norm(x, norm.scale, norm.eps, norm.g.double(), explicit_broadcast)
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=0)
    zeros = torch.zeros(1, 2, 48, dtype=torch.float64)
    assert torch.equal(overflow_safe_scale_norm(zeros, norm.scale, norm.eps, norm.g.double()), zeros)


def test_overflow_safe_scale_norm_stays_finite_in_float16():
    """Every float16 intermediate of the safe form stays <= max|x|; the plain form's sum of squares
    overflows (65504) as soon as the row's RMS exceeds 37 (48 values)."""
    x = torch.full((1, 1, 48), 300., dtype=torch.float16)
    plain = (x * x).sum(-1)  # float16 squares and sum, as an fp16 ReduceL2 computes them
    assert torch.isinf(plain).all()
    g = torch.ones(1, dtype=torch.float16)
    out = overflow_safe_scale_norm(x, 48**-0.5, 1e-5, g)
    assert out.dtype == torch.float16 and torch.isfinite(out).all()
    torch.testing.assert_close(out.float(), torch.ones(1, 1, 48), rtol=2e-3, atol=0)


def test_scale_norm_rewrite_can_be_turned_off():
    norm = ScaleNorm(48)
    x = torch.randn(2, 3, 48) * 100
    with torch.no_grad():
        plain = norm(x)
    off = _rewritten(norm, x, scale_norm_overflow_safe=False)
    assert torch.equal(off, plain)  # the module's own forward, bit for bit
    on = _rewritten(norm, x)
    torch.testing.assert_close(on, plain, rtol=1e-6, atol=1e-6)


def test_ncnn_forms_compute_the_same():
    """The ncnn forms of the GAU (self- and cross-attention), ScaleNorm and Scale inside the ncnn
    rewrite context agree with the modules (one context for all variants: entering one takes ~1 s)."""
    from mmdeploy.core import RewriterContext
    cases = []
    for gau in (dict(), dict(pos_enc=True, use_rel_bias=True, act_fn='ReLU')):
        cases.append((_head(**gau), (torch.randn(1, 16, 8, 6) * 5, )))
    torch.manual_seed(0)
    cross = RTMCCBlock(5, 32, 32, s=16, attn_type='cross-attn', pos_enc=True, use_rel_bias=True).eval()
    cases.append((cross, (torch.randn(1, 5, 32), torch.randn(1, 7, 32), torch.randn(1, 7, 32))))
    with torch.no_grad():
        expected = [module(inputs) for module, inputs in cases]
        with RewriterContext(cfg=_cfg('ncnn'), backend='ncnn'):
            got = [module(inputs) for module, inputs in cases]
    for g, e in zip(got, expected):
        torch.testing.assert_close(g, e, rtol=1e-5, atol=1e-5)


@pytest.mark.slow  # ~18 s: MMDeploy's ncnn rewrite of Tensor.__getattribute__ inspects the stack per access
def test_ncnn_export_of_the_head_has_no_split(tmp_path):
    """The ncnn forms (for mmdeploy_onnx2ncnn) export without Split, with explicit 4-D broadcasts."""
    import onnx
    from mmdeploy.apis.onnx import export

    class Wrapper(torch.nn.Module):
        def __init__(self, head):
            super().__init__()
            self.head = head

        def forward(self, x):
            return self.head((x, ))

    cfg = _cfg('ncnn')
    export(Wrapper(_head()), torch.randn(1, 16, 8, 6), str(tmp_path / 'head'), backend='ncnn',
           input_names=['feats'], output_names=['simcc_x', 'simcc_y'], context_info=dict(deploy_cfg=cfg),
           opset_version=11, keep_initializers_as_inputs=False)
    ops = [n.op_type for n in onnx.load(str(tmp_path / 'head.onnx')).graph.node]
    assert 'Split' not in ops and ops.count('ReduceL2') == 2 and ops.count('ReduceMax') == 2


def test_task_processor_keeps_the_model_configs_scope(monkeypatch):
    """MMDeploy's task processor switches the default scope to 'mmpose' from its second use in a process
    (its codebase's register_all_modules), so a second build makes mmpose's head from type='RTMCCHead';
    with rtmpose_ext.deploy imported, BaseTask keeps the model config's scope."""
    from mmdeploy.apis import build_task_processor
    from mmdeploy.codebase.base.task import BaseTask
    model_cfg = Config.fromfile(MODEL_CFG)
    deploy = Config.fromfile(deploy_cfg(ORT))

    def heads():
        return [type(build_task_processor(model_cfg, deploy, 'cpu').build_pytorch_model(None).head)
                for _ in range(2)]

    assert heads() == [RTMCCHead, RTMCCHead]
    monkeypatch.setattr(BaseTask, '__init__', BaseTask.__init__.__wrapped__)
    assert heads()[1] is not RTMCCHead  # MMDeploy alone: mmpose's head (the reason for the fix)