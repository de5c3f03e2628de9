"""What this CPU offers for reduced precision: its name and the instruction-set flags that backends use
for bfloat16, float16 and int8 arithmetic (read from ``/proc/cpuinfo`` on Linux; empty elsewhere).

Backends choose their arithmetic from these: OpenVINO's CPU plugin, for one, defaults to bfloat16 where
``avx512_bf16`` or AMX is present. The runtime's engines therefore set their precision explicitly and
report it; these helpers name the CPU next to measured figures.
"""
import platform
from functools import lru_cache
from typing import FrozenSet

#: Flags that decide a backend's reduced-precision arithmetic on x86 (and ARM's ``asimdhp``/``bf16``).
PRECISION_FLAGS = ('avx512_bf16', 'amx_bf16', 'avx512_fp16', 'amx_fp16', 'f16c', 'avx512_vnni', 'avx_vnni',
                   'amx_int8', 'asimdhp', 'bf16', 'i8mm')


@lru_cache(maxsize=1)
def _cpuinfo() -> str:
    try:
        with open('/proc/cpuinfo') as f:
            return f.read()
    except OSError:
        return ''


def _field(name: str) -> str:
    for line in _cpuinfo().splitlines():
        key, _, value = line.partition(':')
        if key.strip() == name:
            return value.strip()
    return ''


def cpu_flags() -> FrozenSet[str]:
    """The CPU's feature flags (x86 ``flags``, ARM ``Features``); empty if they cannot be read."""
    return frozenset((_field('flags') or _field('Features')).split())


def cpu_name() -> str:
    """The CPU's model name (``/proc/cpuinfo``), else ``platform.processor()`` or the machine type."""
    return _field('model name') or platform.processor() or platform.machine()


def cpu_summary() -> str:
    """One line for reports, e.g. ``'AMD EPYC, x86_64: avx512_bf16 f16c avx512_vnni; no amx_bf16
    avx512_fp16 ...'`` (the :data:`PRECISION_FLAGS` it has and lacks)."""
    flags = cpu_flags()
    arm = platform.machine().lower() in ('aarch64', 'arm64')
    relevant = [f for f in PRECISION_FLAGS if (f in ('asimdhp', 'bf16', 'i8mm')) == arm]
    has = [f for f in relevant if f in flags]
    lacks = [f for f in relevant if f not in flags]
    if not flags:
        return f'{cpu_name()}, {platform.machine()}: flags unknown'
    return (f'{cpu_name()}, {platform.machine()}: {" ".join(has) or "none of the precision flags"}'
            + (f'; no {" ".join(lacks)}' if lacks else ''))


def has_fp16_arithmetic() -> bool:
    """Whether the CPU computes in float16 natively (x86 ``avx512_fp16``, ARM ``asimdhp``)."""
    return bool(cpu_flags() & {'avx512_fp16', 'asimdhp'})
