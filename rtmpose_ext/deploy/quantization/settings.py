"""The keys of ``backend_config.quantization_config`` for int8 on CPUs, checked.

    quantization_config=dict(
        calibration=dict(num_samples=256, seed=0),  # training-split crops (rtmpose_ext.deploy.calibration)
        scope=['/backbone/'],       # quantize the nodes whose ONNX names start with one of these
        per_channel=True,           # ONNX Runtime: per-output-channel weight scales
        method='MinMax',            # ONNX Runtime calibration: 'MinMax', 'Entropy' or 'Percentile'
        preset='performance')       # NNCF: 'performance' (symmetric) or 'mixed' (asymmetric activations)
"""
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from ..calibration import calibration_settings
from ..configs import DeployConfigError

METHODS = ('MinMax', 'Entropy', 'Percentile')
PRESETS = ('performance', 'mixed')
KEY = 'backend_config.quantization_config'


@dataclass
class QuantizationSettings:
    """Checked int8 settings (see the module docstring for the keys)."""
    num_samples: int = 256
    seed: int = 0
    scope: Sequence[str] = ('/backbone/',)
    per_channel: bool = True
    method: str = 'MinMax'
    preset: str = 'performance'


def _check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise DeployConfigError(f'{KEY}.{name}: expected one of {choices}, got {value!r}')


def quantization_settings(quant_cfg: Optional[Dict]) -> QuantizationSettings:
    """:class:`QuantizationSettings` from ``quantization_config`` (missing keys take the defaults);
    raises :class:`~rtmpose_ext.deploy.configs.DeployConfigError` naming a bad key."""
    quant_cfg = dict(quant_cfg or {})
    known = {'calibration', 'scope', 'per_channel', 'method', 'preset'}
    unknown = sorted(set(quant_cfg) - known)
    if unknown:
        raise DeployConfigError(f'{KEY}: unknown keys {unknown}; expected some of {sorted(known)}')
    calibration = calibration_settings(quant_cfg)
    defaults = QuantizationSettings()
    scope = quant_cfg.get('scope', defaults.scope)
    if isinstance(scope, str) or not scope or not all(isinstance(s, str) and s for s in scope):
        raise DeployConfigError(f"{KEY}.scope: expected a non-empty list of node-name prefixes such as "
                                f"['/backbone/'], got {scope!r}")
    settings = QuantizationSettings(num_samples=calibration['num_samples'], seed=calibration['seed'],
                                    scope=tuple(scope),
                                    per_channel=bool(quant_cfg.get('per_channel', defaults.per_channel)),
                                    method=quant_cfg.get('method', defaults.method),
                                    preset=quant_cfg.get('preset', defaults.preset))
    _check_choice('method', settings.method, METHODS)
    _check_choice('preset', settings.preset, PRESETS)
    return settings


def select_nodes(names: Sequence[str], scope: Sequence[str]) -> List[str]:
    """The names that start with one of the ``scope`` prefixes; an error naming the key if none does."""
    selected = [n for n in names if any(n.startswith(prefix) for prefix in scope)]
    if not selected:
        examples = ', '.join(repr(n) for n in list(names)[:5])
        raise DeployConfigError(f'{KEY}.scope: no node name starts with {list(scope)} (names look like '
                                f'{examples}, ...)')
    return selected
