"""The compiled top-c selection against NumPy's argpartition (the reference)."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.generate.top_tokens import top_tokens


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(("rows", "width", "c"), [(1, 1, 1), (7, 50, 1), (7, 50, 10),
                                                  (3, 9, 9), (40, 5000, 10)])
def test_compiled_top_tokens_equal_the_reference(dtype, rows, width, c):
    z = np.random.default_rng(rows * width + c).normal(size=(rows, width)).astype(dtype)
    z[0, :: max(1, width // 4)] = -np.inf  # masked tokens are never preferred
    found = top_tokens(z, c)
    with seqlab.use_kernels("numpy"):
        reference = top_tokens(z, c)
    assert found.shape == (rows, c)
    np.testing.assert_array_equal(np.sort(found, axis=1), np.sort(reference, axis=1))
    values = np.take_along_axis(z, found, axis=1)
    assert np.all(values[:, :-1] >= values[:, 1:])  # largest first


def test_on_ties_the_lower_index_is_kept_first():
    z = np.array([[0.0, 2.0, 1.0, 2.0, 2.0]])
    assert top_tokens(z, 2).tolist() == [[1, 3]]
