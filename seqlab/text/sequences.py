"""pad_sequences: ragged lists of ids -> one (B, T) array, with Keras semantics.

For B sequences of lengths n_b and a target length T (``maxlen``, default the
longest n_b):

- a sequence longer than T is cut: ``truncating="pre"`` keeps its last T items,
  ``"post"`` its first T;
- a shorter one is filled with ``value``: ``padding="pre"`` puts the fill before
  the items (the items end at column T-1), ``"post"`` after them.

Keras' defaults are pre/pre, and so are these. Sequences of vectors work too:
items of shape S give an output of shape (B, T, *S).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.text._check import describe

SIDES = ("pre", "post")


def pad_flat(
    flat: np.ndarray,
    lengths: np.ndarray,
    maxlen: int,
    *,
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0,
    dtype: Any = "int32",
) -> np.ndarray:
    """Pad/truncate B sequences stored back to back in ``flat`` (lengths n_b) to (B, maxlen).

    Vectorized: one gather, no Python loop over sequences. ``flat`` has shape
    (sum n_b, *S); the result (B, maxlen, *S).
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    B = lengths.shape[0]
    shape = (B, maxlen) + flat.shape[1:]
    # zeros come from calloc (pages filled on first touch): much cheaper than full(0)
    out = np.zeros(shape, dtype=dtype) if _is_zero(value) else np.full(shape, value, dtype=dtype)
    if B == 0 or maxlen == 0:
        return out
    kept = np.minimum(lengths, maxlen)  # (B,) items that fit
    total = int(kept.sum())
    kept_start = np.cumsum(kept) - kept  # (B,) where row b's kept items start among all kept
    # item j of row b (j < kept_b) is kept item k = kept_start_b + j; it lands at flat
    # output position b * maxlen + first_col_b + j and comes from flat[start_b + skip_b + j]
    first_col = maxlen - kept if padding == "pre" else 0
    k = np.arange(total, dtype=np.int64)
    dst = np.repeat(np.arange(B, dtype=np.int64) * maxlen + first_col - kept_start, kept) + k
    rows_out = out.reshape((B * maxlen,) + flat.shape[1:])
    if total == flat.shape[0] == int(lengths.sum()):  # nothing cut: the items go in order
        rows_out[dst] = flat
        return out
    starts = np.cumsum(lengths) - lengths  # (B,) offset of each sequence in flat
    skip = lengths - kept if truncating == "pre" else 0  # items cut at the front
    rows_out[dst] = flat[np.repeat(starts + skip - kept_start, kept) + k]
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Number, np.number, np.bool_))


def _as_items(seq: Any, i: int, text_out: bool) -> np.ndarray:
    """``seq`` as an array of numbers (or of anything, for a str/object output dtype)."""
    try:
        a = np.asarray(seq)
    except (ValueError, TypeError):
        a = None  # numpy refuses ragged nesting
    if a is None or (a.dtype.kind == "O" and a.ndim > 1):
        raise ValueError(
            f"pad_sequences: sequences[{i}] is not a flat sequence of numbers nor of equally "
            f"shaped vectors: {describe(seq)}"
        )
    if not text_out:
        items = a.reshape(-1)
        bad = []  # the first item that is not a number, if any
        if a.dtype.kind in "USV":
            bad = list(items[:1])
        elif a.dtype.kind == "O":
            bad = [x for x in items if not _is_number(x)][:1]
        if bad:
            raise TypeError(
                f"pad_sequences: sequences[{i}] must hold numbers (ids), got the item {describe(bad[0])}"
            )
    return a


def _is_zero(value: Any) -> bool:
    try:
        return bool(np.ndim(value) == 0 and value == 0)
    except (TypeError, ValueError):
        return False


def pad_sequences(
    sequences: Sequence[Sequence[Any]],
    maxlen: int | None = None,
    dtype: Any = "int32",
    padding: str = "pre",
    truncating: str = "pre",
    value: Any = 0,
) -> np.ndarray:
    """Pad/truncate ``sequences`` to a (B, maxlen) array; Keras ``pad_sequences`` semantics.

    Args:
        sequences: B sequences (lists, tuples or arrays) of numbers or of
            equally shaped vectors; empty sequences are allowed.
        maxlen: the length T of every output row; None means the longest.
        dtype: output dtype (default int32).
        padding: "pre" or "post": where the fill goes.
        truncating: "pre" or "post": which end of a long sequence is cut.
        value: the fill value.

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
        array([[2, 3],
               [0, 4]], dtype=int32)
    """
    checks.choice("pad_sequences", "padding", padding, SIDES)
    checks.choice("pad_sequences", "truncating", truncating, SIDES)
    if isinstance(sequences, (str, bytes, bytearray)) or not hasattr(sequences, "__len__"):
        raise TypeError(
            "pad_sequences: expected a list of sequences (lists or arrays of numbers), got "
            f"{describe(sequences)}"
        )
    if maxlen is not None and (
        not isinstance(maxlen, (int, np.integer)) or isinstance(maxlen, bool) or maxlen < 0
    ):
        raise ValueError(f"pad_sequences: maxlen must be None or an int >= 0, got {maxlen!r}")
    try:
        out_dtype = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"pad_sequences: dtype must be a numpy dtype, got {dtype!r}") from None
    text_out = out_dtype.kind in "OUS"  # Keras allows str sequences with dtype=object or str
    if not text_out and not _is_number(value):
        raise TypeError(
            f"pad_sequences: value must be a number for dtype {out_dtype}, got {describe(value)} "
            "(use dtype=object or str to pad sequences of strings)"
        )
    arrays = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, (str, bytes, bytearray)) or not hasattr(seq, "__len__"):
            raise TypeError(
                f"pad_sequences: sequences[{i}] must be a sequence (a list or array of numbers), "
                f"got {describe(seq)}"
            )
        arrays.append(_as_items(seq, i, text_out))
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    sample_shape: tuple[int, ...] = ()
    for a in arrays:
        if len(a):
            sample_shape = a.shape[1:]
            break
    for i, a in enumerate(arrays):
        if len(a) and a.shape[1:] != sample_shape:
            raise ValueError(
                f"pad_sequences: sequences[{i}] has items of shape {a.shape[1:]}, expected "
                f"{sample_shape} like the first non-empty sequence"
            )
    if maxlen is None:
        maxlen = int(lengths.max()) if len(lengths) else 0
    nonempty = [a for a in arrays if len(a)]
    if nonempty:
        flat = np.concatenate(nonempty, axis=0)  # (sum n_b, *S)
    else:
        flat = np.zeros((0,) + sample_shape, dtype=dtype)
    return pad_flat(
        flat, lengths, int(maxlen), padding=padding, truncating=truncating, value=value, dtype=dtype
    )
