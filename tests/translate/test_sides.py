"""TextSide: ids both ways for each tokenizer kind, the reserved ids, the fingerprint."""

from __future__ import annotations

import pytest

from seqlab.text import Vocabulary
from seqlab.translate import TextSide
from seqlab.translate.sides import END, START


def test_reserved_ids_come_first_and_unknown_tokens_map_to_oov():
    side = TextSide.build("word", ["Hola, mundo.", "¿Qué tal?"], max_length=10)
    assert side.vocabulary.get_vocabulary()[:4] == ["", "[UNK]", START, END]
    assert (side.start_id, side.end_id) == (2, 3)
    assert side.encode("hola gato") == [side.vocabulary["hola"], 1]


def test_word_decode_stops_at_the_end_token_and_attaches_punctuation():
    side = TextSide.build("word", ["¿Qué tal, amigo?"], max_length=10)
    ids = side.encode("¿Qué tal, amigo?")
    assert side.decode([side.start_id, *ids, side.end_id, *ids]) == "¿qué tal, amigo?"


@pytest.mark.parametrize("kind, text", [("char", "거기로 가."), ("jamo", "거기로 가.")])
def test_char_and_jamo_sides_give_the_text_back(kind, text):
    side = TextSide.build(kind, [text], max_length=40)
    assert side.decode(side.encode(text)) == text


def test_max_tokens_counts_the_reserved_ids():
    side = TextSide.build("word", ["a a a b b c"], max_length=5, max_tokens=6)
    assert side.vocabulary.get_vocabulary() == ["", "[UNK]", START, END, "a", "b"]


def test_the_fingerprint_changes_with_the_tokens_or_the_kind():
    a = TextSide.build("char", ["abc"], 5)
    assert a.fingerprint == TextSide.build("char", ["abc"], 9).fingerprint  # not max_length
    assert a.fingerprint != TextSide.build("char", ["abd"], 5).fingerprint
    assert a.fingerprint != TextSide("jamo", a.vocabulary, 5).fingerprint
    assert a.fingerprint == TextSide.from_dict(a.to_dict(), "test").fingerprint


def test_a_vocabulary_without_the_reserved_ids_is_refused():
    with pytest.raises(ValueError, match=r"must start with the ids .*\[start\]"):
        TextSide("word", Vocabulary(["a", "b"]), 5)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        TextSide.build("bpe", ["abc"], 5)
