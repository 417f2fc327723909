"""Sampling: reproducible with a seed, and distributed as temperature, top-k and top-p say."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.generate import Decoder
from tests.generate.conftest import END, START, encoder_decoder, language_model

ROWS = 40_000


def _reshaped(p, temperature=1.0, top_k=None, top_p=None):
    """The documented rule, written out token by token."""
    q = p ** (1.0 / temperature)
    q = q / q.sum()
    order = sorted(range(len(q)), key=lambda v: -q[v])
    keep = set(order[:top_k] if top_k is not None else order)
    if top_p is not None:
        q = np.array([q[v] if v in keep else 0.0 for v in range(len(q))])
        q = q / q.sum()
        mass, nucleus = 0.0, set()
        for v in order:
            if mass >= top_p:
                break
            nucleus.add(v)
            mass += q[v]
        keep &= nucleus
    q = np.array([q[v] if v in keep else 0.0 for v in range(len(q))])
    return q / q.sum()


@pytest.mark.parametrize("options", [
    {}, {"temperature": 0.5}, {"temperature": 2.5}, {"top_k": 3}, {"top_p": 0.6},
    {"temperature": 1.5, "top_k": 4, "top_p": 0.8},
])
def test_first_token_frequencies_match_the_reshaped_distribution(options):
    model = language_model(vocabulary=6, seed=20, sharpen=1.5)
    prompt = [START, 4]
    p = np.asarray(model.predict(np.array([prompt])), dtype=np.float64)[0, -1]
    expected = _reshaped(p, **options)
    found = Decoder(model).sample(prompt=np.tile(prompt, (ROWS, 1)), max_length=1, seed=21,
                                  **options)
    counts = np.bincount([h.tokens[0] for h in found], minlength=6)
    assert np.all(counts[expected == 0] == 0)
    tolerance = 5 * np.sqrt(expected * (1 - expected) / ROWS) + 1e-9
    np.testing.assert_array_less(np.abs(counts / ROWS - expected), tolerance)


def test_log_prob_is_the_models_not_the_reshaped_one():
    model = language_model(vocabulary=6, seed=22, sharpen=1.5)
    (h,) = Decoder(model, end_token=END).sample(prompt=[START], temperature=0.3, top_k=2,
                                                max_length=5, seed=0)
    p = np.asarray(model.predict(np.array([[START, *h.tokens[:-1]]])), dtype=np.float64)[0]
    assert h.log_prob == pytest.approx(np.log(p[np.arange(len(h.tokens)), h.tokens]).sum(),
                                       abs=1e-4)


def test_the_same_seed_gives_the_same_sequences():
    model = encoder_decoder(vocabulary=9, seed=23, sharpen=1.0)
    decoder = Decoder(model, start_token=START, end_token=END)
    sources = np.random.default_rng(24).integers(0, 9, size=(8, 5))
    first = decoder.sample(sources, max_length=15, top_p=0.95, seed=7)
    assert decoder.sample(sources, max_length=15, top_p=0.95, seed=7) == first
    other = decoder.sample(sources, max_length=15, top_p=0.95, seed=8)
    assert [h.tokens for h in other] != [h.tokens for h in first]


def test_top_k_one_is_greedy_search():
    model = encoder_decoder(vocabulary=9, seed=25, sharpen=1.0)
    decoder = Decoder(model, start_token=START, end_token=END)
    sources = np.random.default_rng(26).integers(0, 9, size=(5, 5))
    assert decoder.sample(sources, top_k=1, max_length=10, seed=1) == \
        decoder.greedy(sources, max_length=10)
