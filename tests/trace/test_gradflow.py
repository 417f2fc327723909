"""Gradient flow: ‖dL/dh_t‖ per step, and the long-dependency task."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab import losses
from seqlab.layers import LSTM, Dense, Input, SimpleRNN
from seqlab.models import Sequential
from seqlab.trace import TraceError, first_token_task, gradient_flow, record
from seqlab.trace.gradflow import decay_ratio


@pytest.fixture(autouse=True)
def reference_kernels():
    """The NumPy reference loops: no compilation, and these shapes are tiny."""
    with seqlab.use_kernels("numpy"):
        yield


def test_first_token_task_labels_are_the_first_token():
    x, y = first_token_task(7, 50, symbols=3, noise=2, seed=1)
    assert x.shape == (50, 7, 5) and y.shape == (50,)
    ids = x.argmax(-1)
    np.testing.assert_array_equal(ids[:, 0], y)
    assert np.all(ids[:, 0] < 3) and np.all(ids[:, 1:] >= 3)
    np.testing.assert_array_equal(x.sum(-1), 1.0)
    x2, y2 = first_token_task(7, 50, symbols=3, noise=2, seed=1)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    with pytest.raises(ValueError, match="symbols must be an int >= 2"):
        first_token_task(5, 10, symbols=1)


def _many_to_one(cell=SimpleRNN, T: int = 6) -> Sequential:
    model = Sequential([Input((T, 8)), cell(5, seed=0, dtype="float64"),
                        Dense(4, activation="softmax", seed=1, dtype="float64")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def test_gradient_flow_last_step_is_the_gradient_from_the_head():
    model = _many_to_one()
    x, y = first_token_task(6, 10, seed=2)
    for p in model.weights:
        p.grad[...] = 7.0  # must be left as it was
    weights = [p.value.copy() for p in model.weights]
    norms = gradient_flow(model, x, y)
    rnn, head = model.layers
    assert list(norms) == [rnn.name] and norms[rnn.name].shape == (6,)
    # dL/dh_{T-1} = dL/dz · Wᵀ for the softmax head z = h W + b
    probs = model(x)
    _, dprobs = losses.get("sparse_categorical_crossentropy").value_and_grad(y, probs)
    dz = probs * (dprobs - (dprobs * probs).sum(-1, keepdims=True))  # softmax backward
    expected = np.linalg.norm(dz @ head.kernel.value.T, axis=-1).mean()
    assert norms[rnn.name][-1] == pytest.approx(expected, rel=1e-10)
    assert all(np.all(p.grad == 7.0) for p in model.weights)
    assert all(np.array_equal(p.value, w) for p, w in zip(model.weights, weights))


def test_gradient_flow_loss_argument_and_errors():
    model = Sequential([Input((4, 8)), SimpleRNN(3, seed=0), Dense(4, activation="softmax")])
    x, y = first_token_task(4, 5, seed=0)
    with pytest.raises(ValueError, match="is not compiled; pass loss="):
        gradient_flow(model, x, y)
    norms = gradient_flow(model, x, y, loss="sparse_categorical_crossentropy")
    assert np.all(np.isfinite(next(iter(norms.values()))))
    with pytest.raises(TraceError, match="no layer of kind 'lstm'"):
        gradient_flow(model, x, y, loss="sparse_categorical_crossentropy", state="c")
    dense_only = Sequential([Input((4,)), Dense(2)])
    with pytest.raises(TraceError, match="no layer of kind 'recurrent'"):
        gradient_flow(dense_only, np.zeros((2, 4)), np.zeros((2, 2)), loss="mse")


def test_lstm_cell_state_flow():
    model = _many_to_one(LSTM)
    x, y = first_token_task(6, 8, seed=3)
    h = gradient_flow(model, x, y)
    c = gradient_flow(model, x, y, state="c")
    name = model.layers[0].name
    assert c[name].shape == h[name].shape == (6,)
    assert np.all(c[name] > 0)
    # at the last step c_{T-1} reaches the loss only through h_{T-1} = o ⊙ tanh(c_{T-1})
    with record(model, layers="lstm") as tape:
        probs = model(x)
        model.backward(losses.get("sparse_categorical_crossentropy").value_and_grad(y, probs)[1])
    f, b = tape[name].forward, tape[name].backward
    via_h = b["dh"][:, -1] * f["o"][:, -1] * (1 - np.tanh(f["c"][:, -1]) ** 2)
    assert c[name][-1] == pytest.approx(np.linalg.norm(via_h, axis=-1).mean(), rel=1e-6)


def test_decay_ratio_errors():
    assert decay_ratio([1.0, 4.0]) == 0.25
    with pytest.raises(ValueError, match=">= 2 norms"):
        decay_ratio([1.0])
