"""Weight initializers with Keras names.

Each initializer is a callable ``init(shape, dtype, rng) -> array``. Fan-in and
fan-out follow Keras: for a matrix ``(fan_in, fan_out)``; for a conv kernel
``(K, D, F)`` the receptive field K multiplies both.

Inside ``with limit_values(n):`` the named initializers make at most ``n``
values in all; the call that would pass the limit raises ValueLimitError
before it takes any memory (``load_model`` rebuilds a model under the number
of values its file holds, so that an edited config cannot ask for terabytes).
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator
from contextvars import ContextVar

import numpy as np

Initializer = Callable[[tuple[int, ...], np.dtype, np.random.Generator], np.ndarray]


class ValueLimitError(ValueError):
    """An initializer was asked for more values than ``limit_values`` allows."""


_LIMIT: ContextVar[list[int] | None] = ContextVar("seqlab_initializer_limit", default=None)


@contextlib.contextmanager
def limit_values(total: int) -> Iterator[None]:
    """Allow the initializers at most ``total`` values in all within the block
    (in this thread or task only)."""
    token = _LIMIT.set([int(total), int(total)])  # [limit, values left]
    try:
        yield
    finally:
        _LIMIT.reset(token)


def _counted(init: Initializer) -> Initializer:
    """``init`` that first takes its values from the active limit, if any."""

    @functools.wraps(init)
    def counted(shape, dtype, rng):
        limit = _LIMIT.get()
        if limit is not None:
            total, left = limit
            wanted = math.prod(shape)
            if wanted > left:
                raise ValueLimitError(
                    f"a weight of shape {tuple(shape)} needs {wanted:,} values, but only "
                    f"{left:,} of the {total:,} allowed are left"
                )
            limit[1] = left - wanted
        return init(shape, dtype, rng)

    return counted


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return shape[-2] * receptive, shape[-1] * receptive


@_counted
def zeros(shape, dtype, rng):
    """All zeros."""
    return np.zeros(shape, dtype=dtype)


@_counted
def ones(shape, dtype, rng):
    """All ones."""
    return np.ones(shape, dtype=dtype)


@_counted
def glorot_uniform(shape, dtype, rng):
    """U(-l, l) with l = sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(shape)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


@_counted
def he_uniform(shape, dtype, rng):
    """U(-l, l) with l = sqrt(6 / fan_in)."""
    fan_in, _ = _fans(shape)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


@_counted
def uniform(shape, dtype, rng):
    """U(-0.05, 0.05), Keras' RandomUniform default (used by Embedding)."""
    return rng.uniform(-0.05, 0.05, size=shape).astype(dtype)


@_counted
def normal(shape, dtype, rng):
    """N(0, 0.05^2), Keras' RandomNormal default."""
    return rng.normal(0.0, 0.05, size=shape).astype(dtype)


@_counted
def orthogonal(shape, dtype, rng):
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian draw.

    For a recurrent kernel ``(H, k·H)`` the rows are orthonormal, as in Keras.
    """
    rows = int(np.prod(shape[:-1]))
    cols = shape[-1]
    a = rng.normal(0.0, 1.0, size=(max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))  # make the decomposition unique
    if rows < cols:
        q = q.T  # (rows, cols) with orthonormal rows
    return q[:rows, :cols].reshape(shape).astype(dtype)


_ALIASES: dict[str, Initializer] = {
    "zeros": zeros,
    "ones": ones,
    "glorot_uniform": glorot_uniform,
    "he_uniform": he_uniform,
    "uniform": uniform,
    "random_uniform": uniform,
    "normal": normal,
    "random_normal": normal,
    "orthogonal": orthogonal,
}


def get(identifier: str | Initializer) -> Initializer:
    """Look an initializer up by name, or pass a callable through."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in _ALIASES:
        return _ALIASES[identifier]
    raise ValueError(f"unknown initializer {identifier!r}; valid names: {sorted(_ALIASES)}")


def name_of(init: str | Initializer) -> str:
    """The config name of an initializer (names only: configs must be JSON)."""
    if isinstance(init, str):
        get(init)
        return init
    for name, fn in _ALIASES.items():
        if fn is init:
            return name
    raise ValueError(f"initializer {init!r} has no name and cannot be saved in a config")
