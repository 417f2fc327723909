"""Input products of the recurrent layers: compiled row blocks (small), threaded BLAS (big).

    forward:   xw[t, b] = x[b, t'] W + bias                 x (B, T, D) → xw (T, B, kH)
    backward:  dx[b, t'] = dxw[t, b] Wᵀ;   dW = Σ x[b, t']ᵀ dxw[t, b];   db = Σ dxw[t, b]

with t' = t, or T − 1 − t for go_backwards (the loop runs the steps reversed).
Same arguments and results as :func:`seqlab.functional.recurrent.input_projection`
and ``input_backward``.

Why compiled for small layers: these products take as long here as in BLAS,
but BLAS's own worker threads keep spinning after each call and take a core
from the compiled time loop that follows (measurements in
``benchmarks/results/kernel_design_notes.md``). It also reads x in place, with no
time-major copy.

Big layers (:func:`uses_blas`) use BLAS: one product each for xw, dW and dx
over all T·B rows, in row (or column) blocks on seqlab's threads, one BLAS
thread each (:mod:`.dense`).
"""

from __future__ import annotations

import numpy as np

from seqlab.functional.recurrent import time_major
from seqlab.kernels import step_products
from seqlab.kernels.dense import matmul_rows, matmul_tn
from seqlab.kernels.jit import kernel
from seqlab.kernels.smallgemm import gemm_acc, gemm_nt, gemm_tn_acc
from seqlab.kernels.threads import run_rows


@kernel
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


@kernel
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


def uses_blas(D: int, kH: int) -> bool:
    """Whether the input products go to BLAS: D, or kH / 4 (H for an LSTM), of
    ``BLAS_MIN_UNITS`` or more (the size from which the loop goes to BLAS at one thread)."""
    return max(D, kH // 4) >= step_products.BLAS_MIN_UNITS


def input_projection(x: np.ndarray, W: np.ndarray, b: np.ndarray | None,
                     reverse: bool) -> np.ndarray:
    """xw (T, B, kH) = x W + b, time-major in processing order (as the reference)."""
    B, T, D = x.shape
    if uses_blas(D, W.shape[1]):
        xw = matmul_rows(time_major(x, reverse).reshape(T * B, D), W)  # (T·B, D) @ (D, kH)
        if b is not None:
            xw += b
        return xw.reshape(T, B, -1)
    xw = np.empty((T, B, W.shape[1]), dtype=x.dtype)
    bias = np.zeros(0, dtype=x.dtype) if b is None else np.ascontiguousarray(b, dtype=x.dtype)
    x, W = np.ascontiguousarray(x), np.ascontiguousarray(W)
    run_rows(lambda rows: project_rows(x, W, bias, reverse, rows.b0, rows.b1, xw), B)
    return xw


def input_backward(x: np.ndarray, dxw: np.ndarray, W: np.ndarray, reverse: bool,
                   use_bias: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dx, dW, db) through :func:`input_projection` (as the reference)."""
    T, B, kH = dxw.shape
    D = x.shape[2]
    if uses_blas(D, kH):
        d2 = np.ascontiguousarray(dxw).reshape(T * B, kH)
        dW = matmul_tn(time_major(x, reverse).reshape(T * B, D), d2)  # (D, T·B) @ (T·B, kH)
        dx_steps = matmul_rows(d2, W.T).reshape(T, B, D)  # processing order
        dx = np.ascontiguousarray(np.swapaxes(dx_steps[::-1] if reverse else dx_steps, 0, 1))
        return dx, dW, (d2.sum(axis=0) if use_bias else None)
    dx = np.empty_like(x)
    x, dxw, W = np.ascontiguousarray(x), np.ascontiguousarray(dxw), np.ascontiguousarray(W)
    parts = run_rows(lambda rows: input_grad_rows(x, dxw, W, reverse, rows.b0, rows.b1, dx), B)
    dW = sum(p[0] for p in parts)
    return dx, dW, (sum(p[1] for p in parts) if use_bias else None)
