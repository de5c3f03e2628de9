"""MMDeploy function rewriters for rtmpose_ext's classes and mmdet's dense heads (importing this module
registers them).

MMDeploy's own rewriters are keyed to mmpose's class paths (``mmpose.models.heads.RTMCCHead.forward``,
``mmpose.models.utils.rtmcc_block.ScaleNorm.forward``, ...), so none of them reaches our classes; these
are keyed to ours:

- ``RTMCCHead.forward`` / ``SimCCHead.forward``: the x/y logits, or with
  ``codebase_config.export_postprocess=True`` the decoded keypoints and scores (:mod:`.simcc_head`).
- ``ScaleNorm.forward``: a form whose L2 reduction cannot overflow in float16 (:mod:`.scale_norm`).
- ``RTMCCBlock._forward`` and ``Scale.forward`` for ncnn: no split/unbind, explicit broadcasts
  (:mod:`.rtmcc_block`).

and one to mmdet's: ``BaseDenseHead.predict``, a detector graph without NMS with
``codebase_config.with_nms=False`` (:mod:`.dense_head`).
"""
from . import dense_head, rtmcc_block, scale_norm, simcc_head  # noqa: F401  (registers the rewriters)
from .scale_norm import overflow_safe_scale_norm
from .simcc_head import decode_simcc_graph

__all__ = ['decode_simcc_graph', 'overflow_safe_scale_norm']
