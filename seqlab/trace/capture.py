"""Turn a layer's forward cache and its backward gradients into record arrays.

The backward cache *is* the trace: after a forward call the layer's
``_cache`` already holds every per-step value (the kernel keeps the gates, h
and c of every step), so recording a forward pass only copies the traced
rows out of it (the layout: :mod:`seqlab.functional.recurrent_cache`). For
the backward pass of a recurrent layer, the recorder swaps in the NumPy
reference BPTT with an ``on_step`` callback (:class:`LoopCollector`), which
copies each step's dL/dh_t, dL/dc_t and gate gradients and forms the step's
weight-gradient contributions with the cache's own per-step functions:

    kernel            dW_t = x̃_tᵀ da_t                   (D, kH)
    recurrent_kernel  dU_t = recurrent_weight_grad(cache, t, da_t)   (H, kH)
    bias              db_t = Σ_b da_t   (GRU reset_after: rows [Σ da_t, Σ δ_t],
                                         δ_t = recurrent_delta(cache, t, da_t))

each summed over the traced samples (with every sample traced, Σ_t of them
is the layer's gradient). Arrays come out sample-major: (S, T', ...).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from seqlab.functional import recurrent as reference
from seqlab.functional.activations import activation_backward
from seqlab.functional.recurrent_cache import recurrent_delta, recurrent_weight_grad
from seqlab.trace.records import (
    GATE_BLOCKS,
    RECURRENT_KINDS,
    LayerRecord,
    TraceError,
    layer_kind,
)


# ------------------------------------------------------------------ indices
def resolve_indices(who: str, what: str, wanted: tuple[int, ...] | None, size: int,
                    axis: str) -> np.ndarray:
    """The traced indices for an axis of length ``size`` (all when None);
    out-of-range indices raise a TraceError naming the layer and the range."""
    if wanted is None:
        return np.arange(size)
    bad = [i for i in wanted if i >= size]
    if bad:
        raise TraceError(
            f"layer {who!r}: {what} index {bad[0]} is out of range for {axis} of {size} "
            f"(valid: 0 to {size - 1}); asked for {what}={list(wanted)}"
        )
    return np.array(wanted, dtype=np.intp)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, (list, tuple)) else value


def _rows(a: np.ndarray, samples: np.ndarray, steps: np.ndarray | None) -> np.ndarray:
    """a[samples] (and [:, steps] when given) as a new array."""
    out = np.asarray(a)[samples]
    return out[:, steps] if steps is not None else out


def _processing(steps: np.ndarray, T: int, go_backwards: bool) -> np.ndarray:
    """Loop index k that read input position p: k = p, or T − 1 − p going backwards."""
    return (T - 1 - steps) if go_backwards else steps


def _time_major(a: np.ndarray, ks: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """(T, B, ...) loop-ordered array → (S, T', ...) at loop indices ks."""
    return np.ascontiguousarray(np.swapaxes(a[ks][:, samples], 0, 1))  # (T', S) -> (S, T')


def _previous(first: np.ndarray, seq: np.ndarray, ks: np.ndarray,
              samples: np.ndarray) -> np.ndarray:
    """The state before each loop index k (``first`` before k = 0) as (S, T', H)."""
    prev = np.stack([first[samples] if k == 0 else seq[k - 1][samples] for k in ks])  # (T', S, H)
    return np.ascontiguousarray(np.swapaxes(prev, 0, 1))  # (T', S, H) -> (S, T', H)


# ------------------------------------------------------------------ forward
def capture_forward(layer: Any, inputs: Any, out: Any, samples: tuple[int, ...] | None,
                    steps: tuple[int, ...] | None, call: int) -> LayerRecord:
    """A record of one forward call of ``layer`` (cache, inputs and outputs)."""
    kind = layer_kind(layer)
    if kind in RECURRENT_KINDS:
        return _capture_recurrent(layer, kind, samples, steps, call)
    x, y = np.asarray(_first(inputs)), np.asarray(_first(out))
    s_idx = resolve_indices(layer.name, "sample", samples, y.shape[0], "a batch")
    t_idx, one_to_one = None, False
    if y.ndim >= 3:  # a time axis: steps apply when positions map one to one
        T = y.shape[1]
        one_to_one = x.ndim >= 2 and x.shape[1] == T
        t_idx = resolve_indices(layer.name, "step", steps if one_to_one else None, T,
                                "a sequence")
    fwd = {"x": _rows(x, s_idx, t_idx if one_to_one else None), "y": _rows(y, s_idx, t_idx)}
    info: dict[str, Any] = {}
    if kind == "dense":
        kernel = layer.kernel.value
        z = fwd["x"] @ kernel  # (S, [T',] D) @ (D, H)
        if layer.bias is not None:
            z = z + layer.bias.value
        fwd = {"x": fwd["x"], "z": z, "y": fwd["y"]}
        info["activation"] = layer.activation
    elif kind == "activation":
        info["activation"] = layer.activation
    return LayerRecord(layer.name, kind, type(layer).__name__, call, s_idx, t_idx, fwd,
                       info=info)


def _capture_recurrent(layer: Any, kind: str, samples: tuple[int, ...] | None,
                       steps: tuple[int, ...] | None, call: int) -> LayerRecord:
    c = layer._cache
    kc = c["kernel"]
    B, T, _ = c["shape"]
    s_idx = resolve_indices(layer.name, "sample", samples, B, "a batch")
    t_idx = resolve_indices(layer.name, "step", steps, T, "a sequence")
    ks = _processing(t_idx, T, layer.go_backwards)
    H = layer.units
    state = _previous(kc.h0, kc.h, ks, s_idx)
    fwd: dict[str, np.ndarray] = {"x": _time_major(c["x"], ks, s_idx), "state": state}
    h_dropped = state if kc.rec_mask is None else state * kc.rec_mask[s_idx][:, None, :]
    if kind == "simple_rnn":
        b_in, _ = layer._bias_parts()
        fwd["Wx"] = fwd["x"] @ layer.kernel.value  # (S, T', D) @ (D, H)
        fwd["Us"] = h_dropped @ kc.U  # (S, T', H) @ (H, H)
        fwd["a"] = fwd["Wx"] + fwd["Us"] + (b_in if b_in is not None else 0.0)
        names: tuple[str, ...] = ("y",)
    elif kind == "lstm":
        fwd["c_prev"] = _previous(kc.c0, kc.c, ks, s_idx)
        names = ("i", "f", "g", "o", "c", "act_c")
    else:
        names = ("z", "r", "h_tilde", "hh") if kc.reset_after else ("z", "r", "h_tilde")
    for name in (*names, "h"):
        fwd[name] = _time_major(getattr(kc, name), ks, s_idx)
    if kc.step_mask is not None:
        fwd["kept"] = _time_major(kc.step_mask[..., None], ks, s_idx)[..., 0]
    info = {"units": H, "activation": layer.activation, "go_backwards": layer.go_backwards,
            "return_sequences": layer.return_sequences, "use_bias": layer.use_bias,
            "cache_id": id(c)}
    if kind != "simple_rnn":
        info["recurrent_activation"] = layer.recurrent_activation
    if kind == "gru":
        info["reset_after"] = layer.reset_after
    return LayerRecord(layer.name, kind, type(layer).__name__, call, s_idx, t_idx, fwd,
                       info=info)


# ----------------------------------------------------------------- backward
class LoopCollector:
    """The ``on_step`` callback of the reference BPTT for one traced call.

    Fills ``record.backward`` (dh, da and its gate blocks, dc for the LSTM)
    and ``record.params`` (each step's weight-gradient contributions) for the
    traced samples and steps; the other steps are skipped.
    """

    def __init__(self, layer: Any, record: LayerRecord):
        c = layer._cache
        self.kc = c["kernel"]
        self.x = c["x"]  # (T, B, D) loop order, after input dropout
        self.kind = record.kind
        self.samples = record.samples
        self.units = layer.units
        T = c["shape"][1]
        ks = _processing(record.steps, T, layer.go_backwards)
        self.row_of = np.full(T, -1, dtype=np.intp)
        self.row_of[ks] = np.arange(len(ks))
        S, Tr, H = len(self.samples), len(ks), layer.units
        kH = layer.kernel.value.shape[1]
        dtype = self.x.dtype
        bwd = {"dh": np.zeros((S, Tr, H), dtype), "da": np.zeros((S, Tr, kH), dtype)}
        if self.kind == "lstm":
            bwd["dc"] = np.zeros((S, Tr, H), dtype)
        blocks = GATE_BLOCKS[self.kind]
        if len(blocks) > 1:
            for j, name in enumerate(blocks):
                bwd[name] = bwd["da"][..., j * H:(j + 1) * H]  # a view: filled with da
        record.backward = bwd
        params = {"kernel": np.zeros((Tr, *layer.kernel.value.shape), dtype),
                  "recurrent_kernel": np.zeros((Tr, *layer.recurrent_kernel.value.shape), dtype)}
        if layer.use_bias:
            params["bias"] = np.zeros((Tr, *layer.bias.value.shape), dtype)
        record.params = params
        self.record = record

    def __call__(self, k: int, grads: dict[str, np.ndarray]) -> None:
        j = self.row_of[k]
        if j < 0:
            return
        s, kc = self.samples, self.kc
        bwd, params = self.record.backward, self.record.params
        da = grads["da"][s]  # (S, kH)
        bwd["dh"][:, j] = grads["dh"][s]
        bwd["da"][:, j] = da
        if "dc" in grads:
            bwd["dc"][:, j] = grads["dc"][s]
        params["kernel"][j] = self.x[k][s].T @ da
        params["recurrent_kernel"][j] = recurrent_weight_grad(kc, k, da, s)
        if "bias" in params:
            db = da.sum(axis=0)
            if self.kind == "gru" and kc.reset_after:  # rows: input bias, recurrent bias
                db = np.stack([db, recurrent_delta(kc, k, da, s).sum(axis=0)])
            params["bias"][j] = db


def loop_backward(layer: Any, record: LayerRecord) -> Callable[..., Any]:
    """The reference BPTT of ``layer``'s cell, reporting to a new collector."""
    backward = getattr(reference, f"{record.kind}_backward")
    return functools.partial(backward, on_step=LoopCollector(layer, record))


def capture_backward(layer: Any, dout: Any, record: LayerRecord) -> None:
    """dL/dy (and dL/dz or dL/dx) of a Dense or Activation call, traced rows only."""
    dy = _rows(np.asarray(dout), record.samples, record.steps)
    y = record.forward["y"]
    dz = activation_backward(record.info["activation"], y, dy)
    record.backward = {"dy": dy, ("dz" if record.kind == "dense" else "dx"): dz}
