"""Stochastic gradient descent with optional (Nesterov) momentum, as in Keras 3."""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.optim.base import Optimizer
from seqlab.optim.schedules import LearningRateSchedule

__all__ = ["SGD"]


class SGD(Optimizer, aliases=("sgd",)):
    """Gradient descent. For parameter w, gradient g and velocity m (zeros at start):

        momentum = 0:   w ← w − lr · g
        momentum > 0:   m ← μ · m − lr · g
                        w ← w + m                    (nesterov=False)
                        w ← w + μ · m − lr · g       (nesterov=True)

    With a constant lr this equals torch.optim.SGD (dampening 0), whose buffer
    b = −m / lr.
    """

    _default_learning_rate = 0.01
    _default_name = "SGD"

    def __init__(self, learning_rate: float | LearningRateSchedule | None = None,
                 momentum: float = 0.0, nesterov: bool = False, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, lr: float | None = None):
        super().__init__(learning_rate, clipnorm, clipvalue, global_clipnorm, name, lr)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) \
                or not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: momentum must be a float in [0, 1], got {momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def slot_names(self) -> tuple[str, ...]:
        return ("momentum",) if self.momentum != 0.0 else ()

    def update_step(self, value: np.ndarray, grad: np.ndarray, slots: dict[str, np.ndarray],
                    lr: float, tmp: np.ndarray) -> None:
        np.multiply(grad, lr, out=tmp)                  # tmp = lr · g
        if self.momentum == 0.0:
            value -= tmp
            return
        m = slots["momentum"]
        m *= self.momentum
        m -= tmp                                        # m = μ m − lr g
        if self.nesterov:
            value -= tmp
            np.multiply(m, self.momentum, out=tmp)
            value += tmp                                # w += μ m − lr g
        else:
            value += m

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
