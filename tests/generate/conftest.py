"""Tiny trained-looking models for the decoding tests, and the teacher-forced
log-probabilities that every search is checked against."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import seqlab
from seqlab.layers import GRU, LSTM, Dense, Embedding, Input, SimpleRNN
from seqlab.models import Model, Sequential

START, END = 1, 2


def _sharpen(dense: Dense, factor: float) -> None:
    """Scale the output layer so the distributions are far from uniform (as after
    training) and the searches have something to choose."""
    dense.kernel.assign(dense.kernel.value * factor)
    dense.bias.assign(dense.rng.normal(0, 1, dense.bias.shape).astype(dense.bias.value.dtype))


def language_model(vocabulary: int = 7, cell: type = LSTM, layers: int = 1, seed: int = 0,
                   sharpen: float = 4.0) -> Sequential:
    """Embedding → ``layers`` recurrent layers (return_sequences) → Dense(V, softmax)."""
    seqlab.set_random_seed(seed)
    stack = [Embedding(vocabulary, 6)]
    stack += [cell(8, return_sequences=True) for _ in range(layers)]
    stack.append(Dense(vocabulary, activation="softmax"))
    model = Sequential(stack)
    model.build((None, None))
    _sharpen(stack[-1], sharpen)
    return model


def encoder_decoder(vocabulary: int = 7, seed: int = 0, sharpen: float = 4.0,
                    source_length: int | None = None) -> Model:
    """The Keras seq2seq example with ids: the encoder LSTM's final states start
    the decoder LSTM, which reads the previous target tokens (teacher forcing)."""
    seqlab.set_random_seed(seed)
    source = Input((source_length,), dtype="int64", name="source")
    target = Input((None,), dtype="int64", name="target")
    _, h, c = LSTM(8, return_state=True)(Embedding(vocabulary, 6)(source))
    seq = LSTM(8, return_sequences=True)(Embedding(vocabulary, 6)(target), initial_state=[h, c])
    output = Dense(vocabulary, activation="softmax")
    model = Model([source, target], output(seq))
    _sharpen(output, sharpen)
    return model


def teacher_forced_log_prob(model, tokens, prompt=(START,), source=None) -> float:
    """Σ log p(token_t | prompt, tokens before t) from one full forward of ``model``."""
    fed = np.array([[*prompt, *tokens[:-1]]])
    inputs = fed if source is None else [np.asarray(source)[None], fed]
    probs = np.asarray(model.predict(inputs), dtype=np.float64)[0, len(prompt) - 1:]
    return float(np.sum(np.log(probs[np.arange(len(tokens)), tokens])))


def all_sequences(vocabulary: int, max_length: int, end: int | None):
    """Every sequence a search can return: ending at the end token (only at the
    end), or ``max_length`` tokens without it."""
    others = [v for v in range(vocabulary) if v != end]
    for length in range(1, max_length + 1):
        for head in itertools.product(others, repeat=length - 1):
            if end is not None:
                yield (*head, end)
            if length == max_length:
                yield from ((*head, v) for v in others)


@pytest.fixture(params=["SimpleRNN", "LSTM", "GRU", "GRU-reset_before"])
def cell(request):
    """A recurrent layer factory: each kind, GRU in both reset modes."""
    return {
        "SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU,
        "GRU-reset_before": lambda *a, **k: GRU(*a, reset_after=False, **k),
    }[request.param]
