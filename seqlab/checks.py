"""Argument checks shared by every part of seqlab.

Each check returns the value in its canonical type or raises an error that
names who asked, the argument, what was expected and what came::

    units = checks.positive_int("layer 'lstm'", "units", units)
    rate = checks.rate("layer 'lstm'", "dropout", rate)

``who`` is the prefix of the message (a layer, a class or a function name).
Booleans are never accepted as numbers (``True`` is not a size).
"""

from __future__ import annotations

import math
import numbers
from typing import Any, TypeVar

T = TypeVar("T")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def integer(who: str, arg: str, value: Any, minimum: int = 1, *, allow_none: bool = False,
            allow_tuple: bool = False) -> Any:
    """``value`` as an int ≥ ``minimum`` (None passes with ``allow_none``; a 1-tuple
    such as Keras' ``kernel_size=(3,)`` is unpacked with ``allow_tuple``)."""
    if value is None and allow_none:
        return None
    if allow_tuple and isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not _is_int(value) or value < minimum:
        expected = f"an int >= {minimum}" + (" or None" if allow_none else "")
        raise ValueError(f"{who}: {arg} must be {expected}, got {value!r}")
    return int(value)


def positive_int(who: str, arg: str, value: Any, *, allow_tuple: bool = False) -> int:
    """``value`` as an int ≥ 1 (the message says "a positive integer")."""
    if allow_tuple and isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not _is_int(value) or value < 1:
        raise ValueError(f"{who}: {arg} must be a positive integer, got {value!r}")
    return int(value)


def shape(who: str, arg: str, value: Any) -> tuple[int | None, ...]:
    """A shape such as Keras' ``input_shape=(None, 14)``: a tuple (or list) of
    positive ints and Nones (None: not known), returned as a tuple."""
    if not isinstance(value, (tuple, list)) or not all(
            d is None or (_is_int(d) and d > 0) for d in value):
        raise ValueError(f"{who}: {arg} must be a tuple of positive ints and Nones, such as "
                         f"(None, 14), got {value!r}")
    return tuple(None if d is None else int(d) for d in value)


def number(who: str, arg: str, value: Any, *, positive: bool = False,
           nonnegative: bool = False) -> float:
    """``value`` as a finite-or-infinite float, not NaN (TypeError for a non-number);
    ``positive``: > 0, ``nonnegative``: ≥ 0 (ValueError otherwise)."""
    if not _is_real(value) or math.isnan(value):
        raise TypeError(f"{who}: {arg} must be a number, got {value!r}")
    if positive and not value > 0:
        raise ValueError(f"{who}: {arg} must be a number > 0, got {value!r}")
    if nonnegative and not value >= 0:
        raise ValueError(f"{who}: {arg} must be a number >= 0, got {value!r}")
    return float(value)


def rate(who: str, arg: str, value: Any) -> float:
    """A dropout-style rate: a number in [0, 1) (TypeError for a non-number)."""
    if not _is_real(value):
        raise TypeError(f"{who}: {arg} must be a number in [0, 1), got {value!r}")
    if not 0 <= value < 1:
        raise ValueError(f"{who}: {arg} must be a number in [0, 1), got {value!r}")
    return float(value)


def choice(who: str, arg: str, value: T, valid: tuple[Any, ...] | list[Any]) -> T:
    """``value`` if it is one of ``valid`` (compared by equality, unhashable values refused)."""
    try:
        ok = value in valid
    except TypeError:  # e.g. a list compared with strings in a set
        ok = False
    if not ok or isinstance(value, bool) and not any(v is value for v in valid):
        raise ValueError(f"{who}: {arg} must be one of {list(valid)}, got {value!r}")
    return value
