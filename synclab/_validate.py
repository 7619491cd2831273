"""Argument checks: each runs before any thread starts and names the parameter, the value and
what is allowed (``ValueError: threads must be between 1 and 64, got 0``)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence

#: The most threads one run of an experiment may start (or accounts, locks in a pool...).
MAX_THREADS = 64
#: The most values one sweep may try, and the most threads of an experiment that shows
#: each thread on its own row (buffer, notify, tasks, cache test).
MAX_VALUES = 16


def check_int(name: str, value: object, low: int, high: int) -> int:
    """``value`` as an int if it is an integer (not a bool) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer between {low:,} and {high:,}, got {value!r} of type {type(value).__name__}"
        )
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, got {value:,}")
    return int(value)


def check_float(name: str, value: object, low: float, high: float, unit: str = "s") -> float:
    """``value`` as a float if it is a real number (not NaN) in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a number between {low:g} and {high:g} {unit}, got {value!r} of type {type(value).__name__}"
        )
    number = float(value)
    if math.isnan(number) or not low <= number <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g} {unit}, got {value!r}")
    return number


def check_timeout(value: object) -> float:
    """A run's ``timeout``: 0.1 to 600 s."""
    return check_float("timeout", value, 0.1, 600.0)


def check_bool(name: str, value: object) -> bool:
    """``value`` if it is ``True`` or ``False`` (``0`` and ``1`` are refused)."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r} of type {type(value).__name__}")
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """``value`` if it is one of ``choices``."""
    allowed = tuple(choices)
    listed = ", ".join(repr(c) for c in allowed)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {listed}, got {value!r} of type {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value


def check_sequence(name: str, value: object, example: str, high: int = MAX_VALUES) -> Sequence[object]:
    """``value`` if it is a sequence (not a string) of 1 to ``high`` values."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence of {example}, got {value!r}")
    check_int(f"len({name})", len(value), 1, high)
    return value


def check_counts(name: str, values: object, low: int, high: int) -> tuple[int, ...]:
    """``values`` (an int, or a sequence of 1 to :data:`MAX_VALUES` ints) as a tuple of ints in ``[low, high]``."""
    if isinstance(values, int) and not isinstance(values, bool):
        values = (values,)
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be an int or a sequence of ints like (2, 4, 8), got {values!r}")
    check_int(f"len({name})", len(values), 1, MAX_VALUES)
    return tuple(check_int(name, v, low, high) for v in values)
