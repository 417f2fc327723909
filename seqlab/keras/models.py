"""``seqlab.keras.models``: Keras 2's ``Sequential``, ``Model`` and ``load_model``.

The two model classes are seqlab's (:class:`seqlab.Sequential`,
:class:`seqlab.Model`) with what Keras 2 had besides:

- ``compile(optimizer="rmsprop")`` (or ``"adam"``, ``"sgd"``, ``"adagrad"``)
  makes the optimizer with Keras 2's defaults (:mod:`seqlab.keras.optimizers`);
- ``fit_generator``, ``evaluate_generator`` and ``predict_generator``: ``fit``,
  ``evaluate`` and ``predict`` on a generator or Sequence, with a
  DeprecationWarning (as later Keras 2 releases gave). Keras' loader options
  ``max_queue_size``, ``workers`` and ``use_multiprocessing`` are accepted and
  have no effect: seqlab reads the generator in the calling thread, so only
  the speed can differ, never the batches.

They add methods only, so they are saved as seqlab's own classes (any seqlab
code loads their files); ``load_model`` here gives a model back as the class
of this module.
"""

from __future__ import annotations

import warnings
from typing import Any

from seqlab import models as _models
from seqlab.keras import optimizers

__all__ = ["Model", "Sequential", "load_model"]

_LOADER_OPTIONS = ("max_queue_size", "workers", "use_multiprocessing")


def _deprecated(old: str, new: str) -> None:
    warnings.warn(f"{old} is deprecated: {new} takes generators and Sequences",
                  DeprecationWarning, stacklevel=3)


def _without_loader_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kwargs.items() if k not in _LOADER_OPTIONS}


class _Keras2Methods:
    """The methods Keras 2 models had and seqlab's do not (module docstring)."""

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                loss_weights: Any = None) -> None:
        """As seqlab's ``compile``; an optimizer named by a string gets Keras 2's defaults."""
        super().compile(optimizers.get(optimizer) if isinstance(optimizer, str) else optimizer,
                        loss=loss, metrics=metrics, loss_weights=loss_weights)

    def fit_generator(self, generator: Any, steps_per_epoch: int | None = None,
                      epochs: int = 1, verbose: int = 1, **kwargs: Any) -> Any:
        """Deprecated: ``fit(generator, steps_per_epoch=..., ...)``."""
        _deprecated("fit_generator", "fit")
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs,
                        verbose=verbose, **_without_loader_options(kwargs))

    def evaluate_generator(self, generator: Any, steps: int | None = None, verbose: int = 0,
                           **kwargs: Any) -> Any:
        """Deprecated: ``evaluate(generator, steps=...)``."""
        _deprecated("evaluate_generator", "evaluate")
        return self.evaluate(generator, steps=steps, verbose=verbose,
                             **_without_loader_options(kwargs))

    def predict_generator(self, generator: Any, steps: int | None = None, verbose: int = 0,
                          **kwargs: Any) -> Any:
        """Deprecated: ``predict(generator, steps=...)``."""
        _deprecated("predict_generator", "predict")
        return self.predict(generator, steps=steps, verbose=verbose,
                            **_without_loader_options(kwargs))


class Sequential(_Keras2Methods, _models.Sequential, register=False):
    """Keras 2's ``Sequential``: :class:`seqlab.Sequential` and the methods above."""


class Model(_Keras2Methods, _models.Model, register=False):
    """Keras 2's functional ``Model``: :class:`seqlab.Model` and the methods above."""


def load_model(path: Any, compile: bool = True) -> Sequential | Model:
    """:func:`seqlab.load_model`, a seqlab ``Sequential`` or ``Model`` given back as
    this module's class of it (a subclass of the user's is left as it is)."""
    model = _models.load_model(path, compile=compile)
    # the classes here add methods only, so the loaded object can take them on
    keras_class = {_models.Sequential: Sequential, _models.Model: Model}.get(type(model))
    if keras_class is not None:
        model.__class__ = keras_class
    return model
