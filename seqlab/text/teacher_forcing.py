"""shift_targets: target token ids -> (decoder input, decoder target) for teacher forcing.

A decoder trained with teacher forcing reads the true previous token and
predicts the next one. For a target sequence y_1..y_n (no start or end token),
a start id S, an end id E and the padding id P:

    decoder input   S    y_1  y_2  ...  y_n  P ... P
    decoder target  y_1  y_2  ...  y_n  E    P ... P

Both have n + 1 real positions and the same padding, so the padding mask of the
decoder input (``Embedding(mask_zero=True)`` with P = 0) is exactly the set of
target positions that count in a padding-aware loss and accuracy
(:mod:`seqlab.functional.masked_loss`). Every row gets one column more than the
longest target, so the end token always fits.

The targets are a (B, T) integer array padded at the end with P (as
``pad_sequences(..., padding="post")`` gives), or a list of B id sequences of
any lengths. A row with a real id after its padding (padded in front) is
rejected: its shifted copy would put the start token next to padding.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["shift_targets"]


def _token_id(name: str, value: Any) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < 0:
        raise TypeError(f"shift_targets: {name} must be a token id (an int >= 0), "
                        f"got {value!r}")
    return int(value)


def _as_padded(targets: Any, pad_id: int) -> np.ndarray:
    """The targets as a (B, T) int64 array padded at the end with ``pad_id``."""
    if isinstance(targets, np.ndarray):
        rows = targets
    else:
        seqs = [np.asarray(s) for s in targets]
        if any(s.ndim != 1 for s in seqs):
            raise ValueError("shift_targets: a list of targets must hold 1-D id sequences, got "
                             f"shapes {[s.shape for s in seqs if s.ndim != 1][:3]}")
        odd = [s.dtype for s in seqs if s.size and s.dtype.kind not in "iu"]
        if odd:
            raise TypeError(f"shift_targets: targets must be integer token ids, got dtype "
                            f"{odd[0]}")
        rows = np.full((len(seqs), max((s.size for s in seqs), default=0)), pad_id,
                       dtype=np.int64)
        for row, s in zip(rows, seqs):
            row[:s.size] = s
    if rows.ndim != 2:
        raise ValueError(f"shift_targets: targets must be (batch, steps) token ids, got shape "
                         f"{rows.shape}")
    if rows.size and rows.dtype.kind not in "iu":
        raise TypeError(f"shift_targets: targets must be integer token ids, got dtype "
                        f"{rows.dtype}")
    if rows.size and rows.min() < 0:
        raise ValueError(f"shift_targets: token ids must be >= 0, got {rows.min()}")
    return rows.astype(np.int64)


def shift_targets(targets: Any, start_id: int, end_id: int, pad_id: int = 0
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(decoder_input, decoder_target), both (B, T + 1) int64, from targets (B, T)
    padded at the end with ``pad_id`` (or a list of id sequences); see the module
    docstring for the layout."""
    start_id, end_id = _token_id("start_id", start_id), _token_id("end_id", end_id)
    pad_id = _token_id("pad_id", pad_id)
    if pad_id in (start_id, end_id):
        raise ValueError(f"shift_targets: start_id ({start_id}) and end_id ({end_id}) must "
                         f"differ from pad_id ({pad_id}), or they would be read as padding")
    rows = _as_padded(targets, pad_id)
    real = rows != pad_id  # (B, T)
    lengths = real.sum(axis=1)  # n_b
    steps = np.arange(rows.shape[1])
    late = np.flatnonzero((real & (steps >= lengths[:, None])).any(axis=1))
    if late.size:
        raise ValueError(
            f"shift_targets: targets must be padded at the end (padding='post'); row "
            f"{late[0]} has a token after its padding: {rows[late[0]].tolist()}"
        )
    B, T = rows.shape
    decoder_input = np.full((B, T + 1), pad_id, dtype=np.int64)
    decoder_target = np.full((B, T + 1), pad_id, dtype=np.int64)
    decoder_input[:, 0] = start_id
    decoder_input[:, 1:] = rows
    decoder_target[:, :T] = rows
    decoder_target[np.arange(B), lengths] = end_id  # right after the last real token
    return decoder_input, decoder_target
