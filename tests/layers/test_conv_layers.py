"""Conv1D and the 1D pooling layers: gradient checks (float64), Keras shapes,
parameter counts and config round-trips, masks, kernel switch, and errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlab.config import use_kernels
from seqlab.layers.base import deserialize, serialize
from seqlab.layers.conv import Conv1D
from seqlab.layers.pooling import (
    AveragePooling1D,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    MaxPooling1D,
)
from seqlab.layers.symbolic import Input
from seqlab.testing import check_layer

COMBOS = [(p, s, r) for p in ("valid", "same", "causal") for s in (1, 2, 3) for r in (1, 2)]


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _roundtrip(layer):
    return deserialize(json.loads(json.dumps(serialize(layer))))


@pytest.fixture(params=["numba", "numpy"])
def kernels(request):
    with use_kernels(request.param):
        yield request.param


# ------------------------------------------------------------------ Conv1D
@pytest.mark.parametrize(("padding", "strides", "dilation"), COMBOS)
def test_conv1d_gradcheck_every_combination(padding, strides, dilation, kernels):
    layer = Conv1D(3, 3, strides=strides, padding=padding, dilation_rate=dilation,
                   bias_initializer="glorot_uniform", dtype="float64", seed=1)
    check_layer(layer, _x((2, 8, 2)))


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_conv1d_gradcheck_with_activation(activation, kernels):
    layer = Conv1D(2, 2, padding="same", activation=activation, dtype="float64", seed=2,
                   bias_initializer="glorot_uniform")
    check_layer(layer, _x((2, 5, 3), seed=3))


def test_conv1d_without_bias():
    layer = Conv1D(2, 3, use_bias=False, dtype="float64", seed=3)
    check_layer(layer, _x((2, 6, 2)))
    assert [w.shape for w in layer.get_weights()] == [(3, 2, 2)]


def test_conv1d_weights_keras_layout_and_count():
    layer = Conv1D(32, 7)
    layer.build((None, 500, 128))
    assert [w.shape for w in layer.get_weights()] == [(7, 128, 32), (32,)]
    assert layer.count_params() == 7 * 128 * 32 + 32  # 28,704 as in Keras
    assert layer.kernel.value.dtype == np.float32


def test_conv1d_is_the_documented_sum():
    layer = Conv1D(2, 2, padding="causal", dtype="float64", seed=4)
    x = _x((1, 4, 3))
    y = layer(x)
    W, b = layer.get_weights()
    # causal, K=2: y[t] = x[t−1]·W[0] + x[t]·W[1] + b, with x[−1] = 0
    np.testing.assert_allclose(y[0, 0], x[0, 0] @ W[1] + b, rtol=1e-12)
    np.testing.assert_allclose(y[0, 3], x[0, 2] @ W[0] + x[0, 3] @ W[1] + b, rtol=1e-12)
    geo = layer.output_geometry(4)
    assert (geo.pad_left, geo.pad_right, geo.out_length) == (1, 0, 4)


@pytest.mark.parametrize(("padding", "strides", "dilation"), COMBOS)
def test_conv1d_output_shape_matches_call(padding, strides, dilation):
    layer = Conv1D(4, 3, strides=strides, padding=padding, dilation_rate=dilation)
    y = layer(_x((2, 9, 3)))
    assert layer.compute_output_shape((None, 9, 3)) == (None, *y.shape[1:])
    assert layer.compute_output_shape((2, None, 3)) == (2, None, 4)


def test_numba_and_numpy_kernels_agree_in_the_layer():
    x, dy = _x((3, 12, 4), 5), _x((3, 6, 5), 6)
    results = []
    for name in ("numba", "numpy"):
        layer = Conv1D(5, 3, strides=2, padding="same", activation="tanh", dtype="float64",
                       seed=7)
        with use_kernels(name):
            y = layer(x)
            dx = layer.backward(dy)
        results.append((y, dx, layer.kernel.grad, layer.bias.grad))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_conv1d_config_roundtrip_predicts_identically():
    layer = Conv1D(4, (3,), strides=(2,), padding="causal", dilation_rate=2, activation="relu",
                   use_bias=False, kernel_initializer="he_uniform", seed=3)
    x = _x((2, 10, 3)).astype(np.float32)
    y = layer(x)
    clone = _roundtrip(layer)
    assert clone.get_config() == layer.get_config()
    assert (clone.kernel_size, clone.strides, clone.padding) == (3, 2, "causal")
    clone.build((None, 10, 3))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x), y)


def test_conv1d_frozen_layer_accumulates_no_gradient():
    layer = Conv1D(2, 2, trainable=False, dtype="float64", seed=1)
    y = layer(_x((1, 5, 2)))
    dx = layer.backward(np.ones_like(y))
    assert dx.shape == (1, 5, 2)
    assert not layer.trainable_weights
    assert np.all(layer.kernel.grad == 0) and np.all(layer.bias.grad == 0)


def test_conv1d_on_symbolic_input():
    assert Conv1D(8, 3)(Input((10, 4))).shape == (None, 8, 8)
    assert Conv1D(8, 3, padding="same", strides=2)(Input((None, 4))).shape == (None, None, 8)
    with pytest.raises(ValueError, match="needs at least 5 steps"):
        Conv1D(8, 3, dilation_rate=2)(Input((4, 4)))


def test_conv1d_keras_names():
    layer = Conv1D(1, 1)
    assert layer.name.startswith("conv1d")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"filters": 0, "kernel_size": 3}, "filters must be a positive integer, got 0"),
    ({"filters": 2, "kernel_size": -1}, "kernel_size must be a positive integer, got -1"),
    ({"filters": 2, "kernel_size": 3, "strides": 0}, "strides must be a positive integer"),
    ({"filters": 2, "kernel_size": 3, "dilation_rate": 1.5}, "dilation_rate must be a positive"),
    ({"filters": 2, "kernel_size": 3, "padding": "full"},
     r"padding must be one of \['valid', 'same', 'causal'\], got 'full'"),
    ({"filters": 2, "kernel_size": 3, "activation": "swish"}, "unknown activation 'swish'"),
])
def test_conv1d_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Conv1D(name="bad_conv", **kwargs)


def test_conv1d_bad_inputs_name_the_layer():
    layer = Conv1D(2, 3, name="c1")
    layer(np.zeros((1, 6, 4), np.float32))
    with pytest.raises(ValueError, match=r"'c1' \(Conv1D\): expected input of rank 3"):
        layer(np.zeros((6, 4), np.float32))
    with pytest.raises(ValueError, match=r"'c1' \(Conv1D\): expected input with last dimension 4"):
        layer(np.zeros((1, 6, 5), np.float32))
    with pytest.raises(ValueError, match=r"'c1' \(Conv1D\).*needs at least 3 steps.*got 2 steps"):
        layer(np.zeros((1, 2, 4), np.float32))
    with pytest.raises(ValueError, match=r"'c1' \(Conv1D\): expected dout of shape \(1, 4, 2\)"):
        layer(np.zeros((1, 6, 4), np.float32))
        layer.backward(np.zeros((1, 5, 2), np.float32))
    with pytest.raises(RuntimeError, match="needs a forward call first"):
        Conv1D(2, 3).backward(np.zeros((1, 4, 2)))
    with pytest.raises(ValueError, match="rank 3"):
        Conv1D(2, 3).build((None, 4))


# ----------------------------------------------------------------- pooling
@pytest.mark.parametrize("cls", [MaxPooling1D, AveragePooling1D])
@pytest.mark.parametrize(("pool", "strides", "padding"),
                         [(2, None, "valid"), (3, 1, "valid"), (3, 2, "same"), (2, 3, "same")])
def test_pooling_gradcheck_and_shapes(cls, pool, strides, padding):
    layer = cls(pool, strides=strides, padding=padding, dtype="float64")
    x = _x((2, 7, 3), 8)
    check_layer(layer, x)
    y = layer(x)
    assert layer.compute_output_shape((None, 7, 3)) == (None, *y.shape[1:])
    assert layer.compute_output_shape((None, None, 3)) == (None, None, 3)
    assert not layer.weights
    clone = _roundtrip(layer)
    assert clone.get_config() == layer.get_config()
    np.testing.assert_array_equal(clone(x), y)


def test_pooling_defaults_follow_keras():
    layer = MaxPooling1D()
    assert (layer.pool_size, layer.strides, layer.padding) == (2, 2, "valid")
    y = layer(np.arange(10.0).reshape(1, 5, 2))
    np.testing.assert_array_equal(y, [[[2, 3], [6, 7]]])
    np.testing.assert_array_equal(AveragePooling1D(2)(np.arange(4.0).reshape(1, 4, 1)).ravel(),
                                  [0.5, 2.5])


def test_local_pooling_ignores_and_drops_a_mask():
    x = _x((2, 6, 2)).astype(np.float32)
    mask = np.array([[1, 1, 1, 0, 0, 0], [1] * 6], dtype=bool)
    layer = MaxPooling1D(2)
    np.testing.assert_array_equal(layer(x, mask=mask), layer(x))
    assert layer.compute_mask(x, mask) is None


@pytest.mark.parametrize("cls", [GlobalMaxPooling1D, GlobalAveragePooling1D])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_gradcheck_shapes_and_config(cls, keepdims):
    layer = cls(keepdims=keepdims, dtype="float64")
    x = _x((3, 5, 4), 9)
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1]], dtype=bool)
    check_layer(layer, x)
    check_layer(layer, x, mask=mask)
    y = layer(x)
    expected = (None, 1, 4) if keepdims else (None, 4)
    assert layer.compute_output_shape((None, 5, 4)) == expected
    assert y.shape == (3, *expected[1:])
    assert layer.compute_mask(x, mask) is None
    assert _roundtrip(layer).get_config() == layer.get_config()


@pytest.mark.parametrize("cls", [GlobalMaxPooling1D, GlobalAveragePooling1D])
def test_global_pooling_padded_batch_equals_unpadded(cls):
    layer = cls(dtype="float64")
    rng = np.random.default_rng(10)
    a, b = rng.standard_normal((3, 2)), rng.standard_normal((5, 2))  # lengths 3 and 5
    want = np.stack([layer(a[None])[0], layer(b[None])[0]])
    for side in ("left", "right"):
        x = np.full((2, 5, 2), 7.0)  # padding values that would change max and mean
        mask = np.zeros((2, 5), dtype=bool)
        rows = slice(2, 5) if side == "left" else slice(0, 3)
        x[0, rows], mask[0, rows] = a, True
        x[1], mask[1] = b, True
        np.testing.assert_allclose(layer(x, mask=mask), want, rtol=1e-13)
        dx = layer.backward(np.ones((2, 2)))
        assert np.all(dx[0][~mask[0]] == 0)


def test_global_average_matches_mean_over_steps():
    x = _x((2, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(GlobalAveragePooling1D()(x), x.mean(axis=1), rtol=1e-6)
    np.testing.assert_array_equal(GlobalMaxPooling1D()(x), x.max(axis=1))


def test_pooling_on_symbolic_input():
    assert MaxPooling1D(5)(Input((100, 8))).shape == (None, 20, 8)
    assert AveragePooling1D(3, padding="same")(Input((100, 8))).shape == (None, 34, 8)
    assert GlobalMaxPooling1D()(Input((None, 8))).shape == (None, 8)
    assert GlobalAveragePooling1D(keepdims=True)(Input((7, 8))).shape == (None, 1, 8)


def test_pooling_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"padding must be one of \['valid', 'same'\]"):
        MaxPooling1D(2, padding="causal")
    with pytest.raises(ValueError, match="pool_size must be a positive integer, got 0"):
        AveragePooling1D(0)
    with pytest.raises(ValueError, match="strides must be a positive integer, got -2"):
        MaxPooling1D(2, strides=-2)
    layer = MaxPooling1D(4, name="mp")
    with pytest.raises(ValueError, match=r"'mp' \(MaxPooling1D\).*pool_size=4 steps, got 3"):
        layer(np.zeros((1, 3, 2)))
    with pytest.raises(ValueError, match=r"'mp' \(MaxPooling1D\): expected input of rank 3"):
        layer(np.zeros((5, 2)))
    g = GlobalAveragePooling1D(name="gap")
    with pytest.raises(ValueError, match=r"'gap' \(GlobalAveragePooling1D\).*mask of shape"):
        g(np.zeros((2, 3, 2)), mask=np.ones((3, 2), bool))
    with pytest.raises(ValueError, match="expected dout of shape"):
        g(np.zeros((2, 3, 2)))
        g.backward(np.zeros((2, 1, 2)))
