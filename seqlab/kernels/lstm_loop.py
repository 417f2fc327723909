"""Compiled LSTM time loops (the twin of :func:`seqlab.functional.recurrent.lstm_forward`).

    a_t = xw_t + ĥ_{t−1} U,  ĥ = h ⊙ rec_mask;   [i f g o] = [σ(a_i) σ(a_f) act(a_c) σ(a_o)]
    c_t = f ⊙ c_{t−1} + i ⊙ g;   h_t = o ⊙ act(c_t)            (masked rows keep h, c)

BPTT, per step (masked rows pass dh and dc straight through):

    dc ← dc + act'(act_c) ⊙ dh ⊙ o
    da = [σ'(i) ⊙ dc ⊙ g,  σ'(f) ⊙ dc ⊙ c_{t−1},  act'(g) ⊙ dc ⊙ i,  σ'(o) ⊙ dh ⊙ act_c]
    dU += ĥ_{t−1}ᵀ da;   dc ← dc ⊙ f;   dh ← (da Uᵀ) ⊙ rec_mask

A loop runs all T steps for one block of batch rows (``Rows``); rows never
interact, so blocks run on parallel threads. Each step is the product
(:mod:`.step_products`) and the gate code (``lstm_step_*``), which works on
whole rows in vectorisable passes, one store per pass. The gates of a step
are one (n, 4H) block [i f g o] (Keras order), seen as (n, 4, H) to name each gate.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from seqlab.kernels.fastmath import activate_block, activate_rows_mixed, grad_block, grad_rows_mixed
from seqlab.kernels.jit import kernel
from seqlab.kernels.rowops import add_rows, carry_masked, dropped_grad, dropped_rows, zero_masked
from seqlab.kernels.smallgemm import add_recurrent_grad
from seqlab.kernels.step_products import add_product, product_nt

#: Per-step arrays of the cache (T, B, ·): h, c, gates [i f g o] (4H), act_c = act(c_t).
LSTMSteps = namedtuple("LSTMSteps", "h c gates act_c")
#: BPTT state: dh, dc (B, H) at the final states in, at the initial states out; dxw (T, B, 4H).
LSTMGrads = namedtuple("LSTMGrads", "dh dc dxw")

I, F, G, O = 0, 1, 2, 3  # gate blocks of a row [i f g o]


@kernel
def activate_gates(acc, gates, acts):
    """[i f g o] = [σ σ act σ](a) for a block of rows (one mixed pass when float32)."""
    H = acc.shape[1] // 4
    if acts.forward.shape[0] > 0:
        activate_rows_mixed(acc, gates, acts.forward)
    else:
        activate_block(acc, 0, gates, 0, 2 * H, acts.rec_act)
        activate_block(acc, 2 * H, gates, 2 * H, H, acts.act)
        activate_block(acc, 3 * H, gates, 3 * H, H, acts.rec_act)


@kernel
def gate_grads(gates, d, acts):
    """d ⊙= [σ'(i) σ'(f) act'(g) σ'(o)] for a block of rows."""
    H = gates.shape[1] // 4
    if acts.backward.shape[0] > 0:
        grad_rows_mixed(gates, d, acts.backward)
    else:
        grad_block(gates, 0, d, 0, 2 * H, acts.rec_act)
        grad_block(gates, 2 * H, d, 2 * H, H, acts.act)
        grad_block(gates, 3 * H, d, 3 * H, H, acts.rec_act)


@kernel
def lstm_step_forward(acc, t, b0, h_prev, c_prev, keep, acts, steps):
    """Step t for rows b0:b0+n from their pre-activations acc (n, 4H): fills gates,
    c, act_c and h of these rows (masked rows keep their states)."""
    n = acc.shape[0]
    H = acc.shape[1] // 4
    b1 = b0 + n
    gates = steps.gates[t, b0:b1]
    activate_gates(acc, gates, acts)
    blocks = gates.reshape(n, 4, H)  # (n, 4H) -> (n, 4, H): [i f g o] by name
    c_new = steps.c[t, b0:b1]
    for r in range(n):
        i, f, g = blocks[r, I], blocks[r, F], blocks[r, G]
        c_old = c_prev[b0 + r]
        c = c_new[r]
        for j in range(H):
            c[j] = f[j] * c_old[j] + i[j] * g[j]
    act_c = steps.act_c[t, b0:b1]
    activate_block(c_new.reshape(1, n * H), 0, act_c.reshape(1, n * H), 0, n * H,  # (n, H) -> (1, n·H)
                   acts.act)
    h_new = steps.h[t, b0:b1]
    for r in range(n):
        o = blocks[r, O]
        a = act_c[r]
        h = h_new[r]
        for j in range(H):
            h[j] = o[j] * a[j]
    carry_masked(keep, t, b0, c_new, c_prev)
    carry_masked(keep, t, b0, h_new, h_prev)


@kernel
def lstm_step_backward(t, b0, n, dhs, c_prev, steps, keep, acts, grads, tmp):
    """First half of a BPTT step for rows b0:b0+n: dh += dhs_t; dc gains the path
    through h_t; da goes into dxw[t] (zeros on masked rows). ``tmp``: (≥ n, H) scratch."""
    H = grads.dh.shape[1]
    b1 = b0 + n
    gates = steps.gates[t, b0:b1]
    blocks = gates.reshape(n, 4, H)  # (n, 4H) -> (n, 4, H): [i f g o] by name
    act_c = steps.act_c[t, b0:b1]
    dh = grads.dh[b0:b1]
    dc = grads.dc[b0:b1]
    add_rows(dh, dhs[t, b0:b1])
    dc_h = tmp[:n]  # act'(act_c) ⊙ dh ⊙ o
    for r in range(n):
        o = blocks[r, O]
        dhr = dh[r]
        out = dc_h[r]
        for j in range(H):
            out[j] = dhr[j] * o[j]
    grad_block(act_c.reshape(1, n * H), 0, dc_h.reshape(1, n * H), 0, n * H,  # (n, H) -> (1, n·H)
               acts.act)
    zero_masked(keep, t, b0, dc_h)
    add_rows(dc, dc_h)
    da = grads.dxw[t, b0:b1]
    da_blocks = da.reshape(n, 4, H)  # (n, 4H) -> (n, 4, H): [di df dg do]
    for r in range(n):
        i, g = blocks[r, I], blocks[r, G]
        di, df, dg, do = da_blocks[r, I], da_blocks[r, F], da_blocks[r, G], da_blocks[r, O]
        dcr = dc[r]
        for j in range(H):
            di[j] = dcr[j] * g[j]
        c_old = c_prev[b0 + r]
        for j in range(H):
            df[j] = dcr[j] * c_old[j]
        for j in range(H):
            dg[j] = dcr[j] * i[j]
        dhr = dh[r]
        a = act_c[r]
        for j in range(H):
            do[j] = dhr[j] * a[j]
    gate_grads(gates, da, acts)
    zero_masked(keep, t, b0, da)


@kernel
def lstm_step_carry(t, b0, dhd, steps, keep, rec_mask, grads):
    """Second half of a BPTT step for rows b0:b0+n (n = len(dhd)), given dhd = da Uᵀ:
    dc ← dc ⊙ f and dh ← dhd ⊙ rec_mask on the rows that ran step t."""
    n = dhd.shape[0]
    H = dhd.shape[1]
    blocks = steps.gates[t, b0:b0 + n].reshape(n, 4, H)  # (n, 4H) -> (n, 4, H)
    dc = grads.dc[b0:b0 + n]
    has_keep = keep.shape[0] > 0
    for r in range(n):
        if has_keep and not keep[t, b0 + r]:
            continue
        f = blocks[r, F]
        dcr = dc[r]
        for j in range(H):
            dcr[j] *= f[j]
    dropped_grad(keep, t, b0, dhd, rec_mask, grads.dh[b0:b0 + n], np.empty((0, 0), dhd.dtype))


@kernel
def lstm_forward_loop(xw, U, h0, c0, masks, acts, rows, steps):
    """All T steps for rows b0:b1: a_t = xw_t + ĥ_{t−1}U, then the gate code."""
    b0, b1 = rows.b0, rows.b1
    n = b1 - b0
    H = U.shape[0]
    acc = np.empty((n, 4 * H), dtype=xw.dtype)
    hd = np.empty((n, H), dtype=xw.dtype)
    scratch = np.empty((n if rows.blas else 0, 4 * H), dtype=xw.dtype)
    for t in range(xw.shape[0]):
        h_prev = h0 if t == 0 else steps.h[t - 1]
        c_prev = c0 if t == 0 else steps.c[t - 1]
        add_rows(acc, xw[t, b0:b1], True)
        h_rows, first = dropped_rows(h_prev, masks.rec_mask, b0, hd)
        add_product(h_rows, first, 0, U, acc, n, rows.blas, scratch)
        lstm_step_forward(acc, t, b0, h_prev, c_prev, masks.keep, acts, steps)


@kernel
def lstm_backward_loop(dhs, U, U_T, h0, c0, steps, masks, acts, rows, grads):
    """All T steps of BPTT for rows b0:b1 (grads as in LSTMGrads). Returns these rows'
    share of dU = Σ_t ĥ_{t−1}ᵀ da_t, summed while da_t is in cache — or an empty
    array with ``rows.blas``, whose caller takes dU as one product after the loop."""
    b0, b1 = rows.b0, rows.b1
    n = b1 - b0
    H = U.shape[0]
    tmp = np.empty((n, H), dtype=dhs.dtype)
    dhd = np.empty((n, H), dtype=dhs.dtype)
    hd = np.empty((n, H), dtype=dhs.dtype)
    dU = np.zeros((0, 0) if rows.blas else (H, 4 * H), dtype=dhs.dtype)
    for t in range(dhs.shape[0] - 1, -1, -1):
        c_prev = c0 if t == 0 else steps.c[t - 1]
        lstm_step_backward(t, b0, n, dhs, c_prev, steps, masks.keep, acts, grads, tmp)
        product_nt(grads.dxw[t], b0, U, U_T, dhd, n, rows.blas)
        if not rows.blas:
            add_recurrent_grad(h0 if t == 0 else steps.h[t - 1], masks.rec_mask, b0, hd,
                               grads.dxw[t, b0:b1], dU)
        lstm_step_carry(t, b0, dhd, steps, masks.keep, masks.rec_mask, grads)
    return dU
