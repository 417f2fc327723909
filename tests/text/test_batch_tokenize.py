"""The batch protocol: a tokenizer's optional ``tokenize_batch`` is used by TextVectorizer."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.text import KiwiTokenizer, TextVectorizer
from seqlab.text.tokenize import batch_tokenizer, whitespace_split

DOCS = ["The cat sat.", "The dog sat!", "A cat, a dog; the end", "", "cat cat cat"]


class CountingBatchTokenizer:
    """Splits on whitespace; records how it was called."""

    def __init__(self) -> None:
        self.single_calls = 0
        self.batches: list[int] = []

    def __call__(self, text: str) -> list[str]:
        self.single_calls += 1
        return text.split()

    def tokenize_batch(self, texts: list[str]) -> list[list[str]]:
        assert isinstance(texts, list) and all(isinstance(t, str) for t in texts)
        self.batches.append(len(texts))
        return [t.split() for t in texts]


@pytest.mark.parametrize("mode", ["int", "count", "tf_idf"])
@pytest.mark.parametrize("ngrams", [None, 2])
def test_batch_tokenizer_gives_the_per_text_result(mode: str, ngrams: int | None) -> None:
    tok = CountingBatchTokenizer()
    batched = TextVectorizer(split=tok, output_mode=mode, ngrams=ngrams, batch_size=2)
    plain = TextVectorizer(split=whitespace_split, output_mode=mode, ngrams=ngrams)
    np.testing.assert_array_equal(batched.fit(DOCS).transform(DOCS), plain.fit(DOCS).transform(DOCS))
    assert batched.get_vocabulary() == plain.get_vocabulary()
    np.testing.assert_array_equal(batched.fit_transform(iter(DOCS)), plain.fit_transform(DOCS))
    assert tok.single_calls == 0  # never one text at a time
    assert set(tok.batches) == {2, 1}  # 5 texts in batches of 2: 2, 2, 1


def test_batch_size_streams_an_iterator_in_chunks() -> None:
    tok = CountingBatchTokenizer()
    TextVectorizer(split=tok, batch_size=3).fit(iter(DOCS * 3))
    assert tok.batches == [3, 3, 3, 3, 3]
    with pytest.raises(ValueError, match="batch_size"):
        TextVectorizer(batch_size=0)


def test_plain_callables_have_no_batch_method() -> None:
    assert batch_tokenizer(whitespace_split) is None
    assert batch_tokenizer(lambda t: t.split()) is None
    assert batch_tokenizer(CountingBatchTokenizer()) is not None


def test_bad_batch_output_is_explained() -> None:
    class Short(CountingBatchTokenizer):
        def tokenize_batch(self, texts: list[str]) -> list[list[str]]:
            return [t.split() for t in texts][:-1]

    class Strings(CountingBatchTokenizer):
        def tokenize_batch(self, texts: list[str]) -> list[str]:  # type: ignore[override]
            return list(texts)

    with pytest.raises(TypeError, match=r"Short.tokenize_batch: expected a list of 5 token lists .* got 4 items"):
        TextVectorizer(split=Short()).fit(DOCS)
    with pytest.raises(TypeError, match=r"must return a list of tokens \(str\) for each text, got str 'the cat sat '"):
        TextVectorizer(split=Strings()).fit(DOCS)


def test_a_tokenizer_returning_a_str_is_an_error_not_characters() -> None:
    # counting a str would count its characters: refuse it
    with pytest.raises(TypeError, match=r"must return a list of tokens .* got str 'the cat sat '.*text 0"):
        TextVectorizer(split=lambda t: t).fit(DOCS)
    with pytest.raises(TypeError, match="got NoneType None"):
        TextVectorizer(split=lambda t: None).fit(DOCS)
    tuples = TextVectorizer(split=lambda t: tuple(t.split())).fit(DOCS)
    assert "cat" in tuples.get_vocabulary()


def test_kiwi_batches_give_the_per_text_morphemes(nsmc_texts: list[str], kiwi_tokenizer: KiwiTokenizer) -> None:
    kiwi = kiwi_tokenizer
    assert batch_tokenizer(kiwi) is not None
    assert kiwi.tokenize_batch(nsmc_texts) == [kiwi(t) for t in nsmc_texts]
    assert kiwi.tokenize_batch([]) == []
    assert kiwi.tokenize_batch(iter(nsmc_texts[:3])) == [kiwi(t) for t in nsmc_texts[:3]]
    batched = TextVectorizer(split=kiwi, batch_size=7)
    ids = batched.fit_transform(nsmc_texts)

    def one_by_one(text: str) -> list[str]:
        return kiwi(text)

    plain = TextVectorizer(split=one_by_one)
    np.testing.assert_array_equal(ids, plain.fit_transform(nsmc_texts))
    assert batched.get_vocabulary() == plain.get_vocabulary()


@pytest.mark.parametrize("bad", [None, "진짜 짜증나네요", b"bytes", ["ok", None], np.array(["a", 1], dtype=object),
                                 np.array([["a", "b"]])])
def test_kiwi_batch_entry_refuses_non_lists_of_texts(kiwi_tokenizer: KiwiTokenizer, bad: object) -> None:
    with pytest.raises(TypeError, match=r"KiwiTokenizer.tokenize_batch: expected a list of texts \(str\)"):
        kiwi_tokenizer.tokenize_batch(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"KiwiTokenizer.tokenize_batch: expected a list of texts \(str\)"):
        kiwi_tokenizer.tokenize_many(bad)  # type: ignore[arg-type]
