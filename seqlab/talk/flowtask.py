"""The long-dependency task of the gradient-flow demonstrations and its models.

Task (:func:`~seqlab.trace.gradflow.first_token_task`): read T one-hot tokens
(SYMBOLS signal tokens, NOISE noise tokens), output the first. The models are
``cell``(units) → Dense(SYMBOLS, softmax); "chrono" initialisation (Tallec &
Ollivier, 2018) opens the LSTM's and GRU's gates for up to T steps.
"""

from __future__ import annotations

import numpy as np

from seqlab.layers import GRU, LSTM, Dense, Input, SimpleRNN
from seqlab.layers.recurrent import RNNBase
from seqlab.models import Sequential
from seqlab.optim import Adam
from seqlab.random import make_rng

CELLS: dict[str, type[RNNBase]] = {"SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}
INITS: tuple[str, ...] = ("chrono", "keras")
SYMBOLS, NOISE = 4, 4
LOSS = "sparse_categorical_crossentropy"


def remember_init(layer: RNNBase, horizon: int, seed: int | None = 0) -> None:
    """Chrono initialisation of a built LSTM or GRU: gates start open for up to
    ``horizon`` steps. LSTM: b_f = log u, b_i = −log u; GRU: b_z = log u
    (h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃ keeps h when z ≈ 1); u ~ U(1, horizon − 1)."""
    if not isinstance(layer, (LSTM, GRU)) or layer.bias is None:
        raise ValueError(
            f"remember_init: expected a built LSTM or GRU with a bias, got {layer!r}"
        )
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 3:
        raise ValueError(f"remember_init: horizon must be an int >= 3, got {horizon!r}")
    H = layer.units
    log_u = np.log(make_rng(seed).uniform(1.0, horizon - 1.0, size=H))
    bias = layer.bias.value
    if isinstance(layer, LSTM):
        bias[H:2 * H] = log_u  # forget gate
        bias[:H] = -log_u  # input gate
    else:
        (bias[0] if bias.ndim == 2 else bias)[:H] = log_u  # update gate z (input bias row)


def task_model(cell: str, steps: int, units: int = 16, init: str = "chrono",
               seed: int = 0, learning_rate: float = 0.01) -> Sequential:
    """Input (T, SYMBOLS + NOISE) → ``cell``(units) → Dense(SYMBOLS, softmax),
    compiled with Adam and sparse categorical cross-entropy."""
    if cell not in CELLS:
        raise ValueError(f"unknown cell {cell!r}; expected one of {list(CELLS)}")
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; expected one of {list(INITS)}")
    model = Sequential([Input((steps, SYMBOLS + NOISE)), CELLS[cell](units, seed=seed),
                        Dense(SYMBOLS, activation="softmax", seed=seed + 1)])
    if init == "chrono" and cell != "SimpleRNN":
        remember_init(model.layers[0], steps, seed=seed + 2)
    model.compile(optimizer=Adam(learning_rate), loss=LOSS, metrics=["acc"])
    return model
