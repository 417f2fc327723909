"""Compiled SimpleRNN time loops (the twin of :func:`seqlab.functional.recurrent.simple_rnn_forward`).

    y_t = act(xw_t + ĥ_{t−1} U),  ĥ = h ⊙ rec_mask;   h_t = y_t (h_{t−1} on masked steps)
    BPTT:  da = act'(y_t) ⊙ dh;   dxw_t = da;   dU += ĥ_{t−1}ᵀ da;   dh ← (da Uᵀ) ⊙ rec_mask

Blocks of rows, products and passes as in :mod:`.lstm_loop`.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from seqlab.kernels.fastmath import activate_block, grad_block
from seqlab.kernels.jit import kernel
from seqlab.kernels.rowops import add_rows, carry_masked, dropped_grad, dropped_rows, zero_masked
from seqlab.kernels.smallgemm import add_recurrent_grad
from seqlab.kernels.step_products import add_product, product_nt

#: Per-step arrays of the cache (T, B, H): h, and y = act(a_t) before masking.
SimpleRNNSteps = namedtuple("SimpleRNNSteps", "h y")


@kernel
def simple_rnn_step_forward(acc, t, b0, h_prev, keep, act, steps):
    """From the pre-activations acc (n, H) of rows b0:b0+n, fill y and h at step t."""
    n = acc.shape[0]
    H = acc.shape[1]
    y = steps.y[t, b0:b0 + n]
    activate_block(acc.reshape(1, n * H), 0, y.reshape(1, n * H), 0, n * H, act)  # (n, H) -> (1, n·H)
    h = steps.h[t, b0:b0 + n]
    add_rows(h, y, True)
    carry_masked(keep, t, b0, h, h_prev)


@kernel
def simple_rnn_step_backward(t, b0, n, dhs, y, keep, act, dh, dxw):
    """First half of a BPTT step for rows b0:b0+n: dh += dhs_t; da = act'(y) ⊙ dh into dxw[t]."""
    H = dh.shape[1]
    dh_rows = dh[b0:b0 + n]
    add_rows(dh_rows, dhs[t, b0:b0 + n])
    da = dxw[t, b0:b0 + n]
    add_rows(da, dh_rows, True)
    grad_block(y[t, b0:b0 + n].reshape(1, n * H), 0, da.reshape(1, n * H), 0, n * H,  # (n, H) -> (1, n·H)
               act)
    zero_masked(keep, t, b0, da)


@kernel
def simple_rnn_forward_loop(xw, U, h0, masks, act, rows, steps):
    """All T steps for rows b0:b1: a_t = xw_t + ĥ_{t−1}U, y_t = act(a_t)."""
    b0, b1 = rows.b0, rows.b1
    n = b1 - b0
    H = U.shape[0]
    acc = np.empty((n, H), dtype=xw.dtype)
    hd = np.empty((n, H), dtype=xw.dtype)
    scratch = np.empty((n if rows.blas else 0, H), dtype=xw.dtype)
    for t in range(xw.shape[0]):
        h_prev = h0 if t == 0 else steps.h[t - 1]
        add_rows(acc, xw[t, b0:b1], True)
        h_rows, first = dropped_rows(h_prev, masks.rec_mask, b0, hd)
        add_product(h_rows, first, 0, U, acc, n, rows.blas, scratch)
        simple_rnn_step_forward(acc, t, b0, h_prev, masks.keep, act, steps)


@kernel
def simple_rnn_backward_loop(dhs, U, U_T, h0, steps, masks, act, rows, dh, dxw):
    """All T steps of BPTT for rows b0:b1: dh (B, H) comes in as the gradient at the
    final state and leaves as dh0; dxw (T, B, H) is filled. Returns these rows' share
    of dU = Σ_t ĥ_{t−1}ᵀ da_t (empty with ``rows.blas``: one product after the loop)."""
    b0, b1 = rows.b0, rows.b1
    n = b1 - b0
    H = U.shape[0]
    dhd = np.empty((n, H), dtype=dhs.dtype)
    hd = np.empty((n, H), dtype=dhs.dtype)
    dU = np.zeros((0, 0) if rows.blas else (H, H), dtype=dhs.dtype)
    for t in range(dhs.shape[0] - 1, -1, -1):
        simple_rnn_step_backward(t, b0, n, dhs, steps.y, masks.keep, act, dh, dxw)
        product_nt(dxw[t], b0, U, U_T, dhd, n, rows.blas)
        if not rows.blas:
            add_recurrent_grad(h0 if t == 0 else steps.h[t - 1], masks.rec_mask, b0, hd,
                               dxw[t, b0:b1], dU)
        dropped_grad(masks.keep, t, b0, dhd, masks.rec_mask, dh[b0:b1],
                     np.empty((0, 0), dhd.dtype))
    return dU
