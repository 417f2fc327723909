"""Adam (and AMSGrad) as in Keras 3."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from seqlab.optim.base import Optimizer
from seqlab.optim.schedules import LearningRateSchedule

__all__ = ["Adam"]


class Adam(Optimizer, aliases=("adam",)):
    """Adaptive moment estimation. For parameter w and gradient g at update
    t = iterations + 1, with m ("momentum"), v ("velocity") and v̂
    ("velocity_hat", amsgrad only) zeros at start:

        m  ← m + (g − m) · (1 − β₁)
        v  ← v + (g² − v) · (1 − β₂)
        v̂  ← max(v̂, v);  use v̂ for v below          (amsgrad)
        α  = lr · sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)
        w  ← w − α · m / (sqrt(v) + ε)

    torch.optim.Adam computes ``lr / (1 − β₁ᵗ) · m / (sqrt(v) / sqrt(1 − β₂ᵗ) + ε)``,
    i.e. the same update with ε_torch = ε / sqrt(1 − β₂ᵗ): equal for ε = 0, and
    equal at every step if torch's eps is set to ε / sqrt(1 − β₂ᵗ) before step t.
    """

    _default_learning_rate = 0.001
    _default_name = "adam"

    def __init__(self, learning_rate: float | LearningRateSchedule | None = None,
                 beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, lr: float | None = None):
        super().__init__(learning_rate, clipnorm, clipvalue, global_clipnorm, name, lr)
        for arg, v in (("beta_1", beta_1), ("beta_2", beta_2)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 <= v < 1.0:
                raise ValueError(f"Adam: {arg} must be a number in [0, 1), got {v!r}")
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or not epsilon >= 0:
            raise ValueError(f"Adam: epsilon must be a number >= 0, got {epsilon!r}")
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)

    def slot_names(self) -> tuple[str, ...]:
        return ("momentum", "velocity", "velocity_hat") if self.amsgrad else ("momentum", "velocity")

    def update_step(self, value: np.ndarray, grad: np.ndarray, slots: dict[str, np.ndarray],
                    lr: float, tmp: np.ndarray) -> None:
        t = self.iterations + 1
        alpha = lr * math.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        m, v = slots["momentum"], slots["velocity"]
        np.subtract(grad, m, out=tmp)
        tmp *= 1.0 - self.beta_1
        m += tmp                                        # m += (g − m)(1 − β₁)
        np.square(grad, out=tmp)
        tmp -= v
        tmp *= 1.0 - self.beta_2
        v += tmp                                        # v += (g² − v)(1 − β₂)
        if self.amsgrad:
            v_hat = slots["velocity_hat"]
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=tmp)
        tmp += self.epsilon
        np.divide(m, tmp, out=tmp)
        tmp *= alpha
        value -= tmp                                    # w −= α m / (sqrt(v) + ε)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
