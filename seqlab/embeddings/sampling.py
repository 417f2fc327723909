"""Word2vec's vocabulary and sampling tables.

* Vocabulary: words with count >= min_count, most frequent first; ties keep
  the order of first appearance in the corpus (gensim's order).
* Subsampling of frequent words (the word2vec C tool's formula): with T the
  number of in-vocabulary tokens, s the ``sample`` threshold and f the count
  of word v, v is kept with probability

      p_keep(v) = min(1, (sqrt(f / (s·T)) + 1) · (s·T) / f)

  stored as ``sample_int[v] = p_keep(v) · (2^32 - 1)`` (uint32) so the kernel
  compares it with a 32-bit random integer. ``sample = 0`` keeps every word.
* Negative sampling: noise words are drawn with probability proportional to
  ``count^ns_exponent`` (0.75). ``cum[v] = round(Σ_{u<=v} count_u^0.75 /
  Σ_u count_u^0.75 · (2^31 - 1))`` (uint32); a draw r uniform in [0, cum[-1])
  selects the first v with cum[v] > r. The guide table stores, for each of
  2^k buckets of width 2^shift, the first v that bucket can select.
"""

from __future__ import annotations

import numpy as np

CUM_DOMAIN = 2**31 - 1
_GUIDE_BITS_MAX = 22


def vocabulary_order(counts: np.ndarray, min_count: int,
                     max_vocab_size: int | None) -> np.ndarray:
    """Provisional ids of the vocabulary words, most frequent first (stable)."""
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] >= min_count]
    if max_vocab_size is not None:
        order = order[:max_vocab_size]
    return order


def keep_probabilities(counts: np.ndarray, sample: float) -> np.ndarray:
    """p_keep(v) of the C tool's subsampling formula (all ones when sample = 0)."""
    counts = counts.astype(np.float64)
    if sample <= 0 or counts.size == 0:
        return np.ones_like(counts)
    threshold = sample * counts.sum()  # s·T
    prob = (np.sqrt(counts / threshold) + 1.0) * (threshold / counts)
    return np.minimum(prob, 1.0)


def sample_ints(counts: np.ndarray, sample: float) -> np.ndarray:
    """``p_keep · (2^32 - 1)`` as uint32: the kernel keeps v when r32 <= sample_int[v]."""
    return (keep_probabilities(counts, sample) * (2**32 - 1)).astype(np.uint32)


def cumulative_table(counts: np.ndarray, ns_exponent: float) -> np.ndarray:
    """The cumulative unigram^ns_exponent table scaled to [0, 2^31 - 1] (uint32, (V,))."""
    weights = counts.astype(np.float64) ** float(ns_exponent)
    total = weights.sum()
    if counts.size == 0 or not np.isfinite(total) or total <= 0:
        raise ValueError("negative sampling needs a non-empty vocabulary with positive "
                         f"counts; got {counts.size} words")
    cum = np.rint(np.cumsum(weights) / total * CUM_DOMAIN)
    cum[-1] = CUM_DOMAIN
    return cum.astype(np.uint32)


def guide_table(cum: np.ndarray) -> tuple[np.ndarray, int]:
    """(guide, shift): ``guide[b]`` = first v with cum[v] > b·2^shift.

    About one bucket per vocabulary word (at most 2^22), so the forward scan
    from ``guide[r >> shift]`` to the drawn word takes about one step.
    """
    bits = int(min(_GUIDE_BITS_MAX, max(1, int(np.ceil(np.log2(max(cum.shape[0], 2)))))))
    shift = 31 - bits
    bucket_lo = np.arange(1 << bits, dtype=np.int64) << shift  # (2^bits,) smallest r per bucket
    guide = np.searchsorted(cum.astype(np.int64), bucket_lo, side="right")
    return np.minimum(guide, cum.shape[0] - 1).astype(np.int32), shift


def draw_negatives_reference(cum: np.ndarray, r: np.ndarray) -> np.ndarray:
    """NumPy reference of the kernel's draw: first v with cum[v] > r % cum[-1]."""
    r = np.asarray(r, dtype=np.uint64) % np.uint64(cum[-1])
    return np.searchsorted(cum.astype(np.uint64), r, side="right")
