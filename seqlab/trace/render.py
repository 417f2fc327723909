"""Tables of traced values, with the talk's column names where it has them.

One row per (step, unit) of one sample. SimpleRNN forward columns follow the
talk's spreadsheet, for h_t = act(x_t·W + h_{t−1}·U + b) ("O" is h_t):

    state(S) | W * X | U * S | WX + US + B | tanh(WX+US+B) (O) | softmax(O)

(softmax(O) when the layer's output went straight into a softmax Activation,
as in the talk's network). LSTM: state h(t-1), c(t-1), i, f, g, o, c(t),
h(t); GRU: state h(t-1), z, r, h~, h(t); Dense: xW + b, act(xW + b);
Activation: O, act(O). Backward tables show dL/dh_t (dL/dO), the activation
derivative (1 − O² for tanh) and the gate gradients.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.functional.activations import activation_backward
from seqlab.report.tables import Table
from seqlab.trace.records import LayerRecord, TraceError

DIRECTIONS: tuple[str, ...] = ("forward", "backward")


def _derivative_name(act: str) -> str:
    return "1 − O²" if act == "tanh" else f"{act}′(O)"


def _forward_columns(rec: LayerRecord, softmax: bool) -> list[tuple[str, str]]:
    """(column header, forward array name) pairs of a record kind."""
    act = rec.info.get("activation", "")
    if rec.kind == "simple_rnn":
        cols = [("state(S)", "state"), ("W * X", "Wx"), ("U * S", "Us"),
                ("WX + US + B", "a"), (f"{act}(WX+US+B) (O)", "y")]
        return cols + ([("softmax(O)", "softmax")] if softmax else [])
    if rec.kind == "lstm":
        return [("state h(t-1)", "state"), ("c(t-1)", "c_prev"), ("i", "i"), ("f", "f"),
                ("g", "g"), ("o", "o"), ("c(t)", "c"), ("h(t)", "h")]
    if rec.kind == "gru":
        return [("state h(t-1)", "state"), ("z", "z"), ("r", "r"), ("h~", "h_tilde"),
                ("h(t)", "h")]
    if rec.kind == "dense":
        return [("xW + b", "z"), (f"{act}(xW + b)", "y")]
    if rec.kind == "activation":
        return [("O", "x"), (f"{act}(O)", "y")]
    return [("output", "y")]


def _backward_columns(rec: LayerRecord) -> list[tuple[str, str]]:
    if rec.kind == "simple_rnn":
        return [("dL/dO (dL/dh)", "dh"), (_derivative_name(rec.info["activation"]), "deriv"),
                ("dL/d(WX+US+B)", "da")]
    if rec.kind == "lstm":
        return [("dL/dh", "dh"), ("dL/dc", "dc"), *[(f"dL/da_{g}", f"da_{g}") for g in "ifgo"]]
    if rec.kind == "gru":
        return [("dL/dh", "dh"), ("dL/da_z", "da_z"), ("dL/da_r", "da_r"), ("dL/da_h", "da_h")]
    if rec.kind == "dense":
        return [("dL/dy", "dy"), ("dL/d(xW + b)", "dz")]
    if rec.kind == "activation":
        return [("dL/dy", "dy"), ("dL/dO", "dx")]
    raise TraceError(f"layer {rec.name!r} ({rec.class_name}): no backward values are traced "
                     "for this kind of layer")


def _consumer_softmax(tape: Any, rec: LayerRecord) -> LayerRecord | None:
    consumer = rec.info.get("consumer")
    if consumer is None:
        return None
    nxt = tape.find(*consumer)
    if nxt is None or nxt.kind != "activation" or nxt.info.get("activation") != "softmax":
        return None
    same = (nxt.steps is not None and rec.steps is not None
            and np.array_equal(nxt.steps, rec.steps) and np.array_equal(nxt.samples, rec.samples)
            and nxt.forward["y"].shape == rec.forward["h"].shape)
    return nxt if same else None


def layer_table(tape: Any, rec: LayerRecord, sample: int = 0,
                step: int | Sequence[int] | None = None, direction: str = "forward",
                units: Sequence[int] | None = None,
                labels: Sequence[str] | None = None) -> Table:
    """The values of ``rec`` for batch index ``sample`` (module docstring).

    ``step`` picks time positions (None: all traced), ``units`` the units or
    output features to show (None: all), ``labels`` names the inputs of the
    traced steps (one per step, e.g. the words) for an "input" column.
    """
    if direction not in DIRECTIONS:
        raise TraceError(f"direction must be one of {list(DIRECTIONS)}, got {direction!r}")
    row = rec.sample_row(sample)
    arrays: dict[str, np.ndarray] = {}
    if direction == "forward":
        nxt = _consumer_softmax(tape, rec) if rec.kind == "simple_rnn" else None
        cols = _forward_columns(rec, nxt is not None)
        if nxt is not None:
            arrays["softmax"] = nxt.forward["y"]
    else:
        cols = _backward_columns(rec)
        if not rec.backward:
            rec.get("dh", "backward")  # raises: no backward values recorded
        if rec.kind == "simple_rnn":
            y = rec.forward["y"]
            arrays["deriv"] = activation_backward(rec.info["activation"], y, np.ones_like(y))
    store = rec.forward if direction == "forward" else rec.backward
    values = [arrays[name] if name in arrays else store[name] for _, name in cols]
    timed = rec.steps is not None
    t_rows = rec.step_rows(step) if timed else None
    if not timed and step is not None:
        raise TraceError(f"layer {rec.name!r} ({rec.class_name}) has no time axis; "
                         f"leave step=None, got step={step!r}")
    if labels is not None and (not timed or len(labels) != len(t_rows)):
        n = len(t_rows) if timed else 0
        raise TraceError(f"labels must name each of the {n} shown steps, got {len(labels)}")
    width = values[0].shape[-1]
    unit_list = list(range(width)) if units is None else list(units)
    bad = [u for u in unit_list if not 0 <= u < width]
    if bad:
        raise TraceError(f"layer {rec.name!r}: unit {bad[0]} is out of range (0 to {width - 1})")
    header = (["t"] if timed else []) + (["input"] if labels is not None else []) + ["unit"]
    rows: list[list[Any]] = []
    for i, tr in enumerate(t_rows if timed else [None]):
        for u in unit_list:
            lead = ([int(rec.steps[tr])] if timed else []) \
                + ([labels[i]] if labels is not None else []) + [u]
            cells = [float(v[row, tr, u] if timed else v[row].reshape(-1)[u]) for v in values]
            rows.append(lead + cells)
    title = f"{rec.name} ({rec.class_name}) {direction}, sample {sample}"
    notes = []
    if rec.info.get("go_backwards"):
        notes.append("go_backwards: t is the input position; the layer read t = T−1 first")
    if rec.kind in ("lstm", "gru") and direction == "forward":
        notes.append("gates are activations in [0, 1]; h~ / g are the candidate values")
    return Table(title, header + [c for c, _ in cols], rows, notes)
