"""``seqlab.keras.layers``: Keras 2's ``keras.layers`` — seqlab's layers, with
Keras 2's defaults where seqlab's differ.

===================  ==================================  ==========================
layer                seqlab.layers                        here (Keras 2)
===================  ==================================  ==========================
``GRU``              ``reset_after=True``,                ``reset_after=False``,
                     ``recurrent_activation="sigmoid"``   ``"hard_sigmoid"``
``LSTM``             ``recurrent_activation="sigmoid"``   ``"hard_sigmoid"``
===================  ==================================  ==========================

``hard_sigmoid(x) = clip(0.2·x + 0.5, 0, 1)``. ``GRU`` and ``LSTM`` here are
functions that make a :class:`seqlab.layers.GRU` / :class:`seqlab.layers.LSTM`
with those defaults (any argument may still be given), so the layers saved,
converted and checked are seqlab's own. Every other layer is seqlab's, whose
defaults already are Keras 2's (``Embedding``'s ``uniform`` initializer draws
from U(−0.05, 0.05) in both).
"""

from __future__ import annotations

from typing import Any

from seqlab import layers as _layers
from seqlab.layers import (
    Activation,
    AveragePooling1D,
    Bidirectional,
    Conv1D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    Input,
    InputLayer,
    Layer,
    MaxPooling1D,
    RepeatVector,
    Reshape,
    SimpleRNN,
    TimeDistributed,
)

__all__ = [
    "GRU",
    "LSTM",
    "Activation",
    "AveragePooling1D",
    "Bidirectional",
    "Conv1D",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GlobalAveragePooling1D",
    "GlobalMaxPooling1D",
    "Input",
    "InputLayer",
    "Layer",
    "MaxPooling1D",
    "RepeatVector",
    "Reshape",
    "SimpleRNN",
    "TimeDistributed",
]


def GRU(units: int, activation: str | None = "tanh",
        recurrent_activation: str | None = "hard_sigmoid", reset_after: bool = False,
        **kwargs: Any) -> _layers.GRU:
    """Keras 2's GRU: the reset gate before the recurrent product, hard-sigmoid gates."""
    return _layers.GRU(units, activation=activation, recurrent_activation=recurrent_activation,
                       reset_after=reset_after, **kwargs)


def LSTM(units: int, activation: str | None = "tanh",
         recurrent_activation: str | None = "hard_sigmoid", **kwargs: Any) -> _layers.LSTM:
    """Keras 2's LSTM: hard-sigmoid gates."""
    return _layers.LSTM(units, activation=activation,
                        recurrent_activation=recurrent_activation, **kwargs)
