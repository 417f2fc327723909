"""Standardization: Unicode normalization, <br /> removal, lower-casing, punctuation."""

from __future__ import annotations

import unicodedata

import pytest

from seqlab.text.standardize import (
    Standardizer,
    get_standardizer,
    normalize_unicode,
    remove_html_breaks,
    strip_punctuation,
)


def test_nfc_joins_combining_accent_and_nfkc_folds_compatibility_forms() -> None:
    decomposed = "Cafe\u0301"
    assert normalize_unicode(decomposed, "NFC") == "Café"
    assert len(normalize_unicode(decomposed, "NFC")) == 4
    assert normalize_unicode("ＡＢＣ①", "NFKC") == "ABC1"
    assert normalize_unicode(decomposed, None) == decomposed
    with pytest.raises(ValueError, match="NFKC"):
        normalize_unicode("x", "nfc")


def test_html_breaks_of_every_spelling_become_spaces() -> None:
    text = "one<br />two<BR>three<br/>four< br / >five"
    assert remove_html_breaks(text).split() == ["one", "two", "three", "four", "five"]
    assert remove_html_breaks("a < b") == "a < b"


@pytest.mark.parametrize(
    ("apostrophes", "expected"),
    [
        ("keep", ["quoted", "don't", "rock'n'roll", "l’amour"]),
        ("drop", ["quoted", "dont", "rocknroll", "lamour"]),
        ("split", ["quoted", "don", "t", "rock", "n", "roll", "l", "amour"]),
    ],
)
def test_apostrophe_policies(apostrophes: str, expected: list[str]) -> None:
    text = "'quoted' don't rock'n'roll l’amour"
    assert strip_punctuation(text, apostrophes).split() == expected


def test_punctuation_becomes_space_so_korean_words_stay_apart() -> None:
    # Keras would delete the dots and glue the two words together
    assert strip_punctuation("영화...최고!!").split() == ["영화", "최고"]
    assert strip_punctuation("good,bad (ok) $5 #1 😀").split() == ["good", "bad", "ok", "5", "1"]


def test_standardizer_runs_all_steps() -> None:
    std = Standardizer()
    assert std("Cafe\u0301<br />WORLD, don't!").split() == ["café", "world", "don't"]
    off = Standardizer(lower=False, strip_punctuation=False, html_breaks=False, normalize=None)
    assert off("A<br />b!") == "A<br />b!"
    assert Standardizer(normalize="NFKC")("Ｈｉ") == "hi"


def test_standardizer_rejects_bad_options_and_lists_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"\['keep', 'drop', 'split'\]"):
        Standardizer(apostrophes="remove")
    with pytest.raises(ValueError, match="NFC"):
        Standardizer(normalize="NFX")


def test_get_standardizer_named_modes_callables_and_errors() -> None:
    assert get_standardizer(None) is None
    assert get_standardizer("lower")("ÀB, C") == "àb, c"  # exactly str.lower
    assert get_standardizer("strip_punctuation")("A,B").split() == ["A", "B"]
    assert get_standardizer("lower_and_strip_punctuation")("A,B").split() == ["a", "b"]

    def mine(text: str) -> str:
        return text.upper()

    assert get_standardizer(mine) is mine
    with pytest.raises(ValueError, match="lower_and_strip_punctuation") as info:
        get_standardizer("lowercase")
    assert "'lowercase'" in str(info.value)


def test_strip_punctuation_covers_all_unicode_punctuation_and_symbols() -> None:
    # every P*/S* character of the BMP is stripped; no letter or digit is
    sample = [chr(cp) for cp in range(0x20, 0x3000)]
    stripped = strip_punctuation("".join(c if not c.isspace() else "x" for c in sample), "split")
    kept = {c for c in stripped if not c.isspace()}
    for c in kept:
        assert unicodedata.category(c)[0] not in "PS", (c, unicodedata.category(c))
    for c in sample:
        if unicodedata.category(c)[0] in "LN":
            assert c in kept, c
