"""A small translator trained on the fixture's Korean–English pairs, shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import seqlab
from seqlab.datasets.pairs import load_pairs
from seqlab.translate import TextSide, Translator, build_model, make_batches

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"
KOR_ENG = FIXTURE_DATA / "translation" / "kor-eng.zip"


@pytest.fixture
def fixture_data(monkeypatch):
    """The pair loaders find the committed samples first (same names as the real files)."""
    monkeypatch.setenv("SEQLAB_DATA", str(FIXTURE_DATA))


@pytest.fixture(scope="module")
def kor_eng_pairs():
    return load_pairs(KOR_ENG, reverse=True)


@pytest.fixture(scope="module")
def translator(kor_eng_pairs):
    """Korean characters -> English words, trained for a few epochs on 40 pairs."""
    seqlab.set_random_seed(0)
    source = TextSide.build("char", [s for s, _ in kor_eng_pairs], max_length=30)
    target = TextSide.build("word", [t for _, t in kor_eng_pairs], max_length=12)
    model = build_model(source, target, embedding_dim=8, units=16, learning_rate=0.02)
    batches, _ = make_batches(kor_eng_pairs, source, target, batch_size=16)
    model.fit(batches, epochs=15, verbose=0)
    return Translator(model, source, target)
