"""Who runs the time loop: compiled row blocks on threads, or a BLAS-driven step loop.

Two drivers share the compiled element-wise steps of :mod:`.rnn_loop`,
:mod:`.lstm_loop` and :mod:`.gru_loop`:

* **row blocks** (small H): the whole T-step loop is compiled, the recurrent
  products done by :mod:`seqlab.kernels.smallgemm` (ĥU, da·Uᵀ, and each
  step's share ĥᵀda of dU, which the blocks return). The batch is
  cut into ``numba.get_num_threads()`` contiguous blocks of rows, one per
  thread (rows never interact, so there is no synchronisation between steps);
  the compiled loops release the GIL.
* **BLAS steps** (H ≥ ``BLAS_MIN_UNITS``): a Python loop over t; each step's
  product ĥU (B × H · H × kH) is one NumPy matmul, which blocks U for the
  cache and uses BLAS's own threads, and the element-wise part is one compiled
  call for the whole batch. The Python overhead (a few µs per step) is
  negligible next to a product of that size. With several threads the LSTM
  instead shares each step between them (:mod:`.lstm_split`).

After the BLAS steps the weight gradient dU = Σ_t ĥ_{t−1}ᵀ da_t is one BLAS
product (:func:`recurrent_product`; after the LSTM's split loop, split over
the same threads by :func:`seqlab.kernels.threads.matmul`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from seqlab.kernels.gru_loop import (
    gru_after_step_backward,
    gru_after_step_forward,
    gru_before_step_backward,
    gru_before_step_carry,
    gru_before_step_forward,
    gru_before_step_gates,
    gru_before_step_reset,
    gru_step_carry,
)
from seqlab.kernels.lstm_loop import lstm_step_backward, lstm_step_carry, lstm_step_forward
from seqlab.kernels.rnn_loop import (
    simple_rnn_step_backward,
    simple_rnn_step_carry,
    simple_rnn_step_forward,
)
from seqlab.kernels.threads import matmul, run, thread_count

#: From this many units on, the recurrent products go to BLAS one step at a time.
#: Measured (LSTM, float32, T = 100, forward + BPTT): H = 128, B = 128 equal at
#: 1 and 2 threads; H = 256, B = 64: BLAS 133 ms vs rows 155 ms at 1 thread,
#: rows 98 vs 106 at 2 threads (their element-wise work is parallel too).
BLAS_MIN_UNITS = 256


def use_blas(units: int) -> bool:
    """Whether a layer of ``units`` runs the BLAS step driver."""
    return units >= BLAS_MIN_UNITS


def run_rows(loop: Callable[..., Any], B: int, head: tuple, tail: tuple) -> list[Any]:
    """Run ``loop(*head, b0, b1, *tail)`` over the batch, one block of rows per thread,
    and return what each block's call returned (in block order).

    Threads: ``numba.get_num_threads()`` (set with ``numba.set_num_threads``), at
    most one per row. Block 0 runs in the calling thread, so a first call
    compiles there while the others wait on Numba's compile lock.
    """
    n = max(1, min(thread_count(), B))
    edges = [i * B // n for i in range(n + 1)]
    return run([functools.partial(loop, *head, b0, b1, *tail)
                for b0, b1 in itertools.pairwise(edges)])


def recurrent_product(h0: np.ndarray, hs: np.ndarray, rec_mask: np.ndarray | None,
                      d: np.ndarray, split: bool = False) -> np.ndarray:
    """Σ_t ĥ_{t−1}ᵀ d_t with ĥ = h ⊙ rec_mask, h_{−1} = h0: one BLAS product
    (:func:`seqlab.kernels.threads.matmul`, split over seqlab's threads with ``split``).

    h0 (B, H), hs (T, B, H), d (T, B, N) (may be a column block of a wider array).
    """
    T, B, N = d.shape
    H = h0.shape[1]
    if T == 0:
        return np.zeros((H, N), dtype=d.dtype)
    if rec_mask is None:
        out = matmul(h0.T, d[0], split=split)
        if T > 1:
            out += matmul(hs[:-1].reshape((T - 1) * B, H).T, d[1:].reshape((T - 1) * B, N),
                          split=split)
        return out
    hd = np.concatenate([h0[None], hs[:-1]], axis=0) * rec_mask  # (T, B, H)
    # (T·B, H)ᵀ (T·B, N)
    return matmul(hd.reshape(T * B, H).T, d.reshape(T * B, N), split=split)


def _dropped(h_prev: np.ndarray, rec_mask: np.ndarray, out: np.ndarray) -> np.ndarray:
    if rec_mask.shape[0] == 0:
        return h_prev
    return np.multiply(h_prev, rec_mask, out=out)


# -------------------------------------------------------------- BLAS drivers
def simple_rnn_forward_blas(xw, U, h0, keep, rec_mask, act, hs, ys) -> None:
    """SimpleRNN forward, one NumPy product per step (arguments as simple_rnn_forward_rows)."""
    acc = np.empty((xw.shape[1], U.shape[1]), dtype=xw.dtype)
    hd = np.empty_like(h0)
    for t in range(xw.shape[0]):
        h_prev = h0 if t == 0 else hs[t - 1]
        np.matmul(_dropped(h_prev, rec_mask, hd), U, out=acc)
        acc += xw[t]
        simple_rnn_step_forward(acc, t, 0, h_prev, keep, act, hs, ys)


def simple_rnn_backward_blas(dhs, U, ys, keep, rec_mask, act, dh, dxw) -> None:
    dhd = np.empty_like(dh)
    U_T = np.ascontiguousarray(U.T)  # BLAS is faster on it than on the transposed view
    for t in range(dxw.shape[0] - 1, -1, -1):
        simple_rnn_step_backward(t, 0, dh.shape[0], dhs, ys, keep, act, dh, dxw)
        np.matmul(dxw[t], U_T, out=dhd)
        simple_rnn_step_carry(t, 0, dhd, keep, rec_mask, dh)


def lstm_forward_blas(xw, U, h0, c0, keep, rec_mask, act, rec_act, mixed,
                      hs, cs, gates, act_c) -> None:
    acc = np.empty((xw.shape[1], U.shape[1]), dtype=xw.dtype)
    hd = np.empty_like(h0)
    for t in range(xw.shape[0]):
        h_prev = h0 if t == 0 else hs[t - 1]
        c_prev = c0 if t == 0 else cs[t - 1]
        np.matmul(_dropped(h_prev, rec_mask, hd), U, out=acc)
        acc += xw[t]
        lstm_step_forward(acc, t, 0, h_prev, c_prev, keep, act, rec_act, mixed,
                          hs, cs, gates, act_c)


def lstm_backward_blas(dhs, U, c0, cs, gates, act_c, keep, rec_mask, act, rec_act, mixed,
                       dh, dc, dxw) -> None:
    tmp = np.empty_like(dh)
    dhd = np.empty_like(dh)
    U_T = np.ascontiguousarray(U.T)
    for t in range(dxw.shape[0] - 1, -1, -1):
        c_prev = c0 if t == 0 else cs[t - 1]
        lstm_step_backward(t, 0, dh.shape[0], dhs, c_prev, gates, act_c, keep, act, rec_act,
                           mixed, dh, dc, dxw, tmp)
        np.matmul(dxw[t], U_T, out=dhd)
        lstm_step_carry(t, 0, dhd, gates, keep, rec_mask, dh, dc)


def gru_after_forward_blas(xw, U, rb, h0, keep, rec_mask, act, rec_act,
                           hs, z, r, h_tilde, hh) -> None:
    acc = np.empty((xw.shape[1], U.shape[1]), dtype=xw.dtype)
    hd = np.empty_like(h0)
    tmp = np.empty_like(h0)
    for t in range(xw.shape[0]):
        h_prev = h0 if t == 0 else hs[t - 1]
        np.matmul(_dropped(h_prev, rec_mask, hd), U, out=acc)
        if rb.shape[0] > 0:
            acc += rb
        gru_after_step_forward(acc, t, 0, xw, h_prev, keep, act, rec_act,
                               hs, z, r, h_tilde, hh, tmp)


def gru_after_backward_blas(dhs, U, h0, hs, z, r, h_tilde, hh, keep, rec_mask, act, rec_act,
                            dh, dxw, dghh) -> None:
    dhu = np.empty((dh.shape[0], U.shape[1]), dtype=dh.dtype)
    dhd = np.empty_like(dh)
    U_T = np.ascontiguousarray(U.T)
    for t in range(dxw.shape[0] - 1, -1, -1):
        h_prev = h0 if t == 0 else hs[t - 1]
        gru_after_step_backward(t, 0, dh.shape[0], dhs, h_prev, z, r, h_tilde, hh, keep, act,
                                rec_act, dh, dxw, dghh, dhu)
        np.matmul(dhu, U_T, out=dhd)
        gru_step_carry(t, 0, dhd, z, keep, rec_mask, dh)


def gru_before_forward_blas(xw, U_zr, U_h, h0, keep, rec_mask, act, rec_act,
                            hs, z, r, h_tilde, r_h) -> None:
    B, H = h0.shape
    acc_zr = np.empty((B, 2 * H), dtype=xw.dtype)
    acc_h = np.empty_like(h0)
    prod = np.empty_like(h0)
    hd = np.empty_like(h0)
    for t in range(xw.shape[0]):
        h_prev = h0 if t == 0 else hs[t - 1]
        src = _dropped(h_prev, rec_mask, hd)
        np.matmul(src, U_zr, out=acc_zr)
        acc_zr += xw[t, :, :2 * H]
        gru_before_step_gates(acc_zr, t, 0, xw, src, rec_act, z, r, r_h, acc_h)
        acc_h += np.matmul(r_h[t], U_h, out=prod)
        gru_before_step_forward(acc_h, t, 0, h_prev, keep, act, hs, z, h_tilde)


def gru_before_backward_blas(dhs, U_zr, U_h, h0, hs, z, r, h_tilde, keep, rec_mask, act,
                             rec_act, dh, dxw) -> None:
    B, H = dh.shape
    d_rh = np.empty_like(dh)
    dhd = np.empty_like(dh)
    hd = np.empty_like(dh)
    U_zr_T = np.ascontiguousarray(U_zr.T)
    U_h_T = np.ascontiguousarray(U_h.T)
    for t in range(dxw.shape[0] - 1, -1, -1):
        h_prev = h0 if t == 0 else hs[t - 1]
        gru_before_step_backward(t, 0, B, dhs, h_prev, z, h_tilde, keep, act, rec_act, dh, dxw)
        np.matmul(dxw[t, :, 2 * H:], U_h_T, out=d_rh)
        gru_before_step_reset(t, 0, d_rh, _dropped(h_prev, rec_mask, hd), r, keep, rec_act, dxw)
        np.matmul(dxw[t, :, :2 * H], U_zr_T, out=dhd)
        gru_before_step_carry(t, 0, dhd, d_rh, r, z, keep, rec_mask, dh)
