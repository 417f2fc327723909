"""Merge layers: values, float64 gradient checks, masks as Keras passes them, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional.merge import (
    batch_dot,
    batch_dot_backward,
    l2_normalize,
    l2_normalize_backward,
)
from seqlab.layers import (
    Add,
    Average,
    Concatenate,
    Dot,
    Multiply,
    Subtract,
    deserialize,
    serialize,
)
from seqlab.testing.gradcheck import check_function, check_layer

B, T, D = 2, 3, 4


def arrays(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


@pytest.mark.parametrize(("layer", "expected"), [
    (Add, lambda a, b, c: a + b + c),
    (Multiply, lambda a, b, c: a * b * c),
    (Average, lambda a, b, c: (a + b + c) / 3),
])
def test_elementwise_values_and_gradients(layer, expected):
    xs = arrays(0, (B, T, D), (B, T, D), (B, T, D))
    np.testing.assert_allclose(layer(dtype="float64")(xs), expected(*xs))
    check_layer(layer(dtype="float64"), xs)


def test_subtract_and_broadcasting_gradients():
    a, b = arrays(1, (B, T, D), (B, 1, D))
    np.testing.assert_allclose(Subtract(dtype="float64")([a, b]), a - b)
    grads = check_layer(Subtract(dtype="float64"), [a, b])
    assert grads["input[1]"].shape == (B, 1, D)
    c = arrays(2, (B, D))[0]  # lower rank: size-1 axes go after the batch axis
    np.testing.assert_allclose(Add(dtype="float64")([a, c]), a + c[:, None, :])
    check_layer(Multiply(dtype="float64"), [a, c])


@pytest.mark.parametrize("axis", [-1, 1])
def test_concatenate_values_and_gradients(axis):
    a, b = arrays(3, (B, T, D), (B, T, D))
    b = b[:, :, :2] if axis == -1 else b[:, :2]
    np.testing.assert_array_equal(Concatenate(axis=axis, dtype="float64")([a, b]),
                                  np.concatenate([a, b], axis=axis))
    check_layer(Concatenate(axis=axis, dtype="float64"), [a, b])
    assert Concatenate(axis=axis).compute_output_shape([a.shape, b.shape]) \
        == np.concatenate([a, b], axis=axis).shape


@pytest.mark.parametrize(("axes", "shapes"), [
    (1, [(B, D), (B, D)]),
    (2, [(B, T, D), (B, 5, D)]),
    ((1, 2), [(B, T, D), (B, 5, T)]),
    ((2, 1), [(B, T, D), (B, D, 5)]),
])
@pytest.mark.parametrize("normalize", [False, True])
def test_dot_values_and_gradients(axes, shapes, normalize):
    x, y = arrays(4, *shapes)
    layer = Dot(axes, normalize=normalize, dtype="float64")
    out = layer([x, y])
    a, b = (axes, axes) if isinstance(axes, int) else axes
    if normalize:
        x = x / np.linalg.norm(x, axis=a, keepdims=True)
        y = y / np.linalg.norm(y, axis=b, keepdims=True)
    want = np.stack([np.tensordot(x[i], y[i], axes=(a - 1, b - 1)) for i in range(B)])
    np.testing.assert_allclose(out, want.reshape(out.shape), rtol=1e-10)
    assert layer.compute_output_shape(shapes) == out.shape
    check_layer(layer, arrays(4, *shapes))


def test_merge_kernels_gradients():
    x, y = arrays(5, (B, T, D), (B, 5, D))
    check_function(lambda x, y: batch_dot(x, y, (2, 2)), batch_dot_backward, [x, y])
    check_function(lambda x: l2_normalize(x, 1), l2_normalize_backward, [x])


def test_l2_normalize_of_a_zero_vector_is_zero_with_finite_gradient():
    x = np.zeros((1, 3))
    y, cache = l2_normalize(x, 1)
    assert np.all(y == 0)
    assert np.all(np.isfinite(l2_normalize_backward(np.ones_like(y), cache)))


# ------------------------------------------------------------------ masks
def time_masks() -> list[np.ndarray]:
    return [np.array([[1, 1, 0], [1, 0, 0]], bool), np.array([[1, 0, 0], [1, 1, 0]], bool)]


def test_elementwise_mask_is_the_or_of_the_input_masks():
    xs = arrays(6, (B, T, D), (B, T, D))
    m0, m1 = time_masks()
    np.testing.assert_array_equal(Add().compute_mask(xs, [m0, m1]), m0 | m1)
    assert Add().compute_mask(xs, [m0, None]) is None  # Keras: only when every input has one


def test_concatenate_masks():
    a, b = arrays(7, (B, T, D), (B, T, 2))
    m0, m1 = time_masks()
    layer = Concatenate()
    np.testing.assert_array_equal(layer.compute_mask([a, b], [m0, m1]), m0 | m1)
    np.testing.assert_array_equal(layer.compute_mask([a, b], [m0, None]), np.ones((B, T), bool))
    assert layer.compute_mask([a, b], None) is None
    along_time = Concatenate(axis=1).compute_mask([a, a], [m0, None])
    np.testing.assert_array_equal(along_time, np.concatenate([m0, np.ones((B, T), bool)], 1))
    assert Dot(2).compute_mask([a, a], [m0, m1]) is None


def test_config_round_trip():
    assert deserialize(serialize(Concatenate(axis=1))).axis == 1
    dot = deserialize(serialize(Dot((1, 2), normalize=True)))
    assert (dot.axes, dot.normalize) == ([1, 2], True)


# ------------------------------------------------------------------ bad input
def test_bad_input():
    a, b = arrays(8, (B, T, D), (B, T, 2))
    with pytest.raises(ValueError, match=r"do not match on axis 2"):
        Add()([a, b])
    with pytest.raises(ValueError, match="match on every axis but axis 1"):
        Concatenate(axis=1)([a, b])
    with pytest.raises(ValueError, match="must name a non-batch axis"):
        Concatenate(axis=0)([a, a])
    with pytest.raises(ValueError, match=r"size 4\).*size 2\)"):
        Dot(2)([a, b])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        Subtract()([a, a, a])
    with pytest.raises(TypeError, match="list of inputs"):
        Add()(a)
    with pytest.raises(ValueError, match="axes must be an int or a pair"):
        Dot((1, 2, 3))
