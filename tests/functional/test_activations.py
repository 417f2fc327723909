"""Activations: values against direct formulas, derivatives from the output,
gradient checks, the name registry and in-place buffers."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional import activations as A
from seqlab.testing import check_function

ELEMENTWISE = ("tanh", "sigmoid", "hard_sigmoid", "relu", "linear")


def _x(shape=(3, 4), seed=0):
    """Inputs away from the kinks of relu (0) and hard_sigmoid (±2.5)."""
    x = np.random.default_rng(seed).uniform(-2.0, 2.0, size=shape)
    x[np.abs(x) < 0.05] = 0.3
    return x


def _pair(name):
    def forward(x):
        y = A.activation_forward(name, x)
        return y, y

    def backward(dy, y):
        return A.activation_backward(name, y, dy)

    return forward, backward


@pytest.mark.parametrize("name", (*ELEMENTWISE, "softmax"))
def test_gradcheck_every_activation(name):
    forward, backward = _pair(name)
    check_function(forward, backward, [_x()])


def test_gradcheck_hard_sigmoid_in_its_flat_parts():
    x = np.array([[-4.0, -2.6, -1.0, 0.4], [1.3, 2.4, 2.6, 5.0]])
    grads = check_function(*_pair("hard_sigmoid"), [x])
    assert np.count_nonzero(grads[0]) == 4  # zero where saturated (|x| > 2.5)


def test_values_match_direct_formulas():
    x = _x((5, 3))
    np.testing.assert_allclose(A.tanh(x), (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)))
    np.testing.assert_allclose(A.sigmoid(x), 1.0 / (1.0 + np.exp(-x)), rtol=1e-15)
    np.testing.assert_array_equal(A.relu(x), np.where(x > 0, x, 0.0))
    np.testing.assert_array_equal(A.linear(x), x)
    e = np.exp(x)
    np.testing.assert_allclose(A.softmax(x), e / e.sum(axis=-1, keepdims=True), rtol=1e-14)


def test_hard_sigmoid_is_clip_of_a_line():
    x = np.array([-3.0, -2.5, -1.0, 0.0, 1.0, 2.5, 3.0])
    np.testing.assert_allclose(A.hard_sigmoid(x), [0.0, 0.0, 0.3, 0.5, 0.7, 1.0, 1.0])
    y = A.hard_sigmoid(np.array([-3.0, -1.0, 0.0, 2.0, 3.0]))
    np.testing.assert_allclose(A.hard_sigmoid_backward(y), [0.0, 0.2, 0.2, 0.2, 0.0])


def test_derivative_helpers_work_from_the_output():
    x = _x((4, 4), seed=1)
    np.testing.assert_allclose(A.tanh_backward(np.tanh(x)), 1.0 / np.cosh(x) ** 2, rtol=1e-12)
    s = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_allclose(A.sigmoid_backward(s), np.exp(-x) * s * s, rtol=1e-12)
    np.testing.assert_array_equal(A.relu_backward(A.relu(x)), (x > 0).astype(float))
    np.testing.assert_array_equal(A.linear_backward(x), np.ones_like(x))


def test_sigmoid_is_stable_and_precise_far_from_zero():
    x = np.array([-1000.0, -40.0, 40.0, 1000.0])
    with np.errstate(over="raise"):
        y = A.sigmoid(x)
    assert y[0] == 0.0 and y[3] == 1.0
    np.testing.assert_allclose(y[1], np.exp(-40.0), rtol=1e-12)  # tiny outputs keep precision
    assert A.sigmoid(x.astype(np.float32)).dtype == np.float32


def test_softmax_is_shift_invariant_and_stable():
    x = _x((3, 5), seed=2)
    np.testing.assert_allclose(A.softmax(x + 1000.0), A.softmax(x), rtol=1e-12)
    np.testing.assert_allclose(A.softmax(x).sum(axis=-1), 1.0)
    big = A.softmax(np.array([[1000.0, 1000.0, 0.0]]))
    np.testing.assert_allclose(big, [[0.5, 0.5, 0.0]], atol=1e-300)


def test_softmax_backward_matches_the_full_jacobian():
    x = _x((1, 4), seed=3)[0]
    y = A.softmax(x)
    jac = np.diag(y) - np.outer(y, y)  # dy_i/dx_j
    dy = np.array([0.3, -1.0, 2.0, 0.5])
    np.testing.assert_allclose(A.softmax_backward(y, dy), jac.T @ dy, rtol=1e-12)


@pytest.mark.parametrize("name", (*ELEMENTWISE, "softmax"))
def test_out_buffers_give_the_same_result(name):
    x = _x((3, 4), seed=4)
    y = A.activation_forward(name, x)
    buf = x.copy()
    y_inplace = A.activation_forward(name, buf, out=buf)
    np.testing.assert_array_equal(y_inplace, y)
    dy = np.random.default_rng(5).standard_normal(x.shape)
    dx = A.activation_backward(name, y, dy)
    dbuf = dy.copy()
    np.testing.assert_array_equal(A.activation_backward(name, y, dbuf, out=dbuf), dx)


@pytest.mark.parametrize("name", (*ELEMENTWISE, "softmax"))
def test_float32_stays_float32(name):
    x = _x().astype(np.float32)
    y = A.activation_forward(name, x)
    assert y.dtype == np.float32
    assert A.activation_backward(name, y, np.ones_like(y)).dtype == np.float32


def test_registry_lookup_and_unknown_names():
    forward, _ = A.get_activation("tanh")
    assert forward is A.tanh
    assert A.get_activation(None)[0] is A.linear
    assert A.canonical_name(None) == "linear"
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*'hard_sigmoid'"):
        A.get_activation("swish")
    with pytest.raises(ValueError, match="Dense 'd'"):
        A.canonical_name("Tanh", "Dense 'd'")
