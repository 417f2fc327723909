"""Forecasting data for ``seqlab compare --target COL``: numeric columns, windows, the split.

Columns. Every column except ``--time`` may be a feature. A cell is missing
when it is empty or one of NA, N/A, NaN, null, None (any case). A column is
numeric when every cell that is not missing reads as a number; the other
columns, and columns with no value at all, are left out (the data summary
names them). The target must be numeric: a cell that is not a number is an
error naming its line and the numeric columns. Missing values are filled with
the last value seen before them (the first value seen, at the start), and
counted.

Order. Rows stay in file order; ``--time`` names a column that only labels
them: it is not a feature, and its first and last values are reported.
``limit`` keeps the first rows.

Split (chronological, the book's): the first 50% of the rows train, the next
25% validate, the last 25% test. Every column is normalised with the mean
and standard deviation of the training rows. The window ending before row r
holds rows r − lookback … r − 1, every ``step``-th (⌈lookback/step⌉ steps);
its target is the target column at row r + delay (delay 0: the row right
after the window). Windows end inside their own part, as in the book's
generator (a training window's target may lie up to ``delay`` rows past it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from seqlab.experiments.data import WindowedSeries
from seqlab.experiments.tabular import DataFileError, DelimitedTable

__all__ = ["SeriesData", "prepare_series"]

MISSING = {"", "na", "n/a", "nan", "null", "none"}
TRAIN_FRACTION, VALIDATION_END = 0.5, 0.75
#: The panel's Conv1D models pool by 3, so a window needs at least 3 steps.
MIN_STEPS = 3
SPLITS = ("train", "validation", "test")


@dataclass
class SeriesData:
    """Windows and targets per split, and the series the computed baselines read."""

    windows: dict[str, np.ndarray]  # (n, steps, F) float32, views into one normalised array
    targets: dict[str, np.ndarray]  # (n,) float32, normalised
    series: WindowedSeries
    info: dict[str, Any]
    normalization: dict[str, list[float]]  # "mean" and "std" of every feature (training rows)


def _parse(cells: list[str]) -> tuple[np.ndarray | None, int]:
    """(the column as floats with NaN for missing cells, the index of the first cell that
    is not a number) — values None when there is such a cell."""
    values = np.empty(len(cells))
    for i, cell in enumerate(cells):
        text = cell.strip()
        if text.lower() in MISSING:
            values[i] = np.nan
            continue
        try:
            values[i] = float(text)
        except ValueError:
            return None, i
    return values, -1


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """NaNs replaced by the last value before them (the first value, at the start)."""
    seen = np.flatnonzero(~np.isnan(values))
    last = np.maximum.accumulate(np.where(np.isnan(values), 0, np.arange(values.size)))
    filled = values[last]
    filled[:seen[0]] = values[seen[0]]
    return filled


def numeric_columns(table: DelimitedTable, target: str, time: str | None
                    ) -> tuple[np.ndarray, list[str], dict[str, Any]]:
    """(values (N, F) with missing cells filled, the feature names, what was left out and
    filled); see the module docstring."""
    table.column(target, "--target column")
    if time is not None:
        table.column(time, "--time column")
        if time == target:
            raise DataFileError(f"--time and --target name the same column {target!r}")
    columns, left_out, filled, bad_target = [], [], {}, None
    for name in table.columns:
        if name == time:
            continue
        values, bad = _parse(table.column(name))
        if values is None or np.isnan(values).all():
            left_out.append(name)
            if name == target:
                bad_target = bad
            continue
        if np.isnan(values).any():
            filled[name] = int(np.isnan(values).sum())
            values = _forward_fill(values)
        columns.append((name, values))
    if bad_target is not None:
        cell = table.rows[bad_target][table.columns.index(target)] if bad_target >= 0 else ""
        where = (f"line {table.lines[bad_target]} holds {cell!r}" if bad_target >= 0
                 else "it has no value at all")
        raise DataFileError(f"the --target column {target!r} is not numeric: {where}; the "
                            f"numeric columns: {[c for c, _ in columns]}")
    names = [c for c, _ in columns]
    return np.stack([v for _, v in columns], axis=1), names, {"left_out": left_out,
                                                              "filled": filled}


def _check_window(lookback: int, delay: int, step: int, n: int) -> int:
    for name, value, least in (("lookback", lookback, 1), ("step", step, 1), ("delay", delay, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"--{name} must be an int >= {least}, got {value!r}")
    steps = len(range(0, lookback, step))
    if steps < MIN_STEPS:
        raise ValueError(f"--lookback {lookback} with --step {step} gives windows of {steps} "
                         f"step(s); the panel's Conv1D models pool by 3 and need at least "
                         f"{MIN_STEPS}")
    if lookback + delay + 1 > n:
        raise DataFileError(f"--lookback {lookback} is longer than the series allows: a window "
                            f"and its target {delay} row(s) later need {lookback + delay + 1} "
                            f"rows, the series has {n}")
    return steps


def _ranges(n: int, lookback: int, delay: int) -> dict[str, tuple[int, int]]:
    """First and last row r that a window of each part may end before (module docstring)."""
    train_end, val_end = int(TRAIN_FRACTION * n), int(VALIDATION_END * n)
    ranges = {"train": (0, train_end), "validation": (train_end + 1, val_end),
              "test": (val_end + 1, n - delay - 1)}
    for name, (lo, hi) in ranges.items():
        if hi - (lo + lookback) < 0:
            raise DataFileError(
                f"too few rows for the split: the {name} part (rows {lo}–{hi} of {n}) holds no "
                f"window of --lookback {lookback} with --delay {delay}; give more rows or a "
                "shorter lookback")
    return ranges


def prepare_series(table: DelimitedTable, target: str, lookback: int, delay: int, step: int,
                   time: str | None = None, limit: int | None = None,
                   batch_size: int = 128) -> SeriesData:
    """Windows, targets and the series for the baselines (rules in the module docstring)."""
    raw, names, notes = numeric_columns(table, target, time)
    raw = raw if limit is None else raw[:limit]
    n = raw.shape[0]
    steps = _check_window(lookback, delay, step, n)
    ranges = _ranges(n, lookback, delay)
    train_end = ranges["train"][1]
    mean, std = raw[:train_end].mean(axis=0), raw[:train_end].std(axis=0)
    std[std == 0] = 1.0
    values = ((raw - mean) / std).astype(np.float32)
    t = names.index(target)
    view = np.lib.stride_tricks.sliding_window_view(values, lookback, axis=0)  # (N-L+1, F, L)
    view = view.transpose(0, 2, 1)[:, ::step]  # (N-L+1, steps, F): window s = rows s … s+L-1
    windows, targets = {}, {}
    for part, (lo, hi) in ranges.items():
        windows[part] = view[lo:hi - lookback + 1]  # windows ending before rows lo+L … hi
        targets[part] = values[lo + lookback + delay:hi + delay + 1, t]
    series = WindowedSeries(values, t, lookback, step, delay, batch_size, ranges["train"],
                            ranges["validation"], ranges["test"], float(std[t]))
    info = {"rows": n, "features": names, "target": target, "target_mean": float(mean[t]),
            "target_std": float(std[t]), "lookback": lookback, "step": step,
            "steps_per_window": steps, "delay": delay,
            "windows": {p: int(w.shape[0]) for p, w in windows.items()},
            "left_out": notes["left_out"], "missing_filled": notes["filled"]}
    if time is not None:
        cells = table.column(time)[:n]
        info["time"] = {"column": time, "first": cells[0], "last": cells[-1]}
    return SeriesData(windows, targets, series, info,
                      {"mean": mean.tolist(), "std": std.tolist()})
