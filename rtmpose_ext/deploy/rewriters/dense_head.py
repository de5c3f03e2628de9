"""Rewriter of mmdet's ``BaseDenseHead.predict``: a detector graph that ends as mmdet's test does, with
NMS or without.

``codebase_config.with_nms`` (ours; default True) chooses:

- True: for RTMDet heads, the boxes of MMDeploy's rewritten ``predict_by_feat`` are clipped to the input
  and boxes of zero width or height get score 0 (mmdet clips in its box decoding and drops such boxes
  before NMS; MMDeploy's RTMDet export does neither), then MMDeploy's ``multiclass_nms`` (ONNX
  ``NonMaxSuppression``) with the model config's ``test_cfg`` (score_thr, nms.iou_threshold,
  max_per_img) and the deploy config's ``post_processing`` (max_output_boxes_per_class, pre_top_k).
  Outputs ``dets`` (N, K, 5) x1, y1, x2, y2, score in input pixels and ``labels`` (N, K). Other heads:
  MMDeploy's export unchanged.
- False: ``predict_by_feat`` without NMS: ``boxes`` (N, A, 4) x1, y1, x2, y2 in input pixels (not
  clipped) and ``scores`` (N, A, C) after the sigmoid, one row per prior; for backends without an NMS
  operator (ncnn), the runtime thresholds, clips and suppresses in numpy.

``test_cfg.min_bbox_size`` above 0 is applied by the runtime after the graph (mmdet applies it in
picture pixels, which the graph does not know).
"""
import torch
from mmdeploy.codebase.mmdet import get_post_processing_params
from mmdeploy.codebase.mmdet.deploy import utils as det_utils
from mmdeploy.core import FUNCTION_REWRITER
from mmdeploy.mmcv.ops import multiclass_nms
from mmdeploy.utils import get_codebase_config
from mmdet.models.dense_heads import RTMDetHead


def clipped_nms(head, boxes, scores, img_shape, deploy_cfg):
    """MMDeploy's ``multiclass_nms`` of ``boxes`` (N, A, 4) clipped to ``img_shape`` (h, w), with the
    scores (N, A, C) of empty boxes set to 0; returns ``dets`` (N, K, 5) and ``labels`` (N, K)."""
    x1, y1, x2, y2 = det_utils.clip_bboxes(boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3],
                                           img_shape)
    boxes = torch.stack([x1, y1, x2, y2], dim=-1)
    non_empty = ((x2 - x1) > 0) & ((y2 - y1) > 0)
    scores = scores * non_empty.unsqueeze(-1).to(scores.dtype)
    post_params = get_post_processing_params(deploy_cfg)
    cfg = head.test_cfg
    return multiclass_nms(boxes, scores, post_params.max_output_boxes_per_class,
                          nms_type=cfg.nms.get('type'),
                          iou_threshold=cfg.nms.get('iou_threshold', post_params.iou_threshold),
                          score_threshold=cfg.get('score_thr', post_params.score_threshold),
                          pre_top_k=post_params.pre_top_k,
                          keep_top_k=cfg.get('max_per_img', post_params.keep_top_k))


@FUNCTION_REWRITER.register_rewriter('mmdet.models.dense_heads.base_dense_head.BaseDenseHead.predict')
def base_dense_head__predict(self, x, batch_data_samples, rescale: bool = False):
    """``(dets, labels)`` after NMS, or ``(boxes, scores)`` with ``codebase_config.with_nms=False``."""
    ctx = FUNCTION_REWRITER.get_context()
    nms_in_graph = get_codebase_config(ctx.cfg).get('with_nms', True)
    if nms_in_graph and not isinstance(self, RTMDetHead):
        return ctx.origin_func(self, x, batch_data_samples, rescale=rescale)
    batch_img_metas = [data_samples.metainfo for data_samples in batch_data_samples]
    boxes, scores = self.predict_by_feat(*self(x), batch_img_metas=batch_img_metas, rescale=rescale,
                                         with_nms=False)
    if not nms_in_graph:
        return boxes, scores
    return clipped_nms(self, boxes, scores, batch_img_metas[0]['img_shape'], ctx.cfg)
