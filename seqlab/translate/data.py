"""Sentence pairs for training: a fixed seeded split and length-bucketed batches.

**Split** (:func:`split_pairs`): the pairs are shuffled once with
``numpy.random.default_rng(seed)``; the first ``test_size`` are the held-out
test split, the next ``validation_size`` the validation split, the rest train.
The same file, sizes and seed always give the same split.

**Batches** (:func:`make_batches`): pairs whose source or target has more
tokens than the side's ``max_length`` are dropped (and counted); the rest are
sorted by (source length, target length), cut into batches of ``batch_size``,
and each batch is padded after the end (id 0) to its own longest sentence,
so that little time goes to padding. A batch is ``([source, decoder_in],
decoder_target)`` from :func:`seqlab.text.shift_targets`; ``fit`` shuffles
the order of the batches every epoch.

**Scoring** (:func:`scorable`): the test sentences that are translated and
scored — the first ``limit`` test pairs, less those whose source has more
tokens than the source side's ``max_length`` (counted, not cut).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from seqlab import checks
from seqlab.text import pad_sequences, shift_targets
from seqlab.translate.sides import TextSide

__all__ = ["make_batches", "scorable", "split_pairs"]

Pair = tuple[str, str]
Batch = tuple[list[np.ndarray], np.ndarray]


def split_pairs(pairs: Sequence[Pair], test_size: int, validation_size: int, seed: int
                ) -> tuple[list[Pair], list[Pair], list[Pair]]:
    """(train, validation, test) pairs (see the module docstring)."""
    test_size = checks.integer("split_pairs", "test_size", test_size, 0)
    validation_size = checks.integer("split_pairs", "validation_size", validation_size, 0)
    if test_size + validation_size >= len(pairs):
        raise ValueError(f"split_pairs: test_size + validation_size = "
                         f"{test_size + validation_size} leaves no training pairs out of "
                         f"{len(pairs)}")
    order = np.random.default_rng(seed).permutation(len(pairs))
    shuffled = [pairs[i] for i in order]
    held = test_size + validation_size
    return shuffled[held:], shuffled[test_size:held], shuffled[:test_size]


def make_batches(pairs: Sequence[Pair], source: TextSide, target: TextSide,
                 batch_size: int) -> tuple[list[Batch], int]:
    """The padded batches of ``pairs`` and how many pairs were too long to keep."""
    batch_size = checks.positive_int("make_batches", "batch_size", batch_size)
    encoded = [(source.encode(s), target.encode(t)) for s, t in pairs]
    kept = [(s, t) for s, t in encoded
            if 0 < len(s) <= source.max_length and 0 < len(t) <= target.max_length]
    kept.sort(key=lambda st: (len(st[0]), len(st[1])))
    batches = []
    for start in range(0, len(kept), batch_size):
        chunk = kept[start:start + batch_size]
        sources = pad_sequences([s for s, _ in chunk], padding="post", dtype="int64")
        decoder_in, decoder_out = shift_targets([np.asarray(t, np.int64) for _, t in chunk],
                                                start_id=target.start_id, end_id=target.end_id)
        batches.append(([sources, decoder_in], decoder_out))
    return batches, len(encoded) - len(kept)


def scorable(test: Sequence[Pair], source: TextSide, limit: int | None = None
             ) -> tuple[list[str], list[str], int]:
    """(sources, references, too long) of the test pairs to score (see the module docstring)."""
    test = test[:limit or len(test)]
    kept = [(s, t) for s, t in test if len(source.encode(s)) <= source.max_length]
    return [s for s, _ in kept], [t for _, t in kept], len(test) - len(kept)
