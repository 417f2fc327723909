"""Korean morphemes with kiwipiepy (optional dependency)."""

from __future__ import annotations

import sys

import pytest

from seqlab.text.kiwi import KiwiTokenizer


def test_missing_kiwipiepy_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "kiwipiepy", None)  # makes `import kiwipiepy` fail
    with pytest.raises(ImportError, match=r"pip install seqlab\[ko\]"):
        KiwiTokenizer()


def test_import_seqlab_text_does_not_import_kiwipiepy() -> None:
    import subprocess

    code = "import sys, seqlab, seqlab.text; print('kiwipiepy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_morphemes_of_nsmc_sentences(kiwi_tokenizer: KiwiTokenizer, nsmc_texts: list[str]) -> None:
    morphemes = kiwi_tokenizer("진짜 짜증나네요")
    assert "진짜" in morphemes and "짜증" in morphemes
    assert len(morphemes) > 2  # more morphemes than the two words: endings split off
    many = kiwi_tokenizer.tokenize_many(nsmc_texts)
    assert many == [kiwi_tokenizer(t) for t in nsmc_texts]
    assert all(m for m in many)


def test_tags_and_dropping(kiwi_tokenizer: KiwiTokenizer) -> None:
    tagged = KiwiTokenizer(tags="suffix", kiwi=kiwi_tokenizer._kiwi)("영화가 최고!!")
    assert "영화/NNG" in tagged
    assert all("/" in t for t in tagged)
    no_symbols = KiwiTokenizer(drop_tags=("S",), kiwi=kiwi_tokenizer._kiwi)("영화가 최고!!")
    assert "!!" not in "".join(no_symbols) and "영화" in no_symbols
    with pytest.raises(ValueError, match="tags"):
        KiwiTokenizer(tags="prefix", kiwi=kiwi_tokenizer._kiwi)
    with pytest.raises(TypeError, match="kiwipiepy.Kiwi"):
        KiwiTokenizer(kiwi=object())
