"""DeconvStack: the upsampling part of SimpleBaseline/ViPNAS heads (deconvs, convs, final conv).

Used by :class:`~rtmpose_ext.models.heads.SimCCHead` in place of the whole mmpose ``HeatmapHead`` /
``ViPNASHead`` that mmpose's SimCCHead nests: same attribute names (``deconv_layers``, ``conv_layers``,
``final_layer``) and layers, so the state-dict keys under ``deconv_head.`` are the same, including the
conversion of pre-1.0 mmpose checkpoints (version < 2).
"""
from typing import Optional, Sequence, Tuple

from mmcv.cnn import build_conv_layer
from torch import Tensor, nn

# Deconv (stride 2) kernel size -> (padding, output_padding): each doubles the spatial size.
_DECONV_PADDING = {4: (1, 0), 3: (1, 1), 2: (0, 0)}


class DeconvStack(nn.Module):
    """``[ConvTranspose2d(stride 2) + BN + ReLU] * n -> [Conv2d + BN + ReLU] * m -> final conv``.

    Args:
        in_channels (int): Channels of the input feature map.
        out_channels (int): Channels of the final conv (the keypoints).
        deconv_out_channels (Sequence[int], optional): Output channels of each deconv layer; empty or
            None: no deconv layer (``deconv_layers`` is an ``nn.Identity``). Defaults to (256, 256, 256).
        deconv_kernel_sizes (Sequence[int], optional): Kernel of each deconv layer, 4, 3 or 2.
            Defaults to (4, 4, 4).
        deconv_num_groups (Sequence[int], optional): Groups of each deconv layer (ViPNAS); None: 1.
        conv_out_channels (Sequence[int], optional): Output channels of each intermediate conv layer
            (padding ``(k - 1) // 2``); None: none. Defaults to None.
        conv_kernel_sizes (Sequence[int], optional): Kernels of those conv layers. Defaults to None.
        final_layer (dict, optional): Arguments of the final conv, updating
            ``dict(type='Conv2d', in_channels=..., out_channels=out_channels, kernel_size=1)``; None:
            ``final_layer`` is an ``nn.Identity``. Defaults to ``dict(kernel_size=1)``.
    """

    _version = 2

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 deconv_out_channels: Optional[Sequence[int]] = (256, 256, 256),
                 deconv_kernel_sizes: Optional[Sequence[int]] = (4, 4, 4),
                 deconv_num_groups: Optional[Sequence[int]] = None,
                 conv_out_channels: Optional[Sequence[int]] = None,
                 conv_kernel_sizes: Optional[Sequence[int]] = None,
                 final_layer: Optional[dict] = dict(kernel_size=1)):
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels

        if deconv_out_channels:
            if deconv_kernel_sizes is None or len(deconv_out_channels) != len(deconv_kernel_sizes):
                raise ValueError('"deconv_out_channels" and "deconv_kernel_sizes" should be integer '
                                 'sequences with the same length. Got mismatched lengths '
                                 f'{deconv_out_channels} and {deconv_kernel_sizes}')
            if deconv_num_groups is not None and len(deconv_out_channels) != len(deconv_num_groups):
                raise ValueError('"deconv_out_channels" and "deconv_num_groups" should be integer '
                                 'sequences with the same length. Got mismatched lengths '
                                 f'{deconv_out_channels} and {deconv_num_groups}')
            groups = deconv_num_groups if deconv_num_groups is not None else [1] * len(deconv_out_channels)
            self.deconv_layers = self._make_deconv_layers(in_channels, deconv_out_channels,
                                                          deconv_kernel_sizes, groups)
            in_channels = deconv_out_channels[-1]
        else:
            self.deconv_layers = nn.Identity()

        if conv_out_channels:
            if conv_kernel_sizes is None or len(conv_out_channels) != len(conv_kernel_sizes):
                raise ValueError('"conv_out_channels" and "conv_kernel_sizes" should be integer sequences '
                                 'with the same length. Got mismatched lengths '
                                 f'{conv_out_channels} and {conv_kernel_sizes}')
            self.conv_layers = self._make_conv_layers(in_channels, conv_out_channels, conv_kernel_sizes)
            in_channels = conv_out_channels[-1]
        else:
            self.conv_layers = nn.Identity()

        if final_layer is not None:
            cfg = dict(type='Conv2d', in_channels=in_channels, out_channels=out_channels, kernel_size=1)
            cfg.update(final_layer)
            self.final_layer = build_conv_layer(cfg)
        else:
            self.final_layer = nn.Identity()

        self.register_load_state_dict_pre_hook(self._load_state_dict_pre_hook)

    @staticmethod
    def _make_deconv_layers(in_channels: int, layer_out_channels: Sequence[int],
                            layer_kernel_sizes: Sequence[int], layer_groups: Sequence[int]) -> nn.Sequential:
        layers = []
        for out_channels, kernel_size, groups in zip(layer_out_channels, layer_kernel_sizes, layer_groups):
            if kernel_size not in _DECONV_PADDING:
                raise ValueError(f'Unsupported kernel size {kernel_size} for deconvolutional layers in '
                                 f'DeconvStack (supported: {sorted(_DECONV_PADDING)})')
            padding, output_padding = _DECONV_PADDING[kernel_size]
            layers.append(
                nn.ConvTranspose2d(in_channels,
                                   out_channels,
                                   kernel_size=kernel_size,
                                   stride=2,
                                   padding=padding,
                                   output_padding=output_padding,
                                   groups=groups,
                                   bias=False))
            layers.append(nn.BatchNorm2d(num_features=out_channels))
            layers.append(nn.ReLU(inplace=True))
            in_channels = out_channels
        return nn.Sequential(*layers)

    @staticmethod
    def _make_conv_layers(in_channels: int, layer_out_channels: Sequence[int],
                          layer_kernel_sizes: Sequence[int]) -> nn.Sequential:
        layers = []
        for out_channels, kernel_size in zip(layer_out_channels, layer_kernel_sizes):
            layers.append(
                nn.Conv2d(in_channels,
                          out_channels,
                          kernel_size=kernel_size,
                          stride=1,
                          padding=(kernel_size - 1) // 2))
            layers.append(nn.BatchNorm2d(num_features=out_channels))
            layers.append(nn.ReLU(inplace=True))
            in_channels = out_channels
        return nn.Sequential(*layers)

    def forward(self, feats: Tuple[Tensor]) -> Tensor:
        """Upsample the last feature map: (B, C, h, w) -> (B, out_channels, h * 2**n, w * 2**n)."""
        x = feats[-1]
        x = self.deconv_layers(x)
        x = self.conv_layers(x)
        return self.final_layer(x)

    def _load_state_dict_pre_hook(self, module, state_dict, prefix, local_metadata, *args, **kwargs):
        """Rename keys of pre-1.0 mmpose checkpoints (version < 2, or no version), as mmpose's HeatmapHead.

        There, ``final_layer`` held the intermediate convs too: ``final_layer.n.xxx`` becomes
        ``conv_layers.n.xxx`` for ``n < len(conv_layers)`` and ``final_layer.xxx`` for the last conv.
        """
        version = local_metadata.get('version', None)
        if version and version >= self._version:
            return
        for _k in list(state_dict.keys()):
            if not _k.startswith(prefix):
                continue
            k_parts = _k[len(prefix):].split('.')
            if k_parts[0] != 'final_layer' or len(k_parts) != 3:
                continue
            if not isinstance(self.conv_layers, nn.Sequential):
                raise ValueError(f'DeconvStack: old-version key {_k!r} names an intermediate conv, but this '
                                 'module has no conv_layers')
            v = state_dict.pop(_k)
            if int(k_parts[1]) < len(self.conv_layers):
                k_new = 'conv_layers.' + '.'.join(k_parts[1:])
            else:
                k_new = 'final_layer.' + k_parts[2]
            state_dict[prefix + k_new] = v
