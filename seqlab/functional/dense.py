"""Dense (fully connected) kernel over the last axis, forward and backward.

For x of shape (..., D), W of shape (D, H) and b of shape (H,):

    y  = x · W + b                     (..., H)

With the leading axes folded into one of size N (N = B, or B·T for sequences),
X (N, D) and dY (N, H):

    dX = dY · Wᵀ                       (N, D) → unfolded to (..., D)
    dW = Xᵀ · dY                       (D, H)
    db = Σ_n dY[n]                     (H,)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

DenseCache = tuple[np.ndarray, np.ndarray, bool]
Product = Callable[[np.ndarray, np.ndarray], np.ndarray]


def transposed_product(a: np.ndarray, d: np.ndarray) -> np.ndarray:
    """aᵀ · d."""
    return a.T @ d


def dense(x: np.ndarray, W: np.ndarray, b: np.ndarray | None = None,
          matmul: Product = np.matmul) -> tuple[np.ndarray, DenseCache]:
    """y = x · W + b over the last axis of ``x`` (any number of leading axes).
    ``matmul(a, M)`` multiplies the folded rows (the fast path passes its own)."""
    if W.ndim != 2:
        raise ValueError(f"dense: W must be a matrix (D, H), got shape {W.shape}")
    if x.ndim < 1 or x.shape[-1] != W.shape[0]:
        raise ValueError(
            f"dense: x must end in D={W.shape[0]} features to match W {W.shape}, "
            f"got x of shape {x.shape}"
        )
    if b is not None and b.shape != (W.shape[1],):
        raise ValueError(f"dense: b must have shape ({W.shape[1]},), got {b.shape}")
    y = matmul(x.reshape(-1, W.shape[0]), W)  # (N, D) @ (D, H)
    if b is not None:
        y += b
    return y.reshape(*x.shape[:-1], W.shape[1]), (x, W, b is not None)


def dense_backward(dy: np.ndarray, cache: DenseCache, matmul: Product = np.matmul,
                   matmul_tn: Product = transposed_product
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dx, dW, db) for ``dense``; db is None when the forward had no bias.
    ``matmul(a, M)`` and ``matmul_tn(a, d)`` = aᵀ · d compute the products."""
    x, W, has_bias = cache
    D, H = W.shape
    x2 = x.reshape(-1, D)  # (N, D), N = product of the leading axes
    dy2 = dy.reshape(-1, H)  # (N, H)
    dx = matmul(dy2, W.T).reshape(x.shape)  # (N, H) @ (H, D) -> (..., D)
    dW = matmul_tn(x2, dy2)  # (D, H)
    db = dy2.sum(axis=0) if has_bias else None  # (H,)
    return dx, dW, db
