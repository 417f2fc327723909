"""The talk's gate demonstration: the who-did-it corpus and the trained 세종 model."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.talk.sejong import SENTENCE, SUBJECTS, sejong_demo, who_did_it_corpus
from seqlab.text import WordTokenizer


def test_corpus_is_seeded_and_labels_name_the_subject():
    texts, labels = who_did_it_corpus(40, seed=3)
    again, labels2 = who_did_it_corpus(40, seed=3)
    assert texts == again and np.array_equal(labels, labels2)
    tok = WordTokenizer(lower=False)
    for text, k in zip(texts, labels):
        words = tok(text)
        assert SUBJECTS[k] in (words[0].removesuffix("은"), words[-1])
    assert set(labels.tolist()) == set(range(len(SUBJECTS)))


def test_sejong_demo_learns_and_shows_the_talk_sentence():
    demo = sejong_demo("gru", epochs=12)
    assert demo.accuracy > 0.5  # chance is 1/4
    maps = demo.subject_first
    assert maps.tokens == WordTokenizer(lower=False)(SENTENCE)
    assert maps.tokens[0] == "세종은" and maps.prediction in SUBJECTS
    assert maps.maps["z"].shape == (8, len(maps.tokens))
    with pytest.raises(ValueError, match="cell must be 'lstm' or 'gru'"):
        sejong_demo("rnn")
