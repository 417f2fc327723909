"""``seqlab.keras.optimizers``: Keras 2's optimizers, with Keras 2.0's
arguments and defaults (the Keras of the book's first edition), made as
seqlab's own :mod:`seqlab.optim` classes.

==========  ==============================  =====================================
optimizer   seqlab.optim default            here (Keras 2.0)
==========  ==============================  =====================================
RMSprop     ε = 1e-7 inside the root:       ε = 1e-8 outside it:
            lr·g / sqrt(v + ε)              lr·g / (sqrt(v) + ε)
Adam        ε = 1e-7                        ε = 1e-8
Adagrad     lr 0.001, accumulator from 0.1  lr 0.01, accumulator from 0, ε = 1e-8
            (ε inside the root)             (still inside: Keras 2 had it outside)
SGD         lr 0.01                         the same
==========  ==============================  =====================================

``lr`` is the learning rate's name here, as it was in Keras 2.0, with no
warning (``learning_rate=``, its later name, is accepted too; not both).
``decay`` is Keras 2's per-update decay ``lr / (1 + decay · iterations)``,
made as an :class:`~seqlab.optim.InverseTimeDecay` schedule. Other keyword
arguments (``clipnorm``, ``clipvalue``, ``name``) go to the seqlab class.
"""

from __future__ import annotations

from typing import Any

from seqlab import checks, optim

__all__ = ["SGD", "Adagrad", "Adam", "RMSprop", "get"]


def _rate(owner: str, lr: Any, learning_rate: Any, decay: Any, default: float) -> Any:
    """The learning rate (or schedule) for ``lr`` / ``learning_rate`` (``default``
    when neither is given) and ``decay``."""
    if learning_rate is not None:
        if lr is not None:
            raise ValueError(f"{owner}: learning_rate is the new name of lr; give one of them, "
                             f"got lr={lr!r} and learning_rate={learning_rate!r}")
        lr = learning_rate
    if lr is None:
        lr = default
    decay = checks.number(owner, "decay", decay, nonnegative=True)
    if decay == 0.0:
        return lr
    if isinstance(lr, optim.LearningRateSchedule):
        raise TypeError(f"{owner}: give decay or a learning-rate schedule, not both; got "
                        f"decay={decay!r} and {lr!r}")
    return optim.InverseTimeDecay(checks.number(owner, "lr", lr, positive=True),
                                  decay_steps=1, decay_rate=decay)


def SGD(lr: Any = None, momentum: float = 0.0, decay: float = 0.0,
        nesterov: bool = False, *, learning_rate: Any = None, **kwargs: Any) -> optim.SGD:
    """Keras 2's SGD: ``SGD(lr=0.01, momentum=0.0, decay=0.0, nesterov=False)``."""
    return optim.SGD(_rate("SGD", lr, learning_rate, decay, 0.01), momentum=momentum,
                     nesterov=nesterov, **kwargs)


def RMSprop(lr: Any = None, rho: float = 0.9, epsilon: float = 1e-8,
            decay: float = 0.0, *, learning_rate: Any = None, **kwargs: Any) -> optim.RMSprop:
    """Keras 2's RMSprop: ``RMSprop(lr=0.001, rho=0.9, epsilon=1e-8, decay=0.0)``, ε
    outside the square root."""
    rate = _rate("RMSprop", lr, learning_rate, decay, 0.001)
    return optim.RMSprop(rate, rho=rho, epsilon=epsilon, epsilon_inside_sqrt=False, **kwargs)


def Adam(lr: Any = None, beta_1: float = 0.9, beta_2: float = 0.999,
         epsilon: float = 1e-8, decay: float = 0.0, amsgrad: bool = False, *,
         learning_rate: Any = None, **kwargs: Any) -> optim.Adam:
    """Keras 2's Adam: ``Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, decay=0.0)``."""
    rate = _rate("Adam", lr, learning_rate, decay, 0.001)
    return optim.Adam(rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                      **kwargs)


def Adagrad(lr: Any = None, epsilon: float = 1e-8, decay: float = 0.0,
            *, learning_rate: Any = None, **kwargs: Any) -> optim.Adagrad:
    """Keras 2's Adagrad: ``Adagrad(lr=0.01, epsilon=1e-8, decay=0.0)``, the
    accumulator starting at 0 (ε stays inside the root: see the module docstring)."""
    kwargs.setdefault("initial_accumulator_value", 0.0)
    rate = _rate("Adagrad", lr, learning_rate, decay, 0.01)
    return optim.Adagrad(rate, epsilon=epsilon, **kwargs)


_BY_NAME = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adagrad": Adagrad}


def get(identifier: Any) -> Any:
    """An optimizer from a name with Keras 2's defaults (``"rmsprop"``, ...), or
    ``identifier`` itself / :func:`seqlab.optim.get`'s answer for anything else."""
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    return optim.get(identifier)
