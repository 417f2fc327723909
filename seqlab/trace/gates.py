"""Gate views: what an LSTM or GRU keeps, step by step, over a sentence.

:func:`gate_maps` traces one sample through a model and returns, for its
first LSTM or GRU layer (or the one named), every gate and state as a
(units × steps) map:

    LSTM  i (input), f (forget: 1 = keep c_{t−1}), o (output), g (candidate),
          c (cell state), h (output state)
    GRU   z (update: 1 = keep h_{t−1}), r (reset), h~ (candidate), h

:func:`sejong_demo` trains a small model on embedded sentences built around
the talk's example, "세종은 1443년에 집현전 학자들의 도움을 얻어 창제(創製)함.":
read the sentence, say who did it (세종, 장영실, 정약용 or 신사임당). The
subject comes first, so the network must carry it to the end — the forget
(LSTM) or update (GRU) gates show the units that keep it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqlab.layers.base import Layer
from seqlab.random import make_rng
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

SENTENCE = "세종은 1443년에 집현전 학자들의 도움을 얻어 창제(創製)함."
SENTENCE_SUBJECT_LAST = "1443년에 집현전 학자들의 도움을 얻어 창제(創製)한 세종."
SUBJECTS: tuple[str, ...] = ("세종", "장영실", "정약용", "신사임당")
_TOPIC = {"세종": "세종은", "장영실": "장영실은", "정약용": "정약용은", "신사임당": "신사임당은"}
_YEARS = ("1443년에", "1441년에", "1818년에", "1550년에", "1434년에")
_MIDDLE = ("집현전", "학자들의", "도움을", "얻어", "궁궐에서", "오랜", "연구", "끝에", "백성을",
           "위해", "새로운", "글자를", "책을", "기계를", "그림을", "밤낮으로")
_ENDS_FINAL = ("창제(創製)함.", "발명함.", "지음.", "그림.")
_ENDS_ADNOMINAL = ("창제(創製)한", "발명한", "지은", "그린")


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


# --------------------------------------------------------------------- demo
def who_did_it_corpus(n: int = 240, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """``n`` generated sentences like the talk's and the index of their subject
    in SUBJECTS. Two word orders, as in the talk: subject first ("세종은 …
    창제(創製)함.") or last ("… 창제(創製)한 세종.")."""
    rng = make_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        k = int(rng.integers(len(SUBJECTS)))
        middle = list(rng.choice(_MIDDLE, size=int(rng.integers(3, 7)), replace=False))
        year = str(rng.choice(_YEARS))
        end = int(rng.integers(len(_ENDS_FINAL)))
        if rng.random() < 0.7:
            words = [_TOPIC[SUBJECTS[k]], year, *middle, _ENDS_FINAL[end]]
        else:
            words = [year, *middle, _ENDS_ADNOMINAL[end], SUBJECTS[k] + "."]
        texts.append(" ".join(words))
        labels.append(k)
    return texts, np.array(labels, dtype=np.int64)


@dataclass
class SejongDemo:
    """The trained model's gate maps for the talk's two sentences."""

    cell: str
    subject_first: GateMaps
    subject_last: GateMaps
    accuracy: float
    epochs: int


def sejong_demo(cell: str = "lstm", units: int = 8, epochs: int = 12, seed: int = 0
                ) -> SejongDemo:
    """Train Embedding → ``cell`` → Dense(4, softmax) on :func:`who_did_it_corpus`
    and trace the talk's sentences (SENTENCE and SENTENCE_SUBJECT_LAST)."""
    from seqlab.layers import GRU, LSTM, Dense, Embedding
    from seqlab.models import Sequential
    from seqlab.optim import Adam
    from seqlab.text import TextVectorizer, WordTokenizer

    cells = {"lstm": LSTM, "gru": GRU}
    if cell not in cells:
        raise ValueError(f"sejong_demo: cell must be 'lstm' or 'gru', got {cell!r}")
    texts, labels = who_did_it_corpus(seed=seed)
    tok = WordTokenizer(lower=False)
    tv = TextVectorizer(standardize=None, split=tok, output_mode="int")
    tv.fit(texts)
    x = tv.transform(texts)
    model = Sequential([Embedding(len(tv.get_vocabulary()), 8, mask_zero=True, seed=seed,
                                  name="embedding"),
                        cells[cell](units, seed=seed + 1, name=cell),
                        Dense(len(SUBJECTS), activation="softmax", seed=seed + 2, name="who")])
    model.compile(optimizer=Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["acc"])
    model.fit(x, labels, batch_size=16, epochs=epochs, verbose=0, seed=seed)
    held_x, held_y = who_did_it_corpus(80, seed=seed + 1)
    acc = float(model.evaluate(tv.transform(held_x), held_y, verbose=0,
                               return_dict=True)["acc"])
    views = []
    for sentence in (SENTENCE, SENTENCE_SUBJECT_LAST):
        ids = tv.transform([sentence])
        maps = gate_maps(model, ids, tokens=tok(sentence))
        maps.prediction = SUBJECTS[int(np.argmax(model.predict(ids)[0]))]
        views.append(maps)
    return SejongDemo(cell, views[0], views[1], acc, epochs)
