"""Bag-of-ids encodings, dense and sparse, against per-row loops."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.text.encode import (
    count_matrix,
    document_frequency,
    encode_bag,
    encode_one_hot,
    finish_bag,
)


def ragged(seed: int = 3, B: int = 6, V: int = 9) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    rng = np.random.default_rng(seed)
    seqs = [list(rng.integers(0, V, size=n)) for n in rng.integers(0, 7, size=B)]
    flat = np.array([i for s in seqs for i in s], dtype=np.int64)
    lengths = np.array([len(s) for s in seqs], dtype=np.int64)
    return flat, lengths, seqs


def loop_counts(seqs: list[list[int]], V: int) -> np.ndarray:
    out = np.zeros((len(seqs), V), dtype=np.float32)
    for b, s in enumerate(seqs):
        for v in s:
            out[b, v] += 1
    return out


@pytest.mark.parametrize("sparse", [False, True])
def test_counts_multi_hot_tf_idf(sparse: bool) -> None:
    if sparse:
        pytest.importorskip("scipy")
    flat, lengths, seqs = ragged()
    want = loop_counts(seqs, 9)

    def dense(x: object) -> np.ndarray:
        return x.toarray() if sparse else x  # type: ignore[attr-defined,return-value]

    counts = count_matrix(flat, lengths, 9, sparse=sparse)
    np.testing.assert_array_equal(dense(counts), want)
    np.testing.assert_array_equal(document_frequency(counts), (want > 0).sum(axis=0))
    np.testing.assert_array_equal(dense(encode_bag(flat, lengths, 9, "multi_hot", sparse=sparse)),
                                  (want > 0).astype(np.float32))
    idf = np.linspace(0.5, 2.0, 9).astype(np.float32)
    np.testing.assert_allclose(dense(encode_bag(flat, lengths, 9, "tf_idf", idf=idf, sparse=sparse)),
                               want * idf[None, :], rtol=1e-6)


def test_one_hot_rows_follow_padding_and_truncation() -> None:
    flat, lengths, seqs = ragged()
    out = encode_one_hot(flat, lengths, 9, 4, padding="pre", truncating="pre")
    assert out.shape == (6, 4, 9)
    for b, s in enumerate(seqs):
        kept = s[-4:]
        rows = out[b, 4 - len(kept):]
        assert [int(r.argmax()) for r in rows] == kept
        assert out[b, : 4 - len(kept)].sum() == 0
    post = encode_one_hot(flat, lengths, 9, 2, padding="post", truncating="post")
    for b, s in enumerate(seqs):
        assert [int(r.argmax()) for r in post[b, : min(2, len(s))]] == s[:2]


def test_errors() -> None:
    flat, lengths, _ = ragged()
    with pytest.raises(ValueError, match=r"\['multi_hot', 'count', 'tf_idf'\]"):
        encode_bag(flat, lengths, 9, "binary")
    with pytest.raises(ValueError, match="idf"):
        encode_bag(flat, lengths, 9, "tf_idf")
    with pytest.raises(ValueError, match="mode"):
        finish_bag(np.zeros((1, 2), np.float32), "one_hot")
