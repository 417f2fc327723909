"""seqlab.keras.preprocessing.text.Tokenizer: Keras' id scheme and matrix formulas,
by hand and, where keras-preprocessing is installed, against its Tokenizer."""

import math

import numpy as np
import pytest

from seqlab.keras.preprocessing.text import Tokenizer, text_to_word_sequence

SAMPLES = ["The cat sat on the mat.", "The dog ate my homework."]

TEXTS = [
    "The cat sat on the mat.", "The dog ate my homework!", "A cat, a dog; the END.",
    "Don't\tstop\nbelieving", "Über café — naïve résumé", "the THE The tHe", "",
    "numbers 1 2 3 and 1,000.5", "dog dog cat cat mat", "e-mail me@example.com",
]


def test_most_frequent_word_is_one_and_ties_keep_first_seen_order():
    tok = Tokenizer()
    tok.fit_on_texts(SAMPLES)
    assert tok.word_index == {"the": 1, "cat": 2, "sat": 3, "on": 4, "mat": 5, "dog": 6,
                              "ate": 7, "my": 8, "homework": 9}
    assert tok.word_counts["the"] == 3 and tok.document_count == 2
    assert tok.word_docs["the"] == 2 and tok.index_word[6] == "dog"
    assert tok.texts_to_sequences(["The homework, the cat!"]) == [[1, 9, 1, 2]]


def test_num_words_keeps_ids_below_it_and_word_index_keeps_all():
    tok = Tokenizer(num_words=3)
    tok.fit_on_texts(SAMPLES)
    assert len(tok.word_index) == 9
    assert tok.texts_to_sequences(SAMPLES) == [[1, 2, 1], [1]]


def test_oov_token_is_one_and_stands_for_unknown_and_cut_words():
    tok = Tokenizer(num_words=4, oov_token="<unk>")
    tok.fit_on_texts(SAMPLES)
    assert tok.word_index["<unk>"] == 1 and tok.word_index["the"] == 2
    assert tok.texts_to_sequences(["the cat zebra sat"]) == [[2, 3, 1, 1]]
    assert tok.sequences_to_texts([[2, 3, 1, 7, 99]]) == ["the cat <unk> <unk> <unk>"]


def test_sequences_to_texts_drops_unknown_ids_without_oov():
    tok = Tokenizer()
    tok.fit_on_texts(SAMPLES)
    assert tok.sequences_to_texts([[1, 2, 99, 0, 3]]) == ["the cat sat"]


def test_filters_lower_split_and_char_level():
    assert text_to_word_sequence("Hello, World!  ok") == ["hello", "world", "ok"]
    assert text_to_word_sequence("a-b|C", filters="-", lower=False, split="|") == ["a", "b", "C"]
    tok = Tokenizer(char_level=True)
    tok.fit_on_texts(["abA", "b"])
    assert tok.word_index == {"a": 1, "b": 2}
    words = Tokenizer(lower=False)
    words.fit_on_texts([["Keep", "tokens", "Keep"]])
    assert words.word_index == {"Keep": 1, "tokens": 2}


def test_matrix_modes_follow_keras_formulas():
    tok = Tokenizer()
    tok.fit_on_texts(["a a b", "b c", "c c c a"])  # a:3 c:4 b:2 -> c=1, a=2, b=3
    assert tok.word_index == {"c": 1, "a": 2, "b": 3}
    texts = ["a a b b b", "zzz"]
    np.testing.assert_array_equal(tok.texts_to_matrix(texts, "binary"),
                                  [[0, 0, 1, 1], [0, 0, 0, 0]])
    np.testing.assert_array_equal(tok.texts_to_matrix(texts, "count"),
                                  [[0, 0, 2, 3], [0, 0, 0, 0]])
    np.testing.assert_allclose(tok.texts_to_matrix(texts, "freq"),
                               [[0, 0, 2 / 5, 3 / 5], [0, 0, 0, 0]])
    tfidf = tok.texts_to_matrix(texts, "tfidf")
    # a is in 2 of 3 texts, b in 2 of 3
    idf = math.log(1 + 3 / (1 + 2))
    np.testing.assert_allclose(tfidf[0], [0, 0, (1 + math.log(2)) * idf,
                                          (1 + math.log(3)) * idf])


def test_matrix_width_is_num_words_or_vocabulary_plus_one():
    tok = Tokenizer(num_words=1000)
    tok.fit_on_texts(SAMPLES)
    assert tok.texts_to_matrix(SAMPLES, mode="binary").shape == (2, 1000)
    tok = Tokenizer()
    tok.fit_on_texts(SAMPLES)
    assert tok.texts_to_matrix(SAMPLES).shape == (2, 10)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="num_words must be a positive int"):
        Tokenizer(num_words=0)
    with pytest.raises(ValueError, match="split must be a non-empty str"):
        Tokenizer(split="")
    tok = Tokenizer()
    with pytest.raises(TypeError, match="got one str"):
        tok.fit_on_texts("The cat sat")
    with pytest.raises(TypeError, match="text 1 must be a str or a list of str, got int"):
        tok.fit_on_texts(["ok", 3])
    with pytest.raises(ValueError, match="fit_on_texts first"):
        tok.texts_to_matrix(["a"])
    tok.fit_on_texts(["a"])
    with pytest.raises(ValueError, match="mode must be one of binary, count, tfidf, freq"):
        tok.texts_to_matrix(["a"], mode="onehot")
    with pytest.raises(ValueError, match="tfidf needs the document counts"):
        Tokenizer(num_words=5).sequences_to_matrix([[1]], mode="tfidf")


@pytest.mark.parametrize("options", [
    {}, {"num_words": 6}, {"oov_token": "<oov>"}, {"num_words": 5, "oov_token": "<oov>"},
    {"lower": False, "filters": ".,"}, {"char_level": True, "num_words": 12},
    {"split": ",", "filters": ""},
])
def test_agrees_with_keras_preprocessing(options):
    reference = pytest.importorskip(
        "keras_preprocessing.text",
        reason="the reference Tokenizer comes from keras-preprocessing (pip install "
               "keras-preprocessing)")
    ours, theirs = Tokenizer(**options), reference.Tokenizer(**options)
    ours.fit_on_texts(TEXTS[:7])
    theirs.fit_on_texts(TEXTS[:7])
    ours.fit_on_texts(TEXTS[7:])
    theirs.fit_on_texts(TEXTS[7:])
    assert ours.word_index == theirs.word_index
    assert dict(ours.word_counts) == dict(theirs.word_counts)
    assert ours.document_count == theirs.document_count
    queries = [*TEXTS, "an unseen zebra, the cat"]
    assert ours.texts_to_sequences(queries) == theirs.texts_to_sequences(queries)
    seqs = ours.texts_to_sequences(queries) + [[1, 2, 400, 3]]
    assert ours.sequences_to_texts(seqs) == theirs.sequences_to_texts(seqs)
    for mode in ("binary", "count", "freq", "tfidf"):
        np.testing.assert_allclose(ours.texts_to_matrix(queries, mode),
                                   theirs.texts_to_matrix(queries, mode), rtol=1e-12)
