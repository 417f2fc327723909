"""The seeded split and the length-bucketed batches."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.translate import TextSide, make_batches, split_pairs
from seqlab.translate.data import scorable

PAIRS = [(f"fuente {i} " * (1 + i % 4), f"target {i}") for i in range(50)]


def test_the_split_is_fixed_by_the_seed_and_has_the_asked_sizes():
    train, validation, test = split_pairs(PAIRS, test_size=10, validation_size=5, seed=3)
    assert (len(train), len(validation), len(test)) == (35, 5, 10)
    assert sorted(train + validation + test) == sorted(PAIRS)
    assert split_pairs(PAIRS, 10, 5, seed=3) == (train, validation, test)
    assert split_pairs(PAIRS, 10, 5, seed=4)[2] != test


def test_a_split_that_leaves_no_training_pairs_is_refused():
    with pytest.raises(ValueError, match="leaves no training pairs out of 50"):
        split_pairs(PAIRS, 40, 10, seed=0)


def test_batches_are_padded_to_their_own_longest_sentence_and_teacher_forced():
    source = TextSide.build("word", [s for s, _ in PAIRS], max_length=6)
    target = TextSide.build("word", [t for _, t in PAIRS], max_length=5)
    batches, dropped = make_batches(PAIRS, source, target, batch_size=8)
    assert dropped == 12  # 4 copies of "fuente i" = 8 words > 6, every fourth pair
    assert sum(len(y) for _, y in batches) == 38
    widths = [x[0].shape[1] for x, _ in batches]
    assert widths == sorted(widths) and widths[0] == 2 and widths[-1] == 6
    (_, decoder_in), decoder_out = batches[0]
    assert np.all(decoder_in[:, 0] == target.start_id)
    assert np.all(decoder_out[:, -1] == target.end_id)
    assert np.array_equal(decoder_in[:, 1:], decoder_out[:, :-1])


def test_scorable_keeps_the_first_limit_pairs_and_counts_the_too_long_sources():
    source = TextSide.build("word", ["a b c d e"], max_length=3)
    test = [("a b", "x"), ("a b c d", "y"), ("c", "z"), ("d e", "w")]
    assert scorable(test, source) == (["a b", "c", "d e"], ["x", "z", "w"], 1)
    assert scorable(test, source, limit=2) == (["a b"], ["x"], 1)
