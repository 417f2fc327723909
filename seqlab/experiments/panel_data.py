"""What one comparison trains on: inputs and targets per split, the panel, the computed
baselines' rows, the data summary, and what the run folder must keep to use the models.

:func:`text_panel` (classification) and :func:`series_panel` (forecasting)
do every check of the input before returning, so that a comparison that gets
a :class:`PanelData` only has training left to do.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqlab.experiments import baselines, textdata, textvec
from seqlab.experiments.panel import Candidate, series_candidates, text_candidates
from seqlab.experiments.seriesdata import prepare_series
from seqlab.experiments.tabular import DelimitedTable

__all__ = ["PanelData", "series_panel", "text_panel"]


@dataclass
class PanelData:
    """Everything a comparison needs besides its budget."""

    task: str  # "classification" or "forecasting"
    inputs: dict[str, dict[str, np.ndarray]]  # input kind ("ids", ...) -> split -> x
    targets: dict[str, np.ndarray]  # split -> y
    loss: str
    candidates: list[Candidate]
    computed: list[dict[str, Any]]  # panel rows of the computed baselines
    info: dict[str, Any]  # the data summary
    artifacts: dict[str, Any] = field(default_factory=dict)  # file name -> JSON value

    @property
    def higher_is_better(self) -> bool:
        return self.task == "classification"


def _computed_row(key: str, name: str, layers: str, validation: float, test: float,
                  seconds: float, params: int = 0, **extra: Any) -> dict[str, Any]:
    return {"key": key, "model": name, "layers": layers, "kind": "computed",
            "validation": float(validation), "test": float(test), "best_epoch": None,
            "epochs": 0, "seconds_per_epoch": seconds, "params": params, **extra}


def text_panel(table: DelimitedTable, text: str | None, label: str | None,
               tokenizer: str = "auto", limit: int | None = None,
               maxlen_cap: int | None = None, seed: int = 1) -> PanelData:
    """Classification: columns, classes, split, tokens, ids and bags (see :mod:`.textdata`
    and :mod:`.textvec`), the panel and the majority-class baseline."""
    columns = textdata.choose_columns(table, text, label)
    labels = textdata.read_labels(table, columns.label)
    keep = textdata.sample_rows(len(table), limit, seed)
    labels = textdata.Labels(labels.y[keep], labels.classes)
    texts = [table.column(columns.text)[i] for i in keep]
    splits = textdata.stratified_split(labels, seed)
    tok, tok_name, tok_why = textvec.choose_tokenizer(texts, tokenizer)
    tokens = textvec.tokenize(texts, tok)
    encoded = textvec.encode_texts({s: [tokens[i] for i in rows] for s, rows in splits.items()},
                                   maxlen_cap)
    y = {s: labels.y[rows] for s, rows in splits.items()}
    n_classes = len(labels.classes)
    start = time.perf_counter()
    majority = int(np.bincount(y["train"], minlength=n_classes).argmax())
    row = _computed_row("majority", "Majority class", f"always {labels.classes[majority]!r}",
                        np.mean(y["validation"] == majority), np.mean(y["test"] == majority),
                        time.perf_counter() - start)
    counts = {s: Counter(labels.classes[c] for c in y[s].tolist()) for s in y}
    info = {"file": table.path, "rows": len(table), "rows_used": int(keep.size),
            "delimiter": "tab" if table.delimiter == "\t" else table.delimiter,
            "quoting": table.quoting, "text_column": columns.text,
            "label_column": columns.label, "columns_chosen": columns.how,
            "classes": {c: [counts[s][c] for s in textdata.SPLITS] for c in labels.classes},
            "split": {s: int(rows.size) for s, rows in splits.items()},
            "tokenizer": tok_name, "tokenizer_why": tok_why,
            "tokens_per_text": round(encoded.mean_tokens, 1), "maxlen": encoded.maxlen,
            "sequence_vocabulary": len(encoded.sequence_vocabulary),
            "bag_vocabulary": len(encoded.bag_vocabulary)}
    artifacts = {"vocabulary-ids.json": encoded.sequence_vocabulary.to_dict(),
                 "vocabulary-bag.json": encoded.bag_vocabulary.to_dict(),
                 "preprocessing.json": {
                     "tokenizer": tok_name, "maxlen": encoded.maxlen,
                     "padding": "pre", "truncating": "pre", "bag": "multi_hot, ngrams (1, 2)",
                     "classes": labels.classes}}
    return PanelData("classification", {"ids": encoded.ids, "bag": encoded.bags}, y,
                     "binary_crossentropy" if n_classes == 2 else
                     "sparse_categorical_crossentropy",
                     text_candidates(len(encoded.sequence_vocabulary), n_classes), [row], info,
                     artifacts)


def series_panel(table: DelimitedTable, target: str, lookback: int, delay: int, step: int,
                 time_column: str | None = None, limit: int | None = None,
                 batch_size: int = 128) -> PanelData:
    """Forecasting: windows and targets (see :mod:`.seriesdata`), the panel, and the naive
    and ridge baselines. MAEs are in normalised units; ``*_vs_naive`` divides by the naive
    baseline's MAE on the same split."""
    data = prepare_series(table, target, lookback, delay, step, time_column, limit, batch_size)
    ridge_params = data.info["steps_per_window"] * len(data.info["features"]) + 1
    rows = []
    for kind, name, layers, params in (
            ("naive", "Naive (last value)", "the target's last value in the window", 0),
            ("ridge", "Ridge on the window", "closed-form linear model", ridge_params)):
        start = time.perf_counter()
        found = baselines.evaluate_series(kind, data.series)["summary"]
        rows.append(_computed_row(kind, name, layers, found["val_loss"], found["test_loss"],
                                  time.perf_counter() - start, params))
    info = {"file": table.path, "delimiter": "tab" if table.delimiter == "\t" else
            table.delimiter, **data.info}
    keys = ("features", "target", "lookback", "step", "delay")
    artifacts = {"preprocessing.json": {**{k: data.info[k] for k in keys},
                                        **data.normalization}}
    return PanelData("forecasting", {"windows": data.windows}, data.targets, "mae",
                     series_candidates(), rows, info, artifacts)
