"""Core layers: gradient checks, Keras shapes and semantics, config round-trips, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlab.layers.base import deserialize, serialize
from seqlab.layers.core import Activation, Dense, Dropout, Flatten, RepeatVector, Reshape
from seqlab.layers.symbolic import Input
from seqlab.testing import check_layer


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _roundtrip(layer):
    spec = json.loads(json.dumps(serialize(layer)))
    return deserialize(spec)


# ------------------------------------------------------------------ Dense
@pytest.mark.parametrize("activation", [None, "tanh", "sigmoid", "relu", "softmax"])
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_dense_gradcheck(shape, activation):
    layer = Dense(3, activation=activation, dtype="float64", seed=1,
                  bias_initializer="glorot_uniform")
    check_layer(layer, _x(shape))


def test_dense_without_bias_gradcheck_and_weights():
    layer = Dense(2, use_bias=False, dtype="float64", seed=2)
    check_layer(layer, _x((3, 4)))
    assert [w.shape for w in layer.get_weights()] == [(4, 2)]


def test_dense_weights_have_keras_layout_and_count():
    layer = Dense(1)
    layer.build((None, 32))
    assert [p.name for p in layer.weights] == [f"{layer.name}/kernel", f"{layer.name}/bias"]
    assert [w.shape for w in layer.get_weights()] == [(32, 1), (1,)]
    assert layer.count_params() == 33
    assert layer.get_weights()[0].dtype == np.float32


def test_dense_output_is_activation_of_affine_map():
    layer = Dense(3, activation="tanh", dtype="float64", seed=3)
    x = _x((2, 5, 4))
    y = layer(x)
    W, b = layer.get_weights()
    np.testing.assert_allclose(y, np.tanh(np.einsum("btd,dh->bth", x, W) + b), rtol=1e-12)
    assert layer.compute_output_shape((None, 5, 4)) == (None, 5, 3)


def test_dense_mask_passes_through_and_frozen_layer_gets_no_grad():
    layer = Dense(2, seed=4, trainable=False)
    mask = np.array([[True, False]])
    assert layer.compute_mask(_x((1, 2, 3)), mask) is mask
    layer(_x((1, 2, 3)))
    layer.backward(np.ones((1, 2, 2), dtype=np.float32))
    assert layer.trainable_weights == []
    assert all(np.all(p.grad == 0) for p in layer.weights)


def test_dense_errors():
    with pytest.raises(ValueError, match="units must be a positive integer, got 0"):
        Dense(0)
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*valid names"):
        Dense(2, activation="swish")
    layer = Dense(2, name="head")
    layer(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"'head' \(Dense\): expected input with last dim.*3"):
        layer(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"'head' \(Dense\): expected input of rank >= 2"):
        layer(np.ones(3))
    with pytest.raises(ValueError, match=r"'head' \(Dense\): input is empty"):
        layer(np.ones((0, 3)))
    with pytest.raises(ValueError, match="rank >= 2"):
        Dense(2).build((None,))
    with pytest.raises(ValueError, match="must be known"):
        Dense(2).build((None, None))
    fresh = Dense(2)
    fresh.build((None, 3))
    with pytest.raises(RuntimeError, match="needs a forward call first"):
        fresh.backward(np.ones((1, 2)))


def test_dense_config_round_trip_gives_the_same_outputs():
    layer = Dense(3, activation="relu", use_bias=False, kernel_initializer="orthogonal",
                  name="d1", dtype="float64", seed=5)
    x = _x((2, 4))
    y = layer(x)
    clone = _roundtrip(layer)
    assert clone.get_config() == layer.get_config()
    assert clone.get_config()["kernel_initializer"] == "orthogonal"
    clone.build((None, 4))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x), y)


def test_dense_on_symbolic_input():
    out = Dense(5)(Input((7, 3)))
    assert out.shape == (None, 7, 5)


# ------------------------------------------------------------ Activation
@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu", "softmax", "linear"])
def test_activation_gradcheck(name):
    x = _x((2, 3, 4))
    x[np.abs(x) < 0.05] = 0.3  # away from the relu kink
    check_layer(Activation(name, dtype="float64"), x)


def test_activation_config_and_errors():
    layer = Activation("hard_sigmoid", name="gate")
    assert _roundtrip(layer).get_config() == layer.get_config()
    np.testing.assert_allclose(layer(np.array([[0.0, 1.0, 5.0]])), [[0.5, 0.7, 1.0]])
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        Activation("gelu")
    with pytest.raises(RuntimeError, match="needs a forward call first"):
        Activation("tanh").backward(np.ones((1, 2)))


# --------------------------------------------------------------- Dropout
def test_dropout_gradcheck_in_training_with_a_fixed_mask():
    check_layer(Dropout(0.5, dtype="float64", seed=3), _x((3, 5)), training=True, seed=9)


def test_dropout_is_the_identity_at_inference():
    layer = Dropout(0.5, seed=1)
    x = _x((3, 4)).astype(np.float32)
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer.backward(2 * x), 2 * x)


def test_dropout_in_training_scales_and_is_reproducible():
    x = np.ones((50, 40), dtype=np.float32)
    y1 = Dropout(0.25, seed=7)(x, training=True)
    y2 = Dropout(0.25, seed=7)(x, training=True)
    np.testing.assert_array_equal(y1, y2)
    assert set(np.unique(y1)) == {0.0, np.float32(1 / 0.75)}
    layer = Dropout(0.25, seed=7)
    y = layer(x, training=True)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), y)


def test_dropout_noise_shape_shares_the_mask_over_time():
    y = Dropout(0.5, noise_shape=(None, 1, 3), seed=2)(np.ones((4, 6, 3)), training=True)
    for t in range(6):
        np.testing.assert_array_equal(y[:, t], y[:, 0])


def test_dropout_config_and_errors():
    layer = Dropout(0.3, noise_shape=(None, 1, 4), seed=11, name="drop")
    clone = _roundtrip(layer)
    assert clone.get_config() == layer.get_config()
    assert clone.seed == 11 and clone.noise_shape == (None, 1, 4)
    with pytest.raises(ValueError, match=r"Dropout 'bad': rate must be a number in \[0, 1\), got 1.0"):
        Dropout(1.0, name="bad")
    with pytest.raises(ValueError, match=r"'drop' \(Dropout\): noise_shape must have rank 2 "
                                         r"to match the input \(2, 4\)"):
        layer(np.ones((2, 4)), training=True)
    with pytest.raises(ValueError, match="input is empty"):
        Dropout(0.1)(np.ones((0, 4)), training=True)


# ------------------------------------------- Flatten, Reshape, RepeatVector
def test_flatten_gradcheck_and_shapes():
    layer = Flatten(dtype="float64")
    check_layer(layer, _x((2, 3, 4)))
    assert layer(_x((2, 3, 4))).shape == (2, 12)
    assert layer.compute_output_shape((None, 3, 4)) == (None, 12)
    assert layer.compute_output_shape((None, None, 4)) == (None, None)
    assert layer.compute_mask(None, np.ones((2, 3), bool)) is None  # masks stop here


def test_reshape_gradcheck_shapes_and_minus_one():
    layer = Reshape((-1, 2), dtype="float64")
    check_layer(layer, _x((2, 3, 4)))
    assert layer(_x((2, 3, 4))).shape == (2, 6, 2)
    assert layer.compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert layer.compute_output_shape((None, None, 4)) == (None, None, 2)
    assert Reshape((12,)).compute_output_shape((8, 3, 4)) == (8, 12)


def test_reshape_errors_and_config():
    with pytest.raises(ValueError, match="at most one -1"):
        Reshape((-1, -1))
    with pytest.raises(ValueError, match="positive integers"):
        Reshape((0, 3))
    with pytest.raises(TypeError, match="target_shape must be a tuple"):
        Reshape(12)
    with pytest.raises(ValueError, match=r"'r' \(Reshape\): cannot reshape samples of shape "
                                         r"\(3, 4\) \(12 values\) to target_shape \(5, -1\)"):
        Reshape((5, -1), name="r")(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match="cannot reshape"):
        Reshape((5,)).compute_output_shape((None, 3, 4))
    layer = Reshape((4, -1), name="r2")
    assert _roundtrip(layer).target_shape == (4, -1)


def test_repeat_vector_gradcheck_and_values():
    layer = RepeatVector(3, dtype="float64")
    check_layer(layer, _x((2, 4)))
    x = _x((2, 4))
    y = layer(x)
    assert y.shape == (2, 3, 4)
    for t in range(3):
        np.testing.assert_array_equal(y[:, t], x)
    assert layer.compute_output_shape((None, 4)) == (None, 3, 4)


def test_repeat_vector_errors_and_config():
    with pytest.raises(ValueError, match="n must be a positive integer"):
        RepeatVector(0)
    with pytest.raises(ValueError, match=r"\(RepeatVector\): expected input of rank 2"):
        RepeatVector(2)(np.ones((2, 3, 4)))
    layer = RepeatVector(5, name="rep")
    assert _roundtrip(layer).get_config() == layer.get_config()
    with pytest.raises(RuntimeError, match="needs a forward call first"):
        RepeatVector(2).backward(np.ones((1, 2, 3)))
