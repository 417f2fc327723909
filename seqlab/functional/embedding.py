"""Embedding lookup (a gather) and its backward (a scatter-add).

For integer ids of shape (...) with values in [0, V) and a matrix W of shape (V, E):

    y[..., :] = W[ids[...], :]                        (..., E)
    dW[v, :]  = Σ over positions p with ids[p] = v of dy[p, :]

An id that appears twice collects both gradients (the scatter *adds*). The ids
themselves are not differentiable.
"""

from __future__ import annotations

import numpy as np

EmbeddingCache = tuple[np.ndarray, tuple[int, int], np.dtype]


def as_ids(ids: np.ndarray, V: int, who: str = "embedding") -> np.ndarray:
    """Validate token ids: an integer array (or floats holding whole numbers, as
    Keras accepts) with every value in [0, V). Returns an integer array.

    Raises TypeError for non-numeric or boolean arrays and ValueError for
    fractional values or ids out of range (naming the first offending id).
    """
    arr = np.asarray(ids)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.floor(arr)):
            bad = arr.reshape(-1)[np.flatnonzero(~np.isfinite(arr) | (arr != np.floor(arr)))[0]]
            raise ValueError(
                f"{who}: ids must be whole numbers (integers, or floats holding integers), "
                f"got the value {bad.item()!r}"
            )
    elif arr.dtype.kind not in "iu":
        raise TypeError(f"{who}: ids must be an integer array, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{who}: ids are empty (shape {arr.shape})")
    lo, hi = arr.min(), arr.max()
    if lo < 0 or hi >= V:
        bad = lo if lo < 0 else hi
        where = tuple(int(i) for i in np.argwhere(arr == bad)[0])
        raise ValueError(
            f"{who}: id {bad.item()!r} at position {where} is out of range; "
            f"ids must be in [0, {V}) for input_dim={V}"
        )
    return arr.astype(np.int64) if arr.dtype.kind == "f" else arr


def embedding(ids: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, EmbeddingCache]:
    """y = W[ids]: the rows of W (V, E) picked by ``ids`` (shape (...) → (..., E))."""
    if W.ndim != 2:
        raise ValueError(f"embedding: W must be a matrix (V, E), got shape {W.shape}")
    ids = as_ids(ids, W.shape[0])
    return np.take(W, ids, axis=0), (ids, W.shape, W.dtype)


def scatter_add_rows(ids: np.ndarray, rows: np.ndarray, V: int, out: np.ndarray | None = None
                     ) -> np.ndarray:
    """out[v] += Σ_{n: ids[n] = v} rows[n] for ids (N,) and rows (N, E); out (V, E).

    Many ids compared with V: one ``bincount`` per column (sums in float64);
    few: ``np.add.at`` (cost proportional to N·E, not V·E).
    """
    N, E = rows.shape
    if out is None:
        out = np.zeros((V, E), dtype=rows.dtype)
    if 4 * N >= V:
        for j in range(E):
            out[:, j] += np.bincount(ids, weights=rows[:, j], minlength=V).astype(out.dtype)
    else:
        np.add.at(out, ids, rows)
    return out


def embedding_backward(dy: np.ndarray, cache: EmbeddingCache) -> tuple[None, np.ndarray]:
    """(None, dW): no gradient for the ids; dW (V, E) is the scatter-add of dy."""
    ids, (V, E), dtype = cache
    ids1 = ids.reshape(-1)  # (N,), N = number of ids
    dy2 = np.asarray(dy, dtype=dtype).reshape(-1, E)  # (N, E)
    return None, scatter_add_rows(ids1, dy2, V)
