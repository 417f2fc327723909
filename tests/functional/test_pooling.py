"""1D pooling reference kernels: direct-loop checks, Keras "same" rules (padding
never wins a max, is never counted in an average), ties, masks, and
finite-difference gradients (float64)."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional import pooling as P
from seqlab.testing.gradcheck import check_function


def direct_pool(x, size, stride, padding, reduce):
    """Windows over the real steps only, with the Keras/TF "same" placement."""
    _, T, _ = x.shape
    if padding == "valid":
        out, left = (T - size) // stride + 1, 0
    else:
        out = -(-T // stride)
        left = max((out - 1) * stride + size - T, 0) // 2
    y = np.zeros((x.shape[0], out, x.shape[2]))
    for t in range(out):
        lo, hi = max(t * stride - left, 0), min(t * stride - left + size, T)
        y[:, t] = reduce(x[:, lo:hi], axis=1)
    return y


CASES = [(p, size, stride) for p in ("valid", "same") for size in (1, 2, 3)
         for stride in (None, 1, 2, 4)]


@pytest.mark.parametrize(("padding", "size", "stride"), CASES)
def test_max_and_average_match_direct_loops(padding, size, stride):
    x = np.random.default_rng(0).standard_normal((2, 7, 3))
    s = size if stride is None else stride
    y, _ = P.max_pool1d(x, size, stride, padding)
    np.testing.assert_array_equal(y, direct_pool(x, size, s, padding, np.max))
    y, _ = P.average_pool1d(x, size, stride, padding)
    np.testing.assert_allclose(y, direct_pool(x, size, s, padding, np.mean), rtol=1e-13)


@pytest.mark.parametrize(("padding", "size", "stride"), CASES)
def test_gradients_match_finite_differences(padding, size, stride):
    x = np.random.default_rng(1).standard_normal((2, 7, 2))
    check_function(lambda x: P.max_pool1d(x, size, stride, padding), P.max_pool1d_backward, [x])
    check_function(lambda x: P.average_pool1d(x, size, stride, padding),
                   P.average_pool1d_backward, [x])


def test_same_padding_is_not_counted_and_never_wins():
    x = -np.arange(1.0, 6.0).reshape(1, 5, 1)  # −1 .. −5: a zero pad would win a max
    y, _ = P.max_pool1d(x, 2, 2, "same")  # windows [x0 x1] [x2 x3] [x4 pad]
    np.testing.assert_array_equal(y.ravel(), [-1, -3, -5])
    y, _ = P.average_pool1d(x, 2, 2, "same")
    np.testing.assert_array_equal(y.ravel(), [-1.5, -3.5, -5.0])


def test_max_backward_goes_to_the_first_maximum_on_ties():
    x = np.array([3.0, 3.0, 1.0, 5.0, 5.0, 5.0]).reshape(1, 6, 1)
    y, cache = P.max_pool1d(x, 3, 1, "valid")  # overlapping windows share a maximum
    np.testing.assert_array_equal(y.ravel(), [3, 5, 5, 5])
    dx = P.max_pool1d_backward(np.array([1.0, 10.0, 100.0, 1000.0]).reshape(1, 4, 1), cache)
    np.testing.assert_array_equal(dx.ravel(), [1, 0, 0, 1110, 0, 0])


def test_global_pooling_without_mask():
    x = np.random.default_rng(2).standard_normal((3, 5, 4))
    np.testing.assert_array_equal(P.global_max_pool1d(x)[0], x.max(axis=1))
    np.testing.assert_allclose(P.global_average_pool1d(x)[0], x.mean(axis=1), rtol=1e-13)
    check_function(P.global_max_pool1d, P.global_max_pool1d_backward, [x])
    check_function(P.global_average_pool1d, P.global_average_pool1d_backward, [x])


def test_global_pooling_with_mask_uses_only_real_steps():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 6, 2))
    mask = np.array([[1, 1, 1, 0, 0, 0], [0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]], dtype=bool)
    x[0, 3:] = 50.0  # padding values that would win the max / shift the mean
    y_avg, _ = P.global_average_pool1d(x, mask)
    y_max, _ = P.global_max_pool1d(x, mask)
    np.testing.assert_allclose(y_avg[0], x[0, :3].mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(y_avg[1], x[1, 2:].mean(axis=0), rtol=1e-13)
    np.testing.assert_array_equal(y_max[0], x[0, :3].max(axis=0))
    np.testing.assert_array_equal(y_max[1], x[1, 2:].max(axis=0))
    np.testing.assert_array_equal(y_avg[2], [0, 0])  # all masked: zeros, not nan
    np.testing.assert_array_equal(y_max[2], [0, 0])
    for fwd, bwd in [(P.global_average_pool1d, P.global_average_pool1d_backward),
                     (P.global_max_pool1d, P.global_max_pool1d_backward)]:
        grads = check_function(lambda x, f=fwd: f(x, mask), bwd, [x])
        assert np.all(grads[0][~mask] == 0)  # masked steps get no gradient


def test_global_mask_accepts_zero_one_ints():
    x = np.random.default_rng(4).standard_normal((2, 3, 2))
    m = np.array([[1, 0, 1], [1, 1, 0]])
    np.testing.assert_array_equal(P.global_average_pool1d(x, m)[0],
                                  P.global_average_pool1d(x, m.astype(bool))[0])


def test_dtype_is_kept():
    x = np.random.default_rng(5).standard_normal((2, 6, 3)).astype(np.float32)
    for fwd, bwd in [(P.max_pool1d, P.max_pool1d_backward),
                     (P.average_pool1d, P.average_pool1d_backward)]:
        y, cache = fwd(x, 2, None, "same")
        assert y.dtype == np.float32 and bwd(np.ones_like(y), cache).dtype == np.float32
    for fwd, bwd in [(P.global_max_pool1d, P.global_max_pool1d_backward),
                     (P.global_average_pool1d, P.global_average_pool1d_backward)]:
        y, cache = fwd(x, np.ones((2, 6), bool))
        assert y.dtype == np.float32 and bwd(np.ones_like(y), cache).dtype == np.float32


def test_errors():
    x = np.zeros((1, 4, 2))
    with pytest.raises(ValueError, match=r"padding must be one of \['valid', 'same'\], got 'causal'"):
        P.max_pool1d(x, 2, None, "causal")
    with pytest.raises(ValueError, match="pool_size must be a positive integer, got 0"):
        P.average_pool1d(x, 0)
    with pytest.raises(ValueError, match="window spans 5 steps.* at least 5 steps, got 4"):
        P.max_pool1d(x, 5)
    with pytest.raises(ValueError, match=r"expected x of shape \(B, T, D\)"):
        P.global_max_pool1d(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"expected a mask of shape \(1, 4\) \(B, T\), got \(4,\)"):
        P.global_average_pool1d(x, np.ones(4, bool))
    with pytest.raises(ValueError, match="boolean or 0/1"):
        P.global_max_pool1d(x, np.full((1, 4), 0.5))
