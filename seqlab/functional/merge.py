"""Kernels of the merge layers that are more than element-wise: the batched dot
product of Keras' ``Dot`` and the L2 normalisation of ``Dot(normalize=True)``.

Batched dot over axis a of x and axis b of y (batch axis 0 excluded), with the
summed axes of length K, x's other axes I and y's other axes J:

    r[n, i, j] = Σ_k x[n, i, k] · y[n, k, j]     (x's axis a moved last, y's axis b to 1)
    dx[n, i, k] = Σ_j dr[n, i, j] · y[n, k, j]     dy[n, k, j] = Σ_i x[n, i, k] · dr[n, i, j]

The result has shape (B, *I, *J), and (B, 1) when both inputs are (B, K), as
Keras' ``batch_dot``.

L2 normalisation along an axis, as Keras (ε = 1e-7 guards a zero vector):

    ŷ = x / n,   n = sqrt(max(Σ x², ε))
    dx = (dŷ − [Σ x² > ε] · ŷ Σ(ŷ ⊙ dŷ)) / n
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

NORM_EPSILON = 1e-7

MergeCache = tuple[Any, ...]


def batch_dot(x: np.ndarray, y: np.ndarray, axes: tuple[int, int]
              ) -> tuple[np.ndarray, MergeCache]:
    """r = Σ_k x[.., k, ..] y[.., k, ..] per sample, over ``axes = (a, b)`` (both ≥ 1)."""
    a, b = axes
    x_moved = np.moveaxis(x, a, -1)  # (B, *I, K)
    y_moved = np.moveaxis(y, b, 1)  # (B, K, *J)
    B, K = x.shape[0], x.shape[a]
    outer_x, outer_y = x_moved.shape[1:-1], y_moved.shape[2:]
    x3 = x_moved.reshape(B, math.prod(outer_x), K)  # (B, I, K)
    y3 = y_moved.reshape(B, K, math.prod(outer_y))  # (B, K, J)
    r = x3 @ y3  # (B, I, J)
    out_shape = (B, *outer_x, *outer_y)
    if len(out_shape) == 1:
        out_shape = (B, 1)
    return r.reshape(out_shape), (x3, y3, x_moved.shape, y_moved.shape, axes)


def batch_dot_backward(dout: np.ndarray, cache: MergeCache) -> tuple[np.ndarray, np.ndarray]:
    """(dx, dy) shaped like the forward's x and y."""
    x3, y3, x_moved_shape, y_moved_shape, (a, b) = cache
    dr = dout.reshape(x3.shape[0], x3.shape[1], y3.shape[2])  # (B, I, J)
    dx3 = dr @ np.swapaxes(y3, 1, 2)  # (B, I, K)
    dy3 = np.swapaxes(x3, 1, 2) @ dr  # (B, K, J)
    dx = np.moveaxis(dx3.reshape(x_moved_shape), -1, a)  # (B, *I, K) → x's layout
    dy = np.moveaxis(dy3.reshape(y_moved_shape), 1, b)  # (B, K, *J) → y's layout
    return dx, dy


def l2_normalize(x: np.ndarray, axis: int) -> tuple[np.ndarray, MergeCache]:
    """ŷ = x / sqrt(max(Σ x², ε)) along ``axis``."""
    squares = np.sum(x * x, axis=axis, keepdims=True)
    norm = np.sqrt(np.maximum(squares, NORM_EPSILON))
    y = x / norm
    return y, (y, norm, squares > NORM_EPSILON, axis)


def l2_normalize_backward(dy: np.ndarray, cache: MergeCache) -> np.ndarray:
    y, norm, above_floor, axis = cache
    along = np.sum(y * dy, axis=axis, keepdims=True)
    return (dy - above_floor * y * along) / norm
