"""What a run's numbers say: its history, best and final values, and the book's number beside them.

The book's figure for an experiment is ``{"metric": "val_acc", "value": 0.893,
"mode": "max"}``: the best validation accuracy over the epochs (or, with
"min", the lowest validation loss); a test metric ("test_acc") is the final
model's on the test data, and a metric of the config's evaluation ("f1") the
final model's there. :func:`against_book` gives seqlab's value
of that metric and the difference, in the metric's own direction (positive:
seqlab did better).
"""

from __future__ import annotations

import csv
import math
from typing import Any

from seqlab.experiments.rundir import RunFolder

__all__ = ["against_book", "read_history", "summarize"]


def read_history(folder: RunFolder, name: str = "history.csv") -> dict[str, list[float]]:
    """The per-epoch values in the history file ``name`` (empty for computed baselines)."""
    try:
        with open(folder.file(name), encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except FileNotFoundError:
        return {}
    keys = [k for k in (rows[0] if rows else {}) if k != "epoch"]
    return {k: [float(r[k]) for r in rows] for k in keys}


def _best(values: list[float], mode: str) -> tuple[float, int]:
    finite = [(v, i) for i, v in enumerate(values) if math.isfinite(v)]
    if not finite:
        return float("nan"), -1
    v, i = (max if mode == "max" else min)(finite)
    return v, i + 1


def mode_of(metric: str) -> str:
    return "min" if any(w in metric for w in ("loss", "error", "mae", "mse")) else "max"


def summarize(history: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """For each metric: its final value, its best value and the epoch of the best."""
    out = {}
    for name, values in history.items():
        best, epoch = _best(values, mode_of(name))
        out[name] = {"final": values[-1], "best": best, "best_epoch": epoch}
    return out


def against_book(metrics: dict[str, Any]) -> dict[str, Any] | None:
    """seqlab's value of the book's metric next to the book's, or None without one."""
    book = metrics.get("book")
    if not book or book.get("value") is None:
        return None
    name, mode = book["metric"], book.get("mode", mode_of(book["metric"]))
    found = (metrics.get("evaluation") or {}).get("metrics", {})
    summary = {**found, **metrics.get("test", {}), **metrics.get("summary", {})}
    if name in summary and isinstance(summary[name], dict):  # a trained run: its best epoch
        mine = summary[name]["best"]
    elif name in summary:  # a computed baseline
        mine = summary[name]
    else:
        return {"metric": name, "book": book["value"], "seqlab": None, "difference": None}
    difference = (mine - book["value"]) if mode == "max" else (book["value"] - mine)
    return {"metric": name, "mode": mode, "book": book["value"], "seqlab": mine,
            "difference": difference}
