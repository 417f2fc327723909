"""TimeDistributed: per-step application, shared weights, gradients, config, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlab.layers.base import deserialize, serialize
from seqlab.layers.core import Dense, Flatten
from seqlab.layers.embedding import Embedding
from seqlab.layers.symbolic import Input
from seqlab.layers.wrappers import TimeDistributed
from seqlab.testing import check_layer


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def test_gradcheck_dense_inside():
    layer = TimeDistributed(Dense(2, activation="tanh", dtype="float64", seed=0))
    check_layer(layer, _x((2, 3, 4)))


def test_gradcheck_on_rank_four_input():
    layer = TimeDistributed(Flatten(dtype="float64"))
    check_layer(layer, _x((2, 3, 2, 2)))
    assert layer(_x((2, 3, 2, 2))).shape == (2, 3, 4)


def test_equals_the_inner_layer_applied_at_each_step():
    inner = Dense(3, dtype="float64", seed=1)
    layer = TimeDistributed(inner)
    x = _x((2, 5, 4))
    y = layer(x)
    assert y.shape == (2, 5, 3)
    for t in range(5):
        np.testing.assert_allclose(y[:, t], inner(x[:, t]), rtol=1e-12)


def test_weights_are_the_inner_layers_and_sum_over_steps():
    inner = Dense(3, dtype="float64", seed=2)
    layer = TimeDistributed(inner)
    x = _x((2, 4, 5))
    layer(x)
    assert layer.weights == inner.weights
    assert layer.count_params() == 5 * 3 + 3
    layer.zero_grad()
    layer.backward(np.ones((2, 4, 3)))
    np.testing.assert_allclose(inner.bias.grad, np.full(3, 8.0))  # B·T = 8 positions


def test_shapes_mask_and_symbolic_call():
    layer = TimeDistributed(Dense(6))
    assert layer.compute_output_shape((None, 10, 4)) == (None, 10, 6)
    mask = np.ones((2, 3), dtype=bool)
    assert layer.compute_mask(None, mask) is mask
    out = TimeDistributed(Dense(7))(Input((None, 3)))
    assert out.shape == (None, None, 7)


def test_embedding_inside_keeps_integer_ids():
    inner = Embedding(6, 2, seed=3)
    layer = TimeDistributed(inner)
    ids = np.array([[[1, 2], [3, 5]]])  # (B=1, T=2, L=2)
    y = layer(ids)
    assert y.shape == (1, 2, 2, 2)
    np.testing.assert_array_equal(y, inner.get_weights()[0][ids])
    assert layer.backward(np.ones_like(y)) is None


def test_config_round_trip_nests_the_inner_layer():
    layer = TimeDistributed(Dense(4, activation="softmax", name="per_step"), name="td")
    spec = json.loads(json.dumps(serialize(layer)))
    assert spec["config"]["layer"]["class_name"] == "Dense"
    clone = deserialize(spec)
    assert isinstance(clone.layer, Dense) and clone.layer.units == 4
    assert clone.get_config() == layer.get_config()
    x = _x((2, 3, 5)).astype(np.float32)
    y = layer(x)
    clone.build((None, 3, 5))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x), y)


def test_errors():
    with pytest.raises(TypeError, match="layer must be a seqlab Layer instance"):
        TimeDistributed("dense")
    layer = TimeDistributed(Dense(2), name="td2")
    with pytest.raises(ValueError, match=r"'td2' \(TimeDistributed\): expected input of rank >= 3"):
        layer(np.ones((2, 3)))
    with pytest.raises(ValueError, match="rank >= 3"):
        TimeDistributed(Dense(2)).compute_output_shape((None, 3))
    layer(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"\(Dense\): expected input with last dimension 4"):
        layer(np.ones((2, 3, 5)))
    with pytest.raises(ValueError, match="input is empty"):
        layer(np.ones((2, 0, 4)))
    fresh = TimeDistributed(Dense(2))
    fresh.build((None, 3, 4))
    with pytest.raises(RuntimeError, match="needs a forward call first"):
        fresh.backward(np.ones((1, 3, 2)))
