"""The tour's toy translator: it learns its pairs, "I love you" → "난 널 사랑해" among
them, deterministically, and its section shows the decoding step by step."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.report import figures, fonts
from seqlab.report.document import Document
from seqlab.talk.translation_toy import (
    PAIRS,
    SENTENCE,
    TRANSLATION,
    train_toy,
    translation_section,
    vocabularies,
)


@pytest.fixture(scope="module")
def toy():
    with seqlab.use_kernels("numpy"):  # no compilation in a fresh process
        return train_toy()


def test_the_pairs_hold_the_talks_sentence_and_the_vocabularies_reserve_ids():
    assert (SENTENCE, TRANSLATION) == ("I love you", "난 널 사랑해") and len(PAIRS) >= 12
    source, target = vocabularies()
    assert source[0] == "" and target[:3] == ["", "<s>", "</s>"]
    assert {w for _, k in PAIRS for w in k.split()} == set(target[3:])


def test_the_toy_reproduces_i_love_you_and_every_training_pair(toy):
    assert toy.translate("I love you") == "난 널 사랑해"
    found = toy.decoder.greedy([toy.encode(e) for e, _ in PAIRS])
    assert [toy.words(h.tokens) for h in found] == [k for _, k in PAIRS]
    assert all(h.ended for h in found)
    best = toy.decoder.beam_search(toy.encode(SENTENCE), width=3)[0][0]
    assert toy.words(best.tokens) == TRANSLATION


def test_training_is_deterministic(toy):
    with seqlab.use_kernels("numpy"):
        again = train_toy()
    assert again.epochs == toy.epochs
    for a, b in zip(toy.model.get_weights(), again.model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_an_unknown_word_is_named(toy):
    with pytest.raises(ValueError, match=r"unknown: \['hate'\]"):
        toy.encode("I hate you")
    with pytest.raises(ValueError, match="knows the words"):
        toy.encode("   ")


def test_too_few_epochs_is_an_error_not_a_wrong_model():
    with seqlab.use_kernels("numpy"), pytest.raises(RuntimeError, match="did not learn"):
        train_toy(max_epochs=2)


@pytest.fixture(scope="module")
def section():
    doc = Document("toy translation")
    with seqlab.use_kernels("numpy"):
        translation_section(doc)
    return doc


def test_the_section_shows_greedy_steps_the_beam_and_the_attention(section):
    titles = [t.title for t in section.tables]
    assert titles[0].startswith("the toy pairs and their greedy translations")
    assert all(row[-1] == "✓" for row in section.tables[0].rows)
    assert "greedy search, step by step (source 0)" in titles
    beams = [t for t in titles if t.startswith("beam search step")]
    assert beams[0] == "beam search step 1 (width 3, source 0)" and len(beams) >= 4
    attention = section.tables[-1]
    assert attention.title.startswith("attention while decoding: I love you → 난 널 사랑해 </s>")
    assert attention.columns == ["target token", "I", "love", "you"]
    weights = np.array([row[1:] for row in attention.rows], dtype=float)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-5)
    greedy = next(t for t in section.tables if t.title.startswith("greedy search"))
    assert [row[3] for row in greedy.rows if row[-1] == "✓"] == ["난", "널", "사랑해", "</s>"]


def test_the_section_renders_as_html_with_its_korean_labels(section):
    html = section.render("html")
    assert html.startswith("<!DOCTYPE html>") and "난 널 사랑해" in html
    if figures.available():
        svg = html[html.index("<svg"):html.index("</svg>")]
        for label in ("난", "널", "사랑해", "love"):
            assert f">{label}</text>" in svg
    if fonts.hangul_font_file() is not None:
        assert "@font-face" in html and fonts.FAMILY in html
    text = section.render("rich")
    assert "Beam search, width 3" in text and "빔 서치" in text
