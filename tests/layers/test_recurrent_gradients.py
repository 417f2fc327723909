"""Numerical gradient checks (float64) of SimpleRNN, LSTM and GRU for every option."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from seqlab.config import use_kernels
from seqlab.layers.base import Layer
from seqlab.layers.rnn_cells import GRU, LSTM, SimpleRNN
from seqlab.testing.gradcheck import check_layer

B, T, D, H = 2, 4, 3, 2

CELLS = {
    "simple_rnn": (SimpleRNN, {}),
    "lstm": (LSTM, {}),
    "gru": (GRU, {"reset_after": True}),
    "gru_v1": (GRU, {"reset_after": False}),
}


@pytest.fixture(autouse=True, params=["numpy", "numba"])
def kernels(request):
    """Every check runs with the reference kernels and with the Numba fast path."""
    with use_kernels(request.param):
        yield request.param


def make(cell: str, seed: int = 1, **kw: Any):
    cls, base = CELLS[cell]
    layer = cls(H, dtype="float64", seed=seed, **{**base, **kw})
    layer.build((None, T, D))
    rng = np.random.default_rng(seed + 100)
    layer.set_weights([rng.standard_normal(w.shape) * 0.5 for w in layer.get_weights()])
    return layer


def x_data(seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((B, T, D))


MASK = np.array([[True, True, False, True], [False, True, True, True]])


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_sequences_and_direction(cell, return_sequences, go_backwards):
    layer = make(cell, return_sequences=return_sequences, go_backwards=go_backwards)
    check_layer(layer, x_data())


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_masks(cell, go_backwards):
    layer = make(cell, return_sequences=True, go_backwards=go_backwards)
    grads = check_layer(layer, x_data(), mask=MASK)
    assert np.all(grads["input[0]"][~MASK] == 0)  # masked steps get no gradient


@pytest.mark.parametrize("cell", CELLS)
def test_masks_with_zero_outputs(cell):
    layer = make(cell, return_sequences=True, zero_output_for_mask=True)
    out = layer(x_data(), mask=MASK)
    assert np.all(out[~MASK] == 0)
    check_layer(layer, x_data(), mask=MASK)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_initial_states_in_and_states_out(cell, return_sequences):
    layer = make(cell, return_sequences=return_sequences, return_state=True)
    rng = np.random.default_rng(3)
    states = [rng.standard_normal((B, H)) for _ in layer.state_names]
    grads = check_layer(layer, [x_data(), *states], mask=MASK)
    assert grads["input[1]"].shape == (B, H)


@pytest.mark.parametrize("cell", CELLS)
def test_initial_state_keyword(cell):
    layer = make(cell, go_backwards=True)
    rng = np.random.default_rng(4)
    states = [rng.standard_normal((B, H)) for _ in layer.state_names]
    check_layer(layer, x_data(), call_kwargs={"initial_state": states})


@pytest.mark.parametrize("cell", CELLS)
def test_dropout_and_recurrent_dropout_with_fixed_masks(cell):
    layer = make(cell, dropout=0.3, recurrent_dropout=0.4, return_sequences=True)
    check_layer(layer, x_data(), training=True, mask=MASK)
    cache = layer._cache
    assert cache["dropout_mask"].shape == (B, D)
    assert cache["recurrent_dropout_mask"].shape == (B, H)


@pytest.mark.parametrize("cell,kw", [
    ("simple_rnn", {"activation": "relu"}),
    ("simple_rnn", {"activation": "linear"}),
    ("simple_rnn", {"activation": "sigmoid"}),
    ("lstm", {"recurrent_activation": "hard_sigmoid"}),
    ("lstm", {"activation": "relu", "recurrent_activation": "hard_sigmoid"}),
    ("lstm", {"activation": "linear"}),
    ("gru", {"recurrent_activation": "hard_sigmoid"}),
    ("gru", {"activation": "relu"}),
    ("gru_v1", {"activation": "linear", "recurrent_activation": "hard_sigmoid"}),
    ("gru_v1", {"activation": "relu"}),
])
def test_other_activations(cell, kw):
    check_layer(make(cell, return_sequences=True, **kw), x_data(7))


@pytest.mark.parametrize("cell", CELLS)
def test_without_bias(cell):
    layer = make(cell, use_bias=False, return_sequences=True)
    assert len(layer.weights) == 2
    check_layer(layer, x_data())


class _Stack(Layer):
    """Two recurrent layers in a row (test helper): the first returns sequences."""

    def __init__(self, first: Layer, second: Layer):
        super().__init__(dtype="float64")
        self.first = self.add_sublayer(first)
        self.second = self.add_sublayer(second)

    def call(self, inputs, training=False, mask=None, **kwargs):
        h = self.first(inputs, training=training, mask=mask)
        return self.second(h, training=training, mask=self.first.compute_mask(inputs, mask))

    def backward(self, dout):
        return self.first.backward(self.second.backward(dout))


@pytest.mark.parametrize("first,second", [("lstm", "gru"), ("gru_v1", "simple_rnn"),
                                          ("simple_rnn", "lstm")])
def test_stacked_pair(first, second):
    a = make(first, return_sequences=True)
    b_cls, b_base = CELLS[second]
    b = b_cls(H, dtype="float64", seed=5, go_backwards=True, **b_base)
    stack = _Stack(a, b)
    check_layer(stack, x_data(), mask=MASK)
    assert stack.count_params() == a.count_params() + b.count_params()
