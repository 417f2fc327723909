"""Metrics: stateful running averages over the batches of an epoch.

A metric keeps ``total`` (the sum of per-element values) and ``count`` (how
many elements were seen), so the result over several batches weights every
sample equally, whatever the batch sizes:

    result = Σ_batches Σ_elements v / Σ_batches n_elements

With ``sample_weight`` s (Keras' argument; a mask is a 0/1 weight) over the
leading axes of the values, each element counts s times:

    result = Σ s·v / Σ s

so ``fit`` passes the output's padding mask and the accuracy of a padded batch
of sequences is the share of its real time steps predicted right.

Per-element values, for predictions ``P`` and targets ``Y``:

- BinaryAccuracy:            v = [ (P > threshold) == Y ]          (one per output unit)
- CategoricalAccuracy:       v = [ argmax_V P == argmax_V Y ]      (one per sample/step)
- SparseCategoricalAccuracy: v = [ argmax_V P == Y ]               (one per sample/step)
- MeanAbsoluteError:         v = |P − Y|
- MeanSquaredError:          v = (P − Y)²

``get("accuracy")`` (or ``"acc"``) picks the accuracy that matches the loss,
as Keras does: binary for binary cross-entropy, sparse categorical for sparse
categorical cross-entropy, categorical for categorical cross-entropy, and
otherwise binary when the output has one unit, categorical when it has more.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.registry import Registry

#: Every Metric class by the name configs use (see :mod:`seqlab.registry`).
METRICS: Registry[Metric] = Registry("metric class")


class Metric:
    """Base class: ``update_state(y_true, y_pred)``, ``result()``, ``reset_state()``.

    Subclasses implement ``values(y_true, y_pred)`` returning the per-element
    values; the base class sums them and counts the elements.
    """

    default_name = "metric"

    def __init_subclass__(cls, aliases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        METRICS.add(cls, aliases)

    def __init__(self, name: str | None = None):
        self.name = name if name is not None else self.default_name
        self.total = 0.0
        self.count = 0

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement values()")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add one batch: its per-element values to ``total``, their number to
        ``count`` — or, with ``sample_weight`` s (shape: leading axes of the values,
        e.g. (B, T) for per-step accuracies), Σ s·v and Σ s."""
        v = np.asarray(self.values(np.asarray(y_true), np.asarray(y_pred)), dtype=np.float64)
        if sample_weight is None:
            self.total += float(np.sum(v))
            self.count += v.size
            return
        s = np.asarray(sample_weight, dtype=np.float64)
        if s.ndim > v.ndim or s.shape != v.shape[:s.ndim]:
            raise ValueError(
                f"metric {self.name!r}: sample_weight of shape {s.shape} does not match the "
                f"leading axes of its values {v.shape}"
            )
        s = np.broadcast_to(s.reshape(*s.shape, *([1] * (v.ndim - s.ndim))), v.shape)
        self.total += float(np.sum(s * v))
        self.count += float(np.sum(s))

    def result(self) -> float:
        """The running mean (0.0 before any update, as in Keras)."""
        return self.total / self.count if self.count else 0.0

    def reset_state(self) -> None:
        self.total = 0.0
        self.count = 0

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Metric:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} result={self.result():.6g}>"


def _match_binary(name: str, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Targets shaped like the predictions: (B,) targets for (B, 1) outputs are expanded."""
    if y_true.shape == y_pred.shape:
        return y_true
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1 \
            and y_true.shape == y_pred.shape[:-1]:
        return y_true[..., None]  # (..., ) -> (..., 1)
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1 \
            and y_true.shape[:-1] == y_pred.shape:
        return y_true[..., 0]  # (..., 1) -> (...,)
    raise ValueError(
        f"metric {name!r}: y_true of shape {y_true.shape} does not match "
        f"y_pred of shape {y_pred.shape}"
    )


class BinaryAccuracy(Metric, aliases=("binary_accuracy",)):
    """Share of output units where ``(P > threshold)`` equals the 0/1 target."""

    default_name = "binary_accuracy"

    def __init__(self, name: str | None = None, threshold: float = 0.5):
        super().__init__(name)
        if not isinstance(threshold, (int, float)) or isinstance(threshold, bool):
            raise TypeError(f"BinaryAccuracy: threshold must be a number, got {threshold!r}")
        self.threshold = float(threshold)

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        y_true = _match_binary(self.name, y_true, y_pred)
        return (y_pred > self.threshold) == (y_true > 0.5)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "threshold": self.threshold}


class CategoricalAccuracy(Metric, aliases=("categorical_accuracy",)):
    """Share of samples (or steps) where the arg-max class of P and of one-hot Y agree."""

    default_name = "categorical_accuracy"

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        if y_true.shape != y_pred.shape:
            raise ValueError(
                f"metric {self.name!r}: expected one-hot y_true shaped like y_pred "
                f"{y_pred.shape}, got {y_true.shape} (integer labels need "
                "'sparse_categorical_accuracy')"
            )
        return np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)


class SparseCategoricalAccuracy(Metric, aliases=("sparse_categorical_accuracy",)):
    """Share of samples (or steps) where argmax_V P equals the integer label."""

    default_name = "sparse_categorical_accuracy"

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        labels = y_true
        if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
            labels = labels[..., 0]  # (..., 1) -> (...)
        if labels.shape != y_pred.shape[:-1]:
            raise ValueError(
                f"metric {self.name!r}: expected integer labels of shape {y_pred.shape[:-1]} "
                f"for predictions {y_pred.shape}, got {y_true.shape}"
            )
        return np.argmax(y_pred, axis=-1) == labels


class MeanAbsoluteError(Metric, aliases=("mae", "mean_absolute_error")):
    """Mean of |P − Y| over every element."""

    default_name = "mean_absolute_error"

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        y_true = _match_binary(self.name, y_true, y_pred)
        return np.abs(y_pred.astype(np.float64) - y_true)


class MeanSquaredError(Metric, aliases=("mse", "mean_squared_error")):
    """Mean of (P − Y)² over every element."""

    default_name = "mean_squared_error"

    def values(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        y_true = _match_binary(self.name, y_true, y_pred)
        return np.square(y_pred.astype(np.float64) - y_true)


ACCURACY_ALIASES = ("accuracy", "acc")


def valid_names() -> list[str]:
    """Every string ``get`` accepts."""
    return sorted([*METRICS.names(), *ACCURACY_ALIASES])


def _loss_name(loss: Any) -> str:
    """A lower-case name for a loss object, string or function (best effort)."""
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss.lower()
    for attr in ("name", "__name__"):
        value = getattr(loss, attr, None)
        if isinstance(value, str):
            return value.lower()
    return type(loss).__name__.lower()


def accuracy_for(loss: Any = None, output_shape: tuple | None = None) -> type[Metric]:
    """The accuracy class Keras would pick for ``"accuracy"`` given the loss."""
    name = _loss_name(loss).replace("_", "")
    if "sparsecategorical" in name:
        return SparseCategoricalAccuracy
    if "binary" in name:
        return BinaryAccuracy
    if "categorical" in name:
        return CategoricalAccuracy
    if output_shape is not None and len(output_shape) > 0 and output_shape[-1] == 1:
        return BinaryAccuracy
    return CategoricalAccuracy


def get(identifier: Any, loss: Any = None, output_shape: tuple | None = None) -> Metric:
    """A metric from a name (the name becomes its log key), a Metric (passed
    through) or a ``{"class_name", "config"}`` dict. ``loss`` and
    ``output_shape`` resolve ``"accuracy"`` / ``"acc"``."""
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in ACCURACY_ALIASES:
            return accuracy_for(loss, output_shape)(name=identifier)
        cls = METRICS.find(identifier)
        if cls is not None:
            return cls(name=identifier)
        raise ValueError(f"unknown metric {identifier!r}; valid names: {valid_names()}")
    raise TypeError(
        f"metric must be a name ({valid_names()}) or a seqlab.metrics.Metric, "
        f"got {type(identifier).__name__}"
    )


def serialize(metric: Metric) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` (JSON-safe)."""
    return METRICS.serialize(metric)


def deserialize(spec: dict[str, Any]) -> Metric:
    """Rebuild a metric from ``serialize`` output."""
    return METRICS.deserialize(spec)


__all__ = [
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "Metric",
    "SparseCategoricalAccuracy",
    "accuracy_for",
    "deserialize",
    "get",
    "serialize",
    "valid_names",
]
