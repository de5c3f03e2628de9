"""Building blocks of the heads."""
from .deconv_stack import DeconvStack
from .drop_path import DropPath, drop_path
from .flip_simcc import flip_simcc_vectors
from .rope import rope
from .rtmcc_block import RTMCCBlock
from .scale import Scale
from .scale_norm import ScaleNorm, set_scale_norm_overflow_safe
from .simcc_heatmaps import normalize_simcc, simcc_to_heatmaps

__all__ = [
    'DeconvStack', 'DropPath', 'drop_path', 'flip_simcc_vectors', 'rope', 'RTMCCBlock', 'Scale', 'ScaleNorm',
    'normalize_simcc', 'set_scale_norm_overflow_safe', 'simcc_to_heatmaps'
]
