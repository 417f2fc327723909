"""initializers.limit_values: a cap on the values initializers may make, checked
before any memory is taken (load_model's guard against hostile configs)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from seqlab import initializers
from seqlab.layers.core import Dense
from seqlab.layers.rnn_cells import LSTM


def test_the_limit_counts_every_named_initializer_and_refuses_before_allocating():
    rng = np.random.default_rng(0)
    with initializers.limit_values(10):
        assert initializers.get("zeros")((2, 3), np.float32, rng).shape == (2, 3)
        with pytest.raises(initializers.ValueLimitError,
                           match=r"shape \(1000000000000, 1000000\) needs "
                                 r"1,000,000,000,000,000,000 values, but only 4 of the 10"):
            initializers.get("glorot_uniform")((10**12, 10**6), np.float32, rng)
        assert initializers.orthogonal((2, 2), np.float64, rng).shape == (2, 2)
        with pytest.raises(initializers.ValueLimitError, match="only 0 of the 10"):
            initializers.ones((1,), np.float32, rng)
    assert initializers.ones((3, 5), np.float32, rng).shape == (3, 5)  # no limit outside


def test_layers_built_under_the_limit():
    with initializers.limit_values(4 * 3 + 3):
        Dense(3).build((None, 4))
    with initializers.limit_values(4 * 3 + 2), pytest.raises(initializers.ValueLimitError):
        Dense(3).build((None, 4))
    H, D = 2, 3
    # the forget-gate ones of the bias are not made by an initializer: counted less, never more
    with initializers.limit_values(D * 4 * H + H * 4 * H + 4 * H):
        LSTM(H).build((None, 5, D))


def test_the_limit_belongs_to_its_thread():
    results = []

    def build_elsewhere():
        results.append(initializers.zeros((100,), np.float32, None).size)

    with initializers.limit_values(1):
        thread = threading.Thread(target=build_elsewhere)
        thread.start()
        thread.join()
    assert results == [100]
