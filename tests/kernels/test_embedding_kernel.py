"""The compiled embedding gradient (scatter-add of rows by id) equals the reference."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional.embedding import scatter_add_rows as reference
from seqlab.kernels.embedding import scatter_add_rows as fast


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("N", "V"), [(0, 5), (7, 3), (40, 1000), (6400, 65)])
def test_fast_equals_reference(dtype, N, V):
    rng = np.random.default_rng(N + V)
    ids = rng.integers(0, min(V, 4) if N < 10 else V, size=N)  # repeated ids
    rows = rng.standard_normal((N, 6)).astype(dtype)
    got, want = fast(ids, rows, V), reference(ids, rows, V)
    assert got.shape == want.shape == (V, 6) and got.dtype == want.dtype == dtype
    tol = 1e-12 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_adds_into_the_given_gradient():
    ids = np.array([[2, 0], [2, 2]])  # any shape of ids, flattened
    rows = np.arange(8, dtype=np.float32).reshape(4, 2)
    out = np.ones((3, 2), np.float32)
    assert fast(ids.reshape(-1), rows, 3, out=out) is out
    np.testing.assert_array_equal(out, [[1 + 2, 1 + 3], [1, 1], [1 + 0 + 4 + 6, 1 + 1 + 5 + 7]])
