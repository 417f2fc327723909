"""Gradient flow through time: ‖dL/dh_t‖ for every step t and recurrent layer.

For a batch (x, y) and loss L, BPTT carries the gradient back one step at a time,

    dL/dh_{t−1} = (dL/dh_t ⊙ act′(a_t)) · Uᵀ   (+ what step t−1's output adds)

so in a SimpleRNN it is multiplied at every step by act′ ≤ 1 and by Uᵀ: it
shrinks geometrically with the distance to the loss (vanishing) or grows when
‖U‖ is large and act′ ≈ 1 (exploding). The LSTM's cell path dL/dc_{t−1} =
dL/dc_t ⊙ f_t (+ …) and the GRU's dL/dh_{t−1} ∋ dL/dh_t ⊙ z_t are multiplied
only by gates, which training can hold near 1. :func:`gradient_flow` measures
it: for every recurrent layer, the mean over the batch of ‖dL/dh_t‖₂ (over the
units), t = 0 … T−1 in input order.

:func:`first_token_task` makes the long-dependency task of the demonstration
(:mod:`seqlab.talk.flowdemo`): read T tokens, output the first one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.functional.activations import activation_backward
from seqlab.layers.base import Layer
from seqlab.random import make_rng
from seqlab.trace.recorder import record


def _loss_grads(model: Layer, loss: Any, ys: list[np.ndarray], outs: list[np.ndarray]
                ) -> tuple[float, list[np.ndarray | None]]:
    if loss is not None:
        from seqlab import losses

        fn = losses.get(loss)
        if len(outs) != 1:
            raise ValueError(
                f"gradient_flow: loss= works with one output; model {model.name!r} has "
                f"{len(outs)} (compile the model with one loss per output instead)"
            )
        value, dy = fn.value_and_grad(ys[0], outs[0])
        return float(value), [dy]
    compiled = getattr(model, "_loss", None)
    if compiled is None:
        raise ValueError(
            f"gradient_flow: model {model.name!r} is not compiled; pass loss= (e.g. "
            "'sparse_categorical_crossentropy') or compile the model first"
        )
    ys = [y.astype(o.dtype) if y.dtype.kind == "f" and y.dtype != o.dtype else y
          for y, o in zip(ys, outs)]
    total, _, douts = compiled.value_and_grad(ys, outs)
    return float(total), douts


def _total_dc(rec: Any) -> np.ndarray:
    """dL/dc_t through both paths: c_{t+1} (the record's dc, h_t held fixed) and
    h_t = o_t ⊙ act(c_t): dc + act′(act(c_t)) ⊙ o_t ⊙ dL/dh_t (not on masked steps)."""
    f, b = rec.forward, rec.backward
    via_h = activation_backward(rec.info["activation"], f["act_c"], b["dh"] * f["o"])
    if "kept" in f:
        via_h = np.where(f["kept"][..., None], via_h, 0)
    return b["dc"] + via_h


def gradient_flow(model: Layer, x: Any, y: Any, loss: Any = None,
                  layers: Any = "recurrent", state: str = "h", training: bool = False
                  ) -> dict[str, np.ndarray]:
    """‖dL/dh_t‖₂ per step, averaged over the batch, for each recurrent layer.

    ``model`` is any seqlab model (or a layer) holding recurrent layers;
    ``loss`` a loss name/object (default: the model's compiled loss);
    ``layers`` which recurrent layers to measure (names or kinds);
    ``state="c"`` measures ‖dL/dc_t‖ of the LSTM layers instead (their
    long-term memory path; the total derivative, through c_{t+1} and h_t). Returns ``{layer name: array (T,)}`` in input time
    order (t = 0 is the first token read). The weights and their gradients
    are left as they were.
    """
    if state not in ("h", "c"):
        raise ValueError(f"gradient_flow: state must be 'h' or 'c', got {state!r}")
    if state == "c" and layers == "recurrent":
        layers = "lstm"
    is_list = isinstance(x, (list, tuple))
    xs = [np.asarray(a) for a in x] if is_list else [np.asarray(x)]
    ys = [np.asarray(a) for a in y] if isinstance(y, (list, tuple)) else [np.asarray(y)]
    saved = [p.grad.copy() for p in model.weights]
    try:
        with record(model, layers=layers, max_calls=1) as tape:
            out = model(xs if is_list else xs[0], training=training)
            outs = list(out) if isinstance(out, (list, tuple)) else [out]
            _, douts = _loss_grads(model, loss, ys, outs)
            model.backward(douts if len(douts) > 1 else douts[0])
    finally:
        for p, g in zip(model.weights, saved):
            p.grad[...] = g
    result: dict[str, np.ndarray] = {}
    for name in tape.layers:
        rec = tape[name]
        if rec.recurrent and (state == "h" or rec.kind == "lstm"):
            d = rec.get("dh", "backward") if state == "h" else _total_dc(rec)  # (B, T, H)
            result[name] = np.linalg.norm(d.astype(np.float64), axis=-1).mean(axis=0)
    if not result:
        raise ValueError(f"gradient_flow: no recurrent layer with state {state!r} among "
                         f"{tape.layers} of model {model.name!r}")
    return result


def first_token_task(steps: int, n: int, symbols: int = 4, noise: int = 4,
                     seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """The long-dependency task: x_0 is one of ``symbols`` signal tokens, x_1 …
    x_{T−1} are drawn from ``noise`` other tokens; the label is x_0.

    Returns one-hot inputs (n, T, symbols + noise) float32 and labels (n,) int64.
    Chance accuracy is 1 / symbols.
    """
    for arg, value, low in (("steps", steps, 1), ("n", n, 1), ("symbols", symbols, 2),
                            ("noise", noise, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"first_token_task: {arg} must be an int >= {low}, got {value!r}")
    rng = make_rng(seed)
    V = symbols + noise
    ids = np.empty((n, steps), dtype=np.int64)
    ids[:, 0] = rng.integers(0, symbols, size=n)
    ids[:, 1:] = rng.integers(symbols, V, size=(n, steps - 1))
    x = np.eye(V, dtype=np.float32)[ids]  # (n, T) -> (n, T, V)
    return x, ids[:, 0].copy()


def decay_ratio(norms: Sequence[float] | np.ndarray) -> float:
    """‖dL/dh_0‖ / ‖dL/dh_{T−1}‖: how much of the gradient at the last step
    reaches the first (≪ 1: vanished; ≫ 1: exploded)."""
    a = np.asarray(norms, dtype=np.float64)
    if a.ndim != 1 or a.size < 2:
        raise ValueError(f"decay_ratio: expected a 1-D array of >= 2 norms, got shape {a.shape}")
    return float(a[0] / a[-1]) if a[-1] > 0 else float("inf")
