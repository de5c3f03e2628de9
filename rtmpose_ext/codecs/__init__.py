"""Keypoint codecs (registered in rtmpose_ext.registry.KEYPOINT_CODECS)."""
from .simcc_label import SimCCLabel
from .udp_heatmap import UDPHeatmap

__all__ = ['SimCCLabel', 'UDPHeatmap']
