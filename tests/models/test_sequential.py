"""Sequential: building, training a toy problem, batching, summary, errors."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.config import use_floatx, use_kernels
from seqlab.layers.core import Dense
from seqlab.layers.embedding import Embedding
from seqlab.layers.rnn_cells import GRU, SimpleRNN
from seqlab.layers.symbolic import Input
from seqlab.models import Sequential
from seqlab.optim import SGD
from seqlab.testing import check_layer


def test_dense_stack_learns_a_separable_problem(make_mlp, blobs):
    x, y = blobs
    model = make_mlp(hidden=8)
    model.compile(optimizer=SGD(learning_rate=0.5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    first = model.evaluate(x, y, verbose=0)[0]
    history = model.fit(x, y, batch_size=16, epochs=30, verbose=0)
    _, acc = model.evaluate(x, y, verbose=0)
    assert history.history["loss"][-1] < 0.25 < first
    assert acc >= 0.95
    assert history.epoch == list(range(30))


def test_builds_from_first_batch_and_input():
    seqlab.set_random_seed(0)
    lazy = Sequential([Dense(3), Dense(2)])
    assert not lazy.built
    lazy.compile("sgd", "mse")
    lazy.train_on_batch(np.ones((4, 5)), np.zeros((4, 2)))
    assert lazy.built and lazy.layers[0].kernel.shape == (5, 3)
    assert lazy.output_shape == (None, 2)

    with_input = Sequential([Input((7,)), Dense(3)])
    assert with_input.built and with_input.input_shape == (None, 7)
    with_input.add(Dense(4))  # added after build: built at once
    assert with_input.layers[1].kernel.shape == (3, 4)
    assert with_input.predict(np.zeros((2, 7))).shape == (2, 4)


def test_predict_is_batched_and_matches_one_pass(make_mlp, blobs):
    x, _ = blobs
    model = make_mlp()
    full = model.predict_on_batch(x)
    for bs in (1, 7, 32, 500):
        out = model.predict(x, batch_size=bs)
        assert out.shape == full.shape == (120, 1)
        # BLAS may sum in another order for other batch sizes: float32 rounding only
        np.testing.assert_allclose(out, full, rtol=1e-6, atol=1e-7)


def test_model_gradients_match_finite_differences():
    with use_floatx("float64"):
        seqlab.set_random_seed(3)
        model = Sequential([Input((5, 3)), SimpleRNN(4, return_sequences=True), GRU(3),
                            Dense(2, activation="tanh")])
    x = np.random.default_rng(0).normal(size=(2, 5, 3))
    with use_kernels("numpy"):  # the chaining is under test here, not the Numba loops
        check_layer(model, x)


def test_summary_counts_match_keras():
    # Keras (the book, listing 6.22): Embedding(10000, 32) + SimpleRNN(32) = 322,080;
    # a Dense(1) on top adds 32 + 1 = 33.
    model = Sequential([Embedding(10000, 32), SimpleRNN(32)])
    model.build((None, None))
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    assert "Total params: 322,080" in lines
    assert model.count_params() == 322_080
    model.add(Dense(1))
    lines.clear()
    model.summary(print_fn=lines.append)
    assert "Total params: 322,113" in lines
    assert "Trainable params: 322,113" in lines
    assert any("simple_rnn" in line and "(None, 32)" in line and "2080" in line
               for line in lines)


def test_summary_counts_non_trainable():
    model = Sequential([Input((4,)), Dense(3), Dense(2)])
    model.layers[0].trainable = False
    lines: list[str] = []
    model.summary(print_fn=lines.append)
    assert "Total params: 23" in lines
    assert "Trainable params: 8" in lines
    assert "Non-trainable params: 15" in lines


def test_frozen_layer_is_not_updated(blobs):
    x, y = blobs
    model = Sequential([Input((4,)), Dense(3), Dense(1)])
    model.layers[0].trainable = False
    before = model.get_weights()
    model.compile(SGD(learning_rate=0.1), "mse")
    model.fit(x, y, epochs=1, verbose=0)
    after = model.get_weights()
    np.testing.assert_array_equal(after[0], before[0])
    assert not np.array_equal(after[2], before[2])


def test_get_set_weights_round_trip(make_mlp, blobs):
    x, _ = blobs
    a, b = make_mlp(seed=1), make_mlp(seed=2)
    assert not np.array_equal(a.predict(x), b.predict(x))
    b.set_weights(a.get_weights())
    np.testing.assert_array_equal(a.predict(x), b.predict(x))


def test_nested_sequential_trains(blobs):
    x, y = blobs
    seqlab.set_random_seed(0)
    inner = Sequential([Dense(6, activation="tanh")], name="inner")
    outer = Sequential([Input((4,)), inner, Dense(1, activation="sigmoid")])
    outer.compile(SGD(learning_rate=0.5), "binary_crossentropy")
    before = inner.get_weights()
    outer.fit(x, y, epochs=2, verbose=0)
    assert not np.array_equal(inner.get_weights()[0], before[0])


def test_predict_builds_an_unbuilt_model_from_the_first_batch():
    model = Sequential([Dense(2)])
    with pytest.raises(ValueError, match=r"not built yet \(the input shape is not known\)"):
        model.summary()
    assert model.predict(np.ones((3, 4))).shape == (3, 2)
    assert model.built and model.input_shape == (None, 4)
    assert model.layers[0].kernel.shape == (4, 2)


def test_structural_errors():
    empty = Sequential()
    empty.compile("sgd", "mse")
    with pytest.raises(ValueError, match="no layers"):
        empty.fit(np.ones((2, 2)), np.ones((2, 2)), verbose=0)
    d = Dense(2)
    with pytest.raises(ValueError, match="added twice"):
        Sequential([d, d])
    with pytest.raises(ValueError, match="named 'same'"):
        Sequential([Dense(2, name="same"), Dense(2, name="same")])
    with pytest.raises(ValueError, match="first element"):
        Sequential([Dense(2), Input((3,))])
    with pytest.raises(TypeError, match="expected a Layer"):
        Sequential(["dense"])


def test_masks_flow_through_the_stack():
    seqlab.set_random_seed(6)
    model = Sequential([Embedding(12, 3, mask_zero=True), GRU(4), Dense(1)])
    model.build((None, None))
    padded = np.array([[0, 0, 0, 5, 7, 2]])
    np.testing.assert_allclose(model.predict(padded), model.predict(padded[:, 3:]),
                               rtol=1e-6)
    unmasked = Sequential([Embedding(12, 3), GRU(4), Dense(1)])
    unmasked.build((None, None))
    unmasked.set_weights(model.get_weights())
    assert not np.allclose(unmasked.predict(padded), model.predict(padded))
