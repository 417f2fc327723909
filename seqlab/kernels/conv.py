"""Numba fast path for conv1d: compiled im2col / col2im around BLAS products.

Same equations, arguments and results as the reference
:func:`seqlab.functional.conv.conv1d` (symbols B, T, D, K, F, s, r, T' as
there). The work is the same im2col + matmul, arranged for speed:

* The rows of X (B·T', K·D) are built chunk by chunk (about 1 MB each) by a
  compiled gather that reads x directly, writing zeros where a window hangs
  over the padding; no padded copy of x is ever made. Each chunk goes
  straight into BLAS while it is still in cache:

      Y[rows]  = X[rows] · W₂ + b
      dW₂     += X[rows]ᵀ · dY[rows]        (X[rows] gathered again: cheaper
      dX[rows] = dY[rows] · W₂ᵀ              than keeping all of X)
      dx[b, t·s + k·r − p_l, d] += dX[(b, t), (k, d)]     (compiled scatter-add)
      db      += 1ᵀ · dY[rows]

  The forward keeps only a reference to x, not the (K times larger) X.

* With more than one thread (``numba.get_num_threads()``; set it with
  ``numba.set_num_threads``), the batch is split into that many contiguous
  blocks of samples (unless X has fewer than PARALLEL_MIN_ROWS rows), one per
  Python thread (the compiled loops release the GIL, and so does BLAS). BLAS
  is held to one thread inside each block, which needs ``threadpoolctl``;
  without it the kernel runs one block and BLAS keeps its own threading. Splitting at sample boundaries means no two threads ever
  add into the same step of dx. Per-block dW and db are summed at the end, so
  results can differ in the last bits between thread counts (never between
  two runs with the same count).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from seqlab.functional.conv import ConvGeometry, check_conv1d_args, conv_geometry
from seqlab.kernels.jit import kernel
from seqlab.kernels.threads import blas_controller, run, single_thread_blas, thread_count

CHUNK_BYTES = 1024 * 1024  # target size of one gathered block of X (about L2)
PARALLEL_MIN_ROWS = 2048  # below this many rows of X, threads cost more than they save


@kernel(fastmath=False, error_model="python", boundscheck=None)
def im2col_rows(x, cols, row0, row1, out_length, kernel_size, stride, dilation, pad_left):
    """cols[i, k·D + d] = x[b, t·s + k·r − p_l, d] (0 outside x) for the flat
    window rows row0 + i = b·T' + t, i < row1 − row0."""
    T = x.shape[1]
    D = x.shape[2]
    zero = cols.dtype.type(0)
    for row in range(row0, row1):
        b = row // out_length
        t = row - b * out_length
        i = row - row0
        for k in range(kernel_size):
            src = t * stride + k * dilation - pad_left
            c0 = k * D
            if src >= 0 and src < T:
                for d in range(D):
                    cols[i, c0 + d] = x[b, src, d]
            else:
                for d in range(D):
                    cols[i, c0 + d] = zero


@kernel(fastmath=False, error_model="python", boundscheck=None)
def col2im_rows_add(dcols, dx, row0, row1, out_length, kernel_size, stride, dilation, pad_left):
    """dx[b, t·s + k·r − p_l, d] += dcols[i, k·D + d] for rows row0 + i = b·T' + t
    (taps that fall on the padding are dropped)."""
    T = dx.shape[1]
    D = dx.shape[2]
    for row in range(row0, row1):
        b = row // out_length
        t = row - b * out_length
        i = row - row0
        for k in range(kernel_size):
            src = t * stride + k * dilation - pad_left
            if src >= 0 and src < T:
                c0 = k * D
                for d in range(D):
                    dx[b, src, d] += dcols[i, c0 + d]


# ------------------------------------------------------------------ threads
def workers_for(batch: int, rows: int) -> int:
    """How many sample blocks run at once: numba's thread count, capped by the
    batch; 1 for small work (fewer than PARALLEL_MIN_ROWS window rows), and 1
    when threadpoolctl is missing (BLAS could not be held to one thread)."""
    n = min(thread_count(), int(batch))
    if n <= 1 or rows < PARALLEL_MIN_ROWS or blas_controller() is None:
        return 1
    return n


def _run_blocks(job: Any, batch: int, out_length: int, workers: int) -> list[Any]:
    """Call ``job(row0, row1)`` on ``workers`` contiguous blocks of samples."""
    bounds = [(batch * i // workers) * out_length for i in range(workers + 1)]
    jobs = [functools.partial(job, *span) for span in itertools.pairwise(bounds)]
    if workers == 1:
        return [jobs[0]()]
    with single_thread_blas():
        return run(jobs)


def _chunk_rows(cols: int, itemsize: int) -> int:
    return max(64, CHUNK_BYTES // max(cols * itemsize, 1))


# ---------------------------------------------------------------- conv1d
@dataclass
class Conv1DKernelCache:
    """What the fast backward needs: the input itself (X is gathered again)."""

    x: np.ndarray
    kernel: np.ndarray
    has_bias: bool
    geometry: ConvGeometry


def conv1d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None, strides: int = 1,
           padding: str = "valid", dilation_rate: int = 1
           ) -> tuple[np.ndarray, Conv1DKernelCache]:
    """y = conv1d(x; W, b) → (y (B, T', F), cache); equal to the reference."""
    check_conv1d_args(x, kernel, bias)
    geo = conv_geometry(x.shape[1], kernel.shape[0], padding, strides, dilation_rate)
    dtype = np.result_type(x, kernel)
    x = np.ascontiguousarray(x, dtype=dtype)
    kernel = np.ascontiguousarray(kernel, dtype=dtype)
    B, _, D = x.shape
    K, _, F = kernel.shape
    KD = K * D
    W2 = kernel.reshape(KD, F)  # (K·D, F)
    y = np.empty((B * geo.out_length, F), dtype=dtype)  # (B·T', F)
    b = None if bias is None else np.asarray(bias, dtype=dtype)
    step = _chunk_rows(KD, dtype.itemsize)

    def block(row0: int, row1: int) -> None:
        cols = np.empty((min(step, row1 - row0), KD), dtype=dtype)  # (rows, K·D)
        for r0 in range(row0, row1, step):
            r1 = min(r0 + step, row1)
            c = cols[: r1 - r0]
            im2col_rows(x, c, r0, r1, geo.out_length, K, geo.stride, geo.dilation,
                        geo.pad_left)
            out = y[r0:r1]
            np.dot(c, W2, out=out)
            if b is not None:
                out += b

    _run_blocks(block, B, geo.out_length, workers_for(B, B * geo.out_length))
    cache = Conv1DKernelCache(x, kernel, bias is not None, geo)
    return y.reshape(B, geo.out_length, F), cache  # (B, T', F)


def conv1d_backward(dy: np.ndarray, cache: Conv1DKernelCache
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dx, dkernel, dbias) for :func:`conv1d`; dbias is None without a bias."""
    x, kernel, geo = cache.x, cache.kernel, cache.geometry
    B, _, D = x.shape
    K, _, F = kernel.shape
    KD = K * D
    if dy.shape != (B, geo.out_length, F):
        raise ValueError(
            f"conv1d_backward: expected dy of shape {(B, geo.out_length, F)}, got {dy.shape}"
        )
    dtype = kernel.dtype
    dY = np.ascontiguousarray(dy, dtype=dtype).reshape(B * geo.out_length, F)  # (B·T', F)
    W2T = np.ascontiguousarray(kernel.reshape(KD, F).T)  # (F, K·D)
    dx = np.zeros_like(x)
    step = _chunk_rows(KD, dtype.itemsize)

    def block(row0: int, row1: int) -> tuple[np.ndarray, np.ndarray | None]:
        n = min(step, row1 - row0)
        cols = np.empty((n, KD), dtype=dtype)  # (rows, K·D)
        dcols = np.empty((n, KD), dtype=dtype)  # (rows, K·D)
        part = np.empty((KD, F), dtype=dtype)  # (K·D, F)
        dW2 = np.zeros((KD, F), dtype=dtype)  # (K·D, F)
        db = np.zeros(F, dtype=dtype) if cache.has_bias else None
        ones = np.ones(n, dtype=dtype)  # db as a BLAS product: 1ᵀ · dY[rows]
        for r0 in range(row0, row1, step):
            r1 = min(r0 + step, row1)
            c, dc, g = cols[: r1 - r0], dcols[: r1 - r0], dY[r0:r1]
            im2col_rows(x, c, r0, r1, geo.out_length, K, geo.stride, geo.dilation,
                        geo.pad_left)
            np.dot(c.T, g, out=part)
            dW2 += part
            np.dot(g, W2T, out=dc)
            col2im_rows_add(dc, dx, r0, r1, geo.out_length, K, geo.stride, geo.dilation,
                            geo.pad_left)
            if db is not None:
                db += np.dot(ones[: r1 - r0], g)
        return dW2, db

    parts = _run_blocks(block, B, geo.out_length, workers_for(B, B * geo.out_length))
    dW2 = parts[0][0]
    for extra, _ in parts[1:]:
        dW2 += extra
    db = None
    if cache.has_bias:
        db = parts[0][1]
        for _, extra in parts[1:]:
            db += extra
    return dx, dW2.reshape(K, D, F), db  # dW₂ (K·D, F) → (K, D, F)
