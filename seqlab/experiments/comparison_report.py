"""The report of one comparison: one self-contained HTML page, made from its run folder alone.

Sections: the recommendation and its rule; the panel (validation and test
scores, time per epoch, parameters); learning curves (every model's
validation score per epoch in one chart, then each model's training and
validation curves); the data (rows, columns and how they were chosen,
classes and their counts per split, the tokenizer and why; or the series'
columns, window and split); the budget and the run (threads, BLAS,
versions). Figures need matplotlib (the ``plot`` extra); without it the page
says so and keeps its tables.
"""

from __future__ import annotations

import json
from typing import Any

from seqlab.experiments.results import read_history
from seqlab.experiments.rundir import RunFolder
from seqlab.report.document import Document
from seqlab.report.tables import Table

__all__ = ["build_compare_report", "panel_table", "write_compare_report"]


def panel_table(panel: dict[str, Any], layers: bool = True) -> Table:
    """The panel as a table for people (rounded; ``panel.csv`` has full precision);
    ``layers=False`` leaves out the architecture column (for a terminal)."""
    rows = panel["rows"]
    if panel["task"] == "classification":
        columns = ["model", "val acc %", "test acc %"]
        body = [[r["model"], round(100 * r["validation"], 1), round(100 * r["test"], 1)]
                for r in rows]
    else:
        columns = ["model", "val MAE", "test MAE", "val / naive", "test / naive",
                   f"test MAE in {panel['data']['target']}"]
        body = [[r["model"], r["validation"], r["test"], r["validation_vs_naive"],
                 r["test_vs_naive"], r["test"] * panel["data"]["target_std"]] for r in rows]
    columns += ["best epoch", "s / epoch", "parameters"] + (["layers"] if layers else [])
    for line, r in zip(body, rows):
        line += [r["best_epoch"] or "–", float(f"{r['seconds_per_epoch']:.3g}"), r["params"]]
        line += [r["layers"]] if layers else []
    table = Table("The panel (same split, epochs and batch size for every trained model)",
                  columns, body, digits=4)
    table.notes.append("Computed baselines are evaluated, not trained: their time is the "
                       "compute time. Each trained model keeps the weights of its best "
                       "validation epoch; the test split scores those.")
    if panel["task"] == "forecasting":
        table.notes.append("MAE in normalised units (the training rows' mean and standard "
                           "deviation); below 1 in the '/ naive' columns beats the naive "
                           "baseline.")
    return table


def _chart(doc: Document, series: dict[str, list[float]], title: str, ylabel: str) -> None:
    from seqlab.report import figures

    picture = figures.line_chart({k: (list(range(1, len(v) + 1)), v) for k, v in series.items()},
                                 title, "epoch", ylabel)
    doc.add_svg(picture.text(), title)


def _curves(doc: Document, folder: RunFolder, panel: dict[str, Any]) -> None:
    from seqlab.report import figures

    trained = [r for r in panel["rows"] if r["kind"] == "trained"]
    histories = {r["model"]: read_history(folder, f"history-{r['key']}.csv") for r in trained}
    histories = {k: h for k, h in histories.items() if h}
    if not histories:
        return
    if not figures.available():
        doc.add_text("Learning curves need matplotlib: pip install 'seqlab[plot]'.")
        return
    metric, label = ("acc", "accuracy") if panel["task"] == "classification" else ("loss", "MAE")
    _chart(doc, {k: h[f"val_{metric}"] for k, h in histories.items()},
           f"validation {label} per epoch, every model", label)
    for name, history in histories.items():
        _chart(doc, {"training": history[metric], "validation": history[f"val_{metric}"]},
               f"{name}: {label} per epoch", label)


def _data_table(info: dict[str, Any]) -> Table:
    rows = [[k.replace("_", " "), json.dumps(v, ensure_ascii=False)
             if isinstance(v, (list, dict)) else v] for k, v in info.items() if k != "classes"]
    return Table("The data", ["what", "value"], rows)


def _classes_table(info: dict[str, Any]) -> Table:
    rows = [[name, *counts, sum(counts)] for name, counts in info["classes"].items()]
    return Table(f"Classes of {info['label_column']!r} (rows per split)",
                 ["class", "train", "validation", "test", "all"], rows)


def build_compare_report(folder: RunFolder) -> Document:
    """The report Document of a finished comparison's folder."""
    panel = folder.read_json("panel.json")
    info = panel["data"]
    doc = Document(f"seqlab compare: {info['file']}")
    doc.add_text(f"Which model to start with for {panel['task']} on this data: the chapter's "
                 "question \"RNN or ConvNet?\", answered with a panel of models trained with "
                 "the same budget.")
    doc.add_heading("Recommendation")
    doc.add_text(panel["recommendation"]["reason"])
    doc.add_text(panel["rule"])
    doc.add_table(panel_table(panel))
    doc.add_heading("Learning curves")
    _curves(doc, folder, panel)
    doc.add_heading("The data")
    doc.add_table(_data_table(info))
    if "classes" in info:
        doc.add_table(_classes_table(info))
    doc.add_heading("The budget and the run")
    facts = {**panel["budget"], **panel["run"]}
    facts["wall_seconds"] = round(facts["wall_seconds"], 1)
    doc.add_table(Table("The run", ["what", "value"], [[k.replace("_", " "), v]
                                                       for k, v in facts.items()]))
    return doc


def write_compare_report(folder: RunFolder) -> None:
    """Write ``report.html`` into the run folder (atomically)."""
    folder.write_text("report.html", build_compare_report(folder).render("html"))
