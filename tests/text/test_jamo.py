"""Hangul syllable <-> jamo, checked against Unicode's own decomposition and on NSMC text."""

from __future__ import annotations

import gzip
import unicodedata
from pathlib import Path

import pytest

from seqlab.text.jamo import (
    JamoTokenizer,
    compose,
    decompose,
    is_syllable,
    join_jamo,
    split_syllable,
    to_compatibility,
)

ALL_SYLLABLES = "".join(chr(cp) for cp in range(0xAC00, 0xD7A4))


def test_split_syllable_examples() -> None:
    assert split_syllable("한") == ("\u1112", "\u1161", "\u11ab")
    assert split_syllable("가") == ("\u1100", "\u1161", "")
    assert split_syllable("힣") == ("\u1112", "\u1175", "\u11c2")
    for bad in ("a", "ㅋ", "한글", ""):
        with pytest.raises(ValueError, match="Hangul syllable"):
            split_syllable(bad)


def test_every_syllable_matches_unicode_nfd_and_joins_back() -> None:
    assert len(ALL_SYLLABLES) == 11172
    assert decompose(ALL_SYLLABLES) == unicodedata.normalize("NFD", ALL_SYLLABLES)
    assert compose(decompose(ALL_SYLLABLES)) == ALL_SYLLABLES
    assert unicodedata.normalize("NFC", decompose(ALL_SYLLABLES)) == ALL_SYLLABLES
    for s in ALL_SYLLABLES[::97]:
        assert join_jamo(*split_syllable(s)) == s


def test_join_jamo_rejects_non_jamo() -> None:
    with pytest.raises(ValueError, match="conjoining"):
        join_jamo("ㄱ", "ㅏ")  # compatibility jamo are not conjoining jamo


def test_decompose_touches_only_syllables() -> None:
    text = "3D 영화 ㅋㅋ café!"
    jamo = decompose(text)
    assert [c for c in jamo if not (0x1100 <= ord(c) <= 0x11FF)] == list("3D  ㅋㅋ café!")
    assert "é" in jamo  # NFD would have split it


def test_round_trip_on_nsmc(nsmc_texts: list[str]) -> None:
    for text in nsmc_texts:
        jamo = decompose(text)
        assert not any(is_syllable(c) for c in jamo)
        assert compose(jamo) == text
    assert to_compatibility(decompose("한글")) == "ㅎㅏㄴㄱㅡㄹ"


def test_round_trip_on_all_nsmc_test_rows(shared_data: Path) -> None:
    path = shared_data / "nsmc" / "ratings_test.txt.gz"
    if not path.exists():
        pytest.skip(f"{path} not found")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        text = f.read()
    assert compose(decompose(text)) == text


def test_jamo_tokenizer_decodes_back(nsmc_texts: list[str]) -> None:
    tok = JamoTokenizer()
    for text in nsmc_texts:
        tokens = tok(text)
        assert all(len(t) == 1 for t in tokens)
        assert tok.decode(tokens) == text
    readable = JamoTokenizer(compatibility=True, whitespace="drop")
    assert readable("난 널") == ["ㄴ", "ㅏ", "ㄴ", "ㄴ", "ㅓ", "ㄹ"]
    with pytest.raises(ValueError, match="compatibility"):
        readable.decode(["ㄴ", "ㅏ"])
    with pytest.raises(ValueError, match="whitespace"):
        JamoTokenizer(whitespace="strip")
