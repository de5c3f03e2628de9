"""SimCCHead: the head of SimCC (Li et al., ECCV 2022).

Optional deconvolutions upsample the backbone's last feature map, a conv gives one map per keypoint,
each map is flattened, and two linear classifiers predict the x and y coordinates as classes over
``input_size * simcc_split_ratio`` bins.
"""
from typing import Optional, Sequence, Tuple, Union

import torch
from mmcv.cnn import build_conv_layer
from mmpose.utils.typing import ConfigType, OptConfigType
from torch import Tensor, nn

from rtmpose_ext.registry import KEYPOINT_CODECS, MODELS

from ..utils.deconv_stack import DeconvStack
from .base_simcc_head import BaseSimCCHead

OptIntSeq = Optional[Sequence[int]]


@MODELS.register_module()
class SimCCHead(BaseSimCCHead):
    """Top-down SimCC head: [deconvs ->] conv -> flatten -> linear x / linear y classifiers.

    Same state-dict keys as mmpose 1.3.2's ``SimCCHead``: ``deconv_head.{deconv_layers,conv_layers,
    final_layer}.*`` with deconvolutions (here a :class:`~rtmpose_ext.models.utils.DeconvStack` instead of
    a nested ``HeatmapHead`` / ``ViPNASHead``), ``final_layer.*`` without, then ``mlp_head_x.*`` and
    ``mlp_head_y.*``.

    Args:
        in_channels (int): Channels of the input feature map.
        out_channels (int): Number of keypoints K.
        input_size (tuple[int, int]): Input image size (w, h).
        in_featuremap_size (tuple[int, int]): Feature map size (w, h).
        simcc_split_ratio (float): SimCC bins per pixel. Defaults to 2.0.
        deconv_type (str): ``'heatmap'`` (SimpleBaseline deconvs) or ``'vipnas'`` (grouped deconvs).
            Defaults to ``'heatmap'``.
        deconv_out_channels (Sequence[int], optional): Output channels of each deconv layer (each
            doubles the size); empty or None: no deconv. Defaults to (256, 256, 256).
        deconv_kernel_sizes (Sequence[int], optional): Deconv kernels (4, 3 or 2). Defaults to (4, 4, 4).
            mmpose ignores them for ``'vipnas'`` (always 4); they are used here for both types.
        deconv_num_groups (Sequence[int], optional): Deconv groups, used for ``'vipnas'`` only.
            Defaults to (16, 16, 16).
        conv_out_channels (Sequence[int], optional): Intermediate convs after the deconvs. Defaults to
            None.
        conv_kernel_sizes (Sequence[int], optional): Their kernels. Defaults to None.
        final_layer (dict, optional): Arguments of the conv to K channels (``dict(kernel_size=1)``
            updated); None: no conv. Defaults to ``dict(kernel_size=1)``.
        loss (dict): Loss config (``rtmpose_ext.registry.MODELS``). Defaults to
            ``dict(type='KLDiscretLoss', use_target_weight=True)``.
        decoder (dict, optional): Codec config (``rtmpose_ext.registry.KEYPOINT_CODECS``). Defaults to None.
        init_cfg (dict | list[dict], optional): Initialisation; defaults to :attr:`default_init_cfg`.

    .. _`SimCC`: https://arxiv.org/abs/2107.03332
    """

    _version = 2

    def __init__(
        self,
        in_channels: Union[int, Sequence[int]],
        out_channels: int,
        input_size: Tuple[int, int],
        in_featuremap_size: Tuple[int, int],
        simcc_split_ratio: float = 2.0,
        deconv_type: str = 'heatmap',
        deconv_out_channels: OptIntSeq = (256, 256, 256),
        deconv_kernel_sizes: OptIntSeq = (4, 4, 4),
        deconv_num_groups: OptIntSeq = (16, 16, 16),
        conv_out_channels: OptIntSeq = None,
        conv_kernel_sizes: OptIntSeq = None,
        final_layer: dict = dict(kernel_size=1),
        loss: ConfigType = dict(type='KLDiscretLoss', use_target_weight=True),
        decoder: OptConfigType = None,
        init_cfg: OptConfigType = None,
    ):
        if init_cfg is None:
            init_cfg = self.default_init_cfg
        super().__init__(init_cfg)

        if deconv_type not in {'heatmap', 'vipnas'}:
            raise ValueError(f'{self.__class__.__name__} got invalid `deconv_type` value {deconv_type!r}. '
                             'Should be one of {"heatmap", "vipnas"}')

        self.in_channels = in_channels
        self.out_channels = out_channels
        self.input_size = input_size
        self.in_featuremap_size = in_featuremap_size
        self.simcc_split_ratio = simcc_split_ratio
        self.loss_module = MODELS.build(loss)
        self.decoder = KEYPOINT_CODECS.build(decoder) if decoder is not None else None

        num_deconv = len(deconv_out_channels) if deconv_out_channels else 0
        if num_deconv != 0:
            self.heatmap_size = tuple(s * (2**num_deconv) for s in in_featuremap_size)
            self.deconv_head = DeconvStack(
                in_channels=in_channels,
                out_channels=out_channels,
                deconv_out_channels=deconv_out_channels,
                deconv_kernel_sizes=deconv_kernel_sizes,
                deconv_num_groups=deconv_num_groups if deconv_type == 'vipnas' else None,
                conv_out_channels=conv_out_channels,
                conv_kernel_sizes=conv_kernel_sizes,
                final_layer=final_layer)
        else:
            self.deconv_head = None
            if final_layer is not None:
                cfg = dict(type='Conv2d', in_channels=in_channels, out_channels=out_channels, kernel_size=1)
                cfg.update(final_layer)
                self.final_layer = build_conv_layer(cfg)
            else:
                self.final_layer = None
            self.heatmap_size = in_featuremap_size

        self.flatten_dims = self.heatmap_size[0] * self.heatmap_size[1]
        W = int(self.input_size[0] * self.simcc_split_ratio)
        H = int(self.input_size[1] * self.simcc_split_ratio)
        self.mlp_head_x = nn.Linear(self.flatten_dims, W)
        self.mlp_head_y = nn.Linear(self.flatten_dims, H)

    def forward(self, feats: Tuple[Tensor]) -> Tuple[Tensor, Tensor]:
        """SimCC logits ``pred_x`` (B, K, Wx) and ``pred_y`` (B, K, Wy) from the last feature map."""
        if self.deconv_head is None:
            feats = feats[-1]
            if self.final_layer is not None:
                feats = self.final_layer(feats)
        else:
            feats = self.deconv_head(feats)
        self._check_flat_size(type(self).__name__, feats, self.heatmap_size, self.flatten_dims)
        x = torch.flatten(feats, 2)
        return self.mlp_head_x(x), self.mlp_head_y(x)

    def _heatmap_sigma(self):
        """``output_heatmaps`` first divides by the decoder's Gaussian peak (as mmpose's SimCCHead)."""
        sigma = self.decoder.sigma
        return sigma[0], sigma[1]

    @property
    def default_init_cfg(self):
        return [
            dict(type='Normal', layer=['Conv2d', 'ConvTranspose2d'], std=0.001),
            dict(type='Constant', layer='BatchNorm2d', val=1),
            dict(type='Normal', layer=['Linear'], std=0.01, bias=0),
        ]
