"""Compiled GRU time loops, both variants (the twin of :func:`seqlab.functional.recurrent.gru_forward`).

ĥ = h_{t−1} ⊙ rec_mask, [x_z x_r x_h] = xw_t, σ = recurrent activation:

reset_after=True (Keras 3 default, PyTorch)
    [u_z u_r hh] = ĥ U + rb;  z = σ(x_z + u_z);  r = σ(x_r + u_r);  h̃ = act(x_h + r ⊙ hh)
    BPTT: da_z = σ'(z) dh (h_{t−1} − h̃);  da_h = act'(h̃) dh (1 − z);  da_r = σ'(r) da_h hh
          δ = [da_z, da_r, da_h ⊙ r];  dU += ĥᵀ δ;  dh ← (δ Uᵀ) ⊙ rec_mask + dh ⊙ z

reset_after=False ("before": the talk's and the 1st-edition book's GRU)
    z = σ(x_z + ĥ U_z);  r = σ(x_r + ĥ U_r);  h̃ = act(x_h + (r ⊙ ĥ) U_h)
    BPTT: d(rĥ) = da_h U_hᵀ;  da_r = σ'(r) d(rĥ) ĥ
          dh ← ([da_z, da_r] U_zrᵀ + d(rĥ) ⊙ r) ⊙ rec_mask + dh ⊙ z
          dU = Σ_t [ĥᵀ [da_z, da_r],  (r ⊙ ĥ)ᵀ da_h], two BLAS products after the loop

both: h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃  (h_{t−1} on masked steps).

Blocks of rows, products and passes as in :mod:`.lstm_loop`.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from seqlab.kernels.fastmath import activate_block, grad_block
from seqlab.kernels.jit import kernel
from seqlab.kernels.rowops import (
    add_rows,
    carry_masked,
    dropped_grad,
    dropped_rows,
    fill_rows,
    zero_masked,
)
from seqlab.kernels.rowops import gate_block as gate
from seqlab.kernels.smallgemm import add_recurrent_grad
from seqlab.kernels.step_products import add_product, product_nt

#: Per-step arrays of the cache (T, B, H): h, z, r, h_tilde and, with reset_after,
#: hh = ĥU_h + rb_h (a (0, 0, 0) array for reset_after=False).
GRUSteps = namedtuple("GRUSteps", "h z r h_tilde hh")

Z, R, H_TILDE = 0, 1, 2  # gate blocks of a row [z r h̃]


@kernel
def _flat(a):
    """A C-contiguous (n, H) block as (1, n·H), for one long activation loop."""
    return a.reshape(1, a.shape[0] * a.shape[1])  # (n, H) -> (1, n·H)


@kernel
def gru_step_update(t, b0, n, h_prev, keep, steps):
    """h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ on rows b0:b0+n, then the masked rows' carry."""
    z_t = steps.z[t, b0:b0 + n]
    h_tilde = steps.h_tilde[t, b0:b0 + n]
    h_new = steps.h[t, b0:b0 + n]
    for r in range(n):
        z = z_t[r]
        h_old = h_prev[b0 + r]
        candidate = h_tilde[r]
        h = h_new[r]
        for j in range(h.shape[0]):
            h[j] = z[j] * h_old[j] + (1 - z[j]) * candidate[j]
    carry_masked(keep, t, b0, h_new, h_prev)


@kernel
def gru_step_update_grads(t, b0, n, h_prev, steps, keep, acts, dh, dxw):
    """dh ⊙ ∂h_t: da_z = σ'(z) ⊙ dh ⊙ (h_{t−1} − h̃) and da_h = act'(h̃) ⊙ dh ⊙ (1 − z)
    into dxw[t] rows b0:b0+n (its da_r block follows from the variant)."""
    H = dh.shape[1]
    da = dxw[t, b0:b0 + n]
    z_t = steps.z[t, b0:b0 + n]
    h_tilde = steps.h_tilde[t, b0:b0 + n]
    for r in range(n):
        dhr = dh[b0 + r]
        z = z_t[r]
        h_old = h_prev[b0 + r]
        candidate = h_tilde[r]
        da_z, da_h = gate(da[r], Z, H), gate(da[r], H_TILDE, H)
        for j in range(H):
            da_z[j] = dhr[j] * (h_old[j] - candidate[j])
        for j in range(H):
            da_h[j] = dhr[j] * (1 - z[j])
    grad_block(z_t, 0, da, 0, H, acts.rec_act)
    grad_block(h_tilde, 0, da, 2 * H, H, acts.act)


# --------------------------------------------------------------- reset_after
@kernel
def gru_after_step_forward(acc, t, b0, xw, h_prev, keep, acts, steps, tmp):
    """reset_after=True, rows b0:b0+n at step t, from acc = ĥU + rb (n, 3H): fill z, r,
    hh, h_tilde and h. ``tmp``: (≥ n, H) scratch."""
    n = acc.shape[0]
    H = acc.shape[1] // 3
    b1 = b0 + n
    x = xw[t, b0:b1]
    pre = tmp[:n]
    for k in (Z, R):  # z = σ(x_z + u_z), r = σ(x_r + u_r)
        for i in range(n):
            x_k, u_k, p = gate(x[i], k, H), gate(acc[i], k, H), pre[i]
            for j in range(H):
                p[j] = x_k[j] + u_k[j]
        out = steps.z[t, b0:b1] if k == Z else steps.r[t, b0:b1]
        activate_block(_flat(pre), 0, _flat(out), 0, n * H, acts.rec_act)
    r_t = steps.r[t, b0:b1]
    hh_t = steps.hh[t, b0:b1]
    for i in range(n):
        u_h, hh = gate(acc[i], H_TILDE, H), hh_t[i]
        for j in range(H):
            hh[j] = u_h[j]
    for i in range(n):
        x_h, r, hh, p = gate(x[i], H_TILDE, H), r_t[i], hh_t[i], pre[i]
        for j in range(H):
            p[j] = x_h[j] + r[j] * hh[j]
    activate_block(_flat(pre), 0, _flat(steps.h_tilde[t, b0:b1]), 0, n * H, acts.act)
    gru_step_update(t, b0, n, h_prev, keep, steps)


@kernel
def gru_after_step_backward(t, b0, n, dhs, h_prev, steps, keep, acts, dh, dxw, dghh, delta):
    """reset_after=True, first half of a BPTT step for rows b0:b0+n: dh += dhs_t;
    dxw[t] = [da_z, da_r, da_h], dghh[t] = da_h ⊙ r and the block
    δ = [da_z, da_r, da_h ⊙ r] (n, 3H)."""
    H = dh.shape[1]
    b1 = b0 + n
    add_rows(dh[b0:b1], dhs[t, b0:b1])
    gru_step_update_grads(t, b0, n, h_prev, steps, keep, acts, dh, dxw)
    da = dxw[t, b0:b1]
    hh_t = steps.hh[t, b0:b1]
    for i in range(n):
        da_r, da_h, hh = gate(da[i], R, H), gate(da[i], H_TILDE, H), hh_t[i]
        for j in range(H):
            da_r[j] = da_h[j] * hh[j]
    grad_block(steps.r[t, b0:b1], 0, da, H, H, acts.rec_act)
    zero_masked(keep, t, b0, da)
    r_t = steps.r[t, b0:b1]
    dghh_t = dghh[t, b0:b1]
    for i in range(n):
        da_h, r, g = gate(da[i], H_TILDE, H), r_t[i], dghh_t[i]
        for j in range(H):
            g[j] = da_h[j] * r[j]
        a, d = da[i], delta[i]
        for j in range(2 * H):
            d[j] = a[j]
        d_hh = gate(d, H_TILDE, H)
        for j in range(H):
            d_hh[j] = g[j]


@kernel
def gru_after_forward_loop(xw, U, rb, h0, masks, acts, rows, steps):
    """reset_after=True, all T steps for rows b0:b1 (rb (0,): no recurrent bias)."""
    b0, b1 = rows.b0, rows.b1
    n = b1 - b0
    H = U.shape[0]
    acc = np.empty((n, 3 * H), dtype=xw.dtype)
    hd = np.empty((n, H), dtype=xw.dtype)
    tmp = np.empty((n, H), dtype=xw.dtype)
    scratch = np.empty((n if rows.blas else 0, 3 * H), dtype=xw.dtype)
    for t in range(xw.shape[0]):
        h_prev = h0 if t == 0 else steps.h[t - 1]
        if rb.shape[0] > 0:
            for i in range(n):
                a = acc[i]
                for j in range(3 * H):
                    a[j] = rb[j]
        else:
            fill_rows(acc, 0.0)
        h_rows, first = dropped_rows(h_prev, masks.rec_mask, b0, hd)
        add_product(h_rows, first, 0, U, acc, n, rows.blas, scratch)
        gru_after_step_forward(acc, t, b0, xw, h_prev, masks.keep, acts, steps, tmp)


@kernel
def gru_after_backward_loop(dhs, U, U_T, h0, steps, masks, acts, rows, dh, dxw, dghh):
    """reset_after=True BPTT for rows b0:b1: dh in = gradient at the final state,
    out = dh0; fills dxw (T, B, 3H) and dghh = da_h ⊙ r (T, B, H). Returns these
    rows' share of dU = Σ_t ĥ_{t−1}ᵀ δ_t (empty with ``rows.blas``)."""
    b0, b1 = rows.b0, rows.b1
    n = b1 - b0
    H = U.shape[0]
    delta = np.empty((n, 3 * H), dtype=dhs.dtype)
    dhd = np.empty((n, H), dtype=dhs.dtype)
    hd = np.empty((n, H), dtype=dhs.dtype)
    dU = np.zeros((0, 0) if rows.blas else (H, 3 * H), dtype=dhs.dtype)
    for t in range(dhs.shape[0] - 1, -1, -1):
        h_prev = h0 if t == 0 else steps.h[t - 1]
        gru_after_step_backward(t, b0, n, dhs, h_prev, steps, masks.keep, acts, dh, dxw, dghh,
                                delta)
        product_nt(delta, 0, U, U_T, dhd, n, rows.blas)
        if not rows.blas:
            add_recurrent_grad(h_prev, masks.rec_mask, b0, hd, delta, dU)
        dropped_grad(masks.keep, t, b0, dhd, masks.rec_mask, dh[b0:b1], steps.z[t, b0:b1])
    return dU


# -------------------------------------------------------------- reset_before
@kernel
def gru_before_step_gates(acc_zr, t, b0, xw, h_rows, first, acts, steps, rh, acc_h):
    """reset_after=False, rows b0:b0+n: z, r from acc_zr = x_zr + ĥU_zr (n, 2H);
    rh = r ⊙ ĥ (ĥ: rows first… of h_rows); acc_h = x_h, ready for + (r ⊙ ĥ) U_h."""
    n = acc_zr.shape[0]
    H = acc_zr.shape[1] // 2
    b1 = b0 + n
    activate_block(acc_zr, 0, steps.z[t, b0:b1], 0, H, acts.rec_act)
    activate_block(acc_zr, H, steps.r[t, b0:b1], 0, H, acts.rec_act)
    r_t = steps.r[t, b0:b1]
    for i in range(n):
        r, h, out = r_t[i], h_rows[first + i], rh[i]
        for j in range(H):
            out[j] = r[j] * h[j]
    x = xw[t, b0:b1]
    for i in range(n):
        x_h, a = gate(x[i], H_TILDE, H), acc_h[i]
        for j in range(H):
            a[j] = x_h[j]


@kernel
def gru_before_step_reset(t, b0, d_rh, h_rows, first, steps, keep, acts, dxw):
    """reset_after=False: da_r = σ'(r) ⊙ d(rĥ) ⊙ ĥ into dxw[t] rows b0:b0+n."""
    n = d_rh.shape[0]
    H = d_rh.shape[1]
    da = dxw[t, b0:b0 + n]
    for i in range(n):
        da_r, d, h = gate(da[i], R, H), d_rh[i], h_rows[first + i]
        for j in range(H):
            da_r[j] = d[j] * h[j]
    grad_block(steps.r[t, b0:b0 + n], 0, da, H, H, acts.rec_act)
    zero_masked(keep, t, b0, da)


@kernel
def gru_before_forward_loop(xw, U_zr, U_h, h0, masks, acts, rows, steps):
    """reset_after=False, all T steps for rows b0:b1."""
    b0, b1 = rows.b0, rows.b1
    n = b1 - b0
    H = U_h.shape[0]
    hd = np.empty((n, H), dtype=xw.dtype)
    rh = np.empty((n, H), dtype=xw.dtype)
    acc_zr = np.empty((n, 2 * H), dtype=xw.dtype)
    acc_h = np.empty((n, H), dtype=xw.dtype)
    scratch_zr = np.empty((n if rows.blas else 0, 2 * H), dtype=xw.dtype)
    scratch_h = np.empty((n if rows.blas else 0, H), dtype=xw.dtype)
    for t in range(xw.shape[0]):
        h_prev = h0 if t == 0 else steps.h[t - 1]
        x = xw[t, b0:b1]
        for i in range(n):
            x_i, a = x[i], acc_zr[i]
            for j in range(2 * H):
                a[j] = x_i[j]
        h_rows, first = dropped_rows(h_prev, masks.rec_mask, b0, hd)
        add_product(h_rows, first, 0, U_zr, acc_zr, n, rows.blas, scratch_zr)
        gru_before_step_gates(acc_zr, t, b0, xw, h_rows, first, acts, steps, rh, acc_h)
        add_product(rh, 0, 0, U_h, acc_h, n, rows.blas, scratch_h)
        activate_block(_flat(acc_h), 0, _flat(steps.h_tilde[t, b0:b1]), 0, n * H, acts.act)
        gru_step_update(t, b0, n, h_prev, masks.keep, steps)


@kernel
def gru_before_backward_loop(dhs, U_zr_T, U_h_T, h0, steps, masks, acts, rows, dh, dxw):
    """reset_after=False BPTT for rows b0:b1: dh in = gradient at the final state,
    out = dh0; fills dxw (T, B, 3H) (dU is taken after the loop)."""
    b0, b1 = rows.b0, rows.b1
    n = b1 - b0
    H = U_h_T.shape[0]
    hd = np.empty((n, H), dtype=dhs.dtype)
    d_rh = np.empty((n, H), dtype=dhs.dtype)
    dhd = np.empty((n, H), dtype=dhs.dtype)
    scratch = np.empty((n if rows.blas else 0, H), dtype=dhs.dtype)
    for t in range(dhs.shape[0] - 1, -1, -1):
        h_prev = h0 if t == 0 else steps.h[t - 1]
        add_rows(dh[b0:b1], dhs[t, b0:b1])
        gru_step_update_grads(t, b0, n, h_prev, steps, masks.keep, acts, dh, dxw)
        zero_masked(masks.keep, t, b0, dxw[t, b0:b1])
        fill_rows(d_rh, 0.0)  # d(rĥ) = da_h U_hᵀ
        add_product(dxw[t], b0, 2 * H, U_h_T, d_rh, n, rows.blas, scratch)
        h_rows, first = dropped_rows(h_prev, masks.rec_mask, b0, hd)
        gru_before_step_reset(t, b0, d_rh, h_rows, first, steps, masks.keep, acts, dxw)
        fill_rows(dhd, 0.0)  # dĥ = [da_z, da_r] U_zrᵀ + d(rĥ) ⊙ r
        add_product(dxw[t], b0, 0, U_zr_T, dhd, n, rows.blas, scratch)
        r_t = steps.r[t, b0:b1]
        for i in range(n):
            d, d_r, r = dhd[i], d_rh[i], r_t[i]
            for j in range(H):
                d[j] += d_r[j] * r[j]
        dropped_grad(masks.keep, t, b0, dhd, masks.rec_mask, dh[b0:b1], steps.z[t, b0:b1])
