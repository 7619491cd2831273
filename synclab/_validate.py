"""Argument checks shared by every public function.

Each check runs before any thread starts and raises an error that names the
parameter, the value given and what is allowed, for example
``ValueError: threads must be between 1 and 64, got 0``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable


def check_int(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` as an int if it is an integer in ``[low, high]``.

    Args:
        name: The parameter's name, used in the error message.
        value: What the caller passed.
        low: Smallest allowed value.
        high: Largest allowed value.

    Returns:
        The value as a plain ``int``.

    Raises:
        TypeError: ``value`` is not an integer (``bool`` and ``float`` included).
        ValueError: ``value`` is outside ``[low, high]``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer between {low:,} and {high:,}, got {value!r} of type {type(value).__name__}"
        )
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:,} and {high:,}, got {value:,}")
    return int(value)


def check_float(name: str, value: object, low: float, high: float, unit: str = "s") -> float:
    """Return ``value`` as a float if it is a real number in ``[low, high]``.

    Args:
        name: The parameter's name, used in the error message.
        value: What the caller passed (an int is accepted).
        low: Smallest allowed value.
        high: Largest allowed value.
        unit: Unit shown in the error message.

    Returns:
        The value as a ``float``.

    Raises:
        TypeError: ``value`` is not a real number.
        ValueError: ``value`` is NaN or outside ``[low, high]``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a number between {low:g} and {high:g} {unit}, got {value!r} of type {type(value).__name__}"
        )
    number = float(value)
    if math.isnan(number) or not low <= number <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g} {unit}, got {value!r}")
    return number


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` if it is ``True`` or ``False``.

    Raises:
        TypeError: ``value`` is not a ``bool`` (``0`` and ``1`` are refused too).
    """
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r} of type {type(value).__name__}")
    return value


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``.

    Raises:
        TypeError: ``value`` is not a string.
        ValueError: ``value`` is not one of ``choices``.
    """
    allowed = tuple(choices)
    listed = ", ".join(repr(c) for c in allowed)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {listed}, got {value!r} of type {type(value).__name__}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {listed}, got {value!r}")
    return value
