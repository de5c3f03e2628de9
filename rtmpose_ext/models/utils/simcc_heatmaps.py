"""SimCC vectors as 2-D heatmaps, for visualisation (``test_cfg=dict(output_heatmaps=True)``)."""
import math
from typing import Optional

import torch
from torch import Tensor


def normalize_simcc(batch_pred_simcc: Tensor, sigma: Optional[float] = None) -> Tensor:
    """Scale SimCC vectors (B, K, W) to at most 1 for display.

    Optionally divides by the Gaussian peak factor ``sigma * sqrt(2 pi)``, clamps at 0, and divides every
    row whose maximum exceeds 1 by that maximum (rows with maximum <= 1 are kept). Same result as
    mmpose's ``get_simcc_normalized``.
    """
    B, K, _ = batch_pred_simcc.shape
    if sigma is not None:
        batch_pred_simcc = batch_pred_simcc / (sigma * math.sqrt(math.pi * 2))
    batch_pred_simcc = batch_pred_simcc.clamp(min=0)
    row_max = batch_pred_simcc.amax(dim=-1).reshape(B, K, 1)
    return torch.where(row_max > 1, batch_pred_simcc / row_max, batch_pred_simcc)


def simcc_to_heatmaps(pred_x: Tensor, pred_y: Tensor) -> Tensor:
    """Outer products ``y ⊗ x`` of (B, K, Wx) and (B, K, Wy) vectors: heatmaps of shape (B, K, Wy, Wx)."""
    B, K, _ = pred_x.shape
    return torch.matmul(pred_y.reshape(B, K, -1, 1), pred_x.reshape(B, K, 1, -1))
