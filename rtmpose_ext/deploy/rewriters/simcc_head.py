"""Rewriters of ``RTMCCHead.forward`` / ``SimCCHead.forward``: logits, or keypoints decoded in the graph.

Plain export returns the SimCC logits ``simcc_x`` (N, K, Wx) and ``simcc_y`` (N, K, Wy). With
``codebase_config.export_postprocess=True`` the graph ends with the decoding of our ``SimCCLabel``
(:meth:`rtmpose_ext.codecs.SimCCLabel.decode` without DARK): the first arg-max per axis, the score is the
smaller of the two maxima, a location whose score is <= 0 becomes -1, and locations are divided by the
split ratio; outputs ``keypoints`` (N, K, 2) in input-image pixels and ``scores`` (N, K).
"""
from typing import Tuple

import torch
from mmdeploy.core import FUNCTION_REWRITER
from mmdeploy.utils import get_codebase_config
from torch import Tensor


def _check_decoder(head) -> float:
    """The head's split ratio, after checking that its decoder can be put into the graph."""
    decoder = getattr(head, 'decoder', None)
    name = type(head).__name__
    if decoder is None:
        raise ValueError(f'export_postprocess=True: {name} has no decoder (set head.decoder to the '
                         'SimCCLabel codec in the model config)')
    if getattr(decoder, 'use_dark', False):
        raise ValueError(f'export_postprocess=True: {name}.decoder.use_dark must be False (DARK '
                         'refinement is not exported); set codebase_config.export_postprocess=False')
    if getattr(decoder, 'decode_visibility', False):
        raise ValueError(f'export_postprocess=True: {name}.decoder.decode_visibility must be False; '
                         'set codebase_config.export_postprocess=False')
    return float(decoder.simcc_split_ratio)


def decode_simcc_graph(simcc_x: Tensor, simcc_y: Tensor, split_ratio: float) -> Tuple[Tensor, Tensor]:
    """SimCC decoding with exportable ops (ReduceMax, ArgMax, Where).

    Args:
        simcc_x (Tensor): (N, K, Wx) logits.
        simcc_y (Tensor): (N, K, Wy) logits.
        split_ratio (float): Bins per input pixel.

    Returns:
        tuple[Tensor, Tensor]: keypoints (N, K, 2) float32 in input pixels and scores (N, K).
    """
    max_x, idx_x = simcc_x.max(dim=-1)  # first maximum, as numpy's argmax
    max_y, idx_y = simcc_y.max(dim=-1)
    scores = torch.where(max_x > max_y, max_y, max_x)  # the smaller maximum, NaN handling as numpy
    locs = torch.stack((idx_x, idx_y), dim=-1).to(simcc_x.dtype)
    locs = torch.where((scores <= 0).unsqueeze(-1), torch.full_like(locs, -1.), locs)
    return locs / split_ratio, scores


@FUNCTION_REWRITER.register_rewriter('rtmpose_ext.models.heads.RTMCCHead.forward')
@FUNCTION_REWRITER.register_rewriter('rtmpose_ext.models.heads.SimCCHead.forward')
def simcc_head__forward(self, feats):
    """Logits ``(simcc_x, simcc_y)``, or ``(keypoints, scores)`` with ``export_postprocess``."""
    ctx = FUNCTION_REWRITER.get_context()
    simcc_x, simcc_y = ctx.origin_func(self, feats)
    if not get_codebase_config(ctx.cfg).get('export_postprocess', False):
        return simcc_x, simcc_y
    return decode_simcc_graph(simcc_x, simcc_y, _check_decoder(self))
