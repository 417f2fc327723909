"""Every layer honours ``trainable`` the same way: a frozen layer's weights collect no
gradient and training leaves them unchanged; freezing a wrapper or model freezes
the layers inside (Keras semantics)."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.layers import (
    GRU,
    LSTM,
    Bidirectional,
    Conv1D,
    Dense,
    Embedding,
    SimpleRNN,
    TimeDistributed,
)

RNG = np.random.default_rng(0)
X3 = RNG.normal(size=(2, 5, 3))
IDS = RNG.integers(0, 7, size=(2, 5))

LAYERS = {
    "dense": (lambda **kw: Dense(4, **kw), X3),
    "conv1d": (lambda **kw: Conv1D(4, 2, **kw), X3),
    "embedding": (lambda **kw: Embedding(7, 4, **kw), IDS),
    "simple_rnn": (lambda **kw: SimpleRNN(4, **kw), X3),
    "lstm": (lambda **kw: LSTM(4, **kw), X3),
    "gru": (lambda **kw: GRU(4, **kw), X3),
    "gru_before": (lambda **kw: GRU(4, reset_after=False, **kw), X3),
    "bidirectional": (lambda **kw: Bidirectional(LSTM(4), **kw), X3),
    "time_distributed": (lambda **kw: TimeDistributed(Dense(4), **kw), X3),
}


@pytest.mark.parametrize("name", list(LAYERS))
@pytest.mark.parametrize("how", ["argument", "attribute"])
def test_a_frozen_layer_collects_no_gradient(name, how):
    make, x = LAYERS[name]
    layer = make(trainable=False, seed=1) if how == "argument" else make(seed=1)
    if how == "attribute":
        layer.trainable = False
    out = layer(x)
    layer.backward(np.ones_like(out))
    assert layer.weights and layer.trainable_weights == []
    assert all(not np.any(p.grad) for p in layer.weights), [p.name for p in layer.weights]
    layer.trainable = True  # thawed again: the same call now fills every gradient
    out = layer(x)
    layer.backward(np.ones_like(out))
    assert all(np.any(p.grad) for p in layer.weights), [p.name for p in layer.weights]


def test_a_frozen_parameter_collects_no_gradient_in_a_trainable_layer():
    layer = LSTM(3, seed=0)
    layer(X3)
    layer.recurrent_kernel.trainable = False
    layer.backward(np.ones((2, 3)))
    assert not np.any(layer.recurrent_kernel.grad)
    assert np.any(layer.kernel.grad) and np.any(layer.bias.grad)


def test_freezing_a_model_freezes_its_layers_and_fit_leaves_them_unchanged():
    model = seqlab.Sequential([Embedding(7, 4, seed=0), GRU(3, seed=1), Dense(1, seed=2)])
    model.compile(optimizer="rmsprop", loss="mse")
    model.build((None, 5))
    model.layers[1].trainable = False
    before = [w.copy() for w in model.get_weights()]
    model.fit(IDS, np.ones((2, 1)), epochs=2, verbose=0)
    after = model.get_weights()
    gru = {id(p) for p in model.layers[1].weights}
    for p, b, a in zip(model.weights, before, after):
        assert np.array_equal(a, b) == (id(p) in gru), p.name
    model.trainable = False
    assert all(not layer.trainable for layer in model.layers)
    assert model.trainable_weights == []
