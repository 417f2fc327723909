"""Compiled GRU steps and time loops, both variants (drivers and layout as in :mod:`.lstm_loop`).

ĥ = h_{t−1} ⊙ rec_mask, [xz xr xh] = xw_t, σ = recurrent activation:

reset_after=True ("after": Keras 3 default, PyTorch)
    [hz hr hh] = ĥ U + rb;  z = σ(xz + hz);  r = σ(xr + hr);  h̃ = act(xh + r ⊙ hh)
    BPTT: da_z = σ'(z) dh (h_{t−1} − h̃);  da_h = act'(h̃) dh (1 − z);  da_r = σ'(r) da_h hh
          dhu = [da_z, da_r, da_h ⊙ r];  dh ← (dhu Uᵀ) ⊙ rec_mask + dh ⊙ z

reset_after=False ("before": the talk's and the 1st-edition book's GRU)
    z = σ(xz + ĥ U_z);  r = σ(xr + ĥ U_r);  h̃ = act(xh + (r ⊙ ĥ) U_h)
    BPTT: d(rĥ) = da_h U_hᵀ;  da_r = σ'(r) d(rĥ) ĥ
          dh ← ([da_z, da_r] U_zrᵀ + d(rĥ) ⊙ r) ⊙ rec_mask + dh ⊙ z

both: h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃  (h_{t−1} on masked steps).
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
    fill_rows,
    zero_masked,
)
from seqlab.kernels.smallgemm import add_recurrent_grad, gemm_acc, gemm_nt


@njit(**JIT)
def _flat(a):
    """A C-contiguous (n, H) block as (1, n·H), for one long activation loop."""
    return a.reshape(1, a.shape[0] * a.shape[1])  # (n, H) -> (1, n·H)


@njit(**JIT)
def _mix(t, b0, n, h_prev, keep, z, h_tilde, hs):
    """h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ on rows b0:b0+n, then the masked rows' carry."""
    zt = z[t, b0:b0 + n]
    nt = h_tilde[t, b0:b0 + n]
    hn = hs[t, b0:b0 + n]
    for r in range(n):
        zr = zt[r]
        hp = h_prev[b0 + r]
        nr = nt[r]
        out = hn[r]
        for j in range(out.shape[0]):
            out[j] = zr[j] * hp[j] + (1 - zr[j]) * nr[j]
    carry_masked(keep, t, b0, hn, h_prev)


@njit(**JIT)
def gru_after_step_forward(acc, t, b0, xw, h_prev, keep, act, rec_act,
                           hs, z, r, h_tilde, hh, tmp):
    """reset_after=True, rows b0:b0+n at step t, from acc = ĥU + rb (n, 3H):
    fill z, r, hh, h_tilde and hs. ``tmp`` is (≥n, H) scratch."""
    n = acc.shape[0]
    H = acc.shape[1] // 3
    b1 = b0 + n
    x = xw[t, b0:b1]
    pre = tmp[:n]
    for q in range(2):  # z from block 0, r from block 1
        for i in range(n):
            xi = x[i]
            ai = acc[i]
            pi = pre[i]
            for j in range(H):
                pi[j] = xi[q * H + j] + ai[q * H + j]
        dst = z[t, b0:b1] if q == 0 else r[t, b0:b1]
        activate_block(_flat(pre), 0, _flat(dst), 0, n * H, rec_act)
    rt = r[t, b0:b1]
    hht = hh[t, b0:b1]
    for i in range(n):
        ai = acc[i]
        hi = hht[i]
        for j in range(H):
            hi[j] = ai[2 * H + j]
    for i in range(n):
        xi = x[i]
        ri = rt[i]
        hi = hht[i]
        pi = pre[i]
        for j in range(H):
            pi[j] = xi[2 * H + j] + ri[j] * hi[j]
    activate_block(_flat(pre), 0, _flat(h_tilde[t, b0:b1]), 0, n * H, act)
    _mix(t, b0, n, h_prev, keep, z, h_tilde, hs)


@njit(**JIT)
def gru_after_step_backward(t, b0, n, dhs, h_prev, z, r, h_tilde, hh, keep, act, rec_act,
                            dh, dxw, dghh, dhu):
    """reset_after=True, first half of a BPTT step for rows b0:b0+n: dh += dhs_t;
    fill dxw[t] = [da_z, da_r, da_h], dghh[t] = da_h ⊙ r and the block dhu (n, 3H)."""
    H = dh.shape[1]
    b1 = b0 + n
    dhb = dh[b0:b1]
    add_rows(dhb, dhs[t, b0:b1])
    d = dxw[t, b0:b1]
    zt = z[t, b0:b1]
    nt = h_tilde[t, b0:b1]
    for i in range(n):
        dr = dhb[i]
        zr = zt[i]
        hp = h_prev[b0 + i]
        nr = nt[i]
        dd = d[i]
        for j in range(H):
            dd[j] = dr[j] * (hp[j] - nr[j])
        for j in range(H):
            dd[2 * H + j] = dr[j] * (1 - zr[j])
    grad_block(zt, 0, d, 0, H, rec_act)
    grad_block(nt, 0, d, 2 * H, H, act)
    hht = hh[t, b0:b1]
    for i in range(n):
        dd = d[i]
        hi = hht[i]
        for j in range(H):
            dd[H + j] = dd[2 * H + j] * hi[j]
    grad_block(r[t, b0:b1], 0, d, H, H, rec_act)
    zero_masked(keep, t, b0, d)
    rt = r[t, b0:b1]
    dg = dghh[t, b0:b1]
    for i in range(n):
        dd = d[i]
        ri = rt[i]
        gi = dg[i]
        for j in range(H):
            gi[j] = dd[2 * H + j] * ri[j]
        u = dhu[i]
        for j in range(2 * H):
            u[j] = dd[j]
        for j in range(H):
            u[2 * H + j] = gi[j]


@njit(**JIT)
def gru_step_carry(t, b0, dhd, z, keep, rec_mask, dh):
    """Last part of a BPTT step: dh ← dhd ⊙ rec_mask + dh ⊙ z on the rows that ran step t."""
    n = dhd.shape[0]
    dropped_grad(keep, t, b0, dhd, rec_mask, dh[b0:b0 + n], z[t, b0:b0 + n])


@njit(**JIT)
def gru_before_step_gates(acc_zr, t, b0, xw, hd, rec_act, z, r, r_h, acc_h):
    """reset_after=False, rows b0:b0+n: z, r from acc_zr = xw_zr + ĥU_zr (n, 2H);
    r_h[t] = r ⊙ ĥ (hd: the rows' ĥ); acc_h = xw_h, ready for + (r ⊙ ĥ) U_h."""
    n = acc_zr.shape[0]
    H = acc_zr.shape[1] // 2
    b1 = b0 + n
    activate_block(acc_zr, 0, z[t, b0:b1], 0, H, rec_act)
    activate_block(acc_zr, H, r[t, b0:b1], 0, H, rec_act)
    rt = r[t, b0:b1]
    rh = r_h[t, b0:b1]
    for i in range(n):
        ri = rt[i]
        hi = hd[b0 + i]
        out = rh[i]
        for j in range(H):
            out[j] = ri[j] * hi[j]
    x = xw[t, b0:b1]
    for i in range(n):
        xi = x[i]
        ai = acc_h[i]
        for j in range(H):
            ai[j] = xi[2 * H + j]


@njit(**JIT)
def gru_before_step_forward(acc_h, t, b0, h_prev, keep, act, hs, z, h_tilde):
    """reset_after=False, rows b0:b0+n: h̃ = act(acc_h) and the update of hs."""
    n = acc_h.shape[0]
    activate_block(_flat(acc_h), 0, _flat(h_tilde[t, b0:b0 + n]), 0, acc_h.size, act)
    _mix(t, b0, n, h_prev, keep, z, h_tilde, hs)


@njit(**JIT)
def gru_before_step_backward(t, b0, n, dhs, h_prev, z, h_tilde, keep, act, rec_act, dh, dxw):
    """reset_after=False, first part of a BPTT step, rows b0:b0+n: dh += dhs_t;
    dxw[t] gets da_z and da_h (the da_r block follows in gru_before_step_reset)."""
    H = dh.shape[1]
    b1 = b0 + n
    dhb = dh[b0:b1]
    add_rows(dhb, dhs[t, b0:b1])
    d = dxw[t, b0:b1]
    zt = z[t, b0:b1]
    nt = h_tilde[t, b0:b1]
    for i in range(n):
        dr = dhb[i]
        zr = zt[i]
        hp = h_prev[b0 + i]
        nr = nt[i]
        dd = d[i]
        for j in range(H):
            dd[j] = dr[j] * (hp[j] - nr[j])
        for j in range(H):
            dd[2 * H + j] = dr[j] * (1 - zr[j])
    grad_block(zt, 0, d, 0, H, rec_act)
    grad_block(nt, 0, d, 2 * H, H, act)
    zero_masked(keep, t, b0, d)


@njit(**JIT)
def gru_before_step_reset(t, b0, d_rh, hd, r, keep, rec_act, dxw):
    """reset_after=False: da_r = σ'(r) ⊙ d(rĥ) ⊙ ĥ into dxw[t] rows b0:b0+n (hd: ĥ rows)."""
    n = d_rh.shape[0]
    H = d_rh.shape[1]
    d = dxw[t, b0:b0 + n]
    for i in range(n):
        dd = d[i]
        dr = d_rh[i]
        hi = hd[b0 + i]
        for j in range(H):
            dd[H + j] = dr[j] * hi[j]
    grad_block(r[t, b0:b0 + n], 0, d, H, H, rec_act)
    zero_masked(keep, t, b0, d)


@njit(**JIT)
def gru_before_step_carry(t, b0, dhd, d_rh, r, z, keep, rec_mask, dh):
    """reset_after=False: dĥ = dhd + d(rĥ) ⊙ r, then dh ← dĥ ⊙ rec_mask + dh ⊙ z."""
    n = dhd.shape[0]
    add_prod = r[t, b0:b0 + n]
    for i in range(n):
        di = dhd[i]
        dr = d_rh[i]
        ri = add_prod[i]
        for j in range(di.shape[0]):
            di[j] += dr[j] * ri[j]
    gru_step_carry(t, b0, dhd, z, keep, rec_mask, dh)


@njit(**JIT)
def _dropped_rows(h_prev, rec_mask, b0, nb, hd):
    """ĥ rows b0:b0+nb: h_prev itself without dropout, else hd filled (indexed by b)."""
    if rec_mask.shape[0] == 0:
        return h_prev
    fill_dropped(h_prev, rec_mask, b0, hd[b0:b0 + nb])
    return hd


@njit(**JIT)
def gru_after_forward_rows(xw, U, rb, h0, keep, rec_mask, act, rec_act, b0, b1,
                           hs, z, r, h_tilde, hh):
    """reset_after=True, all T steps for rows b0:b1 (rb (0,) = no recurrent bias)."""
    T = xw.shape[0]
    H = U.shape[0]
    nb = b1 - b0
    hd = np.empty((b1, H), dtype=xw.dtype)
    acc = np.empty((nb, 3 * H), dtype=xw.dtype)
    tmp = np.empty((nb, H), dtype=xw.dtype)
    for t in range(T):
        h_prev = h0 if t == 0 else hs[t - 1]
        if rb.shape[0] > 0:
            for i in range(nb):
                ai = acc[i]
                for j in range(3 * H):
                    ai[j] = rb[j]
        else:
            fill_rows(acc, 0.0)
        gemm_acc(_dropped_rows(h_prev, rec_mask, b0, nb, hd), b0, 0, U, acc, nb)
        gru_after_step_forward(acc, t, b0, xw, h_prev, keep, act, rec_act,
                               hs, z, r, h_tilde, hh, tmp)


@njit(**JIT)
def gru_after_backward_rows(dhs, U, h0, hs, z, r, h_tilde, hh, keep, rec_mask, act,
                            rec_act, b0, b1, dh, dxw, dghh):
    """reset_after=True BPTT for rows b0:b1: dh in = gradient at the final state,
    out = dh0; fills dxw (T, B, 3H) and dghh = da_h ⊙ r (T, B, H). Returns these
    rows' share of dU = Σ_t ĥ_{t−1}ᵀ [da_z da_r dghh_t]."""
    T = dxw.shape[0]
    H = U.shape[0]
    nb = b1 - b0
    dhu = np.empty((nb, 3 * H), dtype=dxw.dtype)
    dhd = np.empty((nb, H), dtype=dxw.dtype)
    hd = np.empty((nb, H), dtype=dxw.dtype)
    dU = np.zeros((H, 3 * H), dtype=dxw.dtype)
    for t in range(T - 1, -1, -1):
        h_prev = h0 if t == 0 else hs[t - 1]
        gru_after_step_backward(t, b0, nb, dhs, h_prev, z, r, h_tilde, hh, keep, act,
                                rec_act, dh, dxw, dghh, dhu)
        gemm_nt(dhu, 0, U, dhd, nb)
        add_recurrent_grad(h_prev, rec_mask, b0, hd, dhu, dU)
        gru_step_carry(t, b0, dhd, z, keep, rec_mask, dh)
    return dU


@njit(**JIT)
def gru_before_forward_rows(xw, U_zr, U_h, h0, keep, rec_mask, act, rec_act, b0, b1,
                            hs, z, r, h_tilde, r_h):
    """reset_after=False, all T steps for rows b0:b1."""
    T = xw.shape[0]
    H = U_h.shape[0]
    nb = b1 - b0
    hd = np.empty((b1, H), dtype=xw.dtype)
    acc_zr = np.empty((nb, 2 * H), dtype=xw.dtype)
    acc_h = np.empty((nb, H), dtype=xw.dtype)
    for t in range(T):
        h_prev = h0 if t == 0 else hs[t - 1]
        x = xw[t, b0:b1]
        for i in range(nb):
            xi = x[i]
            ai = acc_zr[i]
            for j in range(2 * H):
                ai[j] = xi[j]
        src = _dropped_rows(h_prev, rec_mask, b0, nb, hd)
        gemm_acc(src, b0, 0, U_zr, acc_zr, nb)
        gru_before_step_gates(acc_zr, t, b0, xw, src, rec_act, z, r, r_h, acc_h)
        gemm_acc(r_h[t], b0, 0, U_h, acc_h, nb)
        gru_before_step_forward(acc_h, t, b0, h_prev, keep, act, hs, z, h_tilde)


@njit(**JIT)
def gru_before_backward_rows(dhs, U_zr_T, U_h_T, h0, hs, z, r, h_tilde, keep, rec_mask,
                             act, rec_act, b0, b1, dh, dxw):
    """reset_after=False BPTT for rows b0:b1: dh in = gradient at the final state,
    out = dh0; fills dxw (T, B, 3H)."""
    T = dxw.shape[0]
    H = U_h_T.shape[0]
    nb = b1 - b0
    hd = np.empty((b1, H), dtype=dxw.dtype)
    d_rh = np.empty((nb, H), dtype=dxw.dtype)
    dhd = np.empty((nb, H), dtype=dxw.dtype)
    for t in range(T - 1, -1, -1):
        h_prev = h0 if t == 0 else hs[t - 1]
        gru_before_step_backward(t, b0, nb, dhs, h_prev, z, h_tilde, keep, act, rec_act,
                                 dh, dxw)
        fill_rows(d_rh, 0.0)
        gemm_acc(dxw[t], b0, 2 * H, U_h_T, d_rh, nb)
        src = _dropped_rows(h_prev, rec_mask, b0, nb, hd)
        gru_before_step_reset(t, b0, d_rh, src, r, keep, rec_act, dxw)
        fill_rows(dhd, 0.0)
        gemm_acc(dxw[t], b0, 0, U_zr_T, dhd, nb)
        gru_before_step_carry(t, b0, dhd, d_rh, r, z, keep, rec_mask, dh)
