"""SimCC labels (Li et al., ECCV 2022), as used by RTMPose: our vectorised ``SimCCLabel``.

Drop-in for mmpose 1.3.2's ``SimCCLabel`` (same arguments, defaults, output keys, dtypes and numbers;
see the class docstring for the few deliberate differences), plus ``sigma='auto'``.
"""
import math
from typing import Optional, Sequence, Tuple, Union

import numpy as np
from mmpose.codecs.base import BaseKeypointCodec

from rtmpose_ext.registry import KEYPOINT_CODECS
from .utils import (check_keypoints, check_simcc, refine_simcc_dark, simcc_dark_kernel_size,
                    simcc_gaussian_labels, simcc_maximum, simcc_softmax_maximum)


@KEYPOINT_CODECS.register_module()
class SimCCLabel(BaseKeypointCodec):
    r"""Encode keypoints as SimCC labels (one 1-D classification vector per axis) and decode them back.

    Note:

        - instance number: N
        - keypoint number: K
        - image size: [w, h]; label lengths ``Wx = round(w * simcc_split_ratio)``, ``Wy`` likewise

    Encoded (``encode``):

        - keypoint_x_labels (np.ndarray): float32 (N, K, Wx)
        - keypoint_y_labels (np.ndarray): float32 (N, K, Wy)
        - keypoint_weights (np.ndarray): (N, K), in the dtype of ``keypoints_visible`` (float32 if it
          is None or not floating)

    Args:
        input_size (tuple): input image size [w, h]
        smoothing_type (str): ``'gaussian'`` (Gaussian label smoothing) or ``'standard'`` (one-hot,
            optionally smoothed by ``label_smooth_weight``). Defaults to ``'gaussian'``
        sigma (float | int | tuple | str): Gaussian sigma in bins: one number for both axes, a pair
            ``(sigma_x, sigma_y)``, or ``'auto'``: ``sqrt(W_S / 16)`` per axis with ``W_S`` the label
            length on that axis (RTMPose paper): (4.90, 5.66) for input (192, 256) at split ratio 2.
            Also sets the DARK blur kernel and the visibility temperature. Defaults to 6.0
        simcc_split_ratio (float): bins per input pixel. Defaults to 2.0
        label_smooth_weight (float): label smoothing weight of ``'standard'`` labels, in [0, 1].
            Defaults to 0.0
        normalize (bool): divide Gaussian labels by ``sigma * sqrt(2 pi)``. Defaults to True
        use_dark (bool): refine decoded locations with DARK. Defaults to False
        decode_visibility (bool): also decode a visibility score; ``decode`` then returns
            ``(keypoints, (scores, visibility))``. Defaults to False
        decode_beta (float): softmax temperature factor of the visibility score. Defaults to 150.0

    Encoding, as mmpose: a keypoint's label is centred at ``round(x * simcc_split_ratio)`` (round half to
    even). It gets weight 0 and zero labels if it is invisible, or if its label has no in-range part:
    for ``'gaussian'`` that is mmpose's 3-sigma rule (a keypoint up to ``3 sigma + 1`` bins outside the
    range keeps weight 1 and a partial Gaussian), for ``'standard'`` any centre outside ``[0, W)``.

    Decoding, as mmpose: the location is the first arg-max of each vector divided by the split ratio;
    the score is the *smaller* of the two maxima; locations with score <= 0 are -1 (so -1 / split
    ratio after scaling).

    Differences from mmpose 1.3.2 (all outside what mmpose handles sensibly):

        - visibility < 0.5 (and NaN) gives weight 0 (mmpose keeps the visibility value, e.g. 0.3 or -1,
          as the weight of an all-zero label); visibility >= 0.5 is the weight, as in mmpose
        - non-finite keypoints get weight 0 and zero labels, with no warning (mmpose casts NaN to int64)
        - inputs of the wrong rank or length raise ValueError naming the field
        - ``decode`` never modifies its inputs (mmpose's DARK overwrites the caller's ``simcc_x`` /
          ``simcc_y`` with the log of the blurred vectors, and with ``use_dark=True`` and
          ``decode_visibility=True`` its visibility is computed from those overwritten vectors;
          ours is computed from the vectors passed in)
        - ``decode`` accepts zero instances (N = 0) and 2-D (K, Wx) input with ``use_dark`` (mmpose
          raises); for 2-D input the visibility has shape (1, K) like the scores (mmpose: (K, ))
        - ``sigma`` may be ``'auto'``; non-positive sigma or split ratio raises ValueError
    """

    label_mapping_table = dict(
        keypoint_x_labels='keypoint_x_labels',
        keypoint_y_labels='keypoint_y_labels',
        keypoint_weights='keypoint_weights',
    )

    def __init__(
        self,
        input_size: Tuple[int, int],
        smoothing_type: str = 'gaussian',
        sigma: Union[float, int, Tuple[float, float], str] = 6.0,
        simcc_split_ratio: float = 2.0,
        label_smooth_weight: float = 0.0,
        normalize: bool = True,
        use_dark: bool = False,
        decode_visibility: bool = False,
        decode_beta: float = 150.0,
    ) -> None:
        super().__init__()
        name = self.__class__.__name__
        if len(input_size) != 2 or min(input_size) <= 0:
            raise ValueError(f'{name}: `input_size` must be [w, h] with w, h > 0; got {input_size!r}')
        if not simcc_split_ratio > 0:
            raise ValueError(f'{name}: `simcc_split_ratio` must be > 0; got {simcc_split_ratio!r}')
        self.input_size = input_size
        self.smoothing_type = smoothing_type
        self.simcc_split_ratio = simcc_split_ratio
        self.label_smooth_weight = label_smooth_weight
        self.normalize = normalize
        self.use_dark = use_dark
        self.decode_visibility = decode_visibility
        self.decode_beta = decode_beta
        self.sigma = self._parse_sigma(sigma)

        if self.smoothing_type not in {'gaussian', 'standard'}:
            raise ValueError(f'{name} got invalid `smoothing_type` value {self.smoothing_type!r}. '
                             'Should be one of {"gaussian", "standard"}')
        if self.smoothing_type == 'gaussian' and self.label_smooth_weight > 0:
            raise ValueError('Attribute `label_smooth_weight` is only used for `standard` mode.')
        if self.label_smooth_weight < 0.0 or self.label_smooth_weight > 1.0:
            raise ValueError('`label_smooth_weight` should be in range [0, 1]')

    @property
    def label_size(self) -> Tuple[int, int]:
        """Label lengths (Wx, Wy) = round(input_size * simcc_split_ratio)."""
        w, h = self.input_size
        return (int(np.around(w * self.simcc_split_ratio)), int(np.around(h * self.simcc_split_ratio)))

    def _parse_sigma(self, sigma) -> np.ndarray:
        name = self.__class__.__name__
        if isinstance(sigma, str):
            if sigma != 'auto':
                raise ValueError(f"{name}: `sigma` must be a number, a pair or 'auto'; got {sigma!r}")
            values = [math.sqrt(bins / 16) for bins in self.label_size]
        elif isinstance(sigma, (int, float, np.number)):
            values = [sigma, sigma]
        elif isinstance(sigma, (Sequence, np.ndarray)) and len(sigma) == 2:
            values = list(sigma)
        else:
            raise ValueError(f"{name}: `sigma` must be a number, a pair or 'auto'; got {sigma!r}")
        values = np.array(values, dtype=np.float64)
        if not (np.all(np.isfinite(values)) and np.all(values > 0)):
            raise ValueError(f'{name}: `sigma` must be positive; got {sigma!r}')
        return values

    # ------------------------------------------------------------------ encode

    def encode(self, keypoints: np.ndarray, keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Encode keypoints (N, K, 2) in input-image pixels (visibility (N, K), optional) into SimCC labels.

        Returns:
            dict: ``keypoint_x_labels`` (N, K, Wx), ``keypoint_y_labels`` (N, K, Wy) float32 and
            ``keypoint_weights`` (N, K)
        """
        keypoints, visible = check_keypoints(keypoints, keypoints_visible,
                                             f'{self.__class__.__name__}.encode')
        W, H = self.label_size
        with np.errstate(over='ignore', invalid='ignore'):
            centres = np.around(keypoints * self.simcc_split_ratio)  # same dtype and rounding as mmpose
        finite = np.isfinite(centres).all(axis=-1)
        valid = (visible >= 0.5) & finite
        centres = np.where(finite[..., None], centres, 0).astype(np.float64)
        cx, cy = centres[..., 0], centres[..., 1]

        if self.smoothing_type == 'gaussian':
            rx, ry = self.sigma * 3
            valid &= (cx - rx < W) & (cy - ry < H) & (cx + rx + 1 >= 0) & (cy + ry + 1 >= 0)
            x_labels = simcc_gaussian_labels(cx, valid, W, self.sigma[0], self.normalize)
            y_labels = simcc_gaussian_labels(cy, valid, H, self.sigma[1], self.normalize)
        elif self.smoothing_type == 'standard':
            valid &= (cx >= 0) & (cx < W) & (cy >= 0) & (cy < H)
            x_labels = self._standard(cx, valid, W)
            y_labels = self._standard(cy, valid, H)
        else:
            raise ValueError(f'{self.__class__.__name__} got invalid `smoothing_type` value '
                             f'{self.smoothing_type!r}. Should be one of {{"gaussian", "standard"}}')

        weights = np.where(valid, visible, 0)  # visible's floating dtype
        return dict(keypoint_x_labels=x_labels, keypoint_y_labels=y_labels, keypoint_weights=weights)

    def _standard(self, centres: np.ndarray, valid: np.ndarray, num_bins: int) -> np.ndarray:
        """One-hot labels (smoothed by ``label_smooth_weight``) along one axis, zero where invalid."""
        labels = np.zeros(valid.shape + (num_bins, ), dtype=np.float32)
        if self.label_smooth_weight > 0:
            labels[valid] = self.label_smooth_weight / (num_bins - 1)
        n, k = np.nonzero(valid)
        labels[n, k, centres[n, k].astype(np.intp)] = 1.0 - self.label_smooth_weight
        return labels

    # ------------------------------------------------------------------ decode

    def decode(self, simcc_x: np.ndarray,
               simcc_y: np.ndarray) -> Tuple[np.ndarray, Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]]:
        """Decode SimCC vectors (N, K, Wx), (N, K, Wy) (or (K, Wx), (K, Wy)) into input-image keypoints.

        Returns:
            tuple: keypoints float32 (N, K, 2) and scores (N, K); with ``decode_visibility`` the second
            item is ``(scores, visibility)``. The inputs are not modified.
        """
        x, y, (N, K) = check_simcc(simcc_x, simcc_y, f'{self.__class__.__name__}.decode')
        locs, scores = simcc_maximum(x, y)

        if self.use_dark:
            refine = ~(scores <= 0)
            locs[:, 0] = refine_simcc_dark(locs[:, 0], x, simcc_dark_kernel_size(self.sigma[0]), refine)
            locs[:, 1] = refine_simcc_dark(locs[:, 1], y, simcc_dark_kernel_size(self.sigma[1]), refine)

        locs /= self.simcc_split_ratio
        keypoints = locs.reshape(N, K, 2)
        scores = scores.reshape(N, K)

        if self.decode_visibility:
            visibility = simcc_softmax_maximum(x * self.decode_beta * self.sigma[0],
                                               y * self.decode_beta * self.sigma[1])
            return keypoints, (scores, visibility.reshape(N, K))
        return keypoints, scores
