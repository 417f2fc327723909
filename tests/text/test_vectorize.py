"""TextVectorizer: the talk's table, every output mode, hashing, streaming, errors."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from seqlab.text import (
    JamoTokenizer,
    NotFittedError,
    TextDecodeError,
    TextVectorizer,
    Vocabulary,
    VocabularySizeWarning,
    WordTokenizer,
    compose,
)

TALK = ["We are SAI", "We are a student"]
DOCS = ["the cat sat", "the cat ate the rat", "a dog sat", "the end"]


def test_talk_multi_hot_table() -> None:
    tv = TextVectorizer(standardize=None, split="whitespace", output_mode="multi_hot", oov_token=None)
    table = tv.fit(TALK).transform(TALK)
    assert tv.get_vocabulary() == ["We", "are", "SAI", "a", "student"]
    np.testing.assert_array_equal(table, [[1, 1, 1, 0, 0], [1, 1, 0, 1, 1]])
    assert table.dtype == np.float32


def test_int_mode_reserves_padding_and_oov() -> None:
    tv = TextVectorizer().fit(DOCS)
    vocab = tv.get_vocabulary()
    assert vocab[:3] == ["", "[UNK]", "the"]
    ids = tv.transform(["The cat, the DOG!", "unknown"])
    assert ids.dtype == np.int32 and ids.shape == (2, 4)
    assert [vocab[i] for i in ids[0]] == ["the", "cat", "the", "dog"]
    np.testing.assert_array_equal(ids[1], [1, 0, 0, 0])  # OOV then post padding


@pytest.mark.parametrize(("padding", "truncating", "row0", "row1"), [
    ("post", "post", ["the", "cat", "ate"], ["the", "end", ""]),
    ("pre", "pre", ["ate", "the", "rat"], ["", "the", "end"]),
])
def test_output_sequence_length(padding: str, truncating: str, row0: list[str], row1: list[str]) -> None:
    tv = TextVectorizer(output_sequence_length=3, padding=padding, truncating=truncating).fit(DOCS)
    vocab = tv.get_vocabulary()
    ids = tv.transform([DOCS[1], DOCS[3]])
    assert [vocab[i] for i in ids[0]] == row0 and [vocab[i] for i in ids[1]] == row1


def test_count_matches_counter_and_oov_column() -> None:
    tv = TextVectorizer(output_mode="count").fit(DOCS)
    vocab = tv.get_vocabulary()
    assert vocab[0] == "[UNK]"  # no padding id outside int mode
    new = ["the the cat zebra zebra"]
    row = tv.transform(new)[0]
    expected = Counter(w if w in vocab else "[UNK]" for w in new[0].split())
    assert {vocab[i]: c for i, c in enumerate(row) if c} == expected


def test_tf_idf_is_count_times_keras_idf() -> None:
    tv = TextVectorizer(output_mode="tf_idf").fit(DOCS)
    vocab = tv.get_vocabulary()
    n = len(DOCS)
    for i, token in enumerate(vocab[1:], start=1):
        df = sum(token in d.split() for d in DOCS)
        assert tv.idf_[i] == pytest.approx(math.log(1 + n / (1 + df)), rel=1e-6)
    assert tv.idf_[0] == pytest.approx(tv.idf_[1:].mean(), rel=1e-6)  # OOV: mean idf
    row = tv.transform(["the the zebra"])[0]
    assert row[vocab.index("the")] == pytest.approx(2 * tv.idf_[vocab.index("the")])
    assert row[0] == pytest.approx(tv.idf_[0])


def test_one_hot_is_one_vector_per_token() -> None:
    tv = TextVectorizer(output_mode="one_hot", output_sequence_length=5).fit(DOCS)
    ids = TextVectorizer(oov_token="[UNK]").fit(DOCS)  # same tokens, int ids shifted by padding
    out = tv.transform(["the cat ate", "zebra"])
    assert out.shape == (2, 5, len(tv.get_vocabulary()))
    vocab = tv.get_vocabulary()
    assert [vocab[int(v.argmax())] for v in out[0, :3]] == ["the", "cat", "ate"]
    np.testing.assert_array_equal(out.sum(axis=2), [[1, 1, 1, 0, 0], [1, 0, 0, 0, 0]])
    assert vocab[int(out[1, 0].argmax())] == "[UNK]"
    assert ids.get_vocabulary()[1:] == vocab


def test_ngrams_word_and_character() -> None:
    tv = TextVectorizer(standardize=None, ngrams=2, output_mode="multi_hot", oov_token=None).fit(TALK)
    assert "We are" in tv.get_vocabulary() and "a student" in tv.get_vocabulary()
    chars = TextVectorizer(standardize=None, split="character", ngrams=(2,), oov_token=None,
                           output_mode="count").fit(["love"])
    assert chars.get_vocabulary() == ["lo", "ov", "ve"]


def test_hashing_trick_is_stable_and_needs_no_fit() -> None:
    a = TextVectorizer(output_mode="count", num_bins=16)
    b = TextVectorizer(output_mode="count", num_bins=16)
    x = a.transform(DOCS)  # no fit needed
    np.testing.assert_array_equal(x, b.transform(DOCS))
    assert x.shape == (4, 16)
    np.testing.assert_array_equal(x.sum(axis=1), [len(d.split()) for d in DOCS])
    ids = TextVectorizer(num_bins=16).transform(DOCS)
    assert ids.min() >= 0 and ids.max() < 16
    for row, doc in zip(ids, DOCS):  # 0 stays padding: tokens land in 1..15
        n = len(doc.split())
        assert (row[:n] > 0).all() and (row[n:] == 0).all()
    with pytest.raises(ValueError, match="num_bins"):
        TextVectorizer(num_bins=16, max_tokens=10)
    tf = TextVectorizer(output_mode="tf_idf", num_bins=16)
    with pytest.raises(NotFittedError):
        tf.transform(DOCS)
    assert tf.fit(DOCS).transform(DOCS).shape == (4, 16)
    with pytest.raises(ValueError, match="no vocabulary"):
        tf.get_vocabulary()


def test_not_fitted_error() -> None:
    tv = TextVectorizer()
    with pytest.raises(NotFittedError, match="call fit"):
        tv.transform(DOCS)
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    fixed = TextVectorizer(vocabulary=["the", "cat"])
    np.testing.assert_array_equal(fixed.transform(["the dog cat"]), [[2, 1, 3]])
    with pytest.raises(NotFittedError, match="idf"):
        TextVectorizer(output_mode="tf_idf", vocabulary=["the"]).transform(DOCS)


def test_empty_corpus_and_bad_inputs() -> None:
    with pytest.raises(ValueError, match="empty corpus: no documents"):
        TextVectorizer().fit([])
    with pytest.raises(ValueError, match="empty corpus: 2 documents held no tokens"):
        TextVectorizer().fit(["", "?!"])
    with pytest.raises(TypeError, match="single str"):
        TextVectorizer().fit("the cat sat")
    with pytest.raises(TypeError, match="item 1"):
        TextVectorizer().fit(["ok", None])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"output_mode": "binary"}, "['int', 'one_hot', 'multi_hot', 'count', 'tf_idf']"),
    ({"padding": "both"}, "['pre', 'post']"),
    ({"standardize": "upper"}, "lower_and_strip_punctuation"),
    ({"split": "space"}, "'whitespace'"),
    ({"output_mode": "count", "output_sequence_length": 3}, "output_sequence_length"),
    ({"sparse": True}, "sparse=True"),
    ({"max_tokens": 2}, "max_tokens"),
    ({"pad_to_max_tokens": True}, "pad_to_max_tokens"),
    ({"errors": "skip"}, "'strict', 'replace', 'ignore'"),
])
def test_bad_options_are_explained(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as info:
        TextVectorizer(**kwargs)
    assert message in str(info.value)


def test_vocabulary_smaller_than_max_tokens_warns() -> None:
    with pytest.warns(VocabularySizeWarning):
        tv = TextVectorizer(max_tokens=1000).fit(DOCS)
    assert len(tv.get_vocabulary()) == 2 + 8
    padded = TextVectorizer(max_tokens=20, output_mode="multi_hot", pad_to_max_tokens=True)
    with pytest.warns(VocabularySizeWarning):
        assert padded.fit_transform(DOCS).shape == (4, 20)


def test_fit_streams_an_iterator_once() -> None:
    consumed = []

    def stream() -> Iterator[str]:
        for d in DOCS:
            consumed.append(d)
            yield d

    tv = TextVectorizer().fit(stream())
    assert consumed == DOCS
    assert tv.get_vocabulary() == TextVectorizer().fit(DOCS).get_vocabulary()
    assert tv.n_documents_ == 4


def test_fit_from_files_and_directories(tmp_path: Path, imdb_dir: Path, imdb_texts: list[str]) -> None:
    path = tmp_path / "docs.txt"
    path.write_text("\n".join(DOCS) + "\n", encoding="utf-8")
    from_file = TextVectorizer().fit(path)
    assert from_file.get_vocabulary() == TextVectorizer().fit(DOCS).get_vocabulary()
    np.testing.assert_array_equal(from_file.transform(path), from_file.transform(DOCS))
    from_dir = TextVectorizer(output_mode="count").fit(imdb_dir)
    assert from_dir.n_documents_ == 20
    assert from_dir.get_vocabulary() == TextVectorizer(output_mode="count").fit(imdb_texts).get_vocabulary()
    assert "br" not in from_dir.get_vocabulary()  # <br /> removed by the default standardize


def test_non_utf8_file_error_and_replace_policy(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("café ok\nnaïve\n".encode("latin-1"))
    with pytest.raises(TextDecodeError, match=r"latin1.txt: .*byte offset 3 \(line 1\)"):
        TextVectorizer().fit(path)
    tv = TextVectorizer(errors="replace").fit(path)
    assert "caf" in tv.get_vocabulary()  # U+FFFD is a symbol, stripped with the punctuation


MODES = ["int", "one_hot", "multi_hot", "count", "tf_idf"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("oov_token", ["[UNK]", None])
@pytest.mark.parametrize("max_tokens", [None, 6])
def test_fit_transform_equals_fit_then_transform(mode: str, oov_token: str | None,
                                                 max_tokens: int | None) -> None:
    docs = [*DOCS, "unseen words the"]
    one = TextVectorizer(output_mode=mode, oov_token=oov_token, max_tokens=max_tokens)
    two = TextVectorizer(output_mode=mode, oov_token=oov_token, max_tokens=max_tokens)
    np.testing.assert_allclose(one.fit_transform(docs), two.fit(docs).transform(docs), rtol=1e-6)
    assert one.get_vocabulary() == two.get_vocabulary()
    if mode == "tf_idf":
        np.testing.assert_allclose(one.idf_, two.idf_, rtol=1e-6)


@pytest.mark.parametrize("mode", ["multi_hot", "count", "tf_idf"])
def test_sparse_equals_dense(mode: str) -> None:
    pytest.importorskip("scipy")
    dense = TextVectorizer(output_mode=mode).fit(DOCS)
    sparse = TextVectorizer(output_mode=mode, sparse=True).fit(DOCS)
    x = sparse.transform([*DOCS, "zebra the"])
    assert x.format == "csr" and x.has_sorted_indices
    np.testing.assert_allclose(x.toarray(), dense.transform([*DOCS, "zebra the"]))
    np.testing.assert_allclose(
        TextVectorizer(output_mode=mode, sparse=True).fit_transform(DOCS).toarray(),
        dense.transform(DOCS),
    )


def test_same_counts_as_scikit_learn(imdb_texts: list[str]) -> None:
    text = pytest.importorskip("sklearn.feature_extraction.text")
    from seqlab.text import RegexTokenizer

    sk = text.CountVectorizer()
    theirs = sk.fit_transform(imdb_texts).toarray()
    tv = TextVectorizer(standardize="lower", split=RegexTokenizer(r"\b\w\w+\b"),
                        output_mode="count", oov_token=None)
    ours = tv.fit_transform(imdb_texts)
    vocab = tv.get_vocabulary()
    assert sorted(vocab) == sorted(sk.vocabulary_)
    order = [vocab.index(t) for t in sorted(sk.vocabulary_, key=sk.vocabulary_.get)]
    np.testing.assert_array_equal(ours[:, order], theirs)


def test_korean_word_char_and_jamo(nsmc_texts: list[str]) -> None:
    words = TextVectorizer(split=WordTokenizer(), standardize=None, output_mode="count").fit(nsmc_texts)
    assert "평점들은" in words.get_vocabulary()
    chars = TextVectorizer(standardize=None, split="character", output_mode="multi_hot").fit(nsmc_texts)
    assert "굳" in chars.get_vocabulary()
    # jamo ids decode back to the exact text: tokens -> ids -> tokens -> compose
    jamo = TextVectorizer(standardize=None, split=JamoTokenizer())
    ids = jamo.fit_transform(nsmc_texts)
    vocab = jamo.get_vocabulary()
    for row, text in zip(ids, nsmc_texts):
        assert compose("".join(vocab[i] for i in row if i)) == text


def test_korean_morphemes_with_kiwi(nsmc_texts: list[str], kiwi_tokenizer: object) -> None:
    kiwi = kiwi_tokenizer
    tv = TextVectorizer(standardize=None, split=kiwi, output_mode="int").fit(nsmc_texts)
    vocab = tv.get_vocabulary()
    assert "영화" in vocab
    ids = tv.transform(["진짜 짜증나네요"])
    assert ids.shape == (1, len(kiwi("진짜 짜증나네요")))  # one id per morpheme
    assert ids[0, 0] == vocab.index("진짜")


def test_vocabulary_argument_and_config() -> None:
    v = Vocabulary.build([d.split() for d in DOCS])
    tv = TextVectorizer(vocabulary=v, output_mode="multi_hot")
    assert tv.get_vocabulary()[0] == "[UNK]" and tv.get_vocabulary()[1:] == v.get_vocabulary(False)
    assert TextVectorizer(vocabulary=["", "[UNK]", "a"]).get_vocabulary() == ["", "[UNK]", "a"]
    config = TextVectorizer(max_tokens=50, ngrams=2).get_config()
    assert config["max_tokens"] == 50 and config["ngrams"] == 2 and config["output_mode"] == "int"
    with pytest.raises(TypeError, match="vocabulary"):
        TextVectorizer(vocabulary="the cat")


def test_dense_output_too_large_is_refused_with_advice() -> None:
    tv = TextVectorizer(output_mode="one_hot", output_sequence_length=10**8).fit(DOCS)
    with pytest.raises(ValueError, match="GiB"):
        tv.transform(DOCS)
