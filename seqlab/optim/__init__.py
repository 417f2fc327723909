"""Optimizers (Keras 3 update rules), gradient clipping and learning-rate schedules.

    opt = seqlab.optim.get("rmsprop")          # or RMSprop(learning_rate=1e-3, ...)
    opt.apply(model.trainable_weights)         # one update from each Parameter.grad
"""

from __future__ import annotations

from typing import Any

from seqlab.optim import schedules
from seqlab.optim.adagrad import Adagrad
from seqlab.optim.adam import Adam
from seqlab.optim.base import OPTIMIZERS, Optimizer
from seqlab.optim.clipping import clip_by_global_norm, clip_by_norm, clip_by_value, global_norm
from seqlab.optim.rmsprop import RMSprop
from seqlab.optim.schedules import (
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
)
from seqlab.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "CosineDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "Optimizer",
    "PiecewiseConstantDecay",
    "RMSprop",
    "clip_by_global_norm",
    "clip_by_norm",
    "clip_by_value",
    "deserialize",
    "get",
    "global_norm",
    "schedules",
    "serialize",
]

def serialize(optimizer: Optimizer) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` (JSON-safe, state not included)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"expected a seqlab Optimizer, got {type(optimizer).__name__}")
    return OPTIMIZERS.serialize(optimizer)


def deserialize(spec: dict[str, Any] | str) -> Optimizer:
    """Rebuild an optimizer from ``serialize`` output (or a string alias)."""
    if isinstance(spec, str):
        return get(spec)
    return OPTIMIZERS.deserialize(spec)


def get(identifier: str | Optimizer | dict[str, Any]) -> Optimizer:
    """An optimizer from a name (``"sgd"``, ``"rmsprop"``, ``"adam"``, ``"adagrad"``;
    any case; default arguments), an instance (returned as is) or a serialized dict."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = OPTIMIZERS.find(identifier) or OPTIMIZERS.find(identifier.lower())
        if cls is None:
            raise ValueError(
                f"unknown optimizer {identifier!r}; valid names: {OPTIMIZERS.names()}"
            )
        return cls()
    raise TypeError(
        f"optimizer must be a name ({OPTIMIZERS.names()}), an Optimizer or a dict, "
        f"got {type(identifier).__name__} {identifier!r}"
    )
