"""What a trace keeps: one :class:`LayerRecord` per traced layer call.

A record holds named arrays, restricted to the traced samples (batch rows)
and steps (time positions of the layer's input):

    forward[name]   (S, T', ...) for layers with a time axis, (S, ...) otherwise
    backward[name]  the same layout, filled when that call's backward runs
    params[name]    (T', *weight shape): each step's contribution to dL/dweight,
                    summed over the traced samples (recurrent layers)

Forward names, by kind (what the layer's forward cache already holds):

    simple_rnn  x, state (h_{t−1}), Wx (x_t·W), Us (ĥ_{t−1}·U), a (Wx + Us + b),
                y (act(a), the talk's O), h (h_t)
    lstm        x, state, c_prev, i, f, g, o, c, act_c, h
    gru         x, state, z, r, h_tilde, h (and hh = ĥ·U_h + rb_h with reset_after)
    dense       x, z (x·W + b), y (activation(z))
    activation  x, y
    any other   x, y (the first input and the first output)

Backward names: recurrent layers dh (dL/dh_t, everything that reaches h_t),
da (dL/da_t for the stacked gate pre-activations) and its gate blocks
(da_i da_f da_g da_o; da_z da_r da_h), dc (dL/dc_t, LSTM); dense dy, dz;
activation dy, dx.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

RECURRENT_KINDS: tuple[str, ...] = ("simple_rnn", "lstm", "gru")

# gate blocks of the stacked pre-activation gradient da, in Keras order
GATE_BLOCKS: dict[str, tuple[str, ...]] = {
    "simple_rnn": ("da",),
    "lstm": ("da_i", "da_f", "da_g", "da_o"),
    "gru": ("da_z", "da_r", "da_h"),
}


class TraceError(ValueError):
    """A trace request that cannot be met: no layer of the requested kind,
    a sample or step index out of range, a record that does not exist."""


class UnknownLayerError(TraceError, KeyError):
    """A layer name that is not among the traced layers (the message lists them)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def snake_case(name: str) -> str:
    """Class name → kind, as Keras names layers: SimpleRNN → simple_rnn,
    Conv1D → conv1d, GlobalMaxPooling1D → global_max_pooling1d."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def layer_kind(layer: Any) -> str:
    """The kind a layer is traced as: "simple_rnn", "lstm", "gru" (from the
    cell), else the class name in snake case ("dense", "activation", ...)."""
    cell = getattr(type(layer), "_cell", "")
    if cell in RECURRENT_KINDS:
        return cell
    return snake_case(type(layer).__name__)


@dataclass
class LayerRecord:
    """One traced call of one layer (see the module docstring for the names).

    ``samples`` are the batch indices kept (in the order asked for); ``steps``
    the input time positions kept, ascending, or None for a layer without a
    time axis; ``call`` counts the forward calls seen by the tape (from 0);
    ``info`` holds what the tables need (activation names, units, go_backwards,
    ``consumer``: the name of the layer that took this output next).
    """

    name: str
    kind: str
    class_name: str
    call: int
    samples: np.ndarray
    steps: np.ndarray | None
    forward: dict[str, np.ndarray]
    backward: dict[str, np.ndarray] = field(default_factory=dict)
    params: dict[str, np.ndarray] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def recurrent(self) -> bool:
        return self.kind in RECURRENT_KINDS

    def sample_row(self, sample: int) -> int:
        """Row of batch index ``sample`` in the arrays (error if not traced)."""
        is_int = isinstance(sample, (int, np.integer)) and not isinstance(sample, bool)
        hits = np.flatnonzero(self.samples == sample) if is_int else []
        if not len(hits):
            raise TraceError(
                f"layer {self.name!r}: sample {sample!r} was not traced; traced samples "
                f"(batch indices) are {self.samples.tolist()}"
            )
        return int(hits[0])

    def step_rows(self, steps: Any = None) -> np.ndarray:
        """Positions in the arrays of the time positions ``steps`` (None: all traced)."""
        if self.steps is None:
            raise TraceError(f"layer {self.name!r} ({self.class_name}) has no time axis")
        if steps is None:
            return np.arange(len(self.steps))
        wanted = [steps] if isinstance(steps, (int, np.integer)) else list(steps)
        rows = []
        for s in wanted:
            is_int = isinstance(s, (int, np.integer)) and not isinstance(s, bool)
            hits = np.flatnonzero(self.steps == s) if is_int else []
            if not len(hits):
                raise TraceError(
                    f"layer {self.name!r}: step {s!r} was not traced; traced steps are "
                    f"{self.steps.tolist()}"
                )
            rows.append(int(hits[0]))
        return np.array(rows, dtype=np.intp)

    def get(self, name: str, direction: str = "forward") -> np.ndarray:
        """``forward[name]`` or ``backward[name]``, with an error listing what exists."""
        store = {"forward": self.forward, "backward": self.backward,
                 "params": self.params}.get(direction)
        if store is None:
            raise TraceError(
                f"direction must be 'forward', 'backward' or 'params', got {direction!r}"
            )
        if name not in store:
            if direction == "backward" and not store:
                raise TraceError(
                    f"layer {self.name!r}: no backward values were recorded; run the backward "
                    "pass (e.g. train_on_batch, or model.backward) inside the record() block"
                )
            raise TraceError(
                f"layer {self.name!r}: no {direction} value {name!r}; recorded: {sorted(store)}"
            )
        return store[name]

    def __repr__(self) -> str:
        steps = "-" if self.steps is None else len(self.steps)
        return (f"LayerRecord({self.name!r}, kind={self.kind!r}, call={self.call}, "
                f"samples={len(self.samples)}, steps={steps}, forward={sorted(self.forward)}, "
                f"backward={sorted(self.backward)})")
