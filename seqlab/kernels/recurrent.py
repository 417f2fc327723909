"""Numba fast path of the recurrent time loops: the twin of :mod:`seqlab.functional.recurrent`.

Same functions, arguments, results and caches as the NumPy reference (read
its module docstring for the arguments and the equations, and
:mod:`seqlab.functional.recurrent_cache` for the caches):

    simple_rnn_forward(xw, U, h0, step_mask, rec_mask, activation) -> (hs, cache)
    simple_rnn_backward(dhs, dh_last, cache) -> (dxw, dU, dh0)
    lstm_forward(xw, U, h0, c0, step_mask, rec_mask, activation, recurrent_activation)
        -> (hs, cs, cache)
    lstm_backward(dhs, dh_last, dc_last, cache) -> (dxw, dU, dh0, dc0)
    gru_forward(xw, U, rb, h0, step_mask, rec_mask, activation, recurrent_activation,
                reset_after) -> (hs, cache)
    gru_backward(dhs, dh_last, cache) -> (dxw, dU, drb, dh0)
    input_projection, input_backward (from :mod:`.projection`)

How the work is split: the compiled loops (:mod:`.rnn_loop`, :mod:`.lstm_loop`,
:mod:`.gru_loop`) run all T steps for a block of batch rows, one block per
thread (:func:`seqlab.kernels.threads.run_rows`; rows never interact, so the
loop results do not depend on the thread count). Each step is the
recurrent product ĥ_{t−1}U (in BPTT da·Uᵀ) and the gate code. Below
``BLAS_MIN_UNITS`` units (and at any size with several threads) the products
are computed inside the loop and each block adds its rows' share of
dU = Σ_t ĥ_{t−1}ᵀ da_t while da_t is in cache; from there on, at one thread,
one block runs the whole batch, each product is a BLAS call
(:mod:`.step_products`), and dU is one BLAS product Ĥᵀ·dA after the loop
(:func:`recurrent_product`).

Precision: float64 uses libm tanh/exp and agrees with the reference to
rounding (~1e-15 relative per step). float32 uses the rational tanh of
:mod:`.fastmath` (max abs error 1.9e-7, sigmoid 1.2e-7), so float32 results
differ from the reference by a few 1e-7 per step; in a contracting recurrence
these do not grow with T (tests/kernels/test_recurrent_kernels.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.functional.recurrent_cache import GRUCache, LSTMCache, SimpleRNNCache
from seqlab.kernels import bundles
from seqlab.kernels.fastmath import ACTIVATION_CODES
from seqlab.kernels.gru_loop import (
    GRUSteps,
    gru_after_backward_loop,
    gru_after_forward_loop,
    gru_before_backward_loop,
    gru_before_forward_loop,
)
from seqlab.kernels.lstm_loop import LSTMGrads, LSTMSteps, lstm_backward_loop, lstm_forward_loop
from seqlab.kernels.projection import input_backward, input_projection
from seqlab.kernels.rnn_loop import (
    SimpleRNNSteps,
    simple_rnn_backward_loop,
    simple_rnn_forward_loop,
)
from seqlab.kernels.step_products import use_blas
from seqlab.kernels.threads import run_rows

__all__ = [
    "gru_backward",
    "gru_forward",
    "input_backward",
    "input_projection",
    "lstm_backward",
    "lstm_forward",
    "recurrent_product",
    "simple_rnn_backward",
    "simple_rnn_forward",
]

DTYPES: tuple[str, ...] = ("float32", "float64")


# ------------------------------------------------------------- input checks
def _float_dtype(who: str, xw: Any) -> np.dtype:
    dtype = np.asarray(xw).dtype
    if dtype.name not in DTYPES:
        raise TypeError(f"{who}: xw must be float32 or float64, got {dtype}")
    return dtype


def _array(who: str, name: str, value: Any, shape: tuple[int, ...], dtype: np.dtype
           ) -> np.ndarray:
    a = np.asarray(value)
    if a.shape != shape:
        raise ValueError(f"{who}: {name} must have shape {shape}, got {a.shape}")
    return np.ascontiguousarray(a, dtype=dtype)


def _xw(who: str, xw: Any, k: int) -> np.ndarray:
    xw = np.asarray(xw)
    if xw.ndim != 3 or xw.shape[2] % k or xw.shape[2] == 0:
        raise ValueError(f"{who}: xw must have shape (T, B, {k}·H), got {xw.shape}")
    return np.ascontiguousarray(xw)


def _activation(who: str, arg: str, name: str | None) -> str:
    key = "linear" if name is None else name
    if key not in ACTIVATION_CODES:
        raise ValueError(f"{who}: unknown {arg} {name!r}; valid: {list(ACTIVATION_CODES)}")
    return key


def _masks(who: str, step_mask: Any, rec_mask: Any, T: int, B: int, H: int,
           dtype: np.dtype) -> tuple[np.ndarray | None, np.ndarray | None]:
    keep = None if step_mask is None else _array(who, "step_mask", step_mask, (T, B),
                                                 np.dtype(np.bool_))
    rm = None if rec_mask is None else _array(who, "rec_mask", rec_mask, (B, H), dtype)
    return keep, rm


def _gradient(who: str, name: str, value: Any, like: np.ndarray) -> np.ndarray:
    """A fresh copy (the loops update it in place) of a state gradient shaped like ``like``."""
    return np.array(_array(who, name, value, like.shape, like.dtype), copy=True)


def _transposed(U: np.ndarray, blas: bool) -> np.ndarray:
    """Uᵀ as a contiguous copy for the BLAS products of BPTT (empty otherwise)."""
    return np.ascontiguousarray(U.T) if blas else np.zeros((0, 0), dtype=U.dtype)


def _dropped_states_before(cache: Any) -> np.ndarray:
    """ĥ_{t−1} for every step, (T, B, H)."""
    h_before = np.concatenate([cache.h0[None], cache.h[:-1]], axis=0)[:cache.h.shape[0]]
    return h_before if cache.rec_mask is None else h_before * cache.rec_mask


def recurrent_product(cache: Any, d: np.ndarray) -> np.ndarray:
    """Σ_t ĥ_{t−1}ᵀ d_t by BLAS: d (T, B, N), possibly a column block. Without
    recurrent dropout ĥ is h itself: h0ᵀ d_0 + one product over steps 1…T−1, no copy."""
    T, B, N = d.shape
    H = cache.h0.shape[1]
    if cache.rec_mask is not None:
        h_before = _dropped_states_before(cache).reshape(T * B, H)  # (T, B, H) -> (T·B, H)
        return h_before.T @ d.reshape(T * B, N)
    out = cache.h0.T @ d[0] if T else np.zeros((H, N), dtype=d.dtype)
    if T > 1:  # (T−1)·B rows of h_0 … h_{T−2} against d_1 … d_{T−1}
        out += cache.h[:-1].reshape((T - 1) * B, H).T @ d[1:].reshape((T - 1) * B, N)
    return out


def _recurrent_grad(parts: list[np.ndarray], blas: bool, cache: Any, d: np.ndarray
                    ) -> np.ndarray:
    """dU: one product after a BLAS loop, else the sum of the blocks' shares."""
    return recurrent_product(cache, d) if blas else sum(parts[1:], parts[0])


# ----------------------------------------------------------------- SimpleRNN
def simple_rnn_forward(xw: np.ndarray, U: np.ndarray, h0: np.ndarray,
                       step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                       activation: str) -> tuple[np.ndarray, SimpleRNNCache]:
    """h_t = act(xw_t + ĥ_{t−1} U), ĥ = h ⊙ rec_mask (the cache keeps y, h)."""
    who = "simple_rnn_forward"
    dtype = _float_dtype(who, xw)
    xw = _xw(who, xw, 1)
    T, B, H = xw.shape
    U = _array(who, "U", U, (H, H), dtype)
    h0 = _array(who, "h0", h0, (B, H), dtype)
    step_mask, rec_mask = _masks(who, step_mask, rec_mask, T, B, H, dtype)
    activation = _activation(who, "activation", activation)
    steps = SimpleRNNSteps(np.empty((T, B, H), dtype), np.empty((T, B, H), dtype))
    masks, act = bundles.masks(step_mask, rec_mask, dtype), ACTIVATION_CODES[activation]
    run_rows(lambda rows: simple_rnn_forward_loop(xw, U, h0, masks, act, rows, steps), B,
             use_blas(H))
    return steps.h, SimpleRNNCache("simple_rnn", U, h0, step_mask, rec_mask, activation,
                                   steps.h, steps.y)


def simple_rnn_backward(dhs: np.ndarray, dh_last: np.ndarray, cache: SimpleRNNCache
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BPTT for :func:`simple_rnn_forward`: returns ``(dxw, dU, dh0)``."""
    who = "simple_rnn_backward"
    hs, U = cache.h, cache.U
    dhs = _array(who, "dhs", dhs, hs.shape, hs.dtype)
    dh = _gradient(who, "dh_last", dh_last, cache.h0)
    T, B, H = hs.shape
    blas = use_blas(H)
    dxw = np.empty((T, B, H), dtype=hs.dtype)
    steps = SimpleRNNSteps(hs, cache.y)
    masks = bundles.masks(cache.step_mask, cache.rec_mask, hs.dtype)
    act, U_T = ACTIVATION_CODES[cache.activation], _transposed(U, blas)
    parts = run_rows(lambda rows: simple_rnn_backward_loop(dhs, U, U_T, cache.h0, steps, masks,
                                                           act, rows, dh, dxw), B, blas)
    return dxw, _recurrent_grad(parts, blas, cache, dxw), dh


# ----------------------------------------------------------------------- LSTM
def lstm_forward(xw: np.ndarray, U: np.ndarray, h0: np.ndarray, c0: np.ndarray,
                 step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                 activation: str, recurrent_activation: str
                 ) -> tuple[np.ndarray, np.ndarray, LSTMCache]:
    """The LSTM time loop: returns ``hs``, ``cs`` (T, B, H) and the cache."""
    who = "lstm_forward"
    dtype = _float_dtype(who, xw)
    xw = _xw(who, xw, 4)
    T, B, H4 = xw.shape
    H = H4 // 4
    U = _array(who, "U", U, (H, H4), dtype)
    h0 = _array(who, "h0", h0, (B, H), dtype)
    c0 = _array(who, "c0", c0, (B, H), dtype)
    step_mask, rec_mask = _masks(who, step_mask, rec_mask, T, B, H, dtype)
    activation = _activation(who, "activation", activation)
    recurrent_activation = _activation(who, "recurrent_activation", recurrent_activation)
    steps = LSTMSteps(*(np.empty((T, B, H), dtype) for _ in range(2)),
                      np.empty((T, B, H4), dtype), np.empty((T, B, H), dtype))
    masks = bundles.masks(step_mask, rec_mask, dtype)
    acts = bundles.acts(activation, recurrent_activation, "rrar", H, dtype)
    run_rows(lambda rows: lstm_forward_loop(xw, U, h0, c0, masks, acts, rows, steps), B,
             use_blas(H))
    cache = LSTMCache("lstm", U, h0, step_mask, rec_mask, activation, steps.h,
                      recurrent_activation, c0, steps.gates, steps.act_c, steps.c)
    return steps.h, steps.c, cache


def lstm_backward(dhs: np.ndarray, dh_last: np.ndarray, dc_last: np.ndarray, cache: LSTMCache
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """BPTT for :func:`lstm_forward`: returns ``(dxw, dU, dh0, dc0)``."""
    who = "lstm_backward"
    hs, U = cache.h, cache.U
    dhs = _array(who, "dhs", dhs, hs.shape, hs.dtype)
    T, B, H = hs.shape
    blas = use_blas(H)
    grads = LSTMGrads(_gradient(who, "dh_last", dh_last, cache.h0),
                      _gradient(who, "dc_last", dc_last, cache.h0),
                      np.empty((T, B, 4 * H), dtype=hs.dtype))
    steps = LSTMSteps(hs, cache.c, cache.gates, cache.act_c)
    masks = bundles.masks(cache.step_mask, cache.rec_mask, hs.dtype)
    acts = bundles.acts(cache.activation, cache.recurrent_activation, "rrar", H, hs.dtype)
    U_T = _transposed(U, blas)
    parts = run_rows(lambda rows: lstm_backward_loop(dhs, U, U_T, cache.h0, cache.c0, steps,
                                                     masks, acts, rows, grads), B, blas)
    return grads.dxw, _recurrent_grad(parts, blas, cache, grads.dxw), grads.dh, grads.dc


# ------------------------------------------------------------------------ GRU
def gru_forward(xw: np.ndarray, U: np.ndarray, rb: np.ndarray | None, h0: np.ndarray,
                step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                activation: str, recurrent_activation: str, reset_after: bool
                ) -> tuple[np.ndarray, GRUCache]:
    """The GRU time loop, reset_after True or False: returns ``hs`` (T, B, H) and the cache."""
    who = "gru_forward"
    dtype = _float_dtype(who, xw)
    xw = _xw(who, xw, 3)
    T, B, H3 = xw.shape
    H = H3 // 3
    if not reset_after and rb is not None:
        raise ValueError(f"{who}: rb (recurrent bias) is only used with reset_after=True")
    U = _array(who, "U", U, (H, H3), dtype)
    rb = None if rb is None else _array(who, "rb", rb, (H3,), dtype)
    h0 = _array(who, "h0", h0, (B, H), dtype)
    step_mask, rec_mask = _masks(who, step_mask, rec_mask, T, B, H, dtype)
    activation = _activation(who, "activation", activation)
    recurrent_activation = _activation(who, "recurrent_activation", recurrent_activation)
    hh = np.empty((T, B, H) if reset_after else (0, 0, 0), dtype)
    steps = GRUSteps(*(np.empty((T, B, H), dtype) for _ in range(4)), hh)
    masks = bundles.masks(step_mask, rec_mask, dtype)
    acts = bundles.acts(activation, recurrent_activation, "rra", H, dtype)
    if reset_after:
        rb_or_empty = np.zeros(0, dtype) if rb is None else rb
        run_rows(lambda rows: gru_after_forward_loop(xw, U, rb_or_empty, h0, masks, acts, rows,
                                                     steps), B, use_blas(H))
    else:
        U_zr, U_h = np.ascontiguousarray(U[:, :2 * H]), np.ascontiguousarray(U[:, 2 * H:])
        run_rows(lambda rows: gru_before_forward_loop(xw, U_zr, U_h, h0, masks, acts, rows,
                                                      steps), B, use_blas(H))
    cache = GRUCache("gru", U, h0, step_mask, rec_mask, activation, steps.h,
                     recurrent_activation, bool(reset_after), rb, steps.z, steps.r,
                     steps.h_tilde, hh if reset_after else None)
    return steps.h, cache


def gru_backward(dhs: np.ndarray, dh_last: np.ndarray, cache: GRUCache
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """BPTT for :func:`gru_forward`: returns ``(dxw, dU, drb, dh0)`` (drb None without rb)."""
    who = "gru_backward"
    hs, U = cache.h, cache.U
    dhs = _array(who, "dhs", dhs, hs.shape, hs.dtype)
    dh = _gradient(who, "dh_last", dh_last, cache.h0)
    T, B, H = hs.shape
    blas = use_blas(H)
    dxw = np.empty((T, B, 3 * H), dtype=hs.dtype)
    hh = cache.hh if cache.reset_after else np.zeros((0, 0, 0), hs.dtype)
    steps = GRUSteps(hs, cache.z, cache.r, cache.h_tilde, hh)
    masks = bundles.masks(cache.step_mask, cache.rec_mask, hs.dtype)
    acts = bundles.acts(cache.activation, cache.recurrent_activation, "rra", H, hs.dtype)
    if cache.reset_after:
        dghh = np.empty_like(hs)  # da_h ⊙ r: what meets U_h
        U_T = _transposed(U, blas)
        parts = run_rows(lambda rows: gru_after_backward_loop(dhs, U, U_T, cache.h0, steps, masks,
                                                              acts, rows, dh, dxw, dghh), B, blas)
        # δ = [da_z, da_r, da_h ⊙ r] is dxw's first two blocks and dghh
        if blas:
            dU = np.concatenate([recurrent_product(cache, dxw[:, :, :2 * H]),
                                 recurrent_product(cache, dghh)], axis=1)
        else:
            dU = sum(parts[1:], parts[0])
        drb = None if cache.rb is None else np.concatenate(
            [dxw[:, :, :2 * H].sum(axis=(0, 1)), dghh.sum(axis=(0, 1))])
        return dxw, dU, drb, dh
    U_zr_T, U_h_T = np.ascontiguousarray(U[:, :2 * H].T), np.ascontiguousarray(U[:, 2 * H:].T)
    run_rows(lambda rows: gru_before_backward_loop(dhs, U_zr_T, U_h_T, cache.h0, steps, masks,
                                                   acts, rows, dh, dxw), B, blas)
    # dU = [Σ ĥᵀ [da_z, da_r],  Σ (r ⊙ ĥ)ᵀ da_h]: BLAS products over all T·B rows
    dU_h = _reset_product(cache, dxw[:, :, 2 * H:])
    return dxw, np.concatenate([recurrent_product(cache, dxw[:, :, :2 * H]), dU_h], axis=1), None, dh


def _reset_product(cache: GRUCache, da_h: np.ndarray) -> np.ndarray:
    """Σ_t (r_t ⊙ ĥ_{t−1})ᵀ da_h,t (GRU reset_after=False), without a copy of the
    states when there is no recurrent dropout."""
    T, B, H = da_h.shape
    if cache.rec_mask is not None or T < 2:
        r_h = cache.r * _dropped_states_before(cache)  # (T, B, H)
        return r_h.reshape(T * B, H).T @ da_h.reshape(T * B, H)
    out = (cache.r[0] * cache.h0).T @ da_h[0]
    r_h = cache.r[1:] * cache.h[:-1]  # (T−1, B, H)
    return out + r_h.reshape((T - 1) * B, H).T @ da_h[1:].reshape((T - 1) * B, H)
