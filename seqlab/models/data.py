"""Array plumbing for fit/evaluate/predict: structure, checks, splits, batches.

Inputs and targets are normalised to lists of arrays, one per model input or
output (a dict is read by input/output name). All arrays share their first
dimension N (samples); batches are index slices of that dimension. Nested
Python lists whose sequences differ in length (token ids before padding) are
refused with the first two lengths found and a pointer to ``pad_sequences``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np


def to_list(data: Any, names: Sequence[str], what: str, owner: str) -> list[np.ndarray]:
    """``data`` as one array per entry of ``names`` (an array, a list or a dict by name)."""
    if data is None:
        raise ValueError(f"{owner}: {what} is required, got None")
    if isinstance(data, dict):
        unknown = sorted(set(data) - set(names))
        missing = [n for n in names if n not in data]
        if unknown or missing:
            raise ValueError(
                f"{owner}: {what} given as a dict must have the keys {list(names)}; "
                f"missing {missing}, unknown {unknown}"
            )
        items = [data[n] for n in names]
    elif isinstance(data, (list, tuple)) and len(names) > 1:
        items = list(data)
    elif isinstance(data, (list, tuple)) and data \
            and all(isinstance(d, np.ndarray) for d in data):
        items = list(data)  # a list of arrays is one array per input / output
    else:
        items = [data]
    if len(items) != len(names):
        ragged = _ragged(data, what, owner) if len(names) == 1 else None
        if ragged is not None:  # a list of arrays, one per sample
            raise ragged
        hint = f" (one array per sample? stack them: np.stack({what}))" if len(names) == 1 else ""
        raise ValueError(
            f"{owner}: expected {len(names)} {what} array(s) ({list(names)}), got "
            f"{len(items)}{hint}"
        )
    arrays = []
    for name, item in zip(names, items):
        label = what if len(names) == 1 else f"{what} {name!r}"
        try:
            arr = np.asarray(item)
        except ValueError as exc:  # NumPy >= 1.24 refuses ragged nested lists
            raise (_ragged(item, label, owner) or exc) from None
        if arr.dtype.kind not in "fiub":
            raise TypeError(
                f"{owner}: {what} {name!r} must be a numeric array, got dtype {arr.dtype}"
            )
        if arr.ndim == 0:
            raise ValueError(
                f"{owner}: {what} {name!r} must have a sample dimension, got a scalar"
            )
        arrays.append(arr)
    return arrays


def _length(item: Any) -> int | None:
    """The length of a sequence; None for a number (or a 0-d array)."""
    if isinstance(item, (list, tuple)) or (isinstance(item, np.ndarray) and item.ndim > 0):
        return len(item)
    return None


def _children(where: str, item: Any) -> list[tuple[str, Any]]:
    """The items of a sequence with their positions; a numeric array is uniform
    inside, so its first item stands for all (no walk over every number)."""
    if isinstance(item, np.ndarray) and item.dtype != object:
        return [(f"{where}[0]", item[0])] if len(item) else []
    return [(f"{where}[{i}]", child) for i, child in enumerate(item)]


def _says(label: str, where: str, count: int | None) -> str:
    return (f"{label}{where} is a number" if count is None
            else f"{label}{where} has {count} item{'s' * (count != 1)}")


def _ragged(data: Any, label: str, owner: str) -> ValueError | None:
    """The error for ``data`` if it nests sequences of different lengths (at the
    shallowest level where they disagree it names the first two, e.g. ``x[0]
    has 3 items, x[2] has 2 items``); None if they all agree."""
    level = [("", data)]
    while level:
        (first, n), *rest = [(where, _length(item)) for where, item in level]
        other = next(((where, m) for where, m in rest if m != n), None)
        if other is not None:
            return ValueError(
                f"{owner}: {label} holds sequences of different lengths: "
                f"{_says(label, first, n)}, {_says(label, *other)}. Pad or cut them to one "
                "length first, e.g. seqlab.text.pad_sequences(sequences, maxlen=...)"
            )
        if n is None:
            return None
        level = [child for where, item in level for child in _children(where, item)]
    return None


def num_samples(xs: list[np.ndarray], ys: list[np.ndarray] | None, owner: str) -> int:
    """The common sample count N of every array; raise if they differ or N == 0."""
    named = [(f"x[{i}]", a) for i, a in enumerate(xs)]
    named += [(f"y[{i}]", a) for i, a in enumerate(ys or [])]
    sizes = {label: a.shape[0] for label, a in named}
    if len(set(sizes.values())) > 1:
        raise ValueError(
            f"{owner}: x and y must have the same number of samples (first dimension), "
            f"got {sizes}"
        )
    n = next(iter(sizes.values()))
    if n == 0:
        raise ValueError(f"{owner}: the arrays are empty (0 samples): {sizes}")
    for label, a in named:
        if a.size == 0:
            raise ValueError(f"{owner}: {label} is empty (shape {a.shape})")
    return n


def check_finite(arrays: list[np.ndarray], what: str, owner: str) -> None:
    """Raise ValueError naming the array and the first sample that holds NaN or inf."""
    for i, a in enumerate(arrays):
        if a.dtype.kind != "f":
            continue
        bad = ~np.isfinite(a)
        if bad.any():
            first = tuple(int(j) for j in np.argwhere(bad)[0])
            raise ValueError(
                f"{owner}: {what}[{i}] contains {int(bad.sum())} NaN/inf value(s); the first "
                f"is {a[first]} at index {first} (sample {first[0]}). Clean the data first."
            )


def split_last(arrays: list[np.ndarray], fraction: float, owner: str
               ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Split off the LAST ``fraction`` of samples, before any shuffling (Keras):
    training = samples [0, s), validation = [s, N) with s = floor(N·(1 − fraction))."""
    n = arrays[0].shape[0]
    split_at = math.floor(n * (1.0 - fraction))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"{owner}: validation_split={fraction} leaves an empty training or validation "
            f"set with {n} samples (split at {split_at})"
        )
    return [a[:split_at] for a in arrays], [a[split_at:] for a in arrays]


def batch_slices(order: np.ndarray, batch_size: int) -> Iterator[np.ndarray]:
    """Consecutive chunks of ``order`` of length ``batch_size`` (the last may be shorter)."""
    for start in range(0, order.shape[0], batch_size):
        yield order[start:start + batch_size]


def take(arrays: list[np.ndarray], index: np.ndarray | slice) -> list[np.ndarray]:
    return [a[index] for a in arrays]


def concat_batches(chunks: list[list[np.ndarray]]) -> list[np.ndarray]:
    """Join per-batch output lists along the sample axis (one array per output)."""
    return [np.concatenate([c[i] for c in chunks], axis=0) for i in range(len(chunks[0]))]
