"""Inverted dropout: gradient check with a fixed mask, scaling, seeds, noise_shape, errors."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional.dropout import dropout, dropout_backward, dropout_mask
from seqlab.testing import check_function


def test_gradcheck_with_a_fixed_generator():
    x = np.random.default_rng(0).standard_normal((3, 4))

    def forward(x):
        return dropout(x, 0.4, np.random.default_rng(7))

    check_function(forward, dropout_backward, [x])


def test_mask_values_and_keep_fraction():
    rate = 0.3
    m = dropout_mask((200, 500), rate, np.random.default_rng(1), np.float64)
    assert set(np.unique(m)) == {0.0, 1.0 / (1.0 - rate)}
    assert abs(np.mean(m > 0) - (1.0 - rate)) < 0.01
    assert abs(np.mean(m) - 1.0) < 0.02  # inverted scaling keeps the expectation


def test_same_seed_same_mask_and_dtype():
    x = np.ones((4, 6), dtype=np.float32)
    y1, m1 = dropout(x, 0.5, np.random.default_rng(3))
    _, m2 = dropout(x, 0.5, np.random.default_rng(3))
    np.testing.assert_array_equal(m1, m2)
    assert y1.dtype == np.float32 and m1.dtype == np.float32
    np.testing.assert_array_equal(y1, x * m1)
    np.testing.assert_array_equal(dropout_backward(np.full_like(x, 2.0), m1), 2.0 * m1)


def test_rate_zero_is_the_identity():
    x = np.arange(6.0).reshape(2, 3)
    y, cache = dropout(x, 0.0, np.random.default_rng(0))
    assert cache is None
    np.testing.assert_array_equal(y, x)
    np.testing.assert_array_equal(dropout_backward(x, cache), x)


def test_noise_shape_shares_the_mask_along_size_one_axes():
    x = np.ones((2, 5, 3))
    y, m = dropout(x, 0.5, np.random.default_rng(4), noise_shape=(None, 1, 3))
    assert m.shape == (2, 1, 3)
    for t in range(5):
        np.testing.assert_array_equal(y[:, t], y[:, 0])


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
def test_rate_out_of_range(rate):
    with pytest.raises(ValueError, match=r"rate must be a number in \[0, 1\)"):
        dropout(np.ones(3), rate, np.random.default_rng(0))


def test_bad_rate_type_noise_shape_and_rng():
    with pytest.raises(TypeError, match="rate must be a number"):
        dropout(np.ones(3), "0.5", np.random.default_rng(0))
    with pytest.raises(ValueError, match="noise_shape must have rank 2"):
        dropout(np.ones((2, 3)), 0.5, np.random.default_rng(0), noise_shape=(2,))
    with pytest.raises(ValueError, match="does not broadcast"):
        dropout(np.ones((2, 3)), 0.5, np.random.default_rng(0), noise_shape=(2, 2))
    with pytest.raises(TypeError, match="np.random.Generator"):
        dropout(np.ones(3), 0.5, 123)
