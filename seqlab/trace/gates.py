"""Gate views: what an LSTM or GRU keeps, step by step, over a sentence.

:func:`gate_maps` traces one sample through a model and returns, for its
first LSTM or GRU layer (or the one named), every gate and state as a
(units × steps) map:

    LSTM  i (input), f (forget: 1 = keep c_{t−1}), o (output), g (candidate),
          c (cell state), h (output state)
    GRU   z (update: 1 = keep h_{t−1}), r (reset), h~ (candidate), h

The talk's gate demonstration (:mod:`seqlab.talk.sejong`) is built on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqlab.layers.base import Layer
from seqlab.report.tables import Table
from seqlab.trace.recorder import record, select_layers, traceable_layers
from seqlab.trace.records import TraceError, layer_kind

PANELS: dict[str, tuple[tuple[str, str], ...]] = {
    "lstm": (("f", "f: forget gate (1 = keep c(t-1))"), ("i", "i: input gate"),
             ("o", "o: output gate"), ("g", "g: candidate"), ("c", "c: cell state"),
             ("h", "h: output state")),
    "gru": (("z", "z: update gate (1 = keep h(t-1))"), ("r", "r: reset gate"),
            ("h_tilde", "h~: candidate"), ("h", "h: state")),
}

@dataclass
class GateMaps:
    """Gate and state maps of one traced sample: ``maps[name]`` is (units, steps)."""

    layer: str
    kind: str
    tokens: list[str]
    maps: dict[str, np.ndarray]
    titles: dict[str, str] = field(default_factory=dict)
    prediction: str | None = None

    def table(self) -> Table:
        """Per token: each gate's mean over the units (and ‖c‖ / ‖h‖)."""
        gates = [n for n, _ in PANELS[self.kind] if n not in ("c", "h", "g", "h_tilde")]
        cols = ["t", "token", *[f"mean {g}" for g in gates], "‖h‖"]
        if self.kind == "lstm":
            cols.insert(len(cols) - 1, "‖c‖")
        rows = []
        for t, tok in enumerate(self.tokens):
            row: list[Any] = [t, tok, *[float(self.maps[g][:, t].mean()) for g in gates]]
            if self.kind == "lstm":
                row.append(float(np.linalg.norm(self.maps["c"][:, t])))
            row.append(float(np.linalg.norm(self.maps["h"][:, t])))
            rows.append(row)
        notes = [f"layer {self.layer!r} ({self.kind.upper()}), {self.maps['h'].shape[0]} units"]
        if self.prediction is not None:
            notes.append(f"the model's answer after the last token: {self.prediction}")
        return Table(f"{self.kind.upper()} gates over the sentence", cols, rows, notes,
                     digits=3)

    def figure(self, fmt: str = "svg") -> Any:
        """All maps as stacked heatmaps (needs matplotlib; see seqlab.report.figures)."""
        from seqlab.report.figures import heatmaps

        panels = [(self.titles.get(n, n), self.maps[n]) for n, _ in PANELS[self.kind]]
        return heatmaps(panels, f"{self.kind.upper()} gates and states, unit × token",
                        col_labels=self.tokens, row_label="unit", col_label="token", fmt=fmt)


def _pick_layer(model: Layer, layer: str | None) -> str:
    """The first LSTM/GRU layer (of those named by ``layer``, a name or kind)."""
    chosen = traceable_layers(model) if layer is None else select_layers(model, layer)
    hits = [x for x in chosen if layer_kind(x) in PANELS]
    if not hits:
        what = f"model {model.name!r} has no LSTM or GRU layer" if layer is None else \
            f"layer {layer!r} of model {model.name!r} is not an LSTM or GRU"
        raise TraceError(f"{what}; its layers are "
                         f"{[f'{x.name} ({type(x).__name__})' for x in chosen]}")
    return hits[0].name


def gate_maps(model: Layer, x: Any, tokens: Sequence[str] | None = None,
              layer: str | None = None, sample: int = 0) -> GateMaps:
    """Trace ``model(x)`` for batch index ``sample`` and return the gate maps of
    ``layer`` (default: the first LSTM or GRU). ``tokens`` label the steps."""
    name = _pick_layer(model, layer)
    with record(model, samples=[sample], layers=[name]) as tape:
        model(x)
    rec = tape[name]
    T = rec.forward["h"].shape[1]
    labels = [str(t) for t in range(T)] if tokens is None else [str(t) for t in tokens]
    if len(labels) != T:
        raise ValueError(f"gate_maps: {len(labels)} tokens for {T} steps of layer {name!r}")
    maps = {n: np.ascontiguousarray(rec.forward[n][0].T) for n, _ in PANELS[rec.kind]}
    return GateMaps(name, rec.kind, labels, maps, dict(PANELS[rec.kind]))
