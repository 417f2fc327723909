"""Compiled SimpleRNN steps and time loops (drivers and layout as in :mod:`.lstm_loop`).

    y_t = act(xw_t + ĥ_{t−1} U),  ĥ = h ⊙ rec_mask;   h_t = y_t (h_{t−1} on masked steps)
    BPTT:  da = act'(y_t) ⊙ dh;   dxw_t = da;   dh ← (da Uᵀ) ⊙ rec_mask
"""

from __future__ import annotations

import numpy as np
from numba import njit

from seqlab.kernels.fastmath import JIT, activate_block, grad_block
from seqlab.kernels.rowops import (
    add_rows,
    carry_masked,
    dropped_grad,
    fill_dropped,
    zero_masked,
)
from seqlab.kernels.smallgemm import add_recurrent_grad, gemm_acc, gemm_nt


@njit(**JIT)
def simple_rnn_step_forward(acc, t, b0, h_prev, keep, act, hs, ys):
    """From the pre-activations acc (n, H) of rows b0:b0+n, fill ys and hs at step t."""
    n = acc.shape[0]
    H = acc.shape[1]
    y = ys[t, b0:b0 + n]
    activate_block(acc.reshape(1, n * H), 0, y.reshape(1, n * H), 0, n * H, act)  # (n, H) -> (1, n·H)
    hn = hs[t, b0:b0 + n]
    add_rows(hn, y, True)
    carry_masked(keep, t, b0, hn, h_prev)


@njit(**JIT)
def simple_rnn_step_backward(t, b0, n, dhs, ys, keep, act, dh, dxw):
    """First half of a BPTT step for rows b0:b0+n: dh += dhs_t; dxw[t] = act'(y) ⊙ dh."""
    H = dh.shape[1]
    dhb = dh[b0:b0 + n]
    add_rows(dhb, dhs[t, b0:b0 + n])
    d = dxw[t, b0:b0 + n]
    add_rows(d, dhb, True)
    grad_block(ys[t, b0:b0 + n].reshape(1, n * H), 0, d.reshape(1, n * H), 0, n * H, act)  # (n, H) -> (1, n·H)
    zero_masked(keep, t, b0, d)


@njit(**JIT)
def simple_rnn_step_carry(t, b0, dhd, keep, rec_mask, dh):
    """Second half: dh ← dhd ⊙ rec_mask (dhd = da Uᵀ) on the rows that ran step t."""
    n = dhd.shape[0]
    dropped_grad(keep, t, b0, dhd, rec_mask, dh[b0:b0 + n], np.empty((0, 0), dhd.dtype))


@njit(**JIT)
def simple_rnn_forward_rows(xw, U, h0, keep, rec_mask, act, b0, b1, hs, ys):
    """All T steps for rows b0:b1 (the products ĥU by gemm_acc)."""
    T = xw.shape[0]
    H = U.shape[0]
    nb = b1 - b0
    hd = np.empty((nb, H), dtype=xw.dtype)
    acc = np.empty((nb, H), dtype=xw.dtype)
    for t in range(T):
        h_prev = h0 if t == 0 else hs[t - 1]
        add_rows(acc, xw[t, b0:b1], True)
        if rec_mask.shape[0] > 0:
            fill_dropped(h_prev, rec_mask, b0, hd)
            gemm_acc(hd, 0, 0, U, acc, nb)
        else:
            gemm_acc(h_prev, b0, 0, U, acc, nb)
        simple_rnn_step_forward(acc, t, b0, h_prev, keep, act, hs, ys)


@njit(**JIT)
def simple_rnn_backward_rows(dhs, U, h0, hs, ys, keep, rec_mask, act, b0, b1, dh, dxw):
    """All T steps of BPTT for rows b0:b1: dh (B, H) comes in as the gradient at
    the final state and leaves as dh0; dxw (T, B, H) is filled. Returns these
    rows' share of dU = Σ_t ĥ_{t−1}ᵀ da_t."""
    T = dxw.shape[0]
    H = U.shape[0]
    nb = b1 - b0
    dhd = np.empty((nb, H), dtype=dxw.dtype)
    hd = np.empty((nb, H), dtype=dxw.dtype)
    dU = np.zeros((H, H), dtype=dxw.dtype)
    for t in range(T - 1, -1, -1):
        simple_rnn_step_backward(t, b0, nb, dhs, ys, keep, act, dh, dxw)
        gemm_nt(dxw[t], b0, U, dhd, nb)
        add_recurrent_grad(h0 if t == 0 else hs[t - 1], rec_mask, b0, hd, dxw[t, b0:b1], dU)
        simple_rnn_step_carry(t, b0, dhd, keep, rec_mask, dh)
    return dU
