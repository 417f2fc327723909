"""pad_sequences against a plain loop written from Keras' documented semantics."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.text.sequences import pad_sequences


def reference(seqs, maxlen, padding, truncating, value, dtype, sample_shape=()):  # type: ignore[no-untyped-def]
    """One row at a time, as the Keras docs describe it."""
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    out = np.full((len(seqs), maxlen) + sample_shape, value, dtype=dtype)
    for i, s in enumerate(seqs):
        if maxlen == 0 or not len(s):
            continue
        kept = list(s[-maxlen:]) if truncating == "pre" else list(s[:maxlen])
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, : len(kept)] = kept
    return out


def test_keras_docs_example_defaults_pre_pre() -> None:
    out = pad_sequences([[1, 2, 3], [4]], maxlen=2)
    np.testing.assert_array_equal(out, [[2, 3], [0, 4]])
    assert out.dtype == np.int32
    np.testing.assert_array_equal(pad_sequences([[1], [2, 3]]), [[0, 1], [2, 3]])


@pytest.mark.parametrize("padding", ["pre", "post"])
@pytest.mark.parametrize("truncating", ["pre", "post"])
@pytest.mark.parametrize("maxlen", [None, 0, 1, 4, 9])
@pytest.mark.parametrize("value", [-1, 0])  # 0 takes the zeros (calloc) path
def test_matches_reference_on_random_ragged_lists(padding: str, truncating: str, maxlen: int | None,
                                                  value: int) -> None:
    rng = np.random.default_rng(7)
    seqs = [list(rng.integers(1, 50, size=n)) for n in rng.integers(0, 8, size=12)]
    got = pad_sequences(seqs, maxlen=maxlen, padding=padding, truncating=truncating, value=value)
    np.testing.assert_array_equal(got, reference(seqs, maxlen, padding, truncating, value, "int32"))


def test_vectors_dtype_and_value() -> None:
    rng = np.random.default_rng(0)
    seqs = [rng.normal(size=(n, 3)) for n in (2, 0, 5)]
    got = pad_sequences(seqs, maxlen=4, dtype="float64", padding="post", truncating="post", value=0.5)
    assert got.shape == (3, 4, 3)
    want = reference(seqs, 4, "post", "post", 0.5, "float64", (3,))
    np.testing.assert_array_equal(got, want)


def test_empty_inputs() -> None:
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([[], []]).shape == (2, 0)
    np.testing.assert_array_equal(pad_sequences([[], [1]], maxlen=2), [[0, 0], [0, 1]])


def test_errors_name_the_argument() -> None:
    with pytest.raises(ValueError, match=r"padding must be one of \['pre', 'post'\]"):
        pad_sequences([[1]], padding="end")
    with pytest.raises(ValueError, match="truncating"):
        pad_sequences([[1]], truncating="both")
    with pytest.raises(ValueError, match="maxlen"):
        pad_sequences([[1]], maxlen=-1)
    with pytest.raises(TypeError, match=r"sequences\[1\]"):
        pad_sequences([[1], 5])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="list of sequences"):
        pad_sequences("abc")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"sequences\[1\] has items of shape \(2,\)"):
        pad_sequences([np.zeros((2, 3)), np.zeros((1, 2))])
