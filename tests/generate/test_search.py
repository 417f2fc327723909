"""Greedy and beam search against exhaustive search and the teacher-forced model."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.generate import Decoder
from tests.generate.conftest import (
    END,
    START,
    all_sequences,
    encoder_decoder,
    language_model,
    teacher_forced_log_prob,
)


def _exhaustive(model, vocabulary, max_length, alpha, end=END, source=None):
    """Every sequence with its score Σ log p / L^α, best first (ties: first found)."""
    scored = []
    for tokens in all_sequences(vocabulary, max_length, end):
        log_prob = teacher_forced_log_prob(model, list(tokens), source=source)
        scored.append((log_prob / len(tokens) ** alpha, tokens))
    return sorted(scored, key=lambda s: -s[0])


@pytest.mark.parametrize("alpha", [0.0, 0.6, 1.0, 2.0])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beam_search_finds_the_exhaustive_best_when_every_prefix_fits(alpha, seed):
    # V = 3 (end = 2): the running prefixes are 0…0, one per length, so width 2 keeps
    # them all and the search is exact at every length; the length penalty decides
    model = language_model(vocabulary=3, seed=seed, sharpen=1.5)
    decoder = Decoder(model, start_token=START, end_token=END)
    for max_length in (1, 4, 7):
        expected = _exhaustive(model, 3, max_length, alpha)
        found = decoder.beam_search(width=2, max_length=max_length, length_penalty=alpha,
                                    num_return_sequences=2, early_stopping="never")[0]
        assert [h.tokens for h in found] == [tokens for _, tokens in expected[:2]]
        np.testing.assert_allclose([h.score for h in found], [s for s, _ in expected[:2]],
                                   rtol=1e-5)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
@pytest.mark.parametrize("seed", [3, 4, 5])
def test_beam_search_n_best_equals_the_exhaustive_n_best_with_branching(alpha, seed):
    # V = 4, end = 3, max_length 2: the 3 running prefixes fit in width 4
    model = encoder_decoder(vocabulary=4, seed=seed, sharpen=2.0)
    source = np.array([0, 3, 1, 2])
    expected = _exhaustive(model, 4, 2, alpha, end=3, source=source)[:4]
    decoder = Decoder(model, start_token=START, end_token=3)
    found = decoder.beam_search(source, width=4, max_length=2, length_penalty=alpha,
                                num_return_sequences=4, early_stopping="never")[0]
    assert [h.tokens for h in found] == [tokens for _, tokens in expected]
    np.testing.assert_allclose([h.score for h in found], [s for s, _ in expected], rtol=1e-5)


def test_beam_hypotheses_carry_their_teacher_forced_log_prob_and_score():
    # wide vocabulary, long outputs: the beams' parents are reordered at every step
    model = encoder_decoder(vocabulary=9, seed=10, sharpen=2.0)
    sources = np.random.default_rng(11).integers(0, 9, size=(3, 6))
    decoder = Decoder(model, start_token=START, end_token=END)
    results = decoder.beam_search(sources, width=4, max_length=8, length_penalty=0.7,
                                  num_return_sequences=4)
    for source, found in zip(sources, results):
        assert len(found) == 4
        assert [h.score for h in found] == sorted((h.score for h in found), reverse=True)
        for h in found:
            log_prob = teacher_forced_log_prob(model, list(h.tokens), source=source)
            assert h.log_prob == pytest.approx(log_prob, abs=1e-4)
            assert h.score == pytest.approx(h.log_prob / len(h.tokens) ** 0.7, rel=1e-9)
            assert h.ended == (h.tokens[-1] == END)
            assert END not in h.tokens[:-1] and (h.ended or len(h.tokens) == 8)


def test_beam_search_on_a_batch_equals_one_source_at_a_time():
    model = encoder_decoder(vocabulary=9, seed=12, sharpen=3.0)
    sources = np.random.default_rng(13).integers(0, 9, size=(5, 4))
    decoder = Decoder(model, start_token=START, end_token=END)
    batched = decoder.beam_search(sources, width=3, max_length=10, num_return_sequences=3)
    for source, found in zip(sources, batched):
        assert decoder.beam_search(source, width=3, max_length=10,
                                   num_return_sequences=3)[0] == found


@pytest.mark.parametrize("make", [language_model, encoder_decoder])
def test_beam_width_one_is_greedy_search(make):
    model = make(vocabulary=8, seed=14, sharpen=3.0)
    decoder = Decoder(model, start_token=START, end_token=END)
    if make is language_model:
        kwargs = {"prompt": np.random.default_rng(15).integers(0, 8, size=(6, 3))}
    else:
        kwargs = {"source": np.random.default_rng(15).integers(0, 8, size=(6, 5))}
    greedy = decoder.greedy(max_length=12, **kwargs)
    beams = decoder.beam_search(width=1, max_length=12, length_penalty=0.0, **kwargs)
    assert len(greedy) == len(beams) == 6
    for g, (b,) in zip(greedy, beams):
        assert (b.tokens, b.ended) == (g.tokens, g.ended)
        assert b.log_prob == pytest.approx(g.log_prob, abs=1e-9)


def test_greedy_picks_the_argmax_of_the_full_forward_at_every_step():
    model = language_model(vocabulary=8, layers=2, seed=16, sharpen=3.0)
    prompt = [1, 5, 3]
    (found,) = Decoder(model, end_token=END).greedy(prompt=prompt, max_length=10)
    assert 1 <= len(found.tokens) <= 10
    fed = np.array([prompt + list(found.tokens)])
    probs = model.predict(fed)[0, len(prompt) - 1:len(prompt) - 1 + len(found.tokens)]
    assert list(probs.argmax(axis=1)) == list(found.tokens)
    log_prob = teacher_forced_log_prob(model, list(found.tokens), prompt=prompt)
    assert found.log_prob == pytest.approx(log_prob, abs=1e-4)
    assert found.ended == (found.tokens[-1] == END)


def test_without_an_end_token_every_sequence_runs_to_max_length():
    model = language_model(vocabulary=5, seed=17)
    decoder = Decoder(model, start_token=START)
    assert [len(h.tokens) for h in decoder.greedy(prompt=[[1], [2]], max_length=6)] == [6, 6]
    (best,) = decoder.beam_search(width=3, max_length=6)[0]
    assert len(best.tokens) == 6 and not best.ended
