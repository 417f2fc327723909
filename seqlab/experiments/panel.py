"""The models ``seqlab compare`` puts side by side: the chapter's answers to "RNN or ConvNet?".

Every trained model gets the same budget: the same split, epochs, batch size,
optimizer (RMSprop, the book's) and seed. The sizes are the book's (32 units,
32 filters), one embedding size for all (E = 32), so that what differs is
the architecture.

Classification (V: vocabulary size; the head is Dense(1, sigmoid) for 2
classes, Dense(C, softmax) for more):

    bag_of_words  multi-hot unigrams + bigrams → Dense(16, relu) → Dropout(0.5) → head
    conv1d        Embedding(V, 32) → Conv1D(32, 7, relu) → MaxPooling1D(5)
                  → Conv1D(32, 7, relu) → GlobalMaxPooling1D → head
    gru           Embedding(V, 32, mask_zero) → GRU(32) → head
    bidirectional Embedding(V, 32, mask_zero) → Bidirectional(GRU(32)) → head
    conv1d_gru    Embedding(V, 32) → Conv1D(32, 7, relu) → MaxPooling1D(5) → GRU(32) → head

Ids are padded at the front. The recurrent models also mask the padding, so
the backward half of a bidirectional layer does not end on it; a Conv1D
takes no mask, so the hybrid's GRU reads the features of the padding first
and the text last. Convolutions use ``padding="same"``, so short texts work.

Forecasting (windows of S steps × F features; the head is Dense(1), the loss MAE):

    dense         Flatten → Dense(32, relu) → Dense(1)
    gru           GRU(32) → Dense(1)
    conv1d        Conv1D(32, 5, relu) → MaxPooling1D(3) → Conv1D(32, 5, relu)
                  → GlobalMaxPooling1D → Dense(1)
    conv1d_gru    Conv1D(32, 5, relu) → MaxPooling1D(3) → Conv1D(32, 5, relu) → GRU(32)
                  → Dense(1)

Computed beside them, not trained: the majority class (classification); the
naive baseline and a ridge regression on the whole window (forecasting,
:mod:`seqlab.experiments.baselines`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from seqlab.layers import (
    GRU,
    Bidirectional,
    Conv1D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GlobalMaxPooling1D,
    Layer,
    MaxPooling1D,
)

__all__ = ["KERNEL_GROUPS", "Candidate", "series_candidates", "text_candidates"]

EMBEDDING_DIM = 32
UNITS = 32
#: The compiled kernel groups the panel uses (``seqlab.cli.warmup`` names).
KERNEL_GROUPS = ("GRU float32", "Conv1D float32")


@dataclass(frozen=True)
class Candidate:
    """One trained model of the panel."""

    key: str  # file-name-safe id: history-KEY.csv, model-KEY.seqlab
    name: str  # for tables: "Bidirectional GRU"
    layers: str  # the architecture in one line
    inputs: str  # which input it reads: "ids", "bag" or "windows"
    build: Callable[[], list[Layer]]


def _head(n_classes: int) -> Dense:
    if n_classes == 2:
        return Dense(1, activation="sigmoid")
    return Dense(n_classes, activation="softmax")


def text_candidates(vocab_size: int, n_classes: int) -> list[Candidate]:
    """The classification panel (see the module docstring)."""
    def embed(mask: bool = False) -> Embedding:
        return Embedding(vocab_size, EMBEDDING_DIM, mask_zero=mask)

    def conv() -> Conv1D:
        return Conv1D(32, 7, activation="relu", padding="same")

    return [
        Candidate("bag_of_words", "Bag of words", "multi-hot 1–2-grams → Dense(16) → Dropout(0.5)",
                  "bag", lambda: [Dense(16, activation="relu"), Dropout(0.5), _head(n_classes)]),
        Candidate("conv1d", "Conv1D", "Embedding → Conv1D(32, 7) → MaxPool(5) → Conv1D(32, 7) "
                  "→ GlobalMaxPool", "ids",
                  lambda: [embed(), conv(), MaxPooling1D(5), conv(), GlobalMaxPooling1D(),
                           _head(n_classes)]),
        Candidate("gru", "GRU", "Embedding (masked) → GRU(32)", "ids",
                  lambda: [embed(mask=True), GRU(UNITS), _head(n_classes)]),
        Candidate("bidirectional", "Bidirectional GRU", "Embedding (masked) → "
                  "Bidirectional(GRU(32))", "ids",
                  lambda: [embed(mask=True), Bidirectional(GRU(UNITS)), _head(n_classes)]),
        Candidate("conv1d_gru", "Conv1D → GRU", "Embedding → Conv1D(32, 7) → MaxPool(5) "
                  "→ GRU(32)", "ids",
                  lambda: [embed(), conv(), MaxPooling1D(5), GRU(UNITS), _head(n_classes)]),
    ]


def series_candidates() -> list[Candidate]:
    """The forecasting panel (see the module docstring)."""
    def conv() -> Conv1D:
        return Conv1D(32, 5, activation="relu", padding="same")

    return [
        Candidate("dense", "Dense", "Flatten → Dense(32)", "windows",
                  lambda: [Flatten(), Dense(UNITS, activation="relu"), Dense(1)]),
        Candidate("gru", "GRU", "GRU(32)", "windows", lambda: [GRU(UNITS), Dense(1)]),
        Candidate("conv1d", "Conv1D", "Conv1D(32, 5) → MaxPool(3) → Conv1D(32, 5) → "
                  "GlobalMaxPool", "windows",
                  lambda: [conv(), MaxPooling1D(3), conv(), GlobalMaxPooling1D(), Dense(1)]),
        Candidate("conv1d_gru", "Conv1D → GRU", "Conv1D(32, 5) → MaxPool(3) → Conv1D(32, 5) "
                  "→ GRU(32)", "windows",
                  lambda: [conv(), MaxPooling1D(3), conv(), GRU(UNITS), Dense(1)]),
    ]
