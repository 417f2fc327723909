"""Numba fast path for the recurrent time loop: drop-in twin of :mod:`seqlab.functional.recurrent`.

Same functions, arguments and results as the NumPy reference (read its module
docstring for the arguments and the equations):

    simple_rnn_forward(xw, U, h0, step_mask, rec_mask, activation) -> (hs, cache)
    simple_rnn_backward(dhs, dh_last, cache) -> (dxw, dU, dh0)
    lstm_forward(xw, U, h0, c0, step_mask, rec_mask, activation, recurrent_activation)
        -> (hs, cs, cache)
    lstm_backward(dhs, dh_last, dc_last, cache) -> (dxw, dU, dh0, dc0)
    gru_forward(xw, U, rb, h0, step_mask, rec_mask, activation, recurrent_activation,
                reset_after) -> (hs, cache)
    gru_backward(dhs, dh_last, cache) -> (dxw, dU, drb, dh0)
    input_projection(x, W, b, reverse, cell=None) -> xw
    input_backward(x, dxw, W, reverse, use_bias, cell=None) -> (dx, dW, db)

How the work is split:

* Compiled steps (:mod:`.rnn_loop`, :mod:`.lstm_loop`, :mod:`.gru_loop`) do
  only what must happen step by step: the recurrent product ĥ_{t−1}U (in
  BPTT da Uᵀ) and the gate code, in vectorised whole-block passes.
* Two drivers run them (:mod:`.rnn_drivers`): below ``BLAS_MIN_UNITS`` units the
  whole T-step loop is compiled with a small in-loop product
  (:mod:`.smallgemm`), and the batch is cut into ``numba.get_num_threads()``
  blocks of rows, one per thread (set it with ``numba.set_num_threads``), each
  run through all T steps — rows never interact, so the loop results do not
  depend on the thread count. From ``BLAS_MIN_UNITS`` on, a Python loop calls
  BLAS for each step's product and one compiled call for its gate code; on
  two or more threads the LSTM instead shares each step between them
  (products by units, gate code by rows), each thread running its own
  compiled loop that calls BLAS (:mod:`.lstm_split`, the same results).
* The recurrent weight gradient dU = Σ_t ĥ_{t−1}ᵀ da_t: the row blocks add
  each step's share while da_t is still in cache and return their partial
  sums; after the BLAS driver (and for GRU(reset_after=False), whose second
  product uses r ⊙ ĥ) it is one BLAS product Ĥᵀ·dA with Ĥ (T·B, H).
* For an LSTM that splits its loop, its big input products (``cell="lstm"``)
  and dU run on the same threads, with BLAS held to one thread in each
  (:func:`seqlab.kernels.threads.matmul`), so BLAS's own workers never spin
  on the cores the loop needs. Split products can differ from a one-thread
  product in the last bits.

Precision: float64 uses libm tanh/exp and agrees with the reference to
rounding (~1e-15 relative per step). float32 uses the rational tanh of
:mod:`.fastmath` (max abs error 1.9e-7, sigmoid 1.2e-7), so float32 results
differ from the reference by a few 1e-7 per step; in a contracting recurrence
these do not grow with T (measured: ≤ 2e-6 on h after 500 steps, see
tests/kernels/test_recurrent_kernels.py).

The cache is a dict of named arrays with the reference's keys (``y``; ``i f g
o act_c``; ``z r h_tilde hh``; plus ``h``, ``c``) so a trace can read either;
the LSTM gates are views into one (T, B, 4H) array. Extra keys used only by
this module's backward start with an underscore.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.kernels import rnn_drivers as drivers
from seqlab.kernels.fastmath import ACTIVATION_CODES, mixed_coefficients
from seqlab.kernels.gru_loop import (
    gru_after_backward_rows,
    gru_after_forward_rows,
    gru_before_backward_rows,
    gru_before_forward_rows,
)
from seqlab.kernels.lstm_loop import lstm_backward_rows, lstm_forward_rows
from seqlab.kernels.lstm_split import lstm_backward_split, lstm_forward_split, split_threads
from seqlab.kernels.projection import input_grad_blas, input_grad_rows, project_blas, project_rows
from seqlab.kernels.rnn_drivers import recurrent_product, run_rows
from seqlab.kernels.rnn_loop import simple_rnn_backward_rows, simple_rnn_forward_rows

Cache = dict[str, Any]

CELLS: tuple[str, ...] = ("simple_rnn", "lstm", "gru")
DTYPES: tuple[str, ...] = ("float32", "float64")


def supports(cell: str, activation: str | None, recurrent_activation: str | None = None,
             dtype: Any = "float32") -> bool:
    """Whether this module runs ``cell`` with these activations and dtype.

    Supported: every cell in CELLS, activation and recurrent_activation each
    one of tanh, sigmoid, hard_sigmoid, relu, linear (None means linear; the
    SimpleRNN ignores recurrent_activation), dtype float32 or float64, with or
    without step and recurrent-dropout masks, GRU with reset_after True or False.
    """
    if cell not in CELLS:
        return False
    names = [activation] if cell == "simple_rnn" else [activation, recurrent_activation]
    if any((n if n is not None else "linear") not in ACTIVATION_CODES for n in names):
        return False
    try:
        return np.dtype(dtype).name in DTYPES
    except TypeError:
        return False


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
        raise ValueError(
            f"{who}: xw must have shape (T, B, {k}·H), got {xw.shape}"
        )
    return np.ascontiguousarray(xw)


def _code(who: str, arg: str, name: str | None) -> int:
    key = "linear" if name is None else name
    if key not in ACTIVATION_CODES:
        raise ValueError(f"{who}: unknown {arg} {name!r}; valid: {list(ACTIVATION_CODES)}")
    return ACTIVATION_CODES[key]


def _masks(who: str, step_mask: Any, rec_mask: Any, T: int, B: int, H: int,
           dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """The compiled loops' sentinels: (0, 0) arrays stand for None."""
    if step_mask is None:
        keep = np.zeros((0, 0), dtype=np.bool_)
    else:
        keep = _array(who, "step_mask", step_mask, (T, B), np.dtype(np.bool_))
    if rec_mask is None:
        rm = np.zeros((0, 0), dtype=dtype)
    else:
        rm = _array(who, "rec_mask", rec_mask, (B, H), dtype)
    return keep, rm


def _grad_states(who: str, dhs: Any, dh_last: Any, hs: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray]:
    dhs = _array(who, "dhs", dhs, hs.shape, hs.dtype)
    dh = np.array(_array(who, "dh_last", dh_last, hs.shape[1:], hs.dtype), copy=True)
    return dhs, dh


def _base_cache(cell: str, U: np.ndarray, h0: np.ndarray, step_mask: Any, keep: np.ndarray,
                rec_mask: Any, rm: np.ndarray, activation: str | None) -> Cache:
    return {"cell": cell, "U": U, "h0": h0,
            "step_mask": None if step_mask is None else keep,
            "rec_mask": None if rec_mask is None else rm, "activation": activation,
            "_keep": keep, "_rm": rm}


# ------------------------------------------------------------ input products
def _blas_inputs(D: int, kH: int) -> bool:
    """Big input products go to BLAS (:func:`.projection.project_blas`): D, or kH / 4
    (H for an LSTM), of the size from which the loop itself goes to BLAS."""
    return drivers.use_blas(max(D, kH // 4))


def _split_products(cell: str | None, W: np.ndarray) -> bool:
    """Whether the big products of this layer belong on the threads of its loop."""
    return cell == "lstm" and split_threads(W.shape[1] // 4) > 1


def input_projection(x: np.ndarray, W: np.ndarray, b: np.ndarray | None,
                     reverse: bool, cell: str | None = None) -> np.ndarray:
    """xw (T, B, kH) = x W + b, time-major (as the reference; see :mod:`.projection`)."""
    B, T, D = x.shape
    if _blas_inputs(D, W.shape[1]):
        return project_blas(x, W, b, reverse, _split_products(cell, W))
    xw = np.empty((T, B, W.shape[1]), dtype=x.dtype)
    bias = np.zeros(0, dtype=x.dtype) if b is None else np.ascontiguousarray(b, dtype=x.dtype)
    run_rows(project_rows, B, (np.ascontiguousarray(x), np.ascontiguousarray(W), bias,
                               reverse), (xw,))
    return xw


def input_backward(x: np.ndarray, dxw: np.ndarray, W: np.ndarray, reverse: bool,
                   use_bias: bool, cell: str | None = None
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dx, dW, db) through :func:`input_projection` (as the reference)."""
    B, _, D = x.shape
    if _blas_inputs(D, W.shape[1]):
        return input_grad_blas(x, dxw, W, reverse, use_bias, _split_products(cell, W))
    dx = np.empty_like(x)
    parts = run_rows(input_grad_rows, B, (np.ascontiguousarray(x), np.ascontiguousarray(dxw),
                                          np.ascontiguousarray(W), reverse), (dx,))
    dW = sum(p[0] for p in parts)
    return dx, dW, (sum(p[1] for p in parts) if use_bias else None)


# ----------------------------------------------------------------- SimpleRNN
def simple_rnn_forward(xw: np.ndarray, U: np.ndarray, h0: np.ndarray,
                       step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                       activation: str) -> tuple[np.ndarray, Cache]:
    """h_t = act(xw_t + ĥ_{t−1} U), ĥ = h ⊙ rec_mask. Returns ``hs`` (T, B, H) and the
    cache (``y``: the activation of every step before masking, ``h``)."""
    who = "simple_rnn_forward"
    dtype = _float_dtype(who, xw)
    xw = _xw(who, xw, 1)
    T, B, H = xw.shape
    U = _array(who, "U", U, (H, H), dtype)
    h0 = _array(who, "h0", h0, (B, H), dtype)
    keep, rm = _masks(who, step_mask, rec_mask, T, B, H, dtype)
    code = _code(who, "activation", activation)
    hs = np.empty((T, B, H), dtype=dtype)
    ys = np.empty_like(hs)
    if drivers.use_blas(H):
        drivers.simple_rnn_forward_blas(xw, U, h0, keep, rm, code, hs, ys)
    else:
        run_rows(simple_rnn_forward_rows, B, (xw, U, h0, keep, rm, code), (hs, ys))
    cache = _base_cache("simple_rnn", U, h0, step_mask, keep, rec_mask, rm, activation)
    cache.update(y=ys, h=hs, _code=code)
    return hs, cache


def simple_rnn_backward(dhs: np.ndarray, dh_last: np.ndarray, cache: Cache
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BPTT for :func:`simple_rnn_forward`: returns ``(dxw, dU, dh0)``."""
    who = "simple_rnn_backward"
    hs, U, keep, rm = cache["h"], cache["U"], cache["_keep"], cache["_rm"]
    dhs, dh = _grad_states(who, dhs, dh_last, hs)
    T, B, H = hs.shape
    dxw = np.empty((T, B, H), dtype=hs.dtype)
    if drivers.use_blas(H):
        drivers.simple_rnn_backward_blas(dhs, U, cache["y"], keep, rm, cache["_code"], dh, dxw)
        dU = recurrent_product(cache["h0"], hs, cache["rec_mask"], dxw)
    else:  # the row blocks also return their shares of dU
        dU = sum(run_rows(simple_rnn_backward_rows, B,
                          (dhs, U, cache["h0"], hs, cache["y"], keep, rm, cache["_code"]),
                          (dh, dxw)))
    return dxw, dU, dh


# ----------------------------------------------------------------------- LSTM
def lstm_forward(xw: np.ndarray, U: np.ndarray, h0: np.ndarray, c0: np.ndarray,
                 step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                 activation: str, recurrent_activation: str
                 ) -> tuple[np.ndarray, np.ndarray, Cache]:
    """The LSTM time loop. Returns ``hs``, ``cs`` (T, B, H) and the cache (gates
    ``i f g o`` — views into one (T, B, 4H) array — ``act_c``, ``h``, ``c``)."""
    who = "lstm_forward"
    dtype = _float_dtype(who, xw)
    xw = _xw(who, xw, 4)
    T, B, H4 = xw.shape
    H = H4 // 4
    U = _array(who, "U", U, (H, H4), dtype)
    h0 = _array(who, "h0", h0, (B, H), dtype)
    c0 = _array(who, "c0", c0, (B, H), dtype)
    keep, rm = _masks(who, step_mask, rec_mask, T, B, H, dtype)
    act = _code(who, "activation", activation)
    rec_act = _code(who, "recurrent_activation", recurrent_activation)
    hs = np.empty((T, B, H), dtype=dtype)
    cs = np.empty_like(hs)
    act_c = np.empty_like(hs)
    gates = np.empty((T, B, H4), dtype=dtype)
    mixed = mixed_coefficients([rec_act, rec_act, act, rec_act], H, dtype)
    if drivers.use_blas(H) and (n := split_threads(H)) > 1:
        lstm_forward_split(n, xw, U, h0, c0, keep, rm, act, rec_act, mixed[0],
                           hs, cs, gates, act_c)
    elif drivers.use_blas(H):
        drivers.lstm_forward_blas(xw, U, h0, c0, keep, rm, act, rec_act, mixed[0],
                                  hs, cs, gates, act_c)
    else:
        run_rows(lstm_forward_rows, B, (xw, U, h0, c0, keep, rm, act, rec_act, mixed[0]),
                 (hs, cs, gates, act_c))
    cache = _base_cache("lstm", U, h0, step_mask, keep, rec_mask, rm, activation)
    cache.update(c0=c0, recurrent_activation=recurrent_activation,
                 i=gates[:, :, :H], f=gates[:, :, H:2 * H], g=gates[:, :, 2 * H:3 * H],
                 o=gates[:, :, 3 * H:], act_c=act_c, h=hs, c=cs,
                 _gates=gates, _codes=(act, rec_act), _mixed=mixed[1])
    return hs, cs, cache


def lstm_backward(dhs: np.ndarray, dh_last: np.ndarray, dc_last: np.ndarray, cache: Cache
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """BPTT for :func:`lstm_forward`: returns ``(dxw, dU, dh0, dc0)``."""
    who = "lstm_backward"
    hs, U, keep, rm = cache["h"], cache["U"], cache["_keep"], cache["_rm"]
    dhs, dh = _grad_states(who, dhs, dh_last, hs)
    dc = np.array(_array(who, "dc_last", dc_last, hs.shape[1:], hs.dtype), copy=True)
    T, B, H = hs.shape
    act, rec_act = cache["_codes"]
    dxw = np.empty((T, B, 4 * H), dtype=hs.dtype)
    common = (cache["c0"], cache["c"], cache["_gates"], cache["act_c"], keep, rm, act, rec_act,
              cache["_mixed"])
    if drivers.use_blas(H) and (n := split_threads(H)) > 1:
        lstm_backward_split(n, dhs, U, *common, dh, dc, dxw)
        dU = recurrent_product(cache["h0"], hs, cache["rec_mask"], dxw, split=True)
    elif drivers.use_blas(H):
        drivers.lstm_backward_blas(dhs, U, *common, dh, dc, dxw)
        dU = recurrent_product(cache["h0"], hs, cache["rec_mask"], dxw)
    else:  # the row blocks also return their shares of dU
        dU = sum(run_rows(lstm_backward_rows, B, (dhs, U, cache["h0"], hs, *common),
                          (dh, dc, dxw)))
    return dxw, dU, dh, dc


# ------------------------------------------------------------------------ GRU
def gru_forward(xw: np.ndarray, U: np.ndarray, rb: np.ndarray | None, h0: np.ndarray,
                step_mask: np.ndarray | None, rec_mask: np.ndarray | None,
                activation: str, recurrent_activation: str, reset_after: bool
                ) -> tuple[np.ndarray, Cache]:
    """The GRU time loop, reset_after True or False. Returns ``hs`` (T, B, H) and the
    cache (``z r h_tilde``, with reset_after ``hh``, and ``h``)."""
    who = "gru_forward"
    dtype = _float_dtype(who, xw)
    xw = _xw(who, xw, 3)
    T, B, H3 = xw.shape
    H = H3 // 3
    if not reset_after and rb is not None:
        raise ValueError(f"{who}: rb (recurrent bias) is only used with reset_after=True")
    U = _array(who, "U", U, (H, H3), dtype)
    rb_arr = np.zeros(0, dtype=dtype) if rb is None else _array(who, "rb", rb, (H3,), dtype)
    h0 = _array(who, "h0", h0, (B, H), dtype)
    keep, rm = _masks(who, step_mask, rec_mask, T, B, H, dtype)
    act = _code(who, "activation", activation)
    rec_act = _code(who, "recurrent_activation", recurrent_activation)
    hs = np.empty((T, B, H), dtype=dtype)
    z, r, h_tilde, extra = (np.empty_like(hs) for _ in range(4))
    blas = drivers.use_blas(H)
    if reset_after:
        if blas:
            drivers.gru_after_forward_blas(xw, U, rb_arr, h0, keep, rm, act, rec_act,
                                           hs, z, r, h_tilde, extra)
        else:
            run_rows(gru_after_forward_rows, B, (xw, U, rb_arr, h0, keep, rm, act, rec_act),
                     (hs, z, r, h_tilde, extra))
    else:
        U_zr = np.ascontiguousarray(U[:, :2 * H])
        U_h = np.ascontiguousarray(U[:, 2 * H:])
        if blas:
            drivers.gru_before_forward_blas(xw, U_zr, U_h, h0, keep, rm, act, rec_act,
                                            hs, z, r, h_tilde, extra)
        else:
            run_rows(gru_before_forward_rows, B, (xw, U_zr, U_h, h0, keep, rm, act, rec_act),
                     (hs, z, r, h_tilde, extra))
    cache = _base_cache("gru", U, h0, step_mask, keep, rec_mask, rm, activation)
    cache.update(rb=None if rb is None else rb_arr, recurrent_activation=recurrent_activation,
                 reset_after=bool(reset_after), z=z, r=r, h_tilde=h_tilde, h=hs,
                 _codes=(act, rec_act))
    cache["hh" if reset_after else "_r_h"] = extra  # hh = ĥU_h + rb_h;  r_h = r ⊙ ĥ
    return hs, cache


def gru_backward(dhs: np.ndarray, dh_last: np.ndarray, cache: Cache
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """BPTT for :func:`gru_forward`: returns ``(dxw, dU, drb, dh0)`` (drb None without rb)."""
    who = "gru_backward"
    hs, U, keep, rm = cache["h"], cache["U"], cache["_keep"], cache["_rm"]
    dhs, dh = _grad_states(who, dhs, dh_last, hs)
    T, B, H = hs.shape
    act, rec_act = cache["_codes"]
    dxw = np.empty((T, B, 3 * H), dtype=hs.dtype)
    states = (cache["h0"], hs, cache["z"], cache["r"], cache["h_tilde"])
    blas = drivers.use_blas(H)
    dU = np.empty_like(U)
    drb = None
    if cache["reset_after"]:
        dghh = np.empty_like(hs)
        if blas:
            drivers.gru_after_backward_blas(dhs, U, *states, cache["hh"], keep, rm, act,
                                            rec_act, dh, dxw, dghh)
            dU[:, :2 * H] = recurrent_product(cache["h0"], hs, cache["rec_mask"],
                                              dxw[:, :, :2 * H])
            dU[:, 2 * H:] = recurrent_product(cache["h0"], hs, cache["rec_mask"], dghh)
        else:  # the row blocks also return their shares of dU
            dU[...] = sum(run_rows(gru_after_backward_rows, B,
                                   (dhs, U, *states, cache["hh"], keep, rm, act, rec_act),
                                   (dh, dxw, dghh)))
        if cache["rb"] is not None:
            drb = np.concatenate([dxw[:, :, :2 * H].sum(axis=(0, 1)), dghh.sum(axis=(0, 1))])
    else:
        U_zr, U_h = U[:, :2 * H], U[:, 2 * H:]
        if blas:
            drivers.gru_before_backward_blas(dhs, U_zr, U_h, *states, keep, rm, act, rec_act,
                                             dh, dxw)
        else:
            run_rows(gru_before_backward_rows, B,
                     (dhs, np.ascontiguousarray(U_zr.T), np.ascontiguousarray(U_h.T), *states,
                      keep, rm, act, rec_act), (dh, dxw))
        dU[:, :2 * H] = recurrent_product(cache["h0"], hs, cache["rec_mask"], dxw[:, :, :2 * H])
        r_h = cache["_r_h"].reshape(T * B, H)  # (T, B, H) -> (T·B, H)
        dU[:, 2 * H:] = r_h.T @ dxw[:, :, 2 * H:].reshape(T * B, H)  # (T·B, H) columns
    return dxw, dU, drb, dh
