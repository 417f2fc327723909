"""Inverted dropout, forward and backward.

With keep probability q = 1 − rate and a 0/1 draw k ~ Bernoulli(q) of shape
``noise_shape`` (broadcast against x):

    m  = k / q                 (the scaled mask; E[m] = 1, so no rescaling at test time)
    y  = x ⊙ m
    dx = dy ⊙ m

Masks come only from the Generator passed in, so a seed fixes them. ``rate = 0``
gives the identity (no draw is made).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from seqlab import checks


def dropout_mask(shape: Sequence[int], rate: float, rng: np.random.Generator,
                 dtype: np.dtype | str = np.float32) -> np.ndarray:
    """A scaled mask m = k / (1 − rate) with k ~ Bernoulli(1 − rate), of ``shape``.

    Recurrent dropout draws one such mask per sequence and reuses it at every step.
    """
    rate = checks.rate("dropout", "rate", rate)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"dropout: rng must be a np.random.Generator, got {type(rng).__name__}")
    keep = rng.random(tuple(shape)) >= rate
    return np.multiply(keep, 1.0 / (1.0 - rate), dtype=np.dtype(dtype))


def resolve_noise_shape(x_shape: tuple[int, ...], noise_shape: Sequence[int | None] | None,
                        who: str = "dropout") -> tuple[int, ...]:
    """The mask shape: ``noise_shape`` with None entries taken from ``x_shape``."""
    if noise_shape is None:
        return x_shape
    if len(noise_shape) != len(x_shape):
        raise ValueError(
            f"{who}: noise_shape must have rank {len(x_shape)} to match the input "
            f"{x_shape}, got {tuple(noise_shape)}"
        )
    shape = tuple(n if s is None else s for s, n in zip(noise_shape, x_shape))
    for s, n in zip(shape, x_shape):
        if s != 1 and s != n:
            raise ValueError(
                f"{who}: noise_shape {tuple(noise_shape)} does not broadcast to the "
                f"input shape {x_shape} (each entry must be 1, None or the input's size)"
            )
    return shape


def dropout(x: np.ndarray, rate: float, rng: np.random.Generator,
            noise_shape: Sequence[int | None] | None = None
            ) -> tuple[np.ndarray, np.ndarray | None]:
    """y = x ⊙ m with a fresh inverted-dropout mask m; returns (y, m).

    ``noise_shape`` (Keras semantics) may hold 1 to share the mask along an axis
    and None to take the input's size. The cache is the mask (None when rate = 0).
    """
    rate = checks.rate("dropout", "rate", rate)
    if rate == 0.0:
        return x, None
    mask = dropout_mask(resolve_noise_shape(x.shape, noise_shape), rate, rng, x.dtype)
    return x * mask, mask


def dropout_backward(dy: np.ndarray, cache: np.ndarray | None) -> np.ndarray:
    """dx = dy ⊙ m (the identity when the forward had rate = 0)."""
    return dy if cache is None else dy * cache
