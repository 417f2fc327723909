"""Every public entry of seqlab.text that takes a corpus (or a text, tokens, ids)
refuses None, str, bytes, lists holding None and numpy object arrays with a
TypeError/ValueError that names the entry, what it expected and what came:
never an AttributeError, a numpy error, or a silent walk over characters."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from seqlab.text import (
    CharTokenizer,
    JamoTokenizer,
    NgramTokenizer,
    RegexTokenizer,
    Standardizer,
    TextVectorizer,
    Vocabulary,
    WordTokenizer,
    char_ngrams,
    compose,
    decompose,
    encode_bag,
    encode_one_hot,
    iter_documents,
    iter_lines,
    ngrams,
    normalize_unicode,
    pad_sequences,
    read_text,
    remove_html_breaks,
    split_syllable,
    strip_punctuation,
    to_compatibility,
    whitespace_split,
)

NONE_STR_BYTES = {"None": None, "str": "hello world", "bytes": b"hello", "int": 5}
ITEMS = {
    "[None]": [None],
    "object array with None": np.array(["ok", None], dtype=object),
    "list with None": ["ok", None],
    "[1, 2]": [1, 2],
}

_vocab = Vocabulary(["a", "b"])
_fitted = TextVectorizer().fit(["a b c"])

# entry -> (call, the owner named in the message, which inputs to try)
CORPUS_ENTRIES: dict[str, tuple[Callable[[Any], Any], str]] = {
    "Vocabulary.build": (lambda x: Vocabulary.build(x), "Vocabulary.build: expected a list of token lists"),
    "Vocabulary": (lambda x: Vocabulary(x), "Vocabulary"),
    "Vocabulary.from_counts": (lambda x: Vocabulary.from_counts(x), "Vocabulary.from_counts: expected a mapping"),
    "Vocabulary.encode": (lambda x: _vocab.encode(x), "Vocabulary.encode: expected a list of tokens"),
    "Vocabulary.decode": (lambda x: _vocab.decode(x), "Vocabulary.decode: expected a list of int ids"),
    "pad_sequences": (lambda x: pad_sequences(x), "pad_sequences"),
    "TextVectorizer.fit": (lambda x: TextVectorizer().fit(x), "TextVectorizer.fit"),
    "TextVectorizer.fit_transform": (lambda x: TextVectorizer().fit_transform(x), "TextVectorizer.fit"),
    "TextVectorizer.transform": (lambda x: _fitted.transform(x), "TextVectorizer.transform"),
    "TextVectorizer(vocabulary=)": (lambda x: TextVectorizer(vocabulary=x), "TextVectorizer"),
    "ngrams": (lambda x: ngrams(x, 2), "ngrams: expected a list of tokens"),
    "JamoTokenizer.decode": (lambda x: JamoTokenizer().decode(x), "JamoTokenizer.decode: expected a list of tokens"),
    "encode_bag": (lambda x: encode_bag(x, [1], 3, "count"), "encode_bag: flat must be a 1-D array of ints"),
    "encode_one_hot": (lambda x: encode_one_hot(x, [1], 3, 2, padding="post", truncating="post"),
                       "encode_one_hot: flat must be a 1-D array of ints"),
}
TEXT_ENTRIES: dict[str, tuple[Callable[[Any], Any], str]] = {
    "whitespace_split": (whitespace_split, "whitespace_split: expected a str"),
    "WordTokenizer": (WordTokenizer(), "WordTokenizer: expected a str"),
    "CharTokenizer": (CharTokenizer(), "CharTokenizer: expected a str"),
    "RegexTokenizer": (RegexTokenizer(r"\w+"), "RegexTokenizer: expected a str"),
    "NgramTokenizer": (NgramTokenizer(whitespace_split, 2), "NgramTokenizer: expected a str"),
    "JamoTokenizer": (JamoTokenizer(), "JamoTokenizer: expected a str"),
    "char_ngrams": (lambda x: char_ngrams(x, 2), "CharTokenizer: expected a str"),
    "Standardizer": (Standardizer(), "Standardizer: expected a str"),
    "Standardizer.loose": (Standardizer().loose, "Standardizer: expected a str"),
    "strip_punctuation": (strip_punctuation, "strip_punctuation: expected a str"),
    "normalize_unicode": (lambda x: normalize_unicode(x, None), "normalize_unicode: expected a str"),
    "remove_html_breaks": (remove_html_breaks, "remove_html_breaks: expected a str"),
    "decompose": (decompose, "decompose: expected a str"),
    "compose": (compose, "compose: expected a str"),
    "to_compatibility": (to_compatibility, "to_compatibility: expected a str"),
    "TextVectorizer.analyze": (_fitted.analyze, "TextVectorizer.analyze: expected a str"),
}


def _check(call: Callable[[Any], Any], owner: str, bad: Any) -> str:
    with pytest.raises((TypeError, ValueError)) as info:
        call(bad)
    message = str(info.value)
    assert type(info.value) in (TypeError, ValueError), repr(info.value)
    assert message.startswith(owner.split(":")[0]), message
    assert owner in message, message
    return message


@pytest.mark.parametrize("entry", sorted(CORPUS_ENTRIES))
@pytest.mark.parametrize("bad", sorted(NONE_STR_BYTES | ITEMS))
def test_corpus_entries_name_what_they_expected_and_what_came(entry: str, bad: str) -> None:
    call, owner = CORPUS_ENTRIES[entry]
    value = (NONE_STR_BYTES | ITEMS)[bad]
    if entry == "TextVectorizer(vocabulary=)" and bad == "None":
        assert call(value).vocabulary is None  # None: learn the vocabulary
        return
    if entry == "Vocabulary.decode" and bad == "[1, 2]":
        assert call(value) == ["[UNK]", "a"]  # ids: fine
        return
    if entry.startswith("encode_") and bad == "[1, 2]":
        owner = entry + ": lengths add up to 1 but flat holds 2 ids"
    message = _check(call, owner, value)
    if bad in NONE_STR_BYTES and not entry.startswith("TextVectorizer.") and entry != "encode_bag" \
            and entry != "encode_one_hot":
        assert f"got {type(value).__name__}" in message, message


@pytest.mark.parametrize("entry", sorted(TEXT_ENTRIES))
@pytest.mark.parametrize("bad", [None, b"bytes", ["a", "list"], np.array(["a"], dtype=object), 3])
def test_text_entries_refuse_non_str(entry: str, bad: Any) -> None:
    call, owner = TEXT_ENTRIES[entry]
    message = _check(call, owner, bad)
    assert f"got {type(bad).__name__}" in message


def test_the_issue_examples() -> None:
    with pytest.raises(TypeError, match=r"^Vocabulary.build: expected a list of token lists, got str 'hello'$"):
        Vocabulary.build("hello")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"item 1 is NoneType None"):
        Vocabulary.build([["a"], None])  # was silently skipped
    with pytest.raises(TypeError, match=r"item 0 is str 'the cat' \(tokenize the text first\)"):
        Vocabulary.build(np.array(["the cat", "a dog"], dtype=object))
    with pytest.raises(TypeError, match=r"whose tokens are str; found the token int 1"):
        Vocabulary.build([["a", 1]])
    with pytest.raises(TypeError, match=r"pad_sequences: expected a list of sequences .* got str 'abc'"):
        pad_sequences("abc")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"pad_sequences: expected a list of sequences .* got NoneType None"):
        pad_sequences(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"sequences\[1\] must hold numbers \(ids\), got the item NoneType None"):
        pad_sequences([[1, 2], [3, None]])
    with pytest.raises(TypeError, match=r"sequences\[0\] must hold numbers \(ids\), got the item str_ np.str_\('a'\)"):
        pad_sequences([["a", "b"], [1]])
    with pytest.raises(ValueError, match=r"sequences\[0\] is not a flat sequence of numbers"):
        pad_sequences([[1, [2, 3]], [4]])
    with pytest.raises(TypeError, match=r"sequences\[0\] must be a sequence .* got str 'ab'"):
        pad_sequences(["ab", "cd"])
    with pytest.raises(TypeError, match=r"value must be a number for dtype int32, got NoneType None"):
        pad_sequences([[1]], value=None)
    with pytest.raises(TypeError, match="dtype must be a numpy dtype"):
        pad_sequences([[1]], dtype="no-such-type")


def test_text_and_object_sequences_still_pad_as_keras_does() -> None:
    out = pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>", padding="post")
    assert out.tolist() == [["a", "b"], ["c", "<pad>"]]
    assert pad_sequences([np.array([1, 2]), (3,)], maxlen=2).tolist() == [[1, 2], [0, 3]]
    assert pad_sequences(np.array([[1, 2], [3, 4]])).tolist() == [[1, 2], [3, 4]]


def test_numpy_str_tokens_become_plain_str() -> None:
    v = Vocabulary.build([np.array(["a", "b"]), ["b"]])
    assert v.get_vocabulary() == ["", "[UNK]", "b", "a"]
    assert all(type(t) is str for t in v.get_vocabulary())
    tv = TextVectorizer(vocabulary=np.array(["x", "y"]))
    assert tv.get_vocabulary() == ["", "[UNK]", "x", "y"]


def test_vectorizer_inputs() -> None:
    with pytest.raises(TypeError, match=r"expected a list of texts, got a single bytes b'raw'"):
        TextVectorizer().fit(b"raw")
    with pytest.raises(TypeError, match=r"TextVectorizer.transform: item 1 must be a str .* got NoneType"):
        _fitted.transform(np.array(["a", None], dtype=object))
    # bytes items are texts (decoded); a 1-D object array of str is fine
    np.testing.assert_array_equal(_fitted.transform([b"a b"]), _fitted.transform(["a b"]))
    np.testing.assert_array_equal(_fitted.transform(np.array(["a b"], dtype=object)), _fitted.transform(["a b"]))


def test_encode_checks_ids() -> None:
    with pytest.raises(ValueError, match=r"encode_bag: id 7 is out of range \[0, 3\)"):
        encode_bag(np.array([7]), np.array([1]), 3, "count")
    with pytest.raises(ValueError, match="lengths must be >= 0"):
        encode_bag(np.array([1]), np.array([2, -1]), 3, "count")
    with pytest.raises(TypeError, match="lengths must be a 1-D array of ints"):
        encode_one_hot(np.array([1]), None, 3, 2, padding="post", truncating="post")  # type: ignore[arg-type]
    assert encode_bag([], [0, 0], 3, "count").shape == (2, 3)


def test_paths(tmp_path: Path) -> None:
    for bad in (None, b"file.txt", 3):
        with pytest.raises(TypeError, match=r"iter_documents: expected a file or directory path"):
            list(iter_documents(bad))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"iter_lines: expected a file path"):
            list(iter_lines(bad))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=r"read_text: expected a file path"):
            read_text(bad)  # type: ignore[arg-type]
    (tmp_path / "a.txt").write_text("one text", encoding="utf-8")
    with pytest.raises(TypeError, match=r"iter_documents: expected file or directory paths .* got NoneType"):
        list(iter_documents([tmp_path, None]))  # type: ignore[list-item]


def test_split_syllable_type() -> None:
    with pytest.raises(TypeError, match="split_syllable: expected one Hangul syllable"):
        split_syllable(None)  # type: ignore[arg-type]
