"""Recurrent time loops: the NumPy reference for SimpleRNN, LSTM and GRU.

The input projection for every step is done first, ``xw = x W + b`` of shape
(T, B, k·H), time-major, already reversed when the layer runs ``go_backwards``
(:func:`input_projection`, and its gradients :func:`input_backward`). The
loop kernels run only the loop over t = 0 … T−1 (forward) and back (BPTT).
Row vectors and Keras layout throughout: ``U`` is (H, k·H) with the gate
blocks side by side (LSTM i, f, c, o; GRU z, r, h).

Common arguments
    xw         (T, B, kH)  input projection incl. the input bias
    U          (H, kH)     recurrent kernel
    h0, c0     (B, H)      initial states
    step_mask  None or bool (T, B); False = skip the step: the state is carried,
               h_t = h_{t−1} (c_t = c_{t−1}), and that step's dxw is zero
    rec_mask   None or (B, H) recurrent-dropout multipliers (already scaled by
               1/(1−rate)), the same at every step and for every gate: the
               recurrent product uses ĥ = h_{t−1} ⊙ rec_mask; the carry terms
               (z ⊙ h_{t−1}, f ⊙ c_{t−1}) use the undropped state.
    dhs        (T, B, H)   gradient arriving at every h_t from above
    dh_last    (B, H)      gradient at the final state (dc_last for the cell state)

Caches are the dataclasses of :mod:`seqlab.functional.recurrent_cache`, shared
with the fast path: the backward pass reads them and a trace can show them.
Each backward also takes
an optional ``on_step(t, grads)`` (default None: no cost): it is called at
every step t of BPTT with a dict of that step's gradients: ``dh`` = dL/dh_t
(B, H) (everything that reaches h_t: from above and from step t+1), ``da`` =
dL/da_t (B, kH) (the gate pre-activations, = dxw_t) and, for the LSTM, ``dc``
= dL/dc_t (B, H) with h_t held fixed (what reaches c_t from step t+1), so that
(dh, dc) is the gradient of the state pair, as for ``initial_state``. The
arrays are the loop's working buffers: copy what you keep.

Activation derivatives are taken from the outputs (tanh' = 1 − y², σ' = y(1 − y),
…) by :func:`seqlab.functional.activations.activation_backward`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from seqlab.functional.activations import activation_backward, activation_forward
from seqlab.functional.recurrent_cache import (
    GRUCache,
    LSTMCache,
    SimpleRNNCache,
    recurrent_delta,
    recurrent_weight_grad,
)

StepCallback = Callable[[int, dict[str, np.ndarray]], None]


def _keep(step_mask: np.ndarray | None, t: int) -> np.ndarray | None:
    """The (B, 1) bool column of rows that really run step t (None: all)."""
    return None if step_mask is None else step_mask[t][:, None]


def _split_masked(d: np.ndarray, keep: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Split a state gradient into (into the step's update, straight through the carry)."""
    if keep is None:
        return d, np.zeros_like(d)
    return np.where(keep, d, 0), np.where(keep, 0, d)


def _dropped(h: np.ndarray, rec_mask: np.ndarray | None) -> np.ndarray:
    """ĥ = h ⊙ rec_mask (h itself without recurrent dropout)."""
    return h if rec_mask is None else h * rec_mask


# ------------------------------------------------------------ input products
def time_major(x: np.ndarray, reverse: bool) -> np.ndarray:
    """x (B, T, D) as a C-contiguous (T, B, D) copy in processing order."""
    xt = np.swapaxes(x, 0, 1)  # (B, T, D) -> (T, B, D)
    return np.ascontiguousarray(xt[::-1] if reverse else xt)


def input_projection(x: np.ndarray, W: np.ndarray, b: np.ndarray | None,
                     reverse: bool) -> np.ndarray:
    """xw_t = x_t W + b for every step at once, time-major: x (B, T, D) → xw (T, B, kH),
    the steps in processing order (reversed when ``reverse``, i.e. go_backwards)."""
    B, T, D = x.shape
    xw = time_major(x, reverse).reshape(T * B, D) @ W  # (T·B, D) @ (D, kH)
    if b is not None:
        xw += b
    return xw.reshape(T, B, -1)


def input_backward(x: np.ndarray, dxw: np.ndarray, W: np.ndarray, reverse: bool,
                   use_bias: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Gradients through :func:`input_projection` given dxw (T, B, kH):
    dx = dxw Wᵀ back in input order (B, T, D), dW = Σ_t x_tᵀ dxw_t, db = Σ_t Σ_b dxw_t
    (None without a bias)."""
    T, B, kH = dxw.shape
    D = x.shape[2]
    d2 = np.ascontiguousarray(dxw).reshape(T * B, kH)
    dW = time_major(x, reverse).reshape(T * B, D).T @ d2  # (D, T·B) @ (T·B, kH)
    db = d2.sum(axis=0) if use_bias else None
    d_in = dxw[::-1] if reverse else dxw  # input order
    # one product per batch row straight into (B, T, D): no transposed copy
    dx = np.matmul(np.swapaxes(d_in, 0, 1), np.ascontiguousarray(W.T))  # (B, T, kH) @ (kH, D)
    return dx, dW, db


# ------------------------------------------------------------------ SimpleRNN
def simple_rnn_forward(xw: np.ndarray, U: np.ndarray, h0: np.ndarray,
                       step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                       activation: str) -> tuple[np.ndarray, SimpleRNNCache]:
    """h_t = act(xw_t + ĥ_{t−1} U), ĥ = h ⊙ rec_mask.

    Returns ``hs`` (T, B, H) and the cache, with ``y`` (T, B, H), the activation
    output of every step before masking (equal to ``h`` on unmasked steps).
    """
    T = xw.shape[0]
    hs = np.empty((T, *h0.shape), dtype=xw.dtype)
    ys = np.empty_like(hs)
    h = h0
    for t in range(T):
        y = activation_forward(activation, xw[t] + _dropped(h, rec_mask) @ U, out=ys[t])
        keep = _keep(step_mask, t)
        h = y if keep is None else np.where(keep, y, h)
        hs[t] = h
    cache = SimpleRNNCache("simple_rnn", U, h0, step_mask, rec_mask, activation, hs, ys)
    return hs, cache


def simple_rnn_backward(dhs: np.ndarray, dh_last: np.ndarray, cache: SimpleRNNCache,
                        on_step: StepCallback | None = None
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BPTT for :func:`simple_rnn_forward`.

    da_t = act'(y_t) ⊙ dh_t;  dxw_t = da_t;  dU = Σ_t ĥ_{t−1}ᵀ da_t;
    dh_{t−1} = (da_t Uᵀ) ⊙ rec_mask (+ dh_t on masked rows, which skip the update).
    Returns ``(dxw, dU, dh0)``.
    """
    U, hs = cache.U, cache.h
    T, B = hs.shape[:2]
    dxw = np.zeros((T, B, U.shape[1]), dtype=hs.dtype)
    dU = np.zeros_like(U)
    dh = np.array(dh_last, dtype=hs.dtype, copy=True)
    for t in range(T - 1, -1, -1):
        dh += dhs[t]
        dnew, dcarry = _split_masked(dh, _keep(cache.step_mask, t))
        da = activation_backward(cache.activation, cache.y[t], dnew, out=dxw[t])
        if on_step is not None:
            on_step(t, {"dh": dh, "da": da})
        dU += recurrent_weight_grad(cache, t, da)
        dh = _dropped(da @ U.T, cache.rec_mask) + dcarry
    return dxw, dU, dh


# ----------------------------------------------------------------------- LSTM
def lstm_forward(xw: np.ndarray, U: np.ndarray, h0: np.ndarray, c0: np.ndarray,
                 step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                 activation: str, recurrent_activation: str
                 ) -> tuple[np.ndarray, np.ndarray, LSTMCache]:
    """[a_i a_f a_c a_o] = xw_t + ĥ_{t−1} U;
    i = σ(a_i), f = σ(a_f), g = act(a_c), o = σ(a_o)   (σ = recurrent_activation);
    c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ act(c_t).

    Returns ``hs``, ``cs`` (T, B, H) and the cache, with the gates [i f g o] and
    ``act_c`` = act(c_t) of every step (before masking).
    """
    T, (B, H) = xw.shape[0], h0.shape
    hs = np.empty((T, B, H), dtype=xw.dtype)
    cs = np.empty_like(hs)
    act_cs = np.empty_like(hs)
    gates = np.empty((T, B, 4 * H), dtype=xw.dtype)  # [i f g o] of every step
    h, c = h0, c0
    for t in range(T):
        a = xw[t] + _dropped(h, rec_mask) @ U  # (B, 4H)
        gt = gates[t]
        i = activation_forward(recurrent_activation, a[:, :H], out=gt[:, :H])
        f = activation_forward(recurrent_activation, a[:, H:2 * H], out=gt[:, H:2 * H])
        g = activation_forward(activation, a[:, 2 * H:3 * H], out=gt[:, 2 * H:3 * H])
        o = activation_forward(recurrent_activation, a[:, 3 * H:], out=gt[:, 3 * H:])
        c_new = f * c + i * g
        h_new = o * activation_forward(activation, c_new, out=act_cs[t])
        keep = _keep(step_mask, t)
        if keep is not None:
            c_new = np.where(keep, c_new, c)
            h_new = np.where(keep, h_new, h)
        hs[t], cs[t] = h_new, c_new
        h, c = h_new, c_new
    cache = LSTMCache("lstm", U, h0, step_mask, rec_mask, activation, hs, recurrent_activation,
                      c0, gates, act_cs, cs)
    return hs, cs, cache


def lstm_backward(dhs: np.ndarray, dh_last: np.ndarray, dc_last: np.ndarray, cache: LSTMCache,
                  on_step: StepCallback | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """BPTT for :func:`lstm_forward`.

    do = dh ⊙ act(c_t);  dc = dc_t + act'(act(c_t)) ⊙ (dh ⊙ o);
    di = dc ⊙ g;  df = dc ⊙ c_{t−1};  dg = dc ⊙ i;  dc_{t−1} = dc ⊙ f;
    da = [σ'(i) di, σ'(f) df, act'(g) dg, σ'(o) do];  dxw_t = da;
    dU = Σ_t ĥ_{t−1}ᵀ da;  dh_{t−1} = (da Uᵀ) ⊙ rec_mask.
    Masked rows pass dh and dc straight to the previous step.
    Returns ``(dxw, dU, dh0, dc0)``.
    """
    U, hs, cs, act_c = cache.U, cache.h, cache.c, cache.act_c
    i, f, g, o = cache.i, cache.f, cache.g, cache.o
    act, rec_act = cache.activation, cache.recurrent_activation
    T, B, H = hs.shape
    dxw = np.zeros((T, B, U.shape[1]), dtype=hs.dtype)
    dU = np.zeros_like(U)
    dh = np.array(dh_last, dtype=hs.dtype, copy=True)
    dc = np.array(dc_last, dtype=hs.dtype, copy=True)
    for t in range(T - 1, -1, -1):
        dh += dhs[t]
        keep = _keep(cache.step_mask, t)
        dh_new, dh_carry = _split_masked(dh, keep)
        dc_new, dc_carry = _split_masked(dc, keep)
        dct = dc_new + activation_backward(act, act_c[t], dh_new * o[t])
        c_prev = cache.c0 if t == 0 else cs[t - 1]
        da = dxw[t]  # (B, 4H) in gate order i, f, c, o
        activation_backward(rec_act, i[t], dct * g[t], out=da[:, :H])
        activation_backward(rec_act, f[t], dct * c_prev, out=da[:, H:2 * H])
        activation_backward(act, g[t], dct * i[t], out=da[:, 2 * H:3 * H])
        activation_backward(rec_act, o[t], dh_new * act_c[t], out=da[:, 3 * H:])
        if on_step is not None:
            on_step(t, {"dh": dh, "dc": dc, "da": da})
        dU += recurrent_weight_grad(cache, t, da)
        dh = _dropped(da @ U.T, cache.rec_mask) + dh_carry
        dc = dct * f[t] + dc_carry
    return dxw, dU, dh, dc


# ------------------------------------------------------------------------ GRU
def gru_forward(xw: np.ndarray, U: np.ndarray, rb: np.ndarray | None, h0: np.ndarray,
                step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                activation: str, recurrent_activation: str, reset_after: bool
                ) -> tuple[np.ndarray, GRUCache]:
    """[xz xr xh] = xw_t, ĥ = h_{t−1} ⊙ rec_mask, σ = recurrent_activation.

    reset_after=True (Keras 3 default, PyTorch):
        [hz hr hh] = ĥ U + rb;  z = σ(xz + hz);  r = σ(xr + hr);  h̃ = act(xh + r ⊙ hh)
    reset_after=False (the talk's and the 1st-edition book's GRU):
        z = σ(xz + ĥ U_z);  r = σ(xr + ĥ U_r);  h̃ = act(xh + (r ⊙ ĥ) U_h)
    both:  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃.

    ``rb`` (kH,) is the recurrent bias, used only with reset_after=True (None
    means no bias). Returns ``hs`` (T, B, H) and the cache, with ``z r h_tilde``
    and, for reset_after=True, ``hh`` (the recurrent candidate term ĥ U_h + rb_h).
    """
    T, H = xw.shape[0], h0.shape[1]
    if not reset_after and rb is not None:
        raise ValueError("gru_forward: rb (recurrent bias) is only used with reset_after=True")
    hs = np.empty((T, *h0.shape), dtype=xw.dtype)
    zs, rs, h_tildes = (np.empty_like(hs) for _ in range(3))
    hhs = np.empty_like(hs) if reset_after else None
    h = h0
    for t in range(T):
        hd = _dropped(h, rec_mask)
        if reset_after:
            hu = hd @ U  # (B, 3H)
            if rb is not None:
                hu = hu + rb
            hh = hu[:, 2 * H:]
            hhs[t] = hh
            z = activation_forward(recurrent_activation, xw[t, :, :H] + hu[:, :H], out=zs[t])
            r = activation_forward(recurrent_activation, xw[t, :, H:2 * H] + hu[:, H:2 * H],
                                   out=rs[t])
            h_tilde = activation_forward(activation, xw[t, :, 2 * H:] + r * hh, out=h_tildes[t])
        else:
            hu = hd @ U[:, :2 * H]  # (B, 2H)
            z = activation_forward(recurrent_activation, xw[t, :, :H] + hu[:, :H], out=zs[t])
            r = activation_forward(recurrent_activation, xw[t, :, H:2 * H] + hu[:, H:],
                                   out=rs[t])
            h_tilde = activation_forward(activation, xw[t, :, 2 * H:] + (r * hd) @ U[:, 2 * H:],
                                         out=h_tildes[t])
        h_new = z * h + (1 - z) * h_tilde
        keep = _keep(step_mask, t)
        h = h_new if keep is None else np.where(keep, h_new, h)
        hs[t] = h
    cache = GRUCache("gru", U, h0, step_mask, rec_mask, activation, hs, recurrent_activation,
                     bool(reset_after), rb, zs, rs, h_tildes, hhs)
    return hs, cache


def gru_backward(dhs: np.ndarray, dh_last: np.ndarray, cache: GRUCache,
                 on_step: StepCallback | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """BPTT for :func:`gru_forward`.

    dz = dh ⊙ (h_{t−1} − h̃);  dh̃ = dh ⊙ (1 − z);  dh_{t−1} ∋ dh ⊙ z (the carry);
    da_h = act'(h̃) dh̃;  da_z = σ'(z) dz;
    reset_after=True:   dr = da_h ⊙ hh;  δ = [da_z, σ'(r) dr, da_h ⊙ r];
                        dU = Σ ĥᵀ δ;  drb = Σ δ;  dĥ = δ Uᵀ
    reset_after=False:  d(rĥ) = da_h U_hᵀ;  dr = d(rĥ) ⊙ ĥ;  da_r = σ'(r) dr;
                        dU_zr = Σ ĥᵀ [da_z, da_r];  dU_h = Σ (r ⊙ ĥ)ᵀ da_h;
                        dĥ = [da_z, da_r] U_zrᵀ + d(rĥ) ⊙ r
    dxw_t = [da_z, da_r, da_h];  dh_{t−1} = dĥ ⊙ rec_mask + dh ⊙ z.
    Returns ``(dxw, dU, drb, dh0)``; ``drb`` is None when ``rb`` was None.
    """
    U, hs, z, r, h_tilde = cache.U, cache.h, cache.z, cache.r, cache.h_tilde
    act, rec_act = cache.activation, cache.recurrent_activation
    T, B, H = hs.shape
    dxw = np.zeros((T, B, U.shape[1]), dtype=hs.dtype)
    dU = np.zeros_like(U)
    drb = None if cache.rb is None else np.zeros_like(cache.rb)
    dh = np.array(dh_last, dtype=hs.dtype, copy=True)
    for t in range(T - 1, -1, -1):
        dh += dhs[t]
        dnew, dcarry = _split_masked(dh, _keep(cache.step_mask, t))
        h_prev = cache.state_before(t)
        hd = cache.dropped_state_before(t)
        da = dxw[t]  # (B, 3H) in gate order z, r, h
        activation_backward(rec_act, z[t], dnew * (h_prev - h_tilde[t]), out=da[:, :H])
        da_h = activation_backward(act, h_tilde[t], dnew * (1 - z[t]), out=da[:, 2 * H:])
        if cache.reset_after:
            activation_backward(rec_act, r[t], da_h * cache.hh[t], out=da[:, H:2 * H])
            delta = recurrent_delta(cache, t, da)  # (B, 3H)
            if drb is not None:
                drb += delta.sum(axis=0)
            dhd = delta @ U.T
        else:
            d_rh = da_h @ U[:, 2 * H:].T
            activation_backward(rec_act, r[t], d_rh * hd, out=da[:, H:2 * H])
            dhd = da[:, :2 * H] @ U[:, :2 * H].T + d_rh * r[t]
        if on_step is not None:
            on_step(t, {"dh": dh, "da": da})
        dU += recurrent_weight_grad(cache, t, da)
        dh = _dropped(dhd, cache.rec_mask) + dnew * z[t] + dcarry
    return dxw, dU, drb, dh
