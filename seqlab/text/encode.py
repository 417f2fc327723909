"""Encodings of ragged id sequences: one-hot, multi-hot, counts, TF-IDF.

The B sequences arrive back to back in ``flat`` (int ids in [0, V)) with their
``lengths`` n_b. With c[b, v] = number of times id v occurs in sequence b:

- ``multi_hot``: X[b, v] = 1 if c[b, v] > 0 else 0
- ``count``:     X[b, v] = c[b, v]
- ``tf_idf``:    X[b, v] = c[b, v] * idf[v]
- ``one_hot``:   X[b, t, v] = 1 if the t-th id of (padded) sequence b is v —
  one vector per token, Keras 3's definition (``StringLookup(output_mode=
  "one_hot")`` on a sequence appends a vocabulary axis). Padding positions
  are all-zero rows.

Dense results are float32 arrays; ``sparse=True`` gives a
``scipy.sparse.csr_matrix`` (B, V) with sorted column indices and no
duplicates, the form scikit-learn's vectorizers return. A dense (B, V) matrix
of a real corpus is huge (25,000 IMDB reviews x 75,000 words x 4 bytes =
7.5 GB), so large vocabularies need the sparse form.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.text._check import describe
from seqlab.text.sequences import pad_flat

BAG_MODES = ("multi_hot", "count", "tf_idf")
DENSE_LIMIT_BYTES = 2**31


def check_ids(owner: str, flat: Any, lengths: Any, width: int) -> tuple[np.ndarray, np.ndarray]:
    """``flat`` and ``lengths`` as int64 arrays, or a clear error: both 1-D arrays of ints,
    lengths >= 0 adding up to ``len(flat)``, every id in [0, width)."""
    arrays = []
    for name, value in (("flat", flat), ("lengths", lengths)):
        if value is None or isinstance(value, (str, bytes, bytearray)) or not hasattr(value, "__len__"):
            raise TypeError(f"{owner}: {name} must be a 1-D array of ints, got {describe(value)}")
        try:
            a = np.asarray(value)
        except (ValueError, TypeError):
            a = np.asarray(value, dtype=object)
        if a.ndim != 1 or (a.dtype.kind not in "iu" and a.size):
            raise TypeError(
                f"{owner}: {name} must be a 1-D array of ints, got {a.dtype} of shape {a.shape}"
            )
        arrays.append(a.astype(np.int64, copy=False))
    flat, lengths = arrays
    if lengths.size and lengths.min() < 0:
        raise ValueError(f"{owner}: lengths must be >= 0, got {int(lengths.min())}")
    if int(lengths.sum()) != flat.shape[0]:
        raise ValueError(
            f"{owner}: lengths add up to {int(lengths.sum())} but flat holds {flat.shape[0]} ids"
        )
    if flat.size and (flat.min() < 0 or flat.max() >= width):
        bad = int(flat.min()) if flat.min() < 0 else int(flat.max())
        raise ValueError(f"{owner}: id {bad} is out of range [0, {width})")
    return flat, lengths


def count_matrix(
    flat: np.ndarray, lengths: np.ndarray, width: int, *, sparse: bool = False,
    owner: str = "count_matrix",
) -> Any:
    """c[b, v]: how often id v occurs in sequence b, as float32 (B, width) or a CSR matrix."""
    B = lengths.shape[0]
    if sparse:
        try:
            import scipy.sparse
        except ImportError as exc:
            raise ImportError(f"{owner}: sparse=True needs scipy: pip install scipy") from exc
        index_dtype = np.int32 if max(width, flat.shape[0]) < 2**31 else np.int64
        indptr = np.zeros(B + 1, dtype=index_dtype)
        np.cumsum(lengths, out=indptr[1:])
        ones = np.ones(flat.shape[0], dtype=np.float32)
        matrix = scipy.sparse.csr_matrix(
            (ones, flat.astype(index_dtype), indptr), shape=(B, width)
        )
        matrix.sum_duplicates()  # sorts each row's columns and adds repeated ones
        return matrix
    check_dense_size(owner, (B, width))
    out = np.zeros((B, width), dtype=np.float32)
    rows = np.repeat(np.arange(B, dtype=np.int64), lengths)  # (N,) sequence of each id
    np.add.at(out, (rows, flat), 1.0)
    return out


def document_frequency(counts: Any) -> np.ndarray:
    """df[v]: in how many sequences id v occurs, from a dense or CSR count matrix."""
    if isinstance(counts, np.ndarray):
        return np.count_nonzero(counts, axis=0)
    return np.bincount(counts.indices, minlength=counts.shape[1])


def finish_bag(counts: Any, mode: str, idf: np.ndarray | None = None, owner: str = "finish_bag") -> Any:
    """Turn a count matrix into ``mode`` in place (see the module doc) and return it."""
    if mode not in BAG_MODES:
        raise ValueError(f"{owner}: mode must be one of {list(BAG_MODES)}, got {mode!r}")
    if mode == "tf_idf" and idf is None:
        raise ValueError(f"{owner}: tf_idf needs idf weights (fit first)")
    dense = isinstance(counts, np.ndarray)
    if mode == "multi_hot":
        if dense:
            np.minimum(counts, 1.0, out=counts)
        else:
            counts.data[:] = 1.0
    elif mode == "tf_idf":
        weights = np.asarray(idf, dtype=np.float32)
        if dense:
            counts *= weights[None, :]
        else:
            counts.data *= weights[counts.indices]
    return counts


def encode_bag(
    flat: np.ndarray,
    lengths: np.ndarray,
    width: int,
    mode: str,
    *,
    idf: np.ndarray | None = None,
    sparse: bool = False,
    owner: str = "encode_bag",
) -> Any:
    """multi_hot / count / tf_idf matrix (B, width) of the sequences (see module doc)."""
    if mode not in BAG_MODES:
        raise ValueError(f"{owner}: mode must be one of {list(BAG_MODES)}, got {mode!r}")
    if mode == "tf_idf" and idf is None:
        raise ValueError(f"{owner}: tf_idf needs idf weights (fit first)")
    flat, lengths = check_ids(owner, flat, lengths, width)
    return finish_bag(count_matrix(flat, lengths, width, sparse=sparse, owner=owner), mode, idf, owner)


def encode_one_hot(
    flat: np.ndarray,
    lengths: np.ndarray,
    width: int,
    maxlen: int,
    *,
    padding: str,
    truncating: str,
    owner: str = "encode_one_hot",
) -> np.ndarray:
    """(B, maxlen, width) one-hot vectors of the padded sequences; padding rows are zero."""
    flat, lengths = check_ids(owner, flat, lengths, width)
    B = lengths.shape[0]
    check_dense_size(owner, (B, maxlen, width))
    ids = pad_flat(flat, lengths, maxlen, padding=padding, truncating=truncating, value=-1,
                   dtype=np.int64)  # (B, maxlen), -1 = padding
    out = np.zeros((B, maxlen, width), dtype=np.float32)
    b, t = np.nonzero(ids >= 0)
    out[b, t, ids[b, t]] = 1.0
    return out


def check_dense_size(owner: str, shape: tuple[int, ...]) -> None:
    """Refuse dense float32 outputs over 2 GiB with advice instead of exhausting memory."""
    nbytes = 4 * int(np.prod(np.array(shape, dtype=np.float64)))
    if nbytes > DENSE_LIMIT_BYTES:
        raise ValueError(
            f"{owner}: a dense float32 output of shape {shape} would need {nbytes / 2**30:.1f} GiB; "
            "pass sparse=True (multi_hot/count/tf_idf), lower max_tokens, or transform in batches"
        )
