"""What a decoding call reads: the sources and the prompt, checked and batched.

A source is what the model's source input takes for one sample — token ids
(S,) or vectors (S, D) (e.g. one-hot characters) — and a batch is an array
with one more axis or a list of sources. Sources of different lengths are
padded after their end with id 0 when the model masks padding
(``Embedding(mask_zero=True)``); otherwise they must come padded as the model
was trained. An empty source (no steps) is not run: its result is the end
token alone. A model with several source inputs takes a list with one entry
per input, in the model's order.

The prompt is what is fed back first: ``[start_token]`` for every row unless
given (ids (P,) for every row, or (R, P)); generated tokens follow it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from seqlab.functional.embedding import as_ids
from seqlab.generate.graph import DecoderGraph, ModelInput


@dataclass(frozen=True)
class Batch:
    """The rows to decode: ``sources`` (one array per source input) and ``prompt``
    (R, P) for the non-empty rows, which are ``rows`` among ``n`` requested."""

    sources: list[np.ndarray]
    prompt: np.ndarray
    rows: np.ndarray
    n: int


def _numeric(who: str, value: Any) -> np.ndarray | None:
    """``value`` as a numeric array, or None when its rows have different lengths."""
    try:
        arr = np.asarray(value)
    except ValueError:  # rows of different lengths
        return None
    if arr.dtype.kind == "O":
        return None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{who}: expected token ids (integers) or numeric vectors, got "
                        f"{arr.dtype.name} values; turn text into ids first (seqlab.text)")
    return arr


def _source_rows(model_input: ModelInput, value: Any) -> list[np.ndarray]:
    """One array per sample for one source input."""
    who = f"source for input {model_input.name!r}"
    rank = len(model_input.shape) - 1  # per sample
    arr = _numeric(who, value)
    if arr is not None and arr.ndim in (rank, rank + 1):
        return [arr] if arr.ndim == rank else list(arr)
    if arr is None and isinstance(value, (list, tuple)):
        rows = [_numeric(who, row) for row in value]
        if all(row is not None and (row.ndim == rank or row.size == 0) for row in rows):
            return [row.reshape((0, *model_input.shape[2:])) if row.size == 0 else row
                    for row in rows]
    features = ", features" if rank > 1 else ""
    got = "rows of different ranks" if arr is None else f"shape {arr.shape}"
    raise ValueError(f"{who}: expected one source (steps{features}) or a batch of them, "
                     f"got {got}")


def _source_array(model_input: ModelInput, rows: list[np.ndarray]) -> np.ndarray:
    """The non-empty rows as one array (B, S, ...), padded when the model masks padding."""
    who = f"source for input {model_input.name!r}"
    lengths = [len(r) for r in rows]
    longest, limit = max(lengths), model_input.max_steps
    if limit is not None and longest > limit:
        raise ValueError(f"{who}: a source has {longest} steps, longer than the model's "
                         f"maximum of {limit}")
    width = limit if limit is not None and model_input.masks_padding else longest
    if any(n != width for n in lengths):
        if not model_input.masks_padding:
            expected = f"exactly {limit}" if limit is not None else "the same number of"
            raise ValueError(f"{who}: the model takes {expected} steps per source and does "
                             f"not mask padding; got sources of {sorted(set(lengths))} steps: "
                             "pad them as the model was trained")
        rows = [np.concatenate([r, np.zeros(width - len(r), dtype=r.dtype)]) for r in rows]
    batch = np.stack(rows)
    if model_input.holds_ids and model_input.vocabulary is not None:
        batch = as_ids(batch, model_input.vocabulary, who)
    elif batch.shape[-1] != model_input.shape[-1]:
        raise ValueError(f"{who}: expected vectors of {model_input.shape[-1]} features, got "
                         f"shape {batch.shape}")
    return batch


def _prompt(graph: DecoderGraph, prompt: Any, start_token: int | None, rows: int | None
            ) -> np.ndarray:
    who = "prompt"
    if prompt is None:
        if start_token is None:
            raise ValueError("Decoder: nothing to feed first: give start_token when making the "
                             "Decoder, or a prompt")
        return np.full((rows or 1, 1), start_token, dtype=np.int64)
    arr = _numeric(who, prompt)
    if arr is None or arr.ndim not in (1, 2) or arr.shape[-1] == 0:
        got = "rows of different lengths" if arr is None else f"shape {arr.shape}"
        raise ValueError(f"{who}: expected ids (steps,) or (rows, steps) with at least one "
                         f"step, got {got}")
    vocabulary = graph.feedback.vocabulary or graph.vocabulary
    arr = as_ids(arr, vocabulary, who).astype(np.int64)
    if arr.ndim == 1:
        return np.tile(arr, (rows or 1, 1))
    if rows is not None and arr.shape[0] != rows:
        raise ValueError(f"{who}: has {arr.shape[0]} rows for {rows} sources")
    return arr


def make_batch(graph: DecoderGraph, source: Any, prompt: Any, start_token: int | None) -> Batch:
    """Check and batch what one decoding call reads (see the module docstring)."""
    if not graph.sources:
        if source is not None:
            raise ValueError("Decoder: the model has no source input (a language model); "
                             "give a prompt instead of a source")
        ids = _prompt(graph, prompt, start_token, None)
        return Batch([], ids, np.arange(len(ids)), len(ids))
    names = [m.name for m in graph.sources]
    if source is None:
        raise ValueError(f"Decoder: the model reads a source through input(s) {names}; "
                         "give source=")
    per_input = [source] if len(graph.sources) == 1 else list(source)
    if len(per_input) != len(graph.sources):
        raise ValueError(f"Decoder: expected one source per input {names}, got "
                         f"{len(per_input)}")
    all_rows = [_source_rows(m, v) for m, v in zip(graph.sources, per_input)]
    n = len(all_rows[0])
    if any(len(rows) != n for rows in all_rows):
        raise ValueError(f"Decoder: the source inputs {names} have different numbers of rows "
                         f"{[len(rows) for rows in all_rows]}")
    empty = np.array([[len(r) == 0 for r in rows] for rows in all_rows])  # (inputs, n)
    if np.any(empty.any(axis=0) != empty.all(axis=0)):
        raise ValueError(f"Decoder: a source is empty in some of the inputs {names} but not "
                         "in all")
    keep = np.flatnonzero(~empty[0])
    sources = [_source_array(m, [rows[i] for i in keep]) if keep.size else None
               for m, rows in zip(graph.sources, all_rows)]
    ids = _prompt(graph, prompt, start_token, n)
    return Batch(sources, ids[keep], keep, n)
