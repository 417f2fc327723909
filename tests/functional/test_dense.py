"""Dense kernel: value, gradient checks on 2-D and 3-D inputs, errors, torch parity."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional.dense import dense, dense_backward
from seqlab.testing import check_function


def _data(x_shape, H=3, seed=0):
    rng = np.random.default_rng(seed)
    D = x_shape[-1]
    return rng.standard_normal(x_shape), rng.standard_normal((D, H)), rng.standard_normal(H)


def test_value_is_a_sum_over_features():
    x, W, b = _data((2, 4))
    y, _ = dense(x, W, b)
    expected = np.array([[sum(x[n, d] * W[d, h] for d in range(4)) + b[h] for h in range(3)]
                         for n in range(2)])
    np.testing.assert_allclose(y, expected, rtol=1e-12)


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_gradcheck_with_bias(shape):
    x, W, b = _data(shape)
    check_function(dense, dense_backward, [x, W, b])


def test_gradcheck_without_bias_and_db_is_none():
    x, W, _ = _data((2, 3, 4), seed=1)
    check_function(lambda x, W: dense(x, W), lambda dy, c: dense_backward(dy, c)[:2], [x, W])
    _, cache = dense(x, W)
    assert dense_backward(np.ones((2, 3, 3)), cache)[2] is None


def test_3d_input_equals_each_step_alone():
    x, W, b = _data((2, 5, 4), seed=2)
    y, _ = dense(x, W, b)
    for t in range(5):
        np.testing.assert_allclose(y[:, t], dense(x[:, t], W, b)[0], rtol=1e-12)


def test_shape_errors_are_clear():
    x, W, b = _data((2, 4))
    with pytest.raises(ValueError, match=r"D=4.*got x of shape \(2, 5\)"):
        dense(np.ones((2, 5)), W, b)
    with pytest.raises(ValueError, match=r"W must be a matrix"):
        dense(x, np.ones(4), b)
    with pytest.raises(ValueError, match=r"b must have shape \(3,\), got \(2,\)"):
        dense(x, W, np.ones(2))


def test_matches_torch_linear():
    torch = pytest.importorskip("torch")
    x, W, b = _data((2, 3, 4), H=5, seed=3)
    dy = np.random.default_rng(4).standard_normal((2, 3, 5))
    y, cache = dense(x, W, b)
    dx, dW, db = dense_backward(dy, cache)
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(W.T.copy(), requires_grad=True)  # torch weight is (H, D)
    tb = torch.tensor(b, requires_grad=True)
    ty = torch.nn.functional.linear(tx, tw, tb)
    ty.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(dW, tw.grad.numpy().T, rtol=1e-6)
    np.testing.assert_allclose(db, tb.grad.numpy(), rtol=1e-6)
