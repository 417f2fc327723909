"""Classification data for ``seqlab compare``: which columns, which classes, the split.

Columns, when ``--text`` / ``--label`` are not given:

- text: the column whose cells are longest on average (in characters);
- label: among the other columns, the one with the fewest distinct values,
  provided it has at most :data:`MAX_DETECTED_CLASSES` of them and fewer than
  half as many as there are rows (an id column never looks like a label);
  otherwise ``--label`` must be given.

Classes are the label's distinct values, sorted (as numbers when every value
is one: "2" before "10"), numbered 0 … C−1. An empty label is an error that
names its line. Fewer than 2 classes is an error.

Split: stratified by class and shuffled with the seed. Of each class's n
rows, 0.15·n rounded half up (at least 1) go to validation, as many to test, the rest
to training, so every class needs at least 3 rows. ``limit`` first keeps a
random sample of that many rows (the same seed).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass

import numpy as np

from seqlab.experiments.tabular import DataFileError, DelimitedTable

__all__ = ["ColumnChoice", "Labels", "choose_columns", "read_labels", "sample_rows",
           "stratified_split"]

MAX_DETECTED_CLASSES = 20
VALIDATION_FRACTION = 0.15
TEST_FRACTION = 0.15
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class ColumnChoice:
    text: str
    label: str
    how: str  # one sentence: given, or why these were detected


@dataclass(frozen=True)
class Labels:
    y: np.ndarray  # (N,) int64 class ids
    classes: list[str]  # id -> the label as written in the file


def choose_columns(table: DelimitedTable, text: str | None = None,
                   label: str | None = None) -> ColumnChoice:
    """The text and label columns: as given, or detected by the rules of the module docstring."""
    for option, name in (("--text", text), ("--label", label)):
        if name is not None:
            table.column(name, f"{option} column")
    if text is not None and text == label:
        raise DataFileError(f"--text and --label name the same column {text!r}")
    found = []
    if text is None:
        candidates = [c for c in table.columns if c != label]
        if not candidates:
            raise DataFileError(f"{table.path!r} has only the column {label!r}: a text column "
                                "is needed beside the label")
        text = max(candidates, key=lambda c: statistics.fmean(map(len, table.column(c))))
        found.append(f"text column {text!r}: the longest cells on average")
    if label is None:
        label, distinct = _label_candidate(table, text)
        found.append(f"label column {label!r}: the fewest distinct values ({distinct})")
    how = "; ".join(found) + " (detected; name them with --text and --label)" if found \
        else "given with --text and --label"
    return ColumnChoice(text, label, how)


def _label_candidate(table: DelimitedTable, text: str) -> tuple[str, int]:
    others = [c for c in table.columns if c != text]
    if not others:
        raise DataFileError(f"{table.path!r} has only the column {text!r}: a label column is "
                            "needed beside the text")
    counts = {c: len(set(table.column(c))) for c in others}
    label = min(others, key=counts.__getitem__)
    if counts[label] > MAX_DETECTED_CLASSES or 2 * counts[label] >= len(table):
        raise DataFileError(
            f"no column of {table.path!r} looks like a label: the fewest distinct values, in "
            f"{label!r}, are {counts[label]} for {len(table)} rows (a label has at most "
            f"{MAX_DETECTED_CLASSES} and fewer than half the rows); name it with --label")
    return label, counts[label]


def _sort_key(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def read_labels(table: DelimitedTable, column: str) -> Labels:
    """The label column as class ids (see the module docstring for the order)."""
    cells = [cell.strip() for cell in table.column(column, "--label column")]
    for cell, line in zip(cells, table.lines):
        if not cell:
            raise DataFileError(f"{table.path!r}, line {line}: the label column {column!r} is "
                                "empty; every row needs a label")
    classes = sorted(set(cells), key=_sort_key)
    if len(classes) < 2:
        raise DataFileError(f"the label column {column!r} has fewer than 2 classes (only "
                            f"{classes}): there is nothing to tell apart")
    index = {c: i for i, c in enumerate(classes)}
    return Labels(np.array([index[c] for c in cells], dtype=np.int64), classes)


def sample_rows(n: int, limit: int | None, seed: int) -> np.ndarray:
    """Indices of the rows kept: all of them, or a random ``limit`` of them (sorted)."""
    if limit is None or limit >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=limit, replace=False))


def stratified_split(labels: Labels, seed: int) -> dict[str, np.ndarray]:
    """Row indices of train, validation and test (see the module docstring), each shuffled."""
    rng = np.random.default_rng(seed)
    counts = Counter(labels.y.tolist())
    small = [(labels.classes[c], n) for c, n in sorted(counts.items()) if n < 3]
    if small:
        name, n = small[0]
        raise DataFileError(
            f"too few rows for the split: class {name!r} has {n} row(s); each class needs at "
            "least 3 (one each for training, validation and test)")
    parts: dict[str, list[np.ndarray]] = {s: [] for s in SPLITS}
    for c in sorted(counts):
        rows = rng.permutation(np.flatnonzero(labels.y == c))
        n_val = max(1, int(VALIDATION_FRACTION * rows.size + 0.5))  # rounded half up
        n_test = max(1, int(TEST_FRACTION * rows.size + 0.5))
        parts["validation"].append(rows[:n_val])
        parts["test"].append(rows[n_val:n_val + n_test])
        parts["train"].append(rows[n_val + n_test:])
    return {s: rng.permutation(np.concatenate(parts[s])) for s in SPLITS}
