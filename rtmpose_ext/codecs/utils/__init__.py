"""Helpers shared by the codecs: Gaussian targets, offset maps, arg-max, batched blur, DARK, shape checks."""
from .argmax import heatmap_maximum, simcc_maximum, simcc_softmax_maximum
from .blur import blur_maps_reflect, blur_maps_zero_padded, blur_maps_zero_padded_stack, blur_rows_zero_padded
from .dark import refine_heatmap_dark_udp, refine_simcc_dark, simcc_dark_kernel_size
from .gaussian import simcc_gaussian_labels, udp_gaussian_factors
from .offset import offset_maps
from .validation import as_float_array, check_heatmaps, check_keypoints, check_simcc

__all__ = [
    'heatmap_maximum', 'simcc_maximum', 'simcc_softmax_maximum', 'blur_maps_reflect', 'blur_maps_zero_padded',
    'blur_maps_zero_padded_stack', 'blur_rows_zero_padded', 'refine_heatmap_dark_udp', 'refine_simcc_dark',
    'simcc_dark_kernel_size', 'simcc_gaussian_labels', 'udp_gaussian_factors', 'offset_maps',
    'as_float_array', 'check_heatmaps', 'check_keypoints', 'check_simcc'
]
