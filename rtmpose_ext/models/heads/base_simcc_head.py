"""Shared predict/loss of the SimCC-style heads (RTMCCHead, SimCCHead): everything after ``forward``."""
import warnings
from typing import Optional, Sequence, Tuple

import torch
from mmengine.dist import get_dist_info
from mmengine.structures import PixelData
from mmpose.evaluation.functional import simcc_pck_accuracy
from mmpose.models.heads.base_head import BaseHead
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import InstanceList, OptConfigType, OptSampleList
from torch import Tensor

from ..utils.flip_simcc import flip_simcc_vectors
from ..utils.simcc_heatmaps import normalize_simcc, simcc_to_heatmaps


class BaseSimCCHead(BaseHead):
    """A :class:`mmpose.models.heads.base_head.BaseHead` whose ``forward`` returns SimCC logits
    ``(pred_x, pred_y)`` of shapes (B, K, Wx), (B, K, Wy).

    Subclasses set ``self.loss_module``, ``self.decoder`` and ``self.simcc_split_ratio`` and implement
    ``forward``; this class gives ``predict`` (flip test, decoding, optional heatmaps) and ``loss`` (the
    loss module plus the SimCC PCK accuracy), as mmpose's RTMCCHead / SimCCHead do.
    """

    def _heatmap_sigma(self) -> Tuple[Optional[float], Optional[float]]:
        """Sigmas (x, y) by which ``output_heatmaps`` divides the logits first; (None, None): none."""
        return None, None

    def predict(self, feats, batch_data_samples: OptSampleList, test_cfg: OptConfigType = {}) -> InstanceList:
        """Decode keypoints from features.

        Args:
            feats (tuple[Tensor] | list[tuple[Tensor]]): Multi-level features; with
                ``test_cfg['flip_test']``, the list ``[feats, feats_of_flipped_image]``.
            batch_data_samples (list[PoseDataSample]): The batch's data samples; with flip test, the first
                one's ``metainfo['flip_indices']`` gives the mirror keypoints.
            test_cfg (dict): ``flip_test`` (bool) and ``output_heatmaps`` (bool). Defaults to {}.

        Returns:
            list[InstanceData] | tuple[list[InstanceData], list[PixelData]]: Per sample ``keypoints``
            (n, K, 2) and ``keypoint_scores`` (n, K) (plus ``keypoints_visible`` if the decoder gives it);
            with ``output_heatmaps`` also ``keypoint_x_labels`` / ``keypoint_y_labels`` and, second, the
            (K, Wy, Wx) heatmaps.
        """
        test_cfg = test_cfg or {}
        if test_cfg.get('flip_test', False):
            if not (isinstance(feats, list) and len(feats) == 2):
                raise ValueError(f'{type(self).__name__}.predict: flip_test needs the list [feats, '
                                 f'flipped_feats], got {type(feats).__name__}')
            flip_indices = batch_data_samples[0].metainfo['flip_indices']
            _feats, _feats_flip = feats
            _pred_x, _pred_y = self.forward(_feats)
            _pred_x_flip, _pred_y_flip = flip_simcc_vectors(*self.forward(_feats_flip), flip_indices)
            batch_pred_x = (_pred_x + _pred_x_flip) * 0.5
            batch_pred_y = (_pred_y + _pred_y_flip) * 0.5
        else:
            batch_pred_x, batch_pred_y = self.forward(feats)

        preds = self.decode((batch_pred_x, batch_pred_y))

        if not test_cfg.get('output_heatmaps', False):
            return preds

        rank, _ = get_dist_info()
        if rank == 0:
            warnings.warn('The predicted simcc values are normalized for visualization. This may cause '
                          'discrepancy between the keypoint scores and the 1D heatmaps.')
        sigma_x, sigma_y = self._heatmap_sigma()
        batch_pred_x = normalize_simcc(batch_pred_x, sigma_x)
        batch_pred_y = normalize_simcc(batch_pred_y, sigma_y)
        batch_heatmaps = simcc_to_heatmaps(batch_pred_x, batch_pred_y)
        pred_fields = [PixelData(heatmaps=hm) for hm in batch_heatmaps.detach()]
        for pred_instances, pred_x, pred_y in zip(preds, to_numpy(batch_pred_x), to_numpy(batch_pred_y)):
            pred_instances.keypoint_x_labels = pred_x[None]
            pred_instances.keypoint_y_labels = pred_y[None]
        return preds, pred_fields

    def loss(self,
             feats: Tuple[Tensor],
             batch_data_samples: OptSampleList,
             train_cfg: OptConfigType = {}) -> dict:
        """``loss_kpt`` (the loss module on the SimCC logits) and ``acc_pose`` (PCK@0.05 of the argmax
        locations, mmpose's ``simcc_pck_accuracy``) from the samples' ``gt_instance_labels``
        (``keypoint_x_labels``, ``keypoint_y_labels``, ``keypoint_weights``)."""
        pred_x, pred_y = self.forward(feats)
        labels = [d.gt_instance_labels for d in batch_data_samples]
        gt_x = torch.cat([lb.keypoint_x_labels for lb in labels], dim=0)
        gt_y = torch.cat([lb.keypoint_y_labels for lb in labels], dim=0)
        keypoint_weights = torch.cat([lb.keypoint_weights for lb in labels], dim=0)

        pred_simcc = (pred_x, pred_y)
        gt_simcc = (gt_x, gt_y)
        losses = dict(loss_kpt=self.loss_module(pred_simcc, gt_simcc, keypoint_weights))

        _, avg_acc, _ = simcc_pck_accuracy(
            output=to_numpy(pred_simcc),
            target=to_numpy(gt_simcc),
            simcc_split_ratio=self.simcc_split_ratio,
            mask=to_numpy(keypoint_weights) > 0,
        )
        losses.update(acc_pose=torch.tensor(avg_acc, device=gt_x.device))
        return losses

    @staticmethod
    def _check_flat_size(head_name: str, feats: Tensor, size: Sequence[int], flatten_dims: int) -> None:
        """Raise a ``ValueError`` naming the shapes if ``feats`` (B, C, H, W), the map about to be flattened,
        does not have ``flatten_dims`` = W * H cells (``size`` = (W, H)); skipped while tracing/exporting."""
        if torch.jit.is_tracing() or torch.onnx.is_in_onnx_export():
            return
        if feats.ndim != 4 or feats.shape[-1] * feats.shape[-2] != flatten_dims:
            raise ValueError(f'{head_name}: the map to flatten should be (B, C, H, W) with W x H = '
                             f'{tuple(size)} ({flatten_dims} cells, from in_featuremap_size), got shape '
                             f'{tuple(feats.shape)}')
