"""Write the Keras 3 files that tests/interop/test_keras_weights.py reads without Keras.

    KERAS_BACKEND=torch python scripts/make_keras_fixtures.py   # needs keras>=3, h5py

Writes to tests/fixtures/keras/:

    mixed.keras, mixed.weights.h5   the model MIXED (below), saved by Keras with
                                    model.save and model.save_weights
    mixed.npz                       x (int32 token ids) and y, Keras' output for x
    batchnorm.keras                 Dense → BatchNormalization → Dense (a layer
                                    seqlab does not have)

Every weight, biases included, is drawn from a fixed NumPy generator (Keras
initialises biases to zero, which would hide a misplaced bias).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

os.environ.setdefault("KERAS_BACKEND", "torch")
import keras
from keras import layers

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "keras"
VOCAB, STEPS, BATCH = 30, 12, 3


def mixed() -> keras.Model:
    """Every layer kind seqlab reads from Keras 3, in one Sequential model."""
    return keras.Sequential([
        keras.Input((STEPS,), dtype="int32"),
        layers.Embedding(VOCAB, 6),
        layers.Conv1D(5, 3, activation="relu"),
        layers.MaxPooling1D(2),
        layers.SimpleRNN(4, return_sequences=True),
        layers.GRU(4, return_sequences=True),
        layers.GRU(3, reset_after=False, return_sequences=True),
        layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(4, activation="tanh"),
        layers.Dense(1, use_bias=False),
    ])


def batchnorm() -> keras.Model:
    return keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.BatchNormalization(),
                             layers.Dense(1)])


def randomize(model: keras.Model, rng: np.random.Generator) -> None:
    for w in model.weights:
        w.assign(rng.uniform(-0.5, 0.5, tuple(w.shape)).astype("float32"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20241)
    model = mixed()
    randomize(model, rng)
    x = rng.integers(0, VOCAB, size=(BATCH, STEPS)).astype("int32")
    y = keras.ops.convert_to_numpy(model(x, training=False))
    model.save(OUT / "mixed.keras")
    model.save_weights(OUT / "mixed.weights.h5")
    np.savez(OUT / "mixed.npz", x=x, y=y)
    other = batchnorm()
    randomize(other, rng)
    other.save(OUT / "batchnorm.keras")
    print(f"wrote {sorted(p.name for p in OUT.iterdir())} with Keras {keras.__version__} "
          f"({keras.backend.backend()} backend)")


if __name__ == "__main__":
    main()
