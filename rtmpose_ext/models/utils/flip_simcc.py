"""Flip-test helper for SimCC outputs: undo a horizontal image flip on the 1-D x/y vectors."""
from typing import Sequence, Tuple

from torch import Tensor


def flip_simcc_vectors(x_labels: Tensor, y_labels: Tensor,
                       flip_indices: Sequence[int]) -> Tuple[Tensor, Tensor]:
    """Map SimCC vectors predicted on a horizontally flipped image back to the original image.

    Keypoints are swapped with their mirror partners (``flip_indices``); the x vectors are also reversed
    along their bins. Same result as mmpose's ``flip_vectors``.

    Args:
        x_labels (Tensor): x vectors, shape (B, K, Wx).
        y_labels (Tensor): y vectors, shape (B, K, Wy).
        flip_indices (Sequence[int]): For each keypoint, the index of its mirror keypoint (length K).

    Returns:
        tuple[Tensor, Tensor]: The flipped-back ``(x_labels, y_labels)``.
    """
    if x_labels.ndim != 3 or y_labels.ndim != 3:
        raise ValueError(f'flip_simcc_vectors: expected (B, K, W) tensors, got x {tuple(x_labels.shape)} '
                         f'and y {tuple(y_labels.shape)}')
    if not len(flip_indices) == x_labels.shape[1] == y_labels.shape[1]:
        raise ValueError(f'flip_simcc_vectors: flip_indices has {len(flip_indices)} entries but the '
                         f'vectors have shapes x {tuple(x_labels.shape)} and y {tuple(y_labels.shape)}')
    flip_indices = list(flip_indices)
    return x_labels[:, flip_indices].flip(-1), y_labels[:, flip_indices]
