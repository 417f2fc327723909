"""Large LSTM layers on several threads: the units split between them.

With H ≥ ``rnn_drivers.BLAS_MIN_UNITS`` each step's product ĥU is big enough
for BLAS, and the BLAS driver lets BLAS's own threads share it; the gate code
between products then runs on one thread. Here thread k instead owns a block
of units u ∈ [u_k, u_{k+1}) and the four gate columns q·H + u of each
(q = i, f, g, o), and does all of their work:

    forward, step t:   a_k = ĥ_{t−1} U_k + xw_t[:, cols_k]       U_k = U[:, cols_k]
                       gate code of :mod:`.lstm_loop` for units_k  → h_t, c_t [:, units_k]
    BPTT, step t:      gate code for units_k                       → da_t[:, cols_k]
                       dĥ_{t−1}[:, units_k] = da_t · U[units_k, :]ᵀ

A forward step reads all of ĥ_{t−1} and a BPTT product all of da_t, so the
threads wait for each other once per step (:mod:`.step_flags`). Everything
else a thread touches is its own: its units' slices of the states and
gradients, and its columns of the gates and of dxw. Each thread's whole loop
is one compiled call that calls BLAS (:mod:`.blas_gemm`, held to one thread)
directly, so no step passes through Python or the GIL.

The equations and the order of every floating-point operation are those of
the one-thread BLAS driver, and so are the results, bit for bit (tested);
only who computes which column changes. Used when there are ≥ 2 threads and cores for them (spinning
threads must not wait for a thread that has no core), at least
``MIN_UNITS_PER_THREAD`` units each, threadpoolctl, and NumPy's BLAS gemm.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
from numba import njit

from seqlab.kernels.blas_gemm import find_gemm, gemm
from seqlab.kernels.fastmath import JIT, activate_block, grad_block
from seqlab.kernels.rowops import fill_dropped, zero_masked
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


def gate_columns(U: np.ndarray, u0: int, u1: int) -> np.ndarray:
    """U[:, cols] for units u0:u1 as one contiguous (rows, 4·(u1 − u0)) array."""
    rows, H4 = U.shape
    H = H4 // 4
    return np.ascontiguousarray(U.reshape(rows, 4, H)[:, :, u0:u1].reshape(rows, 4 * (u1 - u0)))


# ------------------------------------------------------- one thread's steps
# Every inner loop runs j over 0 … m−1 on a slice of one row, x[r, a:b]. Two
# other forms compile to loops that do not vectorise (each measured several
# times slower): indexing a whole row at u0 + j (Numba cannot prove it
# non-negative, so each index gets a wraparound branch), and rows of a column
# block x[:, a:b] (a 2-D array of unknown layout, so no unit stride).
@njit(**JIT)
def _carry_units(keep, t, new, old, u0, u1):
    """Masked rows skip step t: new[r, u0:u1] = old[r, u0:u1] where keep[t, r] is False."""
    if keep.shape[0] == 0:
        return
    for r in range(new.shape[0]):
        if not keep[t, r]:
            dst = new[r, u0:u1]
            src = old[r, u0:u1]
            for j in range(u1 - u0):
                dst[j] = src[j]


@njit(**JIT)
def _zero_units(keep, t, d, c0, c1):
    """Masked rows get no gradient: d[r, c0:c1] = 0 where keep[t, r] is False."""
    if keep.shape[0] == 0:
        return
    for r in range(d.shape[0]):
        if not keep[t, r]:
            dr = d[r, c0:c1]
            for j in range(c1 - c0):
                dr[j] = 0


@njit(**JIT)
def _gate_grad(g, d, c0, c1, code, mixed):
    """d[r, c0:c1] *= f'(g[r, c0:c1]) (f by ``code``), or by the mixed coefficients
    a + y·(b + c·y) when given, as fastmath.grad_rows_mixed computes them."""
    if mixed.shape[0] == 0:
        grad_block(g, c0, d, c0, c1 - c0, code)
        return
    a = mixed[0, c0:c1]
    b = mixed[1, c0:c1]
    c = mixed[2, c0:c1]
    for r in range(g.shape[0]):
        y = g[r, c0:c1]
        dr = d[r, c0:c1]
        for j in range(c1 - c0):
            dr[j] *= a[j] + y[j] * (b[j] + c[j] * y[j])


@njit(**JIT)
def units_step_forward(acc, xw, t, u0, h_prev, c_prev, keep, act, rec_act, hs, cs, gates, act_c):
    """Units u0:u0+m of every row at step t, from acc = ĥ_{t−1}U_k (B, 4m, gate blocks
    of m columns): acc += xw_t[:, cols]; fill those columns of gates and units of
    cs, act_c, hs (masked rows carry c and h through)."""
    B = acc.shape[0]
    m = acc.shape[1] // 4
    H = hs.shape[2]
    u1 = u0 + m
    x = xw[t]
    g = gates[t]
    for r in range(B):
        for q in range(4):
            a = acc[r, q * m:(q + 1) * m]
            xq = x[r, q * H + u0:q * H + u1]
            for j in range(m):
                a[j] += xq[j]
    for q in range(4):
        activate_block(acc, q * m, g, q * H + u0, m, act if q == 2 else rec_act)
    c = cs[t]
    ac = act_c[t]
    h = hs[t]
    for r in range(B):
        gi = g[r, u0:u1]
        gf = g[r, H + u0:H + u1]
        gg = g[r, 2 * H + u0:2 * H + u1]
        cp = c_prev[r, u0:u1]
        cr = c[r, u0:u1]
        for j in range(m):
            cr[j] = gf[j] * cp[j] + gi[j] * gg[j]
    activate_block(c, u0, ac, u0, m, act)
    for r in range(B):
        go = g[r, 3 * H + u0:3 * H + u1]
        acr = ac[r, u0:u1]
        hr = h[r, u0:u1]
        for j in range(m):
            hr[j] = go[j] * acr[j]
    _carry_units(keep, t, c, c_prev, u0, u1)
    _carry_units(keep, t, h, h_prev, u0, u1)


@njit(**JIT)
def units_step_backward(t, u0, dhs, c_prev, gates, act_c, keep, act, rec_act, mixed,
                        dh, dc, dxw, tmp):
    """First half of a BPTT step for units u0:u0+m (m = tmp.shape[1]) of every row:
    dh += dhs_t; dc gains the path through h_t; da goes into those columns of dxw[t].
    ``mixed``: backward coefficients of fastmath.mixed_coefficients, or (0, 0)."""
    B = dh.shape[0]
    H = dh.shape[1]
    m = tmp.shape[1]
    u1 = u0 + m
    g = gates[t]
    ac = act_c[t]
    ds = dhs[t]
    for r in range(B):
        dr = dh[r, u0:u1]
        sr = ds[r, u0:u1]
        go = g[r, 3 * H + u0:3 * H + u1]
        tr = tmp[r]
        for j in range(m):
            dr[j] += sr[j]
        for j in range(m):
            tr[j] = dr[j] * go[j]
    grad_block(ac, u0, tmp, 0, m, act)
    zero_masked(keep, t, 0, tmp)
    d = dxw[t]
    for r in range(B):
        dcr = dc[r, u0:u1]
        tr = tmp[r]
        for j in range(m):
            dcr[j] += tr[j]
        gi = g[r, u0:u1]
        gg = g[r, 2 * H + u0:2 * H + u1]
        cp = c_prev[r, u0:u1]
        dr = dh[r, u0:u1]
        acr = ac[r, u0:u1]
        di = d[r, u0:u1]
        df = d[r, H + u0:H + u1]
        dg = d[r, 2 * H + u0:2 * H + u1]
        do = d[r, 3 * H + u0:3 * H + u1]
        for j in range(m):
            di[j] = dcr[j] * gg[j]
        for j in range(m):
            df[j] = dcr[j] * cp[j]
        for j in range(m):
            dg[j] = dcr[j] * gi[j]
        for j in range(m):
            do[j] = dr[j] * acr[j]
    for q in range(4):
        c0, c1 = q * H + u0, q * H + u1
        _gate_grad(g, d, c0, c1, act if q == 2 else rec_act, mixed)
        _zero_units(keep, t, d, c0, c1)


@njit(**JIT)
def units_step_carry(t, u0, dhd, gates, keep, rec_mask, dh, dc):
    """Second half, given dhd = da_t U[units, :]ᵀ (B, m): dc ← dc ⊙ f and
    dh ← dhd ⊙ rec_mask on those units of the rows that ran step t."""
    B = dhd.shape[0]
    H = dh.shape[1]
    m = dhd.shape[1]
    u1 = u0 + m
    g = gates[t]
    has_keep = keep.shape[0] > 0
    for r in range(B):
        if has_keep and not keep[t, r]:
            continue
        gf = g[r, H + u0:H + u1]
        dcr = dc[r, u0:u1]
        for j in range(m):
            dcr[j] *= gf[j]
    has_rm = rec_mask.shape[0] > 0
    for r in range(B):
        if has_keep and not keep[t, r]:
            continue
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
@njit(**JIT)
def units_forward(address, index, flags, k, n, u0, U_k, xw, h0, c0, keep, rec_mask, act,
                  rec_act, hs, cs, gates, act_c):
    """All T forward steps for the units of thread k (of n); U_k = gate_columns(U, …)."""
    T, B = xw.shape[0], xw.shape[1]
    acc = np.empty((B, U_k.shape[1]), dtype=xw.dtype)
    hd = np.empty_like(h0)
    for t in range(T):
        if not wait_for(flags, n, t):
            return
        h_prev = h0 if t == 0 else hs[t - 1]
        c_prev = c0 if t == 0 else cs[t - 1]
        if rec_mask.shape[0] > 0:
            fill_dropped(h_prev, rec_mask, 0, hd)
            gemm(address, index, hd, U_k, acc, 0.0)
        else:
            gemm(address, index, h_prev, U_k, acc, 0.0)
        units_step_forward(acc, xw, t, u0, h_prev, c_prev, keep, act, rec_act,
                           hs, cs, gates, act_c)
        publish(flags, k, t + 1)


@njit(**JIT)
def units_backward(address, index, flags, k, n, u0, UT_k, dhs, c0, cs, gates, act_c, keep,
                   rec_mask, act, rec_act, mixed, dh, dc, dxw):
    """All T BPTT steps for the units of thread k; UT_k = U[units_k, :]ᵀ (4H, m)."""
    T = dxw.shape[0]
    B = dh.shape[0]
    m = UT_k.shape[1]
    tmp = np.empty((B, m), dtype=dxw.dtype)
    dhd = np.empty((B, m), dtype=dxw.dtype)
    for s in range(T):
        t = T - 1 - s
        c_prev = c0 if t == 0 else cs[t - 1]
        units_step_backward(t, u0, dhs, c_prev, gates, act_c, keep, act, rec_act, mixed,
                            dh, dc, dxw, tmp)
        publish(flags, k, s + 1)
        if not wait_for(flags, n, s + 1):
            return
        gemm(address, index, dxw[t], UT_k, dhd, 0.0)
        units_step_carry(t, u0, dhd, gates, keep, rec_mask, dh, dc)


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


def lstm_forward_split(n, xw, U, h0, c0, keep, rec_mask, act, rec_act,
                       hs, cs, gates, act_c) -> None:
    """The forward loop on n threads (arguments as ``rnn_drivers.lstm_forward_blas``)."""
    blocks = unit_blocks(U.shape[0], n)
    per_thread = [(u0, gate_columns(U, u0, u1)) for u0, u1 in blocks]
    _run_threads(n, units_forward, per_thread,
                 (xw, h0, c0, keep, rec_mask, act, rec_act, hs, cs, gates, act_c))


def lstm_backward_split(n, dhs, U, c0, cs, gates, act_c, keep, rec_mask, act, rec_act, mixed,
                        dh, dc, dxw) -> None:
    """BPTT on n threads (arguments as ``rnn_drivers.lstm_backward_blas``)."""
    blocks = unit_blocks(U.shape[0], n)
    per_thread = [(u0, np.ascontiguousarray(U[u0:u1].T)) for u0, u1 in blocks]
    _run_threads(n, units_backward, per_thread,
                 (dhs, c0, cs, gates, act_c, keep, rec_mask, act, rec_act, mixed, dh, dc, dxw))
