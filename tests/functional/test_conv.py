"""conv1d reference kernel: Keras length/padding rules, a direct-loop check of
the forward, hand-computed examples, and finite-difference gradients (float64)
for every padding × stride × dilation combination."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from seqlab.functional.conv import conv1d, conv1d_backward, conv_geometry, conv_output_length
from seqlab.testing.gradcheck import check_function

PADDINGS = ("valid", "same", "causal")


def direct_conv1d(x, W, b, s, padding, r):
    """Straight from the definition, with the Keras padding rule written out."""
    B, T, _ = x.shape
    K, _, F = W.shape
    span = r * (K - 1) + 1
    if padding == "valid":
        out, left = (T - span) // s + 1, 0
    elif padding == "causal":
        out, left = -(-T // s), span - 1
    else:
        out = -(-T // s)
        left = max((out - 1) * s + span - T, 0) // 2
    y = np.zeros((B, out, F))
    for bb, t, f in itertools.product(range(B), range(out), range(F)):
        acc = b[f]
        for k in range(K):
            src = t * s + k * r - left
            if 0 <= src < T:
                acc += x[bb, src, :] @ W[k, :, f]
        y[bb, t, f] = acc
    return y


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("dilation", [1, 2])
def test_forward_matches_direct_loops(padding, stride, dilation):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 10, 3))
    W = rng.standard_normal((3, 3, 4))
    b = rng.standard_normal(4)
    y, _ = conv1d(x, W, b, stride, padding, dilation)
    np.testing.assert_allclose(y, direct_conv1d(x, W, b, stride, padding, dilation),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("dilation", [1, 2])
def test_gradients_match_finite_differences(padding, stride, dilation):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 8, 2))
    W = rng.standard_normal((3, 2, 3))
    b = rng.standard_normal(3)

    def forward(x, W, b):
        return conv1d(x, W, b, stride, padding, dilation)

    check_function(forward, conv1d_backward, [x, W, b])


def test_gradients_without_bias():
    rng = np.random.default_rng(2)
    x, W = rng.standard_normal((2, 6, 2)), rng.standard_normal((2, 2, 3))
    _, cache = conv1d(x, W, None, 1, "same", 1)
    dx, dW, db = conv1d_backward(np.ones((2, 6, 3)), cache)
    assert db is None and dx.shape == x.shape and dW.shape == W.shape
    check_function(lambda x, W: conv1d(x, W, None, 2, "causal", 1),
                   lambda dy, c: conv1d_backward(dy, c)[:2], [x, W])


def test_hand_computed_paddings():
    # x = 1, 2, 3, 4 (one channel), W = [1, 10]: y[t] = x[t]·1 + x[t+1]·10 on the padded input
    x = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 4, 1)
    W = np.array([1.0, 10.0]).reshape(2, 1, 1)
    valid = conv1d(x, W, None, 1, "valid", 1)[0].ravel()
    same = conv1d(x, W, None, 1, "same", 1)[0].ravel()  # one zero step on the right
    causal = conv1d(x, W, None, 1, "causal", 1)[0].ravel()  # one zero step on the left
    np.testing.assert_array_equal(valid, [21, 32, 43])
    np.testing.assert_array_equal(same, [21, 32, 43, 4])
    np.testing.assert_array_equal(causal, [10, 21, 32, 43])  # y[t] = x[t−1] + 10·x[t]
    strided = conv1d(x, W, np.array([0.5]), 2, "valid", 1)[0].ravel()
    np.testing.assert_array_equal(strided, [21.5, 43.5])
    dilated = conv1d(x, W, None, 1, "valid", 2)[0].ravel()  # x[t] + 10·x[t+2]
    np.testing.assert_array_equal(dilated, [31, 42])


def test_causal_output_never_sees_the_future():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 9, 2))
    W = rng.standard_normal((3, 2, 2))
    y, _ = conv1d(x, W, None, 1, "causal", 2)
    x2 = x.copy()
    x2[0, 5:] += 100.0  # change the future from step 5 on
    y2, _ = conv1d(x2, W, None, 1, "causal", 2)
    np.testing.assert_array_equal(y[0, :5], y2[0, :5])
    assert not np.allclose(y[0, 5:], y2[0, 5:])


@pytest.mark.parametrize(("T", "K", "padding", "s", "r", "expected"), [
    (10, 3, "valid", 1, 1, 8),
    (10, 3, "valid", 2, 1, 4),   # ⌊(10 − 3) / 2⌋ + 1
    (10, 3, "valid", 2, 2, 3),   # ⌊(10 − 5) / 2⌋ + 1
    (10, 3, "same", 1, 2, 10),
    (10, 3, "same", 3, 1, 4),    # ⌈10 / 3⌉
    (10, 4, "causal", 4, 3, 3),  # ⌈10 / 4⌉
    (5, 5, "valid", 1, 1, 1),
])
def test_output_length_keras_rules(T, K, padding, s, r, expected):
    assert conv_output_length(T, K, padding, s, r) == expected
    x = np.zeros((1, T, 1))
    assert conv1d(x, np.zeros((K, 1, 2)), None, s, padding, r)[0].shape == (1, expected, 2)
    assert conv_output_length(None, K, padding, s, r) is None


def test_same_padding_puts_the_extra_step_on_the_right():
    geo = conv_geometry(10, 4, "same", 1, 1)  # 3 padded steps: 1 left, 2 right (TF/Keras)
    assert (geo.pad_left, geo.pad_right) == (1, 2)
    geo = conv_geometry(10, 3, "causal", 1, 2)
    assert (geo.pad_left, geo.pad_right) == (4, 0)


def test_float32_stays_float32():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 6, 3)).astype(np.float32)
    W = rng.standard_normal((2, 3, 4)).astype(np.float32)
    y, cache = conv1d(x, W, np.zeros(4, np.float32), 1, "same", 1)
    assert y.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv1d_backward(np.ones_like(y), cache))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"padding": "full"}, r"padding must be one of \['valid', 'same', 'causal'\], got 'full'"),
    ({"strides": 0}, "strides must be a positive integer, got 0"),
    ({"dilation_rate": -1}, "dilation_rate must be a positive integer, got -1"),
    ({"strides": 1.5}, "strides must be a positive integer"),
])
def test_bad_arguments(kwargs, message):
    x, W = np.zeros((1, 6, 2)), np.zeros((3, 2, 1))
    with pytest.raises(ValueError, match=message):
        conv1d(x, W, None, **kwargs)


def test_bad_shapes():
    W = np.zeros((3, 2, 4))
    with pytest.raises(ValueError, match=r"expected x of shape \(B, T, D\), got shape \(6, 2\)"):
        conv1d(np.zeros((6, 2)), W)
    with pytest.raises(ValueError, match="expects D=2 input channels"):
        conv1d(np.zeros((1, 6, 5)), W)
    with pytest.raises(ValueError, match=r"bias of shape \(4,\), got \(3,\)"):
        conv1d(np.zeros((1, 6, 2)), W, np.zeros(3))
    with pytest.raises(ValueError, match="window spans 5 steps.* at least 5 steps, got 4"):
        conv1d(np.zeros((1, 4, 2)), W, None, 1, "valid", 2)
    with pytest.raises(ValueError, match="expected dy of shape"):
        _, cache = conv1d(np.zeros((1, 6, 2)), W)
        conv1d_backward(np.zeros((1, 5, 4)), cache)
