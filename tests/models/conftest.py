"""Shared fixtures for the model tests: tiny data and tiny models."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.layers.core import Dense, Dropout
from seqlab.models import Sequential


@pytest.fixture
def blobs() -> tuple[np.ndarray, np.ndarray]:
    """120 samples of 4 features; y = 1 when x0 + x1 > 0 (linearly separable)."""
    rng = np.random.default_rng(42)
    x = rng.normal(size=(120, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")[:, None]
    return x, y


@pytest.fixture
def make_mlp():
    """A factory for a small Dense classifier (optionally with dropout)."""

    def make(seed: int = 0, dropout: float = 0.0, hidden: int = 8) -> Sequential:
        seqlab.set_random_seed(seed)
        layers = [Dense(hidden, activation="tanh", input_shape=(4,))]
        if dropout:
            layers.append(Dropout(dropout))
        layers.append(Dense(1, activation="sigmoid"))
        return Sequential(layers)

    return make
