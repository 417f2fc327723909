"""Word, character, regex and n-gram tokenizers, on English and Korean (NSMC) text."""

from __future__ import annotations

import re
import unicodedata

import pytest

from seqlab.text.tokenize import (
    CharTokenizer,
    NgramTokenizer,
    RegexTokenizer,
    WordTokenizer,
    char_ngrams,
    get_tokenizer,
    ngrams,
    parse_ngrams,
    whitespace_split,
)


def _is_word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LMN"


def test_word_tokenizer_latin_accents_digits_and_html() -> None:
    tok = WordTokenizer()
    assert tok("Café au lait costs 3€ in Zürich!<br /><br />Naïve") == [
        "café", "au", "lait", "costs", "3", "in", "zürich", "naïve",
    ]
    assert WordTokenizer(lower=False)("Zürich") == ["Zürich"]


def test_word_tokenizer_keeps_combining_marks_inside_words() -> None:
    decomposed = "cafe\u0301 नमस्ते"  # combining acute accent; Devanagari vowel signs are marks
    assert WordTokenizer(normalize=None)(decomposed) == ["cafe\u0301", "नमस्ते"]
    assert WordTokenizer()(decomposed) == ["café", "नमस्ते"]


def test_word_tokenizer_on_nsmc_korean(nsmc_texts: list[str]) -> None:
    tok = WordTokenizer()
    assert tok(nsmc_texts[2]) == [
        "뭐야", "이", "평점들은", "나쁘진", "않지만", "10점", "짜리는", "더더욱", "아니잖아",
    ]
    assert tok(nsmc_texts[0]) == ["굳", "ㅋ"]  # compatibility jamo are letters
    for text in nsmc_texts:
        tokens = tok(text)
        assert tokens, text
        for token in tokens:
            assert token in text.lower()
            assert all(_is_word_char(c) or c in "'’" for c in token), token
        # nothing made of letters or digits was lost
        letters = "".join(c for c in text.lower() if _is_word_char(c))
        assert "".join(tokens).replace("'", "").replace("’", "") == letters


@pytest.mark.parametrize(
    ("apostrophes", "expected"),
    [("keep", ["don't", "stop"]), ("drop", ["dont", "stop"]), ("split", ["don", "t", "stop"])],
)
def test_word_tokenizer_apostrophes(apostrophes: str, expected: list[str]) -> None:
    assert WordTokenizer(apostrophes=apostrophes)("Don't 'stop'") == expected


def test_word_tokenizer_punctuation_tokens_and_min_length() -> None:
    tok = WordTokenizer(punctuation="keep")
    assert tok("Wow!!! 최고... a") == ["wow", "!!!", "최고", "...", "a"]
    assert WordTokenizer(punctuation="keep", min_length=2)("Wow! a ok") == ["wow", "!", "ok"]
    assert WordTokenizer(min_length=2)("I am a 배우 x") == ["am", "배우"]
    with pytest.raises(ValueError, match="min_length"):
        WordTokenizer(min_length=0)
    with pytest.raises(ValueError, match=r"\['drop', 'keep'\]"):
        WordTokenizer(punctuation="strip")


def test_char_tokenizer() -> None:
    assert CharTokenizer()("난 널") == ["난", " ", "널"]
    assert CharTokenizer(whitespace="drop")("난 널\n") == ["난", "널"]
    assert CharTokenizer()("e\u0301") == ["é"]  # NFC: one character
    assert CharTokenizer(normalize=None)("e\u0301") == ["e", "\u0301"]
    assert CharTokenizer(lower=True)("AB") == ["a", "b"]


def test_regex_tokenizer_and_group_check(imdb_texts: list[str]) -> None:
    tok = RegexTokenizer(r"\b\w\w+\b", lower=True)
    assert tok("I am a Movie-Fan") == ["am", "movie", "fan"]
    with pytest.raises(ValueError, match=r"\(\?:"):
        RegexTokenizer(r"(\w+)")
    with pytest.raises(TypeError):
        RegexTokenizer(3)  # type: ignore[arg-type]
    sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
    analyzer = sklearn_text.CountVectorizer().build_analyzer()
    for text in imdb_texts:
        assert tok(text) == analyzer(text)


def test_ngram_spec_int_means_one_to_n_and_tuple_lists_values() -> None:
    assert parse_ngrams(3) == (1, 2, 3)
    assert parse_ngrams((2, 3)) == (2, 3)
    assert parse_ngrams((3, 1)) == (1, 3)  # Keras: the listed values only
    assert parse_ngrams(None) is None
    for bad in (0, (), (0, 1), "2", 1.5, True):
        with pytest.raises(ValueError, match="ngrams"):
            parse_ngrams(bad)  # type: ignore[arg-type]


def test_ngrams_grouped_by_n_in_text_order() -> None:
    tokens = ["we", "are", "a", "student"]
    assert ngrams(tokens, 2) == ["we", "are", "a", "student", "we are", "are a", "a student"]
    assert ngrams(tokens, (3,)) == ["we are a", "are a student"]
    assert ngrams(tokens, (5,)) == []
    grams = ngrams(tokens, (1, 2, 3, 4))
    assert len(grams) == 4 + 3 + 2 + 1
    assert char_ngrams("love", (2,)) == ["lo", "ov", "ve"]
    assert char_ngrams("사랑해", 2) == ["사", "랑", "해", "사랑", "랑해"]


def test_ngram_tokenizer_wraps_any_callable() -> None:
    def by_comma(text: str) -> list[str]:
        return text.split(",")

    tok = NgramTokenizer(by_comma, (1, 2), separator="+")
    assert tok("a,b,c") == ["a", "b", "c", "a+b", "b+c"]
    with pytest.raises(TypeError, match="callable"):
        NgramTokenizer("whitespace", 2)  # type: ignore[arg-type]


def test_get_tokenizer_names_and_errors() -> None:
    assert get_tokenizer("whitespace") is whitespace_split
    assert get_tokenizer("word")("Hello, World") == ["Hello", "World"]  # no lower-casing here
    assert get_tokenizer("character")("a b") == ["a", " ", "b"]
    assert get_tokenizer(None) is None
    with pytest.raises(ValueError, match=re.escape("['whitespace', 'word', 'character']")):
        get_tokenizer("words")
