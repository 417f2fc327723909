"""RMSprop as in Keras 3 (epsilon inside the square root), or as in PyTorch and Keras 2."""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.optim.base import Optimizer
from seqlab.optim.schedules import LearningRateSchedule

__all__ = ["RMSprop"]


class RMSprop(Optimizer, aliases=("rmsprop",)):
    """Divide the step by a running root-mean-square of the gradients.

    For parameter w and gradient g, with v ("velocity"), ḡ ("average_gradient",
    centered only) and m ("momentum", momentum > 0 only), all zeros at start:

        v  ← ρ · v + (1 − ρ) · g²
        ḡ  ← ρ · ḡ + (1 − ρ) · g                     (centered)
        Δ  = lr · g / sqrt(v + ε)                     (uncentered)
        Δ  = lr · g / sqrt(v − ḡ² + ε)                (centered)
        Δ  = lr · g / (sqrt(v [− ḡ²]) + ε)            (epsilon_inside_sqrt=False)
        m  ← μ · m + Δ;  w ← w − m                    (momentum > 0)
        w  ← w − Δ                                    (momentum = 0)

    Keras 3 puts ε *inside* the square root (the default here);
    torch.optim.RMSprop and Keras 2 — the Keras of the book's first edition —
    divide by ``sqrt(v) + ε``: ``epsilon_inside_sqrt=False``, which equals
    torch's RMSprop for any ε (torch's ``alpha`` is ρ). The placement matters
    where g² is far below ε, e.g. the embedding rows of rare words: inside the
    root their steps shrink to about lr·|g|/sqrt(ε); outside, v alone scales
    them, to about lr·sign(g)/sqrt(1 − ρ) on a row's first update.
    """

    _default_learning_rate = 0.001
    _default_name = "rmsprop"

    def __init__(self, learning_rate: float | LearningRateSchedule | None = None, rho: float = 0.9,
                 momentum: float = 0.0, epsilon: float = 1e-7, centered: bool = False,
                 epsilon_inside_sqrt: bool = True, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, lr: float | None = None):
        super().__init__(learning_rate, clipnorm, clipvalue, global_clipnorm, name, lr)
        for arg, v, lo, hi in (("rho", rho, 0.0, 1.0), ("momentum", momentum, 0.0, 1.0),
                               ("epsilon", epsilon, 0.0, float("inf"))):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
                raise ValueError(f"RMSprop: {arg} must be a number in [{lo}, {hi}], got {v!r}")
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)
        self.epsilon_inside_sqrt = bool(epsilon_inside_sqrt)

    def slot_names(self) -> tuple[str, ...]:
        names = ["velocity"]
        if self.momentum > 0:
            names.append("momentum")
        if self.centered:
            names.append("average_gradient")
        return tuple(names)

    def update_step(self, value: np.ndarray, grad: np.ndarray, slots: dict[str, np.ndarray],
                    lr: float, tmp: np.ndarray) -> None:
        rho = self.rho
        v = slots["velocity"]
        np.square(grad, out=tmp)
        tmp *= 1.0 - rho
        v *= rho
        v += tmp                                        # v = ρ v + (1−ρ) g²
        if self.centered:
            avg = slots["average_gradient"]
            np.multiply(grad, 1.0 - rho, out=tmp)
            avg *= rho
            avg += tmp                                  # ḡ = ρ ḡ + (1−ρ) g
            np.square(avg, out=tmp)
            square = np.subtract(v, tmp, out=tmp)       # v − ḡ²
        else:
            square = v
        if self.epsilon_inside_sqrt:
            np.add(square, self.epsilon, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(square, out=tmp)
            tmp += self.epsilon
        np.divide(grad, tmp, out=tmp)
        tmp *= lr                                       # Δ = lr g / sqrt(·)
        if self.momentum > 0:
            m = slots["momentum"]
            m *= self.momentum
            m += tmp
            value -= m
        else:
            value -= tmp

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered,
                "epsilon_inside_sqrt": self.epsilon_inside_sqrt}
