"""Dense products on seqlab's threads (the twin of :mod:`seqlab.functional.dense`).

With the leading axes folded, X (N, D) and dY (N, H):

    y  = X W + b          rows r0:r1 of y from rows r0:r1 of X
    dX = dY Wᵀ            rows r0:r1 of dX from rows r0:r1 of dY
    dW = Xᵀ dY            columns c0:c1 of dW from columns c0:c1 of dY
    db = Σ_n dY[n]

The rows (or dW's columns) are cut into one block per thread and each block
is one BLAS call on one BLAS thread (:func:`seqlab.kernels.threads.blas_blocks`);
no block needs another's result. Same arguments and results as the reference.

Why not BLAS's own threads: their spinning after each call slows the
compiled time loop that runs next (a character-LM step, Embedding → LSTM(128)
→ Dense(65) on 64 × 100 characters, 2 threads: 77 ms with Dense on BLAS's
threads, 52 ms on one BLAS thread).
"""

from __future__ import annotations

import numpy as np

from seqlab.functional.dense import DenseCache
from seqlab.functional.dense import dense as reference_dense
from seqlab.functional.dense import dense_backward as reference_backward
from seqlab.kernels.threads import blas_blocks


def matmul_rows(a: np.ndarray, M: np.ndarray) -> np.ndarray:
    """a (N, K) · M (K, H), row blocks on seqlab's threads."""
    out = np.empty((a.shape[0], M.shape[1]), dtype=np.result_type(a, M))

    def block(r0: int, r1: int) -> None:
        np.matmul(a[r0:r1], M, out=out[r0:r1])

    blas_blocks(block, a.shape[0], a.shape[0] * a.shape[1] * M.shape[1])
    return out


def matmul_tn(a: np.ndarray, d: np.ndarray) -> np.ndarray:
    """aᵀ (K, N) · d (N, H), blocks of columns on seqlab's threads."""
    out = np.empty((a.shape[1], d.shape[1]), dtype=np.result_type(a, d))

    def block(c0: int, c1: int) -> None:
        np.matmul(a.T, d[:, c0:c1], out=out[:, c0:c1])

    blas_blocks(block, d.shape[1], a.shape[0] * a.shape[1] * d.shape[1])
    return out


def dense(x: np.ndarray, W: np.ndarray, b: np.ndarray | None = None
          ) -> tuple[np.ndarray, DenseCache]:
    """y = x · W + b over the last axis of ``x`` (as the reference, with these products)."""
    return reference_dense(x, W, b, matmul=matmul_rows)


def dense_backward(dy: np.ndarray, cache: DenseCache
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dx, dW, db) for :func:`dense` (as the reference, with these products)."""
    return reference_backward(dy, cache, matmul=matmul_rows, matmul_tn=matmul_tn)
