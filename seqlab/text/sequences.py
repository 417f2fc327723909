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

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks

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
    out = np.full((B, maxlen) + flat.shape[1:], value, dtype=dtype)
    if B == 0 or maxlen == 0:
        return out
    starts = np.cumsum(lengths) - lengths  # (B,) offset of each sequence in flat
    kept = np.minimum(lengths, maxlen)  # (B,) items that fit
    skip = lengths - kept if truncating == "pre" else np.zeros_like(kept)  # items cut at the front
    first_col = maxlen - kept if padding == "pre" else np.zeros_like(kept)
    total = int(kept.sum())
    rows = np.repeat(np.arange(B), kept)  # (total,)
    within = np.arange(total) - np.repeat(np.cumsum(kept) - kept, kept)  # 0..kept_b-1 per row
    src = np.repeat(starts + skip, kept) + within
    out[rows, np.repeat(first_col, kept) + within] = flat[src]
    return out


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
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__"):
        raise TypeError(
            f"pad_sequences: sequences must be a list of sequences, got {type(sequences).__name__}"
        )
    if maxlen is not None and (not isinstance(maxlen, (int, np.integer)) or maxlen < 0):
        raise ValueError(f"pad_sequences: maxlen must be None or an int >= 0, got {maxlen!r}")
    arrays = []
    for i, seq in enumerate(sequences):
        if isinstance(seq, (str, bytes)) or not hasattr(seq, "__len__"):
            raise TypeError(
                f"pad_sequences: sequences[{i}] must be a sequence, got {type(seq).__name__}: {seq!r}"
            )
        arrays.append(np.asarray(seq))
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
