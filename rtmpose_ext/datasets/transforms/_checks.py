"""Argument checks shared by the image transforms (each failure is a ``ValueError`` naming the argument)."""
import numbers
from typing import Sequence, Tuple, Union


def is_int(value) -> bool:
    """True for Python and numpy integers, False for ``bool``."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value) -> bool:
    """True for Python and numpy ints and floats, False for ``bool``."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_prob(owner: str, prob) -> float:
    """``prob`` as a float in [0, 1]."""
    if not is_real(prob) or not 0.0 <= float(prob) <= 1.0:
        raise ValueError(f'{owner}: prob must be a number in [0, 1], got {prob!r}')
    return float(prob)


def check_odd_kernel_range(owner: str, kernel_size: Union[int, Sequence[int]]) -> Tuple[int, int]:
    """``kernel_size`` (an int ``k``, meaning ``(k, k)``, or a pair ``(low, high)``) as ``(low, high)``.

    Both bounds must be odd positive integers with ``low <= high``.
    """
    if is_int(kernel_size):
        pair = (kernel_size, kernel_size)
    elif isinstance(kernel_size, Sequence) and not isinstance(kernel_size, str) and len(kernel_size) == 2:
        pair = tuple(kernel_size)
    else:
        raise ValueError(f'{owner}: kernel_size must be an odd int or a pair (low, high) of odd ints, '
                         f'got {kernel_size!r}')
    for k in pair:
        if not is_int(k) or k < 1 or k % 2 != 1:
            raise ValueError(f'{owner}: kernel_size bounds must be odd integers >= 1, '
                             f'got kernel_size={kernel_size!r}')
    low, high = int(pair[0]), int(pair[1])
    if low > high:
        raise ValueError(f'{owner}: kernel_size must be (low, high) with low <= high, got {kernel_size!r}')
    return low, high
