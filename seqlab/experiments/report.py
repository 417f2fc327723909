"""The report of one run: one self-contained HTML page, made from the run folder alone.

Sections: what ran (the config's description), the result beside the book's
number, the test metrics, the config's evaluation (sequence metrics, samples),
learning curves (each metric for training and validation, per epoch), the
facts of the run (wall time, time per epoch, threads, seed, parameters,
versions, BLAS), the data, and the config itself (copy it to run your own
variant). Figures need matplotlib (the ``plot``
extra); without it the page says so and keeps its tables.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

from seqlab.experiments.results import against_book, read_history
from seqlab.experiments.rundir import RunFolder
from seqlab.report.document import Document
from seqlab.report.tables import Table

__all__ = ["blas", "build_report", "write_report"]


def blas() -> str:
    """The BLAS library, version and kernel NumPy uses (threadpoolctl's report)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl missing)"
    libs = [f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})"
            for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(libs) or "none found"


def _result_table(metrics: dict[str, Any]) -> Table:
    summary = metrics.get("summary", {})
    if metrics.get("baseline"):
        rows = [[k, v] for k, v in summary.items() if isinstance(v, (int, float))]
        return Table("Result (computed, not trained)", ["metric", "value"], rows, digits=4)
    rows = [[name, s["final"], s["best"], s["best_epoch"]] for name, s in summary.items()]
    return Table("Result per metric", ["metric", "final", "best", "best epoch"], rows, digits=4)


def _book_table(metrics: dict[str, Any]) -> Table | None:
    found = against_book(metrics)
    if found is None:
        return None
    book = metrics["book"]
    table = Table("Beside the book", ["metric", "seqlab", "book", "seqlab − book (+: better)",
                                      "source"],
                  [[found["metric"], found["seqlab"], found["book"], found["difference"],
                    book.get("source", "")]], digits=4)
    if book.get("note"):
        table.notes.append(book["note"])
    return table


def _curves(doc: Document, history: dict[str, list[float]]) -> None:
    from seqlab.report import figures

    if not history:
        return
    if not figures.available():
        doc.add_text("Learning curves need matplotlib: pip install 'seqlab[plot]'.")
        return
    for name in [k for k in history if not k.startswith("val_")]:
        series = {"training": history[name]}
        if f"val_{name}" in history:
            series["validation"] = history[f"val_{name}"]
        epochs = list(range(1, len(history[name]) + 1))
        picture = figures.line_chart(series, f"{name} per epoch", "epoch", name, x=epochs)
        doc.add_svg(picture.text(), f"{name} per epoch")


def _evaluation(doc: Document, found: dict[str, Any]) -> None:
    """The config's evaluation (seqlab.experiments.evaluations): metrics, tables, notes."""
    doc.add_heading(found["title"])
    table = Table("Metrics (the final model)", ["metric", "value"],
                  [[k, v] for k, v in found["metrics"].items()], digits=4)
    table.notes.extend(found.get("notes", []))
    doc.add_table(table)
    for extra in found.get("tables", []):
        doc.add_table(Table(extra["title"], extra["columns"], extra["rows"], digits=4))


def _facts(metrics: dict[str, Any]) -> Table:
    seconds = metrics.get("epoch_seconds") or []
    rows = [["wall time (s)", round(metrics.get("wall_seconds", float("nan")), 1)],
            ["epochs", metrics.get("epochs_done", 0)],
            ["time per epoch, median (s)", round(statistics.median(seconds), 2) if seconds else "–"],
            ["threads", metrics.get("threads")], ["seed", metrics.get("seed")],
            ["parameters", metrics.get("params", "–")], ["BLAS", blas()]]
    rows += [[f"{k} version", v] for k, v in metrics.get("versions", {}).items()]
    return Table("The run", ["what", "value"], rows)


def build_report(folder: RunFolder) -> Document:
    """The report Document of a finished run folder."""
    config = folder.read_json("config.json")
    metrics = folder.read_json("metrics.json")
    history = read_history(folder)
    doc = Document(f"seqlab run: {config['name']}")
    if config.get("description"):
        doc.add_text(config["description"])
    doc.add_heading("Result")
    book = _book_table(metrics)
    if book is not None:
        doc.add_table(book)
    doc.add_table(_result_table(metrics))
    if metrics.get("test"):
        doc.add_table(Table("Test data (the final model)", ["metric", "value"],
                            [[k, v] for k, v in metrics["test"].items()], digits=4))
    at_best = metrics.get("test_at_best")
    if at_best:
        scores = {k: v for k, v in at_best.items() if k.startswith("test_")}
        doc.add_table(Table(f"Test data (the model of the best {at_best['monitor']}, "
                            f"epoch {at_best['epoch']})", ["metric", "value"],
                            [[k, v] for k, v in scores.items()], digits=4))
    if metrics.get("evaluation"):
        _evaluation(doc, metrics["evaluation"])
    if history:
        doc.add_heading("Learning curves")
        _curves(doc, history)
    doc.add_heading("The run")
    doc.add_table(_facts(metrics))
    if metrics.get("data"):
        doc.add_table(Table("The data", ["what", "value"],
                            [[k, json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict))
                              else v] for k, v in metrics["data"].items()]))
    doc.add_heading("The config (copy it to run your own: seqlab run --config my.json)")
    doc.add_preformatted(json.dumps(config, indent=2, ensure_ascii=False))
    return doc


def write_report(folder: RunFolder) -> None:
    """Write ``report.html`` into the run folder (atomically)."""
    folder.write_text("report.html", build_report(folder).render("html"))
