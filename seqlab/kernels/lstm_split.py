"""Large LSTM layers on several threads: products split by units, gate code by rows.

With H ≥ ``rnn_drivers.BLAS_MIN_UNITS`` each step's product ĥU is big enough
for BLAS, and the BLAS driver lets BLAS's own threads share it; the gate code
between products then runs on one thread. Here each of n threads owns a
block of units u ∈ [u_k, u_{k+1}) and a block of batch rows [b_k, b_{k+1}),
and every step has two phases, each followed by a wait for the others
(:mod:`.step_flags`):

    forward, step t   product:  a[:, q·H + u] = ĥ_{t−1} U[:, q·H + u]   its units, all rows
                      gates:    gate code of :mod:`.lstm_loop`           its rows, all units
    BPTT, step t      gates:    da_t (= dxw_t) from dh, dc               its rows, all units
                      product:  dĥ_{t−1}[:, u] = da_t U[u, :]ᵀ, carry    its units, all rows

Why both splits: a thread that multiplies by its own part of U (or Uᵀ) keeps
it in its core's cache (100 forward products of a 256-unit LSTM: 17–18 ms
for half the units against 26 ms for half the rows with all of U), while the
gate code costs by the rows it touches, not the bytes (on real arrays: 3.7 ms
per 100 BPTT steps for half the rows, 7.6 ms for half the units of all rows).

Each thread's whole loop is one compiled call that calls BLAS
(:mod:`.blas_gemm`, held to one thread) directly, so no step passes through
Python or the GIL. The gate code is ``lstm_loop``'s own, and every product
column is computed as the one-thread driver computes it, so the results equal
that driver's bit for bit (tested; with a single batch row BLAS may treat the
one-row product differently, and the last bits can differ). Used when there are ≥ 2 threads and
cores for them (a spinning thread must not wait for one that has no core),
at least ``MIN_UNITS_PER_THREAD`` units each, threadpoolctl, and NumPy's
BLAS gemm.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
from numba import njit

from seqlab.kernels.blas_gemm import find_gemm, gemm
from seqlab.kernels.fastmath import JIT
from seqlab.kernels.lstm_loop import lstm_step_backward, lstm_step_forward
from seqlab.kernels.rowops import add_rows, fill_dropped
from seqlab.kernels.step_flags import abort, new_flags, publish, wait_for
from seqlab.kernels.threads import blas_controller, cores, run, single_thread_blas, thread_count

MIN_UNITS_PER_THREAD = 64
_ALIGN = 16  # block edges on multiples of 16 units: whole AVX-512 vectors of float32


def split_threads(units: int) -> int:
    """How many threads share a layer of ``units`` (1: use the one-thread driver)."""
    n = min(thread_count(), cores(), units // MIN_UNITS_PER_THREAD)
    if n < 2 or blas_controller() is None or find_gemm() is None:
        return 1
    return n


def unit_blocks(units: int, n: int) -> list[tuple[int, int]]:
    """n contiguous non-empty blocks of units, edges on multiples of 16 where possible."""
    edges = [min(units, round(k * units / n / _ALIGN) * _ALIGN) for k in range(n)] + [units]
    if any(a >= b for a, b in itertools.pairwise(edges)):  # too few units to align
        edges = [k * units // n for k in range(n + 1)]
    return list(itertools.pairwise(edges))


def row_blocks(rows: int, n: int) -> list[tuple[int, int]]:
    """n contiguous blocks of batch rows (as even as they come)."""
    return list(itertools.pairwise([k * rows // n for k in range(n + 1)]))


def gate_blocks(U: np.ndarray, u0: int, u1: int) -> np.ndarray:
    """The four gate blocks of U's columns for units u0:u1, (4, rows, u1 − u0), contiguous."""
    rows, H4 = U.shape
    return np.ascontiguousarray(U.reshape(rows, 4, H4 // 4)[:, :, u0:u1].transpose(1, 0, 2))


@njit(**JIT)
def units_step_carry(t, u0, dhd, gates, keep, rec_mask, dh, dc):
    """Second half of a BPTT step for units u0:u0+m of every row, given
    dhd = da_t U[units, :]ᵀ (B, m): dc ← dc ⊙ f and dh ← dhd ⊙ rec_mask on the
    rows that ran step t (as ``lstm_loop.lstm_step_carry`` does for a row block).
    Inner loops run over slices of one row, so they vectorise."""
    B = dhd.shape[0]
    H = dh.shape[1]
    m = dhd.shape[1]
    u1 = u0 + m
    g = gates[t]
    has_keep = keep.shape[0] > 0
    has_rm = rec_mask.shape[0] > 0
    for r in range(B):
        if has_keep and not keep[t, r]:
            continue
        gf = g[r, H + u0:H + u1]
        dcr = dc[r, u0:u1]
        for j in range(m):
            dcr[j] *= gf[j]
        src = dhd[r]
        dr = dh[r, u0:u1]
        if has_rm:
            rm = rec_mask[r, u0:u1]
            for j in range(m):
                dr[j] = src[j] * rm[j]
        else:
            for j in range(m):
                dr[j] = src[j]


# ------------------------------------------------------ one thread's loops
# Each step has two phases with a wait after each: the product (thread k: its
# units' columns, all rows) and the gate code (thread k: its rows, all units).
# Flags count phases, so after step t's phases every flag is 2t + 2.
@njit(**JIT)
def split_forward(address, index, flags, k, n, u0, b0, b1, U_k, xw, h0, c0, keep, rec_mask,
                  act, rec_act, mixed, acc, hs, cs, gates, act_c):
    """All T forward steps for thread k: products for units u0:u0+m (U_k = gate_blocks),
    gate code for rows b0:b1; ``acc`` (B, 4H) is shared by the threads."""
    T = xw.shape[0]
    H = hs.shape[2]
    m = U_k.shape[2]
    hd = np.empty_like(h0)
    for t in range(T):
        if not wait_for(flags, n, 2 * t):  # h_{t−1} complete
            return
        h_prev = h0 if t == 0 else hs[t - 1]
        c_prev = c0 if t == 0 else cs[t - 1]
        src = h_prev
        if rec_mask.shape[0] > 0:
            fill_dropped(h_prev, rec_mask, 0, hd)
            src = hd
        for q in range(4):
            gemm(address, index, src, U_k[q], acc[:, q * H + u0:q * H + u0 + m], 0.0)
        publish(flags, k, 2 * t + 1)
        if not wait_for(flags, n, 2 * t + 1):  # every column of acc written
            return
        rows = acc[b0:b1]
        add_rows(rows, xw[t, b0:b1])
        lstm_step_forward(rows, t, b0, h_prev, c_prev, keep, act, rec_act, mixed,
                          hs, cs, gates, act_c)
        publish(flags, k, 2 * t + 2)


@njit(**JIT)
def split_backward(address, index, flags, k, n, u0, b0, b1, UT_k, dhs, c0, cs, gates, act_c,
                   keep, rec_mask, act, rec_act, mixed, dh, dc, dxw):
    """All T BPTT steps for thread k: gate code for rows b0:b1, then products and
    carries for units u0:u0+m (UT_k = U[units, :]ᵀ, (4H, m))."""
    T = dxw.shape[0]
    B = dh.shape[0]
    H = dh.shape[1]
    tmp = np.empty((b1 - b0, H), dtype=dxw.dtype)
    dhd = np.empty((B, UT_k.shape[1]), dtype=dxw.dtype)
    for s in range(T):
        t = T - 1 - s
        if not wait_for(flags, n, 2 * s):  # dh, dc of every unit carried
            return
        c_prev = c0 if t == 0 else cs[t - 1]
        lstm_step_backward(t, b0, b1 - b0, dhs, c_prev, gates, act_c, keep, act, rec_act,
                           mixed, dh, dc, dxw, tmp)
        publish(flags, k, 2 * s + 1)
        if not wait_for(flags, n, 2 * s + 1):  # every row of da_t written
            return
        gemm(address, index, dxw[t], UT_k, dhd, 0.0)
        units_step_carry(t, u0, dhd, gates, keep, rec_mask, dh, dc)
        publish(flags, k, 2 * s + 2)


# ---------------------------------------------------------------- drivers
def _run_threads(n: int, loop, per_thread: list[tuple], shared: tuple) -> None:
    """``loop(address, index, flags, k, n, *per_thread[k], *shared)`` on n threads
    (thread 0 is the caller); a thread that fails makes the others stop waiting.
    BLAS's gemm for the dtype of ``shared[0]``."""
    blas = find_gemm()
    flags = new_flags(n)
    dtype = shared[0].dtype

    def one(k: int) -> None:
        try:
            loop(blas.address(dtype), blas.index, flags, k, n, *per_thread[k], *shared)
        except BaseException:
            abort(flags, n)
            raise

    with single_thread_blas():
        run([functools.partial(one, k) for k in range(n)])


def _thread_blocks(U: np.ndarray, B: int, n: int) -> list[tuple[int, int, int, int]]:
    """(u0, u1, b0, b1) of each thread: its units and its rows."""
    return [(u0, u1, b0, b1) for (u0, u1), (b0, b1)
            in zip(unit_blocks(U.shape[0], n), row_blocks(B, n), strict=True)]


def lstm_forward_split(n, xw, U, h0, c0, keep, rec_mask, act, rec_act, mixed,
                       hs, cs, gates, act_c) -> None:
    """The forward loop on n threads (arguments as ``rnn_drivers.lstm_forward_blas``)."""
    per_thread = [(u0, b0, b1, gate_blocks(U, u0, u1))
                  for u0, u1, b0, b1 in _thread_blocks(U, h0.shape[0], n)]
    acc = np.empty(xw.shape[1:], dtype=xw.dtype)  # (B, 4H), shared
    _run_threads(n, split_forward, per_thread,
                 (xw, h0, c0, keep, rec_mask, act, rec_act, mixed, acc, hs, cs, gates, act_c))


def lstm_backward_split(n, dhs, U, c0, cs, gates, act_c, keep, rec_mask, act, rec_act, mixed,
                        dh, dc, dxw) -> None:
    """BPTT on n threads (arguments as ``rnn_drivers.lstm_backward_blas``)."""
    per_thread = [(u0, b0, b1, np.ascontiguousarray(U[u0:u1].T))
                  for u0, u1, b0, b1 in _thread_blocks(U, dh.shape[0], n)]
    _run_threads(n, split_backward, per_thread,
                 (dhs, c0, cs, gates, act_c, keep, rec_mask, act, rec_act, mixed, dh, dc, dxw))
