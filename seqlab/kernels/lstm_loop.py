"""Compiled LSTM steps and time loops (equations as in :mod:`seqlab.functional.recurrent`).

    [a_i a_f a_c a_o] = xw_t + ĥ_{t−1} U,  ĥ = h ⊙ rec_mask
    i = σ(a_i)  f = σ(a_f)  g = act(a_c)  o = σ(a_o)
    c_t = f ⊙ c_{t−1} + i ⊙ g;   h_t = o ⊙ act(c_t)

BPTT, per step (masked rows pass dh and dc straight through):

    dc ← dc + act'(act_c) ⊙ dh ⊙ o
    da = [σ'(i) dc g,  σ'(f) dc c_{t−1},  act'(g) dc i,  σ'(o) dh act_c]
    dc ← dc ⊙ f;   dh ← (da Uᵀ) ⊙ rec_mask

The element-wise part of one step (``lstm_step_forward`` / ``lstm_step_backward``)
works on a block of rows b0 … b0+n−1 and is shared by two drivers: the
compiled loops here (``*_rows``: all T steps for one block, the products by
:mod:`seqlab.kernels.smallgemm`, dU summed in the loop) and the BLAS driver in :mod:`seqlab.kernels.rnn_drivers` (large H:
NumPy products, one step at a time). Rows never interact, so blocks run in
parallel threads. Element-wise work runs as whole-block passes, each loop
making one store, so LLVM vectorises them.

Sentinels instead of None (one compiled signature): ``keep`` is (0, 0) without
a step mask, ``rec_mask`` (0, 0) without recurrent dropout.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from seqlab.kernels.fastmath import (
    JIT,
    activate_block,
    activate_rows_mixed,
    grad_block,
    grad_rows_mixed,
)
from seqlab.kernels.rowops import (
    add_rows,
    carry_masked,
    dropped_grad,
    fill_dropped,
    zero_masked,
)
from seqlab.kernels.smallgemm import add_recurrent_grad, gemm_acc, gemm_nt


@njit(**JIT)
def lstm_step_forward(acc, t, b0, h_prev, c_prev, keep, act, rec_act, mixed,
                      hs, cs, gates, act_c):
    """From the pre-activations acc (n, 4H) of rows b0:b0+n at step t, fill those
    rows of gates [i f g o], cs, act_c (before masking) and hs. ``mixed``: the
    forward coefficients of fastmath.mixed_coefficients, or (0, 0) for none."""
    n = acc.shape[0]
    H = acc.shape[1] // 4
    b1 = b0 + n
    g = gates[t, b0:b1]
    if mixed.shape[0] > 0:
        activate_rows_mixed(acc, g, mixed)
    else:
        activate_block(acc, 0, g, 0, 2 * H, rec_act)
        activate_block(acc, 2 * H, g, 2 * H, H, act)
        activate_block(acc, 3 * H, g, 3 * H, H, rec_act)
    cn = cs[t, b0:b1]
    for r in range(n):
        gr = g[r]
        cp = c_prev[b0 + r]
        cr = cn[r]
        for j in range(H):
            cr[j] = gr[H + j] * cp[j] + gr[j] * gr[2 * H + j]
    ac = act_c[t, b0:b1]
    activate_block(cn.reshape(1, n * H), 0, ac.reshape(1, n * H), 0, n * H, act)  # (n, H) -> (1, n·H)
    hn = hs[t, b0:b1]
    for r in range(n):
        gr = g[r]
        acr = ac[r]
        hr = hn[r]
        for j in range(H):
            hr[j] = gr[3 * H + j] * acr[j]
    carry_masked(keep, t, b0, cn, c_prev)
    carry_masked(keep, t, b0, hn, h_prev)


@njit(**JIT)
def lstm_step_backward(t, b0, n, dhs, c_prev, gates, act_c, keep, act, rec_act, mixed,
                       dh, dc, dxw, tmp):
    """First half of a BPTT step for rows b0:b0+n: dh += dhs_t; dc gains the path
    through h_t; da goes into dxw[t] (zeros on masked rows). ``tmp`` is (≥n, H)
    scratch; ``mixed``: backward coefficients of fastmath.mixed_coefficients or (0, 0)."""
    H = dh.shape[1]
    b1 = b0 + n
    g = gates[t, b0:b1]
    ac = act_c[t, b0:b1]
    dhb = dh[b0:b1]
    dcb = dc[b0:b1]
    add_rows(dhb, dhs[t, b0:b1])
    tb = tmp[:n]
    for r in range(n):
        gr = g[r]
        dr = dhb[r]
        tr = tb[r]
        for j in range(H):
            tr[j] = dr[j] * gr[3 * H + j]
    grad_block(ac.reshape(1, n * H), 0, tb.reshape(1, n * H), 0, n * H, act)  # (n, H) -> (1, n·H)
    zero_masked(keep, t, b0, tb)
    add_rows(dcb, tb)
    d = dxw[t, b0:b1]
    for r in range(n):
        gr = g[r]
        dcr = dcb[r]
        dd = d[r]
        for j in range(H):
            dd[j] = dcr[j] * gr[2 * H + j]
        cp = c_prev[b0 + r]
        for j in range(H):
            dd[H + j] = dcr[j] * cp[j]
        for j in range(H):
            dd[2 * H + j] = dcr[j] * gr[j]
        dr = dhb[r]
        acr = ac[r]
        for j in range(H):
            dd[3 * H + j] = dr[j] * acr[j]
    if mixed.shape[0] > 0:
        grad_rows_mixed(g, d, mixed)
    else:
        grad_block(g, 0, d, 0, 2 * H, rec_act)
        grad_block(g, 2 * H, d, 2 * H, H, act)
        grad_block(g, 3 * H, d, 3 * H, H, rec_act)
    zero_masked(keep, t, b0, d)


@njit(**JIT)
def lstm_step_carry(t, b0, dhd, gates, keep, rec_mask, dh, dc):
    """Second half of a BPTT step for rows b0:b0+n (n = len(dhd)), given dhd = da Uᵀ:
    dc ← dc ⊙ f and dh ← dhd ⊙ rec_mask on the rows that ran step t."""
    n = dhd.shape[0]
    H = dhd.shape[1]
    g = gates[t, b0:b0 + n]
    dcb = dc[b0:b0 + n]
    has_keep = keep.shape[0] > 0
    for r in range(n):
        if has_keep and not keep[t, b0 + r]:
            continue
        gr = g[r]
        dcr = dcb[r]
        for j in range(H):
            dcr[j] *= gr[H + j]
    dropped_grad(keep, t, b0, dhd, rec_mask, dh[b0:b0 + n], np.empty((0, 0), dhd.dtype))


@njit(**JIT)
def lstm_forward_rows(xw, U, h0, c0, keep, rec_mask, act, rec_act, mixed, b0, b1,
                      hs, cs, gates, act_c):
    """All T steps for rows b0:b1 (the products ĥU by gemm_acc)."""
    T = xw.shape[0]
    H = U.shape[0]
    nb = b1 - b0
    hd = np.empty((nb, H), dtype=xw.dtype)
    acc = np.empty((nb, 4 * H), dtype=xw.dtype)
    for t in range(T):
        h_prev = h0 if t == 0 else hs[t - 1]
        c_prev = c0 if t == 0 else cs[t - 1]
        add_rows(acc, xw[t, b0:b1], True)
        if rec_mask.shape[0] > 0:
            fill_dropped(h_prev, rec_mask, b0, hd)
            gemm_acc(hd, 0, 0, U, acc, nb)
        else:
            gemm_acc(h_prev, b0, 0, U, acc, nb)
        lstm_step_forward(acc, t, b0, h_prev, c_prev, keep, act, rec_act, mixed,
                          hs, cs, gates, act_c)


@njit(**JIT)
def lstm_backward_rows(dhs, U, h0, hs, c0, cs, gates, act_c, keep, rec_mask, act, rec_act, mixed,
                       b0, b1, dh, dc, dxw):
    """All T steps of BPTT for rows b0:b1: dh, dc (B, H) come in as the gradients at
    the final states and leave as dh0, dc0; dxw (T, B, 4H) is filled.
    Returns these rows' share of dU = Σ_t ĥ_{t−1}ᵀ da_t, taken while da_t is in cache."""
    T = dxw.shape[0]
    H = U.shape[0]
    nb = b1 - b0
    tmp = np.empty((nb, H), dtype=dxw.dtype)
    dhd = np.empty((nb, H), dtype=dxw.dtype)
    hd = np.empty((nb, H), dtype=dxw.dtype)
    dU = np.zeros((H, 4 * H), dtype=dxw.dtype)
    for t in range(T - 1, -1, -1):
        c_prev = c0 if t == 0 else cs[t - 1]
        lstm_step_backward(t, b0, nb, dhs, c_prev, gates, act_c, keep, act, rec_act, mixed,
                           dh, dc, dxw, tmp)
        gemm_nt(dxw[t], b0, U, dhd, nb)
        add_recurrent_grad(h0 if t == 0 else hs[t - 1], rec_mask, b0, hd, dxw[t, b0:b1], dU)
        lstm_step_carry(t, b0, dhd, gates, keep, rec_mask, dh, dc)
    return dU
