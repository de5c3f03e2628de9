"""RTMCCHead: RTMPose's coordinate-classification head.

Per keypoint, a large-kernel conv turns the backbone's last feature map into one channel, which is
flattened into a token; tokens go through ScaleNorm + a linear layer to ``hidden_dims``, one GAU
(:class:`~rtmpose_ext.models.utils.RTMCCBlock`) that lets keypoints attend to each other, and two linear
classifiers over ``input_size * simcc_split_ratio`` bins for x and y (SimCC).
"""
from typing import Sequence, Tuple, Union

import torch
from mmpose.utils.typing import ConfigType, OptConfigType
from torch import Tensor, nn

from rtmpose_ext.registry import KEYPOINT_CODECS, MODELS

from ..utils.rtmcc_block import RTMCCBlock
from ..utils.scale_norm import ScaleNorm
from .base_simcc_head import BaseSimCCHead

# Keys of ``gau_cfg`` that mmpose reads (all required there), and their defaults here.
_GAU_DEFAULTS = dict(hidden_dims=256,
                     s=128,
                     expansion_factor=2,
                     dropout_rate=0.,
                     drop_path=0.,
                     act_fn='ReLU',
                     use_rel_bias=False,
                     pos_enc=False)
# Further keys accepted here (not by mmpose), passed on to RTMCCBlock.
_GAU_EXTRA_KEYS = ('eps', 'bias')


@MODELS.register_module()
class RTMCCHead(BaseSimCCHead):
    """Top-down SimCC head of RTMPose (Jiang et al., 2023): conv -> flatten -> ScaleNorm + FC -> GAU ->
    x/y classifiers.

    Same submodules and state-dict keys as mmpose 1.3.2's ``RTMCCHead`` (``final_layer``, ``mlp.0.g``,
    ``mlp.1.weight``, ``gau.*``, ``cls_x.weight``, ``cls_y.weight``), so official RTMPose checkpoints load
    with ``strict=True``.

    Args:
        in_channels (int): Channels of the input feature map (a sequence is a ``ValueError``, as in mmpose).
        out_channels (int): Number of keypoints K.
        input_size (tuple[int, int]): Input image size (w, h).
        in_featuremap_size (tuple[int, int]): Feature map size (w, h); only ``w * h`` matters.
        simcc_split_ratio (float): SimCC bins per pixel; Wx = int(w * ratio), Wy = int(h * ratio).
            Defaults to 2.0.
        final_layer_kernel_size (int): Kernel of the conv to K channels (padding ``k // 2``; RTMPose uses
            7). Defaults to 1.
        gau_cfg (dict): The GAU: ``hidden_dims``, ``s``, ``expansion_factor``, ``dropout_rate``,
            ``drop_path``, ``act_fn``, ``use_rel_bias``, ``pos_enc`` (defaults 256, 128, 2, 0., 0.,
            'ReLU', False, False; mmpose requires all eight), and optionally ``eps`` and ``bias`` (passed to
            :class:`RTMCCBlock`; not in mmpose). Any other key is a ``ValueError`` (mmpose ignores it).
        use_gau (bool): False: no GAU, the FC features (B, K, hidden_dims) go straight to the classifiers
            (the ablation of the RTMPose paper; not in mmpose). Defaults to True.
        loss (dict): Config of the loss, built from ``rtmpose_ext.registry.MODELS``. Defaults to
            ``dict(type='KLDiscretLoss', use_target_weight=True)``.
        decoder (dict, optional): Codec config (e.g. ``SimCCLabel``), built from
            ``rtmpose_ext.registry.KEYPOINT_CODECS``; needed by ``predict``/``decode``. Defaults to None.
        init_cfg (dict | list[dict], optional): Initialisation; defaults to :attr:`default_init_cfg`.
    """

    def __init__(
        self,
        in_channels: Union[int, Sequence[int]],
        out_channels: int,
        input_size: Tuple[int, int],
        in_featuremap_size: Tuple[int, int],
        simcc_split_ratio: float = 2.0,
        final_layer_kernel_size: int = 1,
        gau_cfg: ConfigType = dict(hidden_dims=256,
                                   s=128,
                                   expansion_factor=2,
                                   dropout_rate=0.,
                                   drop_path=0.,
                                   act_fn='ReLU',
                                   use_rel_bias=False,
                                   pos_enc=False),
        loss: ConfigType = dict(type='KLDiscretLoss', use_target_weight=True),
        decoder: OptConfigType = None,
        init_cfg: OptConfigType = None,
        use_gau: bool = True,
    ):
        if init_cfg is None:
            init_cfg = self.default_init_cfg
        super().__init__(init_cfg)

        unknown = set(gau_cfg) - set(_GAU_DEFAULTS) - set(_GAU_EXTRA_KEYS)
        if unknown:
            raise ValueError(f'RTMCCHead: unknown gau_cfg key(s) {sorted(unknown)}; accepted: '
                             f'{list(_GAU_DEFAULTS) + list(_GAU_EXTRA_KEYS)}')
        gau_cfg = {**_GAU_DEFAULTS, **gau_cfg}

        self.in_channels = in_channels
        self.out_channels = out_channels
        self.input_size = input_size
        self.in_featuremap_size = in_featuremap_size
        self.simcc_split_ratio = simcc_split_ratio

        self.loss_module = MODELS.build(loss)
        self.decoder = KEYPOINT_CODECS.build(decoder) if decoder is not None else None

        if isinstance(in_channels, (tuple, list)):
            raise ValueError(f'{self.__class__.__name__} does not support selecting multiple input '
                             f'features (got in_channels={in_channels!r}).')

        # Submodules in mmpose's order (same keys; the same seed gives the same initial weights).
        self.flatten_dims = in_featuremap_size[0] * in_featuremap_size[1]
        self.final_layer = nn.Conv2d(in_channels,
                                     out_channels,
                                     kernel_size=final_layer_kernel_size,
                                     stride=1,
                                     padding=final_layer_kernel_size // 2)
        self.mlp = nn.Sequential(ScaleNorm(self.flatten_dims),
                                 nn.Linear(self.flatten_dims, gau_cfg['hidden_dims'], bias=False))

        W = int(self.input_size[0] * self.simcc_split_ratio)
        H = int(self.input_size[1] * self.simcc_split_ratio)

        self.gau = self._make_gau(gau_cfg) if use_gau else nn.Identity()

        self.cls_x = nn.Linear(gau_cfg['hidden_dims'], W, bias=False)
        self.cls_y = nn.Linear(gau_cfg['hidden_dims'], H, bias=False)

    def _make_gau(self, gau_cfg: dict) -> RTMCCBlock:
        """The GAU over the K keypoint tokens of ``gau_cfg['hidden_dims']`` features."""
        return RTMCCBlock(self.out_channels,
                          gau_cfg['hidden_dims'],
                          gau_cfg['hidden_dims'],
                          s=gau_cfg['s'],
                          expansion_factor=gau_cfg['expansion_factor'],
                          dropout_rate=gau_cfg['dropout_rate'],
                          drop_path=gau_cfg['drop_path'],
                          attn_type='self-attn',
                          act_fn=gau_cfg['act_fn'],
                          use_rel_bias=gau_cfg['use_rel_bias'],
                          pos_enc=gau_cfg['pos_enc'],
                          **{k: gau_cfg[k] for k in _GAU_EXTRA_KEYS if k in gau_cfg})

    def forward(self, feats: Tuple[Tensor]) -> Tuple[Tensor, Tensor]:
        """SimCC logits from the last feature map.

        Args:
            feats (tuple[Tensor]): Multi-level features; the last one, (B, in_channels, h, w), is used.

        Returns:
            tuple[Tensor, Tensor]: ``pred_x`` (B, K, Wx) and ``pred_y`` (B, K, Wy).
        """
        feats = self.final_layer(feats[-1])  # (B, K, h, w)
        self._check_flat_size(type(self).__name__, feats, self.in_featuremap_size, self.flatten_dims)
        feats = torch.flatten(feats, 2)  # (B, K, h * w)
        feats = self.mlp(feats)  # (B, K, hidden)
        feats = self.gau(feats)
        return self.cls_x(feats), self.cls_y(feats)

    @property
    def default_init_cfg(self):
        return [
            dict(type='Normal', layer=['Conv2d'], std=0.001),
            dict(type='Constant', layer='BatchNorm2d', val=1),
            dict(type='Normal', layer=['Linear'], std=0.01, bias=0),
        ]
