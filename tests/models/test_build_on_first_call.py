"""Keras' build rules: a Sequential model is built from its first layer's
input_shape / batch_input_shape / Embedding input_length, or else from the
first batch of fit, evaluate or predict."""

import numpy as np
import pytest

from seqlab import Sequential
from seqlab.layers import GRU, Bidirectional, Dense, Embedding, Flatten
from seqlab.layers.base import UnknownDimensionError


def test_embedding_input_length_builds_the_book_model_at_once():
    model = Sequential()
    model.add(Embedding(10000, 8, input_length=20))
    model.add(Flatten())
    model.add(Dense(1, activation="sigmoid"))
    assert model.built and model.input_shape == (None, 20)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("(None, 160)" in line for line in lines)
    assert model.count_params() == 10000 * 8 + 160 + 1


def test_embedding_without_input_length_builds_for_any_length():
    model = Sequential([Embedding(100, 4), GRU(3)])
    assert model.built and model.input_shape == (None, None)
    ids = np.array([[1, 2, 3], [4, 5, 6]])
    assert model.predict(ids).shape == (2, 3)
    assert model.predict(np.array([[1, 2, 3, 4, 5]])).shape == (1, 3)


def test_flatten_input_shape_and_set_weights_before_any_data():
    model = Sequential()
    model.add(Flatten(input_shape=(240 // 6, 14)))
    model.add(Dense(32, activation="relu"))
    model.add(Dense(1))
    assert model.built and model.layers[1].kernel.shape == (40 * 14, 32)
    weights = [np.full(w.shape, 0.01) for w in model.get_weights()]
    model.set_weights(weights)
    x = np.ones((2, 40, 14))
    hidden = 560 * 1.0 * 0.01 + 0.01  # every relu unit: Σ x·w + b (x = 1, w = b = 0.01)
    np.testing.assert_allclose(model.predict(x), np.full((2, 1), 32 * hidden * 0.01 + 0.01),
                               rtol=1e-5)


def test_layer_set_weights_on_a_model_defined_the_book_way():
    model = Sequential()
    model.add(Embedding(50, 3, input_length=4))
    model.add(Flatten())
    model.add(Dense(1))
    matrix = np.arange(150, dtype=float).reshape(50, 3)
    model.layers[0].set_weights([matrix])
    model.layers[0].trainable = False
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], matrix)
    assert model.count_params() == 150 + 13


def test_gru_with_unknown_time_dimension():
    model = Sequential([GRU(8, input_shape=(None, 14)), Dense(1)])
    assert model.built and model.input_shape == (None, None, 14)
    assert model.predict(np.zeros((3, 7, 14))).shape == (3, 1)


def test_bidirectional_input_shape():
    model = Sequential([Bidirectional(GRU(4), input_shape=(None, 5)), Dense(1)])
    assert model.built and model.output_shape == (None, 1)


def test_batch_input_shape_keeps_the_batch_dimension():
    model = Sequential([Dense(2, batch_input_shape=(8, 3))])
    assert model.built and model.input_shape == (8, 3)
    with pytest.raises(ValueError, match="not both"):
        Dense(2, input_shape=(3,), batch_input_shape=(None, 3))
    with pytest.raises(ValueError, match=r"input_shape must be a tuple of positive ints"):
        Dense(2, input_shape=(0, 3))


def test_dense_after_flatten_of_any_length_waits_for_data():
    model = Sequential([Embedding(20, 2), Flatten(), Dense(1)])
    assert not model.built
    with pytest.raises(ValueError, match="last dimension of the input must be known"):
        model.summary()
    assert model.predict(np.ones((2, 6), dtype=int)).shape == (2, 1)
    assert model.built and model.layers[2].kernel.shape == (12, 1)


def test_evaluate_builds_from_the_first_batch():
    model = Sequential([Dense(1)])
    model.compile("sgd", "mse")
    loss = model.evaluate(np.ones((4, 3)), np.zeros((4, 1)), verbose=0)
    assert model.built and np.isfinite(loss)


def test_unknown_dimension_error_names_the_layer():
    dense = Dense(2, name="head")
    with pytest.raises(UnknownDimensionError, match=r"layer 'head' \(Dense\).*\(None, None\)"):
        dense.build((None, None))


def test_pop_rebuilds_from_the_first_layers_shape():
    model = Sequential([Dense(4, input_shape=(3,)), Dense(2)])
    model.pop()
    assert model.built and model.output_shape == (None, 4)
    model.add(Dense(5))
    assert model.output_shape == (None, 5)


def test_input_shape_round_trips_through_the_config():
    model = Sequential([Dense(2, batch_input_shape=(None, 3))])
    again = Sequential.from_config(model.get_config())
    assert again.built and again.input_shape == (None, 3)


def test_a_model_waiting_for_data_round_trips_through_the_config():
    model = Sequential([Embedding(20, 2), Flatten(), Dense(1)])
    again = Sequential.from_config(model.get_config())
    assert not again.built and "last dimension of the input must be known" in again.unbuilt_reason
    assert again.predict(np.ones((1, 3), dtype=int)).shape == (1, 1)
