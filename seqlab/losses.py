"""Loss objects with Keras names, used by ``compile(loss=...)`` and the fit loop.

Every loss gives its value and its gradient with respect to the predictions:

    value, dy_pred = loss.value_and_grad(y_true, y_pred)   # float, array like y_pred
    value = loss(y_true, y_pred)

Values are reduced as Keras does (see :mod:`seqlab.functional.losses`): per
sample over the last axis, then the mean over the batch (and time steps).
Positions a loss is told to ignore (``SparseCategoricalCrossentropy(ignore_class=0)``)
are left out and the mean is over the rest, as in Keras 3 (see
:mod:`seqlab.functional.masked_loss`); in ``fit`` the mask of the model's output
(padding, e.g. from ``Embedding(mask_zero=True)``) is left out in the same way.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from seqlab.functional import losses as F
from seqlab.functional.masked_loss import masked_value_and_grad
from seqlab.registry import Registry

Kernel = Callable[..., tuple[float, Any]]


#: Every Loss class by the name configs use (see :mod:`seqlab.registry`).
LOSSES: Registry[Loss] = Registry("loss class")


class Loss:
    """Base class: subclasses name their forward/backward kernels.

    ``from_logits`` (cross-entropies only) says y_pred holds logits, not
    probabilities; it is stored in the config.
    """

    _forward: ClassVar[Kernel]
    _backward: ClassVar[Callable[[float, Any], tuple[None, np.ndarray]]]
    alias: ClassVar[str] = ""
    takes_logits: ClassVar[bool] = False

    def __init_subclass__(cls, aliases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own_alias = cls.__dict__.get("alias")  # not one inherited from a built-in loss
        LOSSES.add(cls, (own_alias, *aliases) if own_alias else aliases)

    def __init__(self, from_logits: bool = False, name: str | None = None):
        if not isinstance(from_logits, (bool, np.bool_)):
            raise TypeError(
                f"{type(self).__name__}: from_logits must be True or False, got {from_logits!r}"
            )
        if from_logits and not self.takes_logits:
            raise ValueError(f"{type(self).__name__} does not take from_logits=True")
        self.from_logits = bool(from_logits)
        self.name = name if name is not None else self.alias

    def _run(self, y_true: Any, y_pred: Any) -> tuple[float, Any]:
        fwd = type(self)._forward
        if self.takes_logits:
            return fwd(y_true, y_pred, from_logits=self.from_logits)
        return fwd(y_true, y_pred)

    def __call__(self, y_true: Any, y_pred: Any) -> float:
        """The mean loss as a Python float."""
        if self.label_mask(y_true, y_pred) is not None:
            return self.value_and_grad(y_true, y_pred)[0]
        return self._run(y_true, y_pred)[0]

    def value_and_grad(self, y_true: Any, y_pred: Any) -> tuple[float, np.ndarray]:
        """(mean loss, dL/dy_pred) with dL/dy_pred shaped and typed like y_pred; the
        mean is over the positions that :meth:`label_mask` keeps."""
        mask = self.label_mask(y_true, y_pred)
        if mask is not None and not mask.all():
            return masked_value_and_grad(self._value_and_grad, y_true, y_pred, mask,
                                         who=type(self).__name__)
        return self._value_and_grad(y_true, y_pred)

    def _value_and_grad(self, y_true: Any, y_pred: Any) -> tuple[float, np.ndarray]:
        value, cache = self._run(y_true, y_pred)
        _, dy_pred = type(self)._backward(1.0, cache)
        return value, dy_pred

    def label_mask(self, y_true: Any, y_pred: Any) -> np.ndarray | None:
        """The positions of y_pred (its shape but the last axis) whose labels count,
        or None when all do; only ``ignore_class`` drops any."""
        return None

    def check_labels(self, y_true: Any, who: str) -> None:
        """Raise ValueError for labels this loss cannot learn from. ``fit`` and
        ``evaluate`` call it on the whole data set before they start, so that the
        index in the message is the sample's; the default accepts any numbers."""

    def get_config(self) -> dict[str, Any]:
        cfg: dict[str, Any] = {"name": self.name}
        if self.takes_logits:
            cfg["from_logits"] = self.from_logits
        return cfg

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Loss:
        return cls(**cfg)

    def __repr__(self) -> str:
        logits = "from_logits=True" if self.from_logits else ""
        return f"{type(self).__name__}({logits})"


class BinaryCrossentropy(Loss):
    """Binary cross-entropy; y_true (B,) is accepted with y_pred (B, 1). Labels
    must lie in [0, 1] (0/1 or soft labels), also with ``from_logits=True``."""

    _forward = staticmethod(F.binary_crossentropy)
    _backward = staticmethod(F.binary_crossentropy_backward)
    alias = "binary_crossentropy"
    takes_logits = True

    def check_labels(self, y_true: Any, who: str) -> None:
        F.check_unit_labels(y_true, self.alias, F.BINARY_HINT, who)


class CategoricalCrossentropy(Loss):
    """Cross-entropy with one-hot (or soft) labels over the last axis, in [0, 1]."""

    _forward = staticmethod(F.categorical_crossentropy)
    _backward = staticmethod(F.categorical_crossentropy_backward)
    alias = "categorical_crossentropy"
    takes_logits = True

    def check_labels(self, y_true: Any, who: str) -> None:
        F.check_unit_labels(y_true, self.alias, F.CATEGORICAL_HINT, who)


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy with integer class labels of shape y_pred.shape[:-1].

    ``ignore_class`` (Keras 3): positions whose label equals it — typically the
    padding id 0, or -1 — are left out, and the mean is over the rest:
    L = Σ_{p: y_p ≠ ignore_class} ℓ_p / #{p: y_p ≠ ignore_class}. The ignored
    label need not be a valid class.
    """

    _forward = staticmethod(F.sparse_categorical_crossentropy)
    _backward = staticmethod(F.sparse_categorical_crossentropy_backward)
    alias = "sparse_categorical_crossentropy"
    takes_logits = True

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 name: str | None = None):
        super().__init__(from_logits=from_logits, name=name)
        if ignore_class is not None and (isinstance(ignore_class, (bool, np.bool_))
                                         or not isinstance(ignore_class, numbers.Integral)):
            raise TypeError(f"{type(self).__name__}: ignore_class must be an int (the label to "
                            f"leave out, e.g. 0 for padding) or None, got {ignore_class!r}")
        self.ignore_class = None if ignore_class is None else int(ignore_class)

    def label_mask(self, y_true: Any, y_pred: Any) -> np.ndarray | None:
        if self.ignore_class is None:
            return None
        labels, pred = np.asarray(y_true), np.asarray(y_pred)
        if labels.ndim == pred.ndim and labels.shape[-1] == 1:
            labels = labels[..., 0]  # (..., 1) → (...)
        if labels.shape != pred.shape[:-1]:
            return None  # the loss itself reports the mismatch
        return labels != self.ignore_class

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "ignore_class": self.ignore_class}

    def __repr__(self) -> str:
        args = [a for a in (f"from_logits={self.from_logits}" if self.from_logits else "",
                            f"ignore_class={self.ignore_class}"
                            if self.ignore_class is not None else "") if a]
        return f"{type(self).__name__}({', '.join(args)})"


class MeanSquaredError(Loss, aliases=("mse",)):
    """Mean of (y_pred − y_true)²."""

    _forward = staticmethod(F.mean_squared_error)
    _backward = staticmethod(F.mean_squared_error_backward)
    alias = "mean_squared_error"

    def __init__(self, name: str | None = None):
        super().__init__(from_logits=False, name=name)


class MeanAbsoluteError(Loss, aliases=("mae",)):
    """Mean of |y_pred − y_true|."""

    _forward = staticmethod(F.mean_absolute_error)
    _backward = staticmethod(F.mean_absolute_error_backward)
    alias = "mean_absolute_error"

    def __init__(self, name: str | None = None):
        super().__init__(from_logits=False, name=name)



def get(identifier: str | Loss) -> Loss:
    """A Loss from a string alias (``"mse"``, ``"binary_crossentropy"``, a class
    name), a Loss instance (returned as is) or a ``serialize`` dict."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = LOSSES.find(identifier)
        if cls is None:
            raise ValueError(f"unknown loss {identifier!r}; valid names: {LOSSES.names()}")
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    raise TypeError(
        f"loss must be a name such as 'mse', a seqlab.losses.Loss or a config dict, got "
        f"{identifier!r} (plain functions cannot be used: the fit loop needs the gradient)"
    )


def serialize(loss: Loss) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` (JSON-safe)."""
    if not isinstance(loss, Loss):
        raise TypeError(f"serialize expects a seqlab.losses.Loss, got {loss!r}")
    return LOSSES.serialize(loss)


def deserialize(spec: dict[str, Any] | str) -> Loss:
    """Rebuild a Loss from ``serialize`` output (or a string alias)."""
    if isinstance(spec, str):
        return get(spec)
    return LOSSES.deserialize(spec)


__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "deserialize",
    "get",
    "serialize",
]
