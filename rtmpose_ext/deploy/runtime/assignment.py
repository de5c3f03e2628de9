"""One-to-one matching of two sets by a similarity matrix (scipy's Hungarian solver)."""
from typing import Tuple

import numpy as np
from scipy.optimize import linear_sum_assignment


def match(similarity: np.ndarray, valid: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Rows and columns (int64 arrays of equal length) of the assignment that maximises the summed
    ``similarity`` (R, C) over the pairs allowed by ``valid`` (R, C) bool; pairs not allowed are never
    returned (the global optimum, not a greedy pick)."""
    similarity = np.asarray(similarity, np.float64)
    valid = np.asarray(valid, bool)
    if similarity.size == 0 or not valid.any():
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # pairs that are not allowed cost more than any set of allowed pairs could gain
    forbidden = 1. + 2. * np.abs(similarity[valid]).sum()
    rows, cols = linear_sum_assignment(np.where(valid, -similarity, forbidden))
    keep = valid[rows, cols]
    return rows[keep].astype(np.int64), cols[keep].astype(np.int64)
