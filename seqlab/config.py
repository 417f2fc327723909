"""Global settings: the default float type and which kernels run the hot loops.

``floatx`` is the dtype new layers use when none is passed (float32 unless
changed). ``kernels`` picks the implementation of the hot loops:
``"numba"`` (compiled fast paths in :mod:`seqlab.kernels`) or ``"numpy"``
(the readable reference in :mod:`seqlab.functional`). Both are tested equal.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from seqlab import checks

_VALID_FLOATX = ("float32", "float64")
_VALID_KERNELS = ("numba", "numpy")

_state = {"floatx": "float32", "kernels": "numba"}


def floatx() -> str:
    """The default float dtype name for new layers ('float32' or 'float64')."""
    return _state["floatx"]


def set_floatx(dtype: str | np.dtype) -> None:
    """Set the default float dtype for layers created from now on."""
    _state["floatx"] = checks.choice("set_floatx", "floatx", np.dtype(dtype).name, _VALID_FLOATX)


def kernels() -> str:
    """Which implementation runs the hot loops: 'numba' or 'numpy'."""
    return _state["kernels"]


def set_kernels(name: str) -> None:
    """Choose 'numba' (compiled, default) or 'numpy' (reference) kernels."""
    _state["kernels"] = checks.choice("set_kernels", "kernels", name, _VALID_KERNELS)


@contextlib.contextmanager
def use_kernels(name: str) -> Iterator[None]:
    """Temporarily run with the given kernels: ``with use_kernels("numpy"): ...``."""
    previous = kernels()
    set_kernels(name)
    try:
        yield
    finally:
        _state["kernels"] = previous


@contextlib.contextmanager
def use_floatx(dtype: str | np.dtype) -> Iterator[None]:
    """Temporarily create layers with another default dtype."""
    previous = floatx()
    set_floatx(dtype)
    try:
        yield
    finally:
        _state["floatx"] = previous
