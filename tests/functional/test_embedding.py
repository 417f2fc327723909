"""Embedding kernel: gather, scatter-add backward with repeated ids, id checks, torch parity."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional.embedding import (
    as_ids,
    embedding,
    embedding_backward,
    scatter_add_rows,
)
from seqlab.testing import check_function


def test_forward_picks_rows():
    W = np.arange(12.0).reshape(4, 3)
    ids = np.array([[3, 0], [1, 1]])
    y, _ = embedding(ids, W)
    assert y.shape == (2, 2, 3)
    np.testing.assert_array_equal(y[0, 0], W[3])
    np.testing.assert_array_equal(y[1, 1], W[1])


def test_gradcheck_weight_with_repeated_ids():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((5, 3))
    ids = np.array([[1, 1, 4], [0, 1, 4]])  # 1 three times, 4 twice, 2 and 3 never
    grads = check_function(embedding, embedding_backward, [ids, W], differentiable=[1])
    assert grads[0] is None
    np.testing.assert_array_equal(grads[1][[2, 3]], 0.0)


def test_repeated_ids_sum_their_gradients():
    W = np.zeros((3, 2))
    ids = np.array([[2, 2, 0]])
    dy = np.array([[[1.0, 2.0], [10.0, 20.0], [5.0, 5.0]]])
    _, cache = embedding(ids, W)
    _, dW = embedding_backward(dy, cache)
    np.testing.assert_array_equal(dW, [[5.0, 5.0], [0.0, 0.0], [11.0, 22.0]])


@pytest.mark.parametrize("N,V", [(50, 7), (3, 1000)])  # bincount path / np.add.at path
def test_scatter_add_rows_equals_a_loop(N, V):
    rng = np.random.default_rng(1)
    ids = rng.integers(0, V, N)
    rows = rng.standard_normal((N, 4))
    expected = np.zeros((V, 4))
    for i, r in zip(ids, rows):
        expected[i] += r
    np.testing.assert_allclose(scatter_add_rows(ids, rows, V), expected, rtol=1e-12)
    out = np.ones((V, 4))
    np.testing.assert_allclose(scatter_add_rows(ids, rows, V, out=out), expected + 1.0,
                               rtol=1e-12)


def test_float_ids_holding_integers_are_accepted():
    out = as_ids(np.array([[1.0, 2.0]]), 3)
    assert out.dtype.kind == "i"
    np.testing.assert_array_equal(out, [[1, 2]])


@pytest.mark.parametrize("ids,pattern", [
    (np.array([[0, 5, 1]]), r"id 5 at position \(0, 1\) is out of range.*\[0, 5\).*input_dim=5"),
    (np.array([[0, -1]]), r"id -1 at position \(0, 1\) is out of range"),
    (np.array([0.5, 1.0]), r"whole numbers.*0\.5"),
    (np.array([np.nan]), r"whole numbers"),
    (np.zeros((0, 3), dtype=int), r"empty"),
])
def test_bad_ids_raise_value_error(ids, pattern):
    with pytest.raises(ValueError, match=pattern):
        as_ids(ids, 5)


@pytest.mark.parametrize("ids", [np.array([True, False]), np.array(["a", "b"])])
def test_non_integer_dtypes_raise_type_error(ids):
    with pytest.raises(TypeError, match="integer array"):
        as_ids(ids, 5)


def test_matches_torch_embedding():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    W = rng.standard_normal((6, 4))
    ids = np.array([[1, 5, 1], [0, 1, 2]])
    dy = rng.standard_normal((2, 3, 4))
    y, cache = embedding(ids, W)
    _, dW = embedding_backward(dy, cache)
    tw = torch.tensor(W, requires_grad=True)
    ty = torch.nn.functional.embedding(torch.tensor(ids), tw)
    ty.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(dW, tw.grad.numpy(), rtol=1e-6)
