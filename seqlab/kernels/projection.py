"""Input products of the recurrent layers: compiled row blocks (small), threaded BLAS (big).

    forward:   xw[t, b] = x[b, t'] W + bias                 x (B, T, D) → xw (T, B, kH)
    backward:  dx[b, t'] = dxw[t, b] Wᵀ;   dW = Σ x[b, t']ᵀ dxw[t, b];   db = Σ dxw[t, b]

with t' = t, or T − 1 − t for go_backwards (the loop runs the steps reversed).
Same results as :func:`seqlab.functional.recurrent.input_projection` and
``input_backward``; :mod:`seqlab.kernels.recurrent` chooses between them.

Why compiled: for a small layer these products take as long in BLAS as here
(measured one core, B 128, T 500, D 32, LSTM(32): 10.6 ms compiled vs 10.7
for the time-major copy + BLAS in the forward, 19.6 vs 18.9 backward), but
BLAS's own worker threads keep spinning after each call and take a core from
the compiled time loop that follows: at 2 threads the LSTM layer's
forward + backward took 78–82 ms wall and 160 ms CPU with BLAS products, 58 ms
with all its work on the row-block threads. It also reads x in place, with no
time-major copy.

Big layers (see ``rnn_drivers.use_blas``) use BLAS: one product each for xw,
dW and dx over all T·B rows. With ``split`` (a large LSTM whose loop runs on
seqlab's threads, :mod:`.lstm_split`) they are split over those threads by
:func:`seqlab.kernels.threads.matmul` with BLAS on one thread in each, so
BLAS's own workers do not spin on the cores the loop needs next, and the bias
is added inside those blocks. Other big layers call BLAS with its own
threads, as their loops do: mixing the two on the same cores made a GRU(256)
1.3–1.7x slower at two threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from seqlab.functional.recurrent import time_major
from seqlab.kernels.fastmath import JIT
from seqlab.kernels.smallgemm import gemm_acc, gemm_nt, gemm_tn_acc
from seqlab.kernels.threads import matmul


@njit(**JIT)
def project_rows(x, W, bias, reverse, b0, b1, xw):
    """xw[t, b0:b1] = x[b0:b1, t'] W + bias for every t (``bias`` (0,) for none)."""
    T = x.shape[1]
    n = b1 - b0
    kH = W.shape[1]
    has_bias = bias.shape[0] > 0
    zero = xw.dtype.type(0)
    for t in range(T):
        ti = T - 1 - t if reverse else t
        out = xw[t, b0:b1]
        for r in range(n):
            o = out[r]
            if has_bias:
                for j in range(kH):
                    o[j] = bias[j]
            else:
                for j in range(kH):
                    o[j] = zero
        gemm_acc(x[:, ti, :], b0, 0, W, out, n)


@njit(**JIT)
def input_grad_rows(x, dxw, W, reverse, b0, b1, dx):
    """dx[b0:b1] = dxw Wᵀ in input order; returns these rows' shares of (dW, db)."""
    T = x.shape[1]
    D = x.shape[2]
    kH = W.shape[1]
    n = b1 - b0
    dW = np.zeros((D, kH), dtype=dxw.dtype)
    db = np.zeros(kH, dtype=dxw.dtype)
    for t in range(T):
        ti = T - 1 - t if reverse else t
        d = dxw[t]
        gemm_nt(d, b0, W, dx[b0:b1, ti, :], n)
        gemm_tn_acc(x[:, ti, :], b0, d[b0:b1], dW, n)
        for r in range(b0, b1):
            dr = d[r]
            for j in range(kH):
                db[j] += dr[j]
    return dW, db


def project_blas(x: np.ndarray, W: np.ndarray, bias: np.ndarray | None, reverse: bool,
                 split: bool) -> np.ndarray:
    """xw (T, B, kH) = x W + bias, time-major, in processing order: one BLAS product."""
    B, T, D = x.shape
    return matmul(time_major(x, reverse).reshape(T * B, D), W, bias, split).reshape(T, B, -1)


def input_grad_blas(x: np.ndarray, dxw: np.ndarray, W: np.ndarray, reverse: bool,
                    use_bias: bool, split: bool
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dx, dW, db) for :func:`project_blas`: two BLAS products and a column sum."""
    T, B, kH = dxw.shape
    D = x.shape[2]
    d2 = np.ascontiguousarray(dxw).reshape(T * B, kH)
    x_steps = time_major(x, reverse).reshape(T * B, D)
    dW = matmul(x_steps.T, d2, split=split)  # (D, T·B) @ (T·B, kH)
    dx_steps = matmul(d2, W.T, split=split).reshape(T, B, D)  # processing order
    dx = np.ascontiguousarray(np.swapaxes(dx_steps[::-1] if reverse else dx_steps, 0, 1))
    return dx, dW, (d2.sum(axis=0) if use_bias else None)
