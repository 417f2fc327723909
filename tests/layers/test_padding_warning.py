"""Post-padding reaching a recurrent layer unmasked is said once, naming the fix; the
documented path (TextVectorizer int output → Embedding(mask_zero=True) → RNN) learns."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import seqlab
from seqlab.layers import GRU, LSTM, Dense, Embedding, SimpleRNN
from seqlab.layers.padding_check import PaddingWarning, trailing_padding
from seqlab.text import TextVectorizer

RNG = np.random.default_rng(0)


def post_padded_ids(B: int = 16, T: int = 30, V: int = 50) -> np.ndarray:
    ids = np.zeros((B, T), dtype=np.int64)
    for b, n in enumerate(RNG.integers(3, T // 2, size=B)):
        ids[b, :n] = RNG.integers(1, V, size=n)
    return ids


@pytest.mark.parametrize("cell", [SimpleRNN, LSTM, GRU])
def test_unmasked_post_padding_warns_once_and_names_the_fix(cell):
    layer = cell(4, seed=0)
    model = seqlab.Sequential([Embedding(50, 3, seed=1), layer])
    ids = post_padded_ids()
    with pytest.warns(PaddingWarning, match=r"mask_zero=True.*padding='pre'"):
        model(ids)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model(ids)  # once per layer


@pytest.mark.parametrize("case", ["masked", "pre-padded", "go_backwards", "full-length",
                                  "random small vocabulary"])
def test_no_warning_where_there_is_nothing_to_fix(case):
    ids = post_padded_ids()
    emb = Embedding(50, 3, mask_zero=(case == "masked"), seed=1)
    rnn = LSTM(4, go_backwards=(case == "go_backwards"), seed=0)
    if case == "pre-padded":
        ids = ids[:, ::-1].copy()
    elif case == "full-length":
        ids = RNG.integers(1, 50, size=ids.shape)
    model = seqlab.Sequential([emb, rnn])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if case == "random small vocabulary":  # one-hot tokens out of 4, small batches
            for seed in range(50):
                x = np.eye(4, dtype="float32")[np.random.default_rng(seed).integers(0, 4, (8, 20))]
                SimpleRNN(3, seed=0)(x)
        else:
            model(ids)


def test_the_detector_reports_the_share_and_the_run():
    x = np.random.default_rng(1).normal(size=(8, 10, 3))
    x[:4, 6:] = 0.25  # four rows end with 4 steps of one shared vector
    share, run = trailing_padding(x)
    assert share == 0.5 and run == 4
    x[:4, 6:] = np.random.default_rng(2).normal(size=(4, 4, 3))
    assert trailing_padding(x) is None


def test_the_documented_path_learns_where_unmasked_padding_does_not():
    """Label = the first word; texts of 2–6 words padded at the end to 40 steps."""
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(20)]
    texts, labels = [], []
    for _ in range(300):
        label = int(rng.integers(2))
        rest = list(rng.choice(words, size=int(rng.integers(1, 6))))
        texts.append(" ".join([["bad", "good"][label], *rest]))
        labels.append(label)
    y = np.array(labels)
    tv = TextVectorizer(output_sequence_length=40).fit(texts)
    x = tv.transform(texts)
    assert (x[:, -1] == 0).all()  # every text is padded at the end
    best = {}
    for mask in (False, True):
        seqlab.set_random_seed(0)
        model = seqlab.Sequential([Embedding(len(tv.get_vocabulary()), 8, mask_zero=mask),
                                   LSTM(8), Dense(1, activation="sigmoid")])
        model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            history = model.fit(x[:240], y[:240], epochs=15, batch_size=32, verbose=0,
                                validation_data=(x[240:], y[240:]))
        assert [w.category for w in caught] == ([] if mask else [PaddingWarning])
        best[mask] = max(history.history["val_acc"])
    assert best[True] > 0.95 and best[False] < 0.7
