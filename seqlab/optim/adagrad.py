"""Adagrad as in Keras 3 (epsilon inside the square root)."""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.optim.base import Optimizer
from seqlab.optim.schedules import LearningRateSchedule

__all__ = ["Adagrad"]


class Adagrad(Optimizer, aliases=("adagrad",)):
    """Per-coordinate rates from the sum of squared gradients. With the
    accumulator a ("accumulator") starting at ``initial_accumulator_value``:

        a ← a + g²
        w ← w − lr · g / sqrt(a + ε)

    torch.optim.Adagrad divides by ``sqrt(a) + ε`` and starts a at 0 by
    default; with ε = 0, equal ``initial_accumulator_value`` and lr_decay = 0
    the two agree exactly.
    """

    _default_learning_rate = 0.001
    _default_name = "adagrad"

    def __init__(self, learning_rate: float | LearningRateSchedule | None = None,
                 initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None,
                 lr: float | None = None):
        super().__init__(learning_rate, clipnorm, clipvalue, global_clipnorm, name, lr)
        for arg, v in (("initial_accumulator_value", initial_accumulator_value),
                       ("epsilon", epsilon)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0:
                raise ValueError(f"Adagrad: {arg} must be a number >= 0, got {v!r}")
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def slot_names(self) -> tuple[str, ...]:
        return ("accumulator",)

    def init_slot(self, slot: str, value: np.ndarray) -> np.ndarray:
        return np.full_like(value, self.initial_accumulator_value)

    def update_step(self, value: np.ndarray, grad: np.ndarray, slots: dict[str, np.ndarray],
                    lr: float, tmp: np.ndarray) -> None:
        acc = slots["accumulator"]
        np.square(grad, out=tmp)
        acc += tmp                                      # a += g²
        np.add(acc, self.epsilon, out=tmp)
        np.sqrt(tmp, out=tmp)
        np.divide(grad, tmp, out=tmp)
        tmp *= lr
        value -= tmp                                    # w −= lr g / sqrt(a + ε)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
