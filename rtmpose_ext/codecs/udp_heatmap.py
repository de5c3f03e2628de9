"""UDP heatmaps (Huang et al., CVPR 2020) with DARK decoding: our vectorised ``UDPHeatmap``.

Drop-in for mmpose 1.3.2's ``UDPHeatmap`` (same arguments, defaults, output keys and encoding), plus
``decode_unit`` and batched (N, K, H, W) decoding; see the class docstring for the differences.
"""
from typing import Optional, Tuple

import numpy as np
from mmpose.codecs.base import BaseKeypointCodec

from rtmpose_ext.registry import KEYPOINT_CODECS
from .utils import (blur_maps_reflect, check_heatmaps, check_keypoints, heatmap_maximum, offset_maps,
                    refine_heatmap_dark_udp, udp_gaussian_factors)


@KEYPOINT_CODECS.register_module()
class UDPHeatmap(BaseKeypointCodec):
    r"""Encode keypoints as UDP heatmaps and decode them with DARK.

    UDP measures positions in unit lengths: a keypoint at input pixel ``x`` sits at heatmap pixel
    ``x / u`` with ``u = (input_size - 1) / (heatmap_size - 1)`` per axis, so the first and last pixel
    centres of the input and the heatmap coincide.

    Note:

        - instance number: N
        - keypoint number: K
        - image size: [w, h]; heatmap size: [W, H]

    Encoded (``encode``):

        - heatmaps (np.ndarray): float32 (K, H, W) for ``'gaussian'``, (3K, H, W) for ``'combined'``
          (per keypoint: disc class map, x offset, y offset). With several instances the maps hold
          the maximum over instances (``'gaussian'``) or the last valid instance (``'combined'``), as
          mmpose's ``generate_udp_gaussian_heatmaps`` / ``generate_offset_heatmap`` do
        - keypoint_weights (np.ndarray): (N, K), in the dtype of ``keypoints_visible`` (float32 if it
          is None or not floating)

    Args:
        input_size (tuple): input image size [w, h]
        heatmap_size (tuple): heatmap size [W, H]
        heatmap_type (str): ``'gaussian'`` or ``'combined'``. Defaults to ``'gaussian'``
        sigma (float): Gaussian sigma in heatmap pixels (``'gaussian'``). Defaults to 2.0
        radius_factor (float): disc radius ``radius_factor * max(W, H)`` (``'combined'``).
            Defaults to 0.0546875
        blur_kernel_size (int): DARK modulation kernel size (odd) for ``'gaussian'``; ``'combined'``
            blurs its class maps with ``2 * blur_kernel_size + 1``. Defaults to 11
        decode_unit (str): how ``decode`` maps heatmap pixels back to the input image:

            - ``'mmpose'`` (default): times ``input_size / (heatmap_size - 1)``, as mmpose 1.3.2's
              ``UDPHeatmap.decode``. mmpose's ``TopdownPoseEstimator`` maps predictions back to the
              image with ``/ input_size * bbox_scale``, which after ``TopdownAffine(use_udp=True)``
              (a ``(input_size - 1) / bbox_scale`` warp) is exact only for this choice, so it is the
              default: image coordinates from the estimator are right.
            - ``'udp'``: times ``(input_size - 1) / (heatmap_size - 1)``, the exact inverse of
              ``encode``: decoded keypoints are in input-image (crop) pixels. Use it when the codec
              is called on its own, not inside mmpose's top-down estimator.
        use_dark (bool): refine the arg-max with DARK (``'gaussian'``; mmpose always does). False: the
            arg-max heatmap pixel (the DARK ablation). Defaults to True.

    Encoding, as mmpose: a Gaussian centred at the exact sub-pixel position ``x / u``, cut to the
    ``2 * 3 sigma + 1`` window around the nearest pixel; weight 0 (and no Gaussian) for invisible
    keypoints and where the window holds no heatmap pixel: a keypoint outside the heatmap by less than
    about 3 sigma keeps weight 1 and a partial Gaussian.

    Decoding (``'gaussian'``), as mmpose: arg-max, then DARK: blur each heatmap (zero padding) with
    ``blur_kernel_size``, rescale to the original maximum, clip to [1e-3, 50], log, one Newton step with
    the finite-difference gradient and Hessian (+ eps I). Scores are the heatmap maxima; maps with
    maximum <= 0 give location -1 (before scaling) and are not refined.

    Differences from mmpose 1.3.2 (all outside what mmpose handles sensibly, except ``decode_unit``):

        - ``decode_unit`` (see above); mmpose's decode equals the default ``decode_unit='mmpose'``
        - ``encode`` accepts N != 1 instances (mmpose asserts N == 1) and ``decode`` accepts a batch
          (N, K, H, W) (-> (N, K, 2)) besides (K, H, W) (-> (1, K, 2))
        - a keypoint whose Gaussian window ends exactly at the heatmap's first row / column (window
          ``[left, 0)``, about 3 sigma + 1.5 pixels outside) gets weight 0: its heatmap is empty in both
          (mmpose tests ``right < 0`` and keeps weight 1)
        - visibility < 0.5 (and NaN) gives weight 0 (mmpose keeps the visibility value as the weight of
          an empty heatmap); non-finite keypoints get weight 0 and empty maps with no warning
        - ``'combined'``: a keypoint whose disc holds no heatmap pixel gets weight 0 and zero maps
          (mmpose keeps its weight, with an empty class map); maps with maximum <= 0 after the blur are
          not offset (mmpose reads offsets at a wrapped index there)
        - DARK leaves a location unrefined where the regularised Hessian is singular (mmpose raises
          ``LinAlgError``) and where the blurred map is all zero (mmpose divides by 0)
        - inputs of the wrong rank or size raise ValueError naming the field; ``decode`` checks that
          the heatmaps are ``heatmap_size``; even ``blur_kernel_size`` raises for ``'gaussian'`` at
          construction (mmpose asserts in ``decode``)
    """

    label_mapping_table = dict(keypoint_weights='keypoint_weights', )
    field_mapping_table = dict(heatmaps='heatmaps', )

    def __init__(self,
                 input_size: Tuple[int, int],
                 heatmap_size: Tuple[int, int],
                 heatmap_type: str = 'gaussian',
                 sigma: float = 2.,
                 radius_factor: float = 0.0546875,
                 blur_kernel_size: int = 11,
                 decode_unit: str = 'mmpose',
                 use_dark: bool = True) -> None:
        super().__init__()
        name = self.__class__.__name__
        if len(input_size) != 2 or min(input_size) <= 1:
            raise ValueError(f'{name}: `input_size` must be [w, h] with w, h > 1; got {input_size!r}')
        if len(heatmap_size) != 2 or min(heatmap_size) <= 1:
            raise ValueError(f'{name}: `heatmap_size` must be [W, H] with W, H > 1; got {heatmap_size!r}')
        self.input_size = input_size
        self.heatmap_size = heatmap_size
        self.sigma = sigma
        self.radius_factor = radius_factor
        self.heatmap_type = heatmap_type
        self.blur_kernel_size = blur_kernel_size
        self.decode_unit = decode_unit
        self.use_dark = use_dark
        self.scale_factor = ((np.array(input_size) - 1) / (np.array(heatmap_size) - 1)).astype(np.float32)

        if self.heatmap_type not in {'gaussian', 'combined'}:
            raise ValueError(f'{name} got invalid `heatmap_type` value {self.heatmap_type!r}. '
                             'Should be one of {"gaussian", "combined"}')
        if self.decode_unit not in {'udp', 'mmpose'}:
            raise ValueError(f"{name}: `decode_unit` must be 'udp' or 'mmpose'; got {decode_unit!r}")
        if not sigma > 0:
            raise ValueError(f'{name}: `sigma` must be > 0; got {sigma!r}')
        if heatmap_type == 'gaussian' and not (int(blur_kernel_size) == blur_kernel_size
                                               and blur_kernel_size > 0 and blur_kernel_size % 2 == 1):
            raise ValueError(
                f'{name}: `blur_kernel_size` must be a positive odd integer; got {blur_kernel_size!r}')

    # ------------------------------------------------------------------ encode

    def encode(self, keypoints: np.ndarray, keypoints_visible: Optional[np.ndarray] = None) -> dict:
        """Encode keypoints (N, K, 2) in input-image pixels (visibility (N, K), optional) into heatmaps.

        Returns:
            dict: ``heatmaps`` float32 (K, H, W) or (3K, H, W), ``keypoint_weights`` (N, K)
        """
        keypoints, visible = check_keypoints(keypoints, keypoints_visible,
                                             f'{self.__class__.__name__}.encode')
        N, K = visible.shape
        W, H = self.heatmap_size
        centres = keypoints / self.scale_factor  # same dtype and rounding as mmpose
        valid = visible >= 0.5
        finite = np.isfinite(centres)
        if not finite.all():
            finite = finite.all(axis=-1)
            valid &= finite
            centres = np.where(finite[..., None], centres, 0)
        centres = centres.reshape(N * K, 2)

        if self.heatmap_type == 'gaussian':
            ex, ey, in_bounds = udp_gaussian_factors(centres, valid.reshape(-1), self.heatmap_size,
                                                     self.sigma)
            valid &= in_bounds.reshape(N, K)
            if N == 1:
                heatmaps = np.multiply(ey[:, :, None], ex[:, None, :])
            elif N == 0:
                heatmaps = np.zeros((K, H, W), dtype=np.float32)
            else:
                heatmaps = np.multiply(ey.reshape(N, K, H, 1), ex.reshape(N, K, 1, W)).max(axis=0)
        elif self.heatmap_type == 'combined':
            maps, in_map = offset_maps(centres, self.heatmap_size, self.radius_factor)
            valid &= in_map.reshape(N, K)
            maps = maps.reshape(N, K, 3, H, W)
            # the last valid instance of each keypoint wins, as in mmpose
            any_valid = valid.any(axis=0)
            last = N - 1 - np.argmax(valid[::-1], axis=0) if N else np.zeros(K, dtype=np.intp)
            heatmaps = np.zeros((K, 3, H, W), dtype=np.float32)
            k = np.flatnonzero(any_valid)
            heatmaps[k] = maps[last[k], k]
            heatmaps = heatmaps.reshape(K * 3, H, W)
        else:
            raise ValueError(f'{self.__class__.__name__} got invalid `heatmap_type` value '
                             f'{self.heatmap_type!r}. Should be one of {{"gaussian", "combined"}}')

        return dict(heatmaps=heatmaps, keypoint_weights=np.where(valid, visible, 0))

    # ------------------------------------------------------------------ decode

    def decode(self, encoded: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Decode heatmaps (K, H, W) (or a batch (N, K, H, W); 3K channels for ``'combined'``).

        Returns:
            tuple: keypoints float64 (1, K, 2) or (N, K, 2) in input-image pixels (see ``decode_unit``),
            and scores (1, K) or (N, K). The input is not modified.
        """
        multiple = 3 if self.heatmap_type == 'combined' else 1
        heatmaps = check_heatmaps(encoded, self.heatmap_size, multiple, f'{self.__class__.__name__}.decode')
        N, C, H, W = heatmaps.shape
        K = C // multiple

        if self.heatmap_type == 'gaussian':
            maps = heatmaps.reshape(N * K, H, W)
            locs, scores = heatmap_maximum(maps)
            if self.use_dark:
                locs = refine_heatmap_dark_udp(locs, maps, self.blur_kernel_size, ~(scores <= 0), scores)
        else:
            maps = heatmaps.reshape(N * K, 3, H, W)
            cls = blur_maps_reflect(maps[:, 0], 2 * self.blur_kernel_size + 1).astype(maps.dtype)
            locs, scores = heatmap_maximum(cls)
            ok = np.flatnonzero(~(scores <= 0))
            x, y = locs[ok, 0].astype(np.intp), locs[ok, 1].astype(np.intp)
            radius = self.radius_factor * max(W, H)
            offsets = np.stack((maps[ok, 1, y, x] * radius, maps[ok, 2, y, x] * radius), axis=-1)
            locs[ok] = locs[ok] + offsets

        return locs.reshape(N, K, 2) * self._decode_scale(), scores.reshape(N, K)

    def _decode_scale(self) -> np.ndarray:
        """Input pixels per heatmap pixel, (2, ) float64, for ``decode_unit``."""
        key = (tuple(self.input_size), tuple(self.heatmap_size), self.decode_unit)
        if getattr(self, '_scale_cache', (None, ))[0] != key:
            W, H = self.heatmap_size
            if self.decode_unit == 'mmpose':  # as mmpose: keypoints / [W - 1, H - 1] * input_size
                scale = np.array(self.input_size, dtype=np.float64) / [W - 1, H - 1]
            else:
                scale = (np.array(self.input_size, dtype=np.float64) - 1) / [W - 1, H - 1]
            self._scale_cache = (key, scale)
        return self._scale_cache[1]
