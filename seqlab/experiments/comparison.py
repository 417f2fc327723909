"""``seqlab compare DATA``: the chapter's "RNN or ConvNet?" answered on the user's own data.

    folder = compare("reviews.csv")                        # a text and a label: classification
    folder = compare("weather.csv", CompareOptions(target="T", lookback=120, delay=24))

One comparison:

1. the runs folder is checked, the file read (:mod:`.tabular`) and its data
   prepared (:mod:`.panel_data`): text classification or, with a target
   column, forecasting. Bad input stops here, before any training, and
   nothing is written;
2. the computed baselines are scored, and every model of the panel
   (:mod:`.panel`) is trained with the same budget (:mod:`.training`);
3. the rule of :mod:`.recommend` picks the model to start with;
4. the run folder (``compare-NAME-…`` under the runs folder) gets the panel
   (``panel.csv``, ``panel.json``), every trained model
   (``model-KEY.seqlab``) and its history (``history-KEY.csv``), what turns
   new data into inputs (``vocabulary-*.json`` or the normalisation, in
   ``preprocessing.json``), and ``report.html`` (:mod:`.comparison_report`).

``quick`` is a smoke test: at most :data:`QUICK_ROWS` rows (classification:
a random sample; forecasting: the first rows), texts cut to
:data:`QUICK_MAXLEN` tokens, and one epoch unless ``epochs`` is given.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from seqlab.experiments.comparison_report import panel_table, write_compare_report
from seqlab.experiments.panel import KERNEL_GROUPS
from seqlab.experiments.panel_data import PanelData, series_panel, text_panel
from seqlab.experiments.recommend import (
    DEFAULT_MARGIN,
    Recommendation,
    Score,
    recommend,
    rule_text,
)
from seqlab.experiments.report import blas
from seqlab.experiments.rundir import RunFolder
from seqlab.experiments.runner import thread_count, versions
from seqlab.experiments.tabular import read_delimited
from seqlab.experiments.training import train_candidate
from seqlab.report.tables import render

__all__ = ["CompareOptions", "compare"]

Printer = Callable[[str], None]
DEFAULT_EPOCHS = 10
DEFAULT_LOOKBACK, DEFAULT_DELAY, DEFAULT_STEP = 120, 0, 1
QUICK_ROWS = {"classification": 400, "forecasting": 2000}
QUICK_MAXLEN = 40
PANEL_COLUMNS = ("key", "model", "kind", "validation", "test", "validation_vs_naive",
                 "test_vs_naive", "best_epoch", "epochs", "seconds_per_epoch", "params", "layers")


@dataclass
class CompareOptions:
    """What to compare, and the budget every model gets (``seqlab compare --help``)."""

    text: str | None = None  # classification: the columns (None: detected)
    label: str | None = None
    tokenizer: str = "auto"
    target: str | None = None  # forecasting: the column to predict
    time: str | None = None
    lookback: int | None = None  # None: DEFAULT_LOOKBACK (and so on)
    delay: int | None = None
    step: int | None = None
    sep: str | None = None  # None: sniffed
    epochs: int | None = None  # None: DEFAULT_EPOCHS, or 1 with quick
    batch_size: int = 128
    limit: int | None = None
    quick: bool = False
    seed: int = 1
    margin: float = DEFAULT_MARGIN
    threads: int | None = None
    verbose: int = 0  # fit's progress output

    @property
    def task(self) -> str:
        return "forecasting" if self.target is not None else "classification"

    def window(self) -> tuple[int, int, int]:
        """(lookback, delay, step), the defaults where not given."""
        given = (self.lookback, self.delay, self.step)
        defaults = (DEFAULT_LOOKBACK, DEFAULT_DELAY, DEFAULT_STEP)
        return tuple(d if v is None else v for v, d in zip(given, defaults))  # type: ignore

    def check(self) -> None:
        """Raise ValueError for options that do not go together or are out of range."""
        if self.target is not None:
            wrong = [f"--{n}" for n in ("text", "label") if getattr(self, n) is not None]
            wrong += ["--tokenizer"] if self.tokenizer != "auto" else []
        else:
            wrong = [f"--{n}" for n in ("time", "lookback", "delay", "step")
                     if getattr(self, n) is not None]
        if wrong:
            other = "classification (no --target)" if self.target is not None \
                else "forecasting (with --target)"
            raise ValueError(f"{', '.join(wrong)}: only for {other}, and this is "
                             f"{self.task}")
        for name, least in (("epochs", 1), ("batch_size", 1), ("limit", 1), ("threads", 1),
                            ("seed", 0)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < least):
                raise ValueError(f"--{name.replace('_', '-')} must be an int >= {least}, "
                                 f"got {value!r}")
        if not isinstance(self.margin, (int, float)) or not self.margin >= 0:
            raise ValueError(f"--margin must be a number >= 0, got {self.margin!r}")


def _prepare(path: str, options: CompareOptions) -> PanelData:
    table = read_delimited(path, options.sep)
    limit = options.limit
    if options.quick:
        limit = min(limit or QUICK_ROWS[options.task], QUICK_ROWS[options.task])
    if options.task == "classification":
        return text_panel(table, options.text, options.label, options.tokenizer, limit,
                          QUICK_MAXLEN if options.quick else None, options.seed)
    return series_panel(table, options.target, *options.window(), options.time, limit,
                        options.batch_size)


def _against_naive(rows: list[dict[str, Any]]) -> None:
    """Forecasting: each MAE divided by the naive baseline's on the same split."""
    naive = next(r for r in rows if r["key"] == "naive")
    for row in rows:
        for split in ("validation", "test"):
            row[f"{split}_vs_naive"] = row[split] / naive[split] if naive[split] else float("nan")


def panel_csv(rows: Sequence[dict[str, Any]]) -> str:
    """The panel as CSV, full precision, one row per model (columns: :data:`PANEL_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, PANEL_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def compare(path: str | Path, options: CompareOptions | None = None, runs_dir: str | Path = "runs",
            out: Printer = print, prepare_kernels: Callable[[Sequence[str]], Any] | None = None
            ) -> RunFolder:
    """Compare the panel on the data in ``path`` (see the module docstring); the run folder.

    ``prepare_kernels`` is called with the compiled-kernel groups the panel uses once the
    data has passed its checks (the command line passes its first-run compile notice).
    """
    options = options or CompareOptions()
    options.check()
    root = RunFolder.check_root(runs_dir)
    start = time.perf_counter()
    data = _prepare(str(path), options)
    epochs = options.epochs or (1 if options.quick else DEFAULT_EPOCHS)
    out(f"{options.task}: {data.info['file']}: {_summary_line(data)}")
    out(f"training {len(data.candidates)} models, {epochs} epoch(s) each, batch size "
        f"{options.batch_size}, seed {options.seed}")
    if prepare_kernels is not None:
        prepare_kernels(KERNEL_GROUPS)
    folder = RunFolder.create(root, f"compare-{Path(path).name.split('.')[0] or 'data'}")
    budget = {"epochs": epochs, "batch_size": options.batch_size, "optimizer": "rmsprop",
              "seed": options.seed, "quick": options.quick, "margin": options.margin}
    folder.write_json("config.json", {"name": folder.path.name, "data": str(path),
                                      "options": asdict(options), "budget": budget})
    folder.set_status("running")
    try:
        with thread_count(options.threads) as threads:
            rows = _train_panel(data, folder, epochs, options, out)
        pick = _write_results(folder, data, rows, options, {
            "budget": budget, "run": {"wall_seconds": time.perf_counter() - start,
                                      "threads": threads, "blas": blas(), **versions()}})
    except KeyboardInterrupt:
        folder.set_status("interrupted")
        raise
    except Exception as exc:
        folder.set_status("failed", error=f"{type(exc).__name__}: {exc}")
        raise
    folder.set_status("done")
    out(render(panel_table(folder.read_json("panel.json"), layers=False), "rich"))
    out(f"recommendation: {pick.reason}")
    out(f"report: {folder.file('report.html')}")
    return folder


def _train_panel(data: PanelData, folder: RunFolder, epochs: int, options: CompareOptions,
                 out: Printer) -> list[dict[str, Any]]:
    """The computed baselines' rows, then each trained model's, in panel order."""
    rows = list(data.computed)
    for candidate in data.candidates:
        row = train_candidate(candidate, data, folder, epochs, options.batch_size, options.seed,
                              options.verbose)
        rows.append(row)
        out(f"  {row['model']}: validation {_shown(row['validation'], data)}, "
            f"test {_shown(row['test'], data)}, {row['seconds_per_epoch']:.2f} s/epoch")
    if data.task == "forecasting":
        _against_naive(rows)
    return rows


def _write_results(folder: RunFolder, data: PanelData, rows: list[dict[str, Any]],
                   options: CompareOptions, facts: dict[str, Any]) -> Recommendation:
    """The recommendation, then every file of the run folder but the models and histories."""
    scores = [Score(r["model"], r["validation"], r["seconds_per_epoch"], r["test"]) for r in rows]
    pick = recommend(scores, data.higher_is_better, options.margin)
    for name, value in data.artifacts.items():
        folder.write_json(name, value)
    folder.write_text("panel.csv", panel_csv(rows))
    folder.write_json("panel.json", {
        "task": data.task, "rows": rows, "recommendation": asdict(pick),
        "rule": rule_text(data.higher_is_better, options.margin), "data": data.info, **facts})
    write_compare_report(folder)
    return pick


def _shown(value: float, data: PanelData) -> str:
    return f"{100 * value:.1f}%" if data.higher_is_better else f"MAE {value:.4g}"


def _summary_line(data: PanelData) -> str:
    info = data.info
    if data.task == "classification":
        return (f"{info['rows_used']} rows, {len(info['classes'])} classes; "
                f"{info['columns_chosen']}; tokenizer: {info['tokenizer_why']}")
    return (f"{info['rows']} rows, target {info['target']!r}, {len(info['features'])} features, "
            f"windows of {info['steps_per_window']} steps")
