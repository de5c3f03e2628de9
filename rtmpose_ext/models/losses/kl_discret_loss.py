"""KL divergence between softmax-normalised SimCC logits and (soft) 1-D labels.

SimCC (Li et al., ECCV 2022) treats each coordinate as a classification over ``W * k`` bins; RTMPose
(Jiang et al., 2023) trains it with a KL loss between ``softmax(logits * beta)`` and the Gaussian-smoothed
label, optionally itself sharpened with ``softmax(label * label_beta)``. ``beta = 1 / tau``: the paper's
temperature ``tau = 0.1`` is ``beta = 10``.
"""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from rtmpose_ext.registry import MODELS

_DEFAULT_BETA = 1.0


@MODELS.register_module()
class KLDiscretLoss(nn.Module):
    """Discrete KL divergence loss for SimCC with Gaussian label smoothing.

    For each axis (x, then y) and each instance-keypoint row ``i``::

        loss_i = mean_j( p_ij * (log p_ij - log_softmax(beta * pred_i)_j) )

    where ``p_i`` is the label row (``softmax(label_beta * gt_i)`` if ``label_softmax``), and a zero label
    entry contributes 0. Rows are multiplied by ``target_weight`` (if ``use_target_weight``), the rows of
    the keypoints in ``mask`` by ``mask_weight``; the sum over both axes is divided by ``K``. Value and
    gradient equal mmpose 1.3.2's ``KLDiscretLoss``.

    Args:
        beta (float): Factor on the logits before the softmax (the inverse temperature). Defaults to 1.0.
        label_softmax (bool): Apply a softmax to the labels. Defaults to False.
        label_beta (float): Factor on the labels before their softmax. Defaults to 10.0 (mmpose's
            docstring says 1.0; its code, and this class, use 10.0).
        use_target_weight (bool): Weight each keypoint's loss by ``target_weight``. Defaults to True.
        mask (Sequence[int], optional): Indices of keypoints whose loss is multiplied by ``mask_weight``.
            Defaults to None.
        mask_weight (float): Factor for the keypoints in ``mask``. Defaults to 1.0.
        tau (float, optional): Temperature, an alternative to ``beta``: ``beta = 1 / tau``. Not in mmpose.
            Giving ``tau`` together with a ``beta`` other than the default 1.0 is a ``ValueError``.
    """

    def __init__(self,
                 beta: float = _DEFAULT_BETA,
                 label_softmax: bool = False,
                 label_beta: float = 10.0,
                 use_target_weight: bool = True,
                 mask: Optional[Sequence[int]] = None,
                 mask_weight: float = 1.0,
                 tau: Optional[float] = None):
        super().__init__()
        if tau is not None:
            if beta != _DEFAULT_BETA:
                raise ValueError(f'KLDiscretLoss: give either tau (temperature, beta = 1/tau) or beta, not '
                                 f'both; got tau={tau!r} and beta={beta!r}')
            if not tau > 0:
                raise ValueError(f'KLDiscretLoss: tau must be > 0, got {tau!r}')
            beta = 1.0 / tau
        self.beta = beta
        self.tau = tau
        self.label_softmax = label_softmax
        self.label_beta = label_beta
        self.use_target_weight = use_target_weight
        self.mask = mask
        self.mask_weight = mask_weight

        # Same submodules as mmpose's (neither has parameters or buffers).
        self.log_softmax = nn.LogSoftmax(dim=1)
        self.kl_loss = nn.KLDivLoss(reduction='none')

    def criterion(self, dec_outs: Tensor, labels: Tensor) -> Tensor:
        """Per-row loss of logits ``dec_outs`` (M, W) against labels (M, W): shape (M,)."""
        log_pt = self.log_softmax(dec_outs * self.beta)
        if self.label_softmax:
            labels = F.softmax(labels * self.label_beta, dim=1)
        return torch.mean(self.kl_loss(log_pt, labels), dim=1)

    def forward(self, pred_simcc: Tuple[Tensor, ...], gt_simcc: Tuple[Tensor, ...],
                target_weight: Optional[Tensor]) -> Tensor:
        """Loss of predicted SimCC logits against their labels.

        Args:
            pred_simcc (tuple[Tensor]): Logits ``(pred_x, pred_y)`` of shapes (N, K, Wx) and (N, K, Wy).
            gt_simcc (tuple[Tensor]): Labels ``(gt_x, gt_y)`` of the same shapes.
            target_weight (Tensor, optional): Weights of N * K elements, e.g. shape (N, K). Only used
                (and only required) if ``use_target_weight``.

        Returns:
            Tensor: The scalar loss.
        """
        self._check_shapes(pred_simcc, gt_simcc, target_weight)
        N, K, _ = pred_simcc[0].shape

        weight = target_weight.reshape(-1) if self.use_target_weight else 1.

        loss = 0
        for pred, target in zip(pred_simcc, gt_simcc):
            pred = pred.reshape(-1, pred.size(-1))
            target = target.reshape(-1, target.size(-1))
            t_loss = self.criterion(pred, target).mul(weight)
            if self.mask is not None:
                t_loss = t_loss.reshape(N, K)
                t_loss[:, self.mask] = t_loss[:, self.mask] * self.mask_weight
            loss = loss + t_loss.sum()
        return loss / K

    def _check_shapes(self, pred_simcc, gt_simcc, target_weight) -> None:
        """Raise a ``ValueError`` that names the shapes if they do not fit together."""
        pred_shapes = [tuple(p.shape) for p in pred_simcc]
        gt_shapes = [tuple(g.shape) for g in gt_simcc]
        if len(pred_shapes) != len(gt_shapes) or len(pred_shapes) == 0:
            raise ValueError(f'KLDiscretLoss: pred_simcc and gt_simcc must hold the same number (>0) of '
                             f'tensors; got pred shapes {pred_shapes} and gt shapes {gt_shapes}')
        if any(len(s) != 3 for s in pred_shapes):
            raise ValueError(f'KLDiscretLoss: each pred tensor must have shape (N, K, W); got {pred_shapes}')
        if pred_shapes != gt_shapes:
            raise ValueError(f'KLDiscretLoss: pred and gt shapes differ: pred {pred_shapes}, '
                             f'gt {gt_shapes}')
        if len({s[:2] for s in pred_shapes}) != 1:
            raise ValueError(f'KLDiscretLoss: all pred tensors must share (N, K); got {pred_shapes}')
        if self.use_target_weight:
            N, K = pred_shapes[0][:2]
            if target_weight is None:
                raise ValueError(f'KLDiscretLoss: use_target_weight=True needs target_weight of N*K = '
                                 f'{N}*{K} elements (pred shapes {pred_shapes}); got None')
            if target_weight.numel() != N * K:
                raise ValueError(f'KLDiscretLoss: target_weight of shape {tuple(target_weight.shape)} does '
                                 f'not have N*K = {N}*{K} elements (pred shapes {pred_shapes})')

    def extra_repr(self) -> str:
        return (f'beta={self.beta}, label_softmax={self.label_softmax}, label_beta={self.label_beta}, '
                f'use_target_weight={self.use_target_weight}, mask={self.mask}, '
                f'mask_weight={self.mask_weight}')
