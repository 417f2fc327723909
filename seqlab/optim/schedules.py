"""Learning-rate schedules with Keras 3 semantics.

A schedule is called with the optimizer's iteration count ``step`` (the number
of updates already applied: 0 for the first update) and returns the learning
rate ``lr(step)`` as a Python float:

    ExponentialDecay        lr = lr0 · r^(step / S)          (floor(step / S) if staircase)
    InverseTimeDecay        lr = lr0 / (1 + r · step / S)    (floor(step / S) if staircase)
    PiecewiseConstantDecay  lr = values[i] for boundaries[i-1] < step <= boundaries[i]
    CosineDecay             lr = lr_top · ((1 − α) · ½(1 + cos(π · min(step, S) / S)) + α)
                            with an optional linear warm-up from lr0 to ``warmup_target``

(lr0 ``initial_learning_rate``, S ``decay_steps``, r ``decay_rate``, α ``alpha``.)
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from typing import Any

from seqlab import checks
from seqlab.registry import Registry

__all__ = [
    "CosineDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "deserialize",
    "serialize",
]


def _step(owner: str, step: Any) -> float:
    if isinstance(step, bool):
        raise TypeError(f"{owner}: step must be a non-negative number, got {step!r}")
    try:
        value = float(step)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: step must be a non-negative number, got {step!r}") from None
    if not value >= 0:
        raise ValueError(f"{owner}: step must be >= 0, got {step!r}")
    return value


#: Every schedule class by the name configs use (see :mod:`seqlab.registry`).
SCHEDULES: Registry[LearningRateSchedule] = Registry("learning-rate schedule")


class LearningRateSchedule:
    """Base class: ``schedule(step) -> float``; ``get_config``/``from_config``."""


    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        SCHEDULES.add(cls)

    def __call__(self, step: float) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step)")

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement get_config()")

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class ExponentialDecay(LearningRateSchedule):
    """``lr = initial_learning_rate · decay_rate ^ (step / decay_steps)``;
    with ``staircase=True`` the exponent is ``floor(step / decay_steps)``."""

    def __init__(self, initial_learning_rate: float, decay_steps: float,
                 decay_rate: float, staircase: bool = False, name: str = "ExponentialDecay"):
        owner = "ExponentialDecay"
        self.initial_learning_rate = checks.number(owner, "initial_learning_rate",
                                             initial_learning_rate)
        self.decay_steps = checks.number(owner, "decay_steps", decay_steps, positive=True)
        self.decay_rate = checks.number(owner, "decay_rate", decay_rate)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step: float) -> float:
        p = _step("ExponentialDecay", step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return float(self.initial_learning_rate * self.decay_rate ** p)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``lr = initial_learning_rate / (1 + decay_rate · step / decay_steps)``;
    with ``staircase=True`` ``step / decay_steps`` is floored."""

    def __init__(self, initial_learning_rate: float, decay_steps: float,
                 decay_rate: float, staircase: bool = False, name: str = "InverseTimeDecay"):
        owner = "InverseTimeDecay"
        self.initial_learning_rate = checks.number(owner, "initial_learning_rate",
                                             initial_learning_rate)
        self.decay_steps = checks.number(owner, "decay_steps", decay_steps, positive=True)
        self.decay_rate = checks.number(owner, "decay_rate", decay_rate, nonnegative=True)
        self.staircase = bool(staircase)
        self.name = name

    def __call__(self, step: float) -> float:
        p = _step("InverseTimeDecay", step) / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return float(self.initial_learning_rate / (1.0 + self.decay_rate * p))

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last
    boundary. ``boundaries`` must increase strictly; ``len(values) == len(boundaries) + 1``."""

    def __init__(self, boundaries: Sequence[int | float], values: Sequence[float],
                 name: str = "PiecewiseConstant"):
        owner = "PiecewiseConstantDecay"
        boundaries = [checks.number(owner, "boundaries[]", b) for b in boundaries]
        values = [checks.number(owner, "values[]", v) for v in values]
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"{owner}: values must have one more entry than boundaries; got "
                f"{len(boundaries)} boundaries {boundaries} and {len(values)} values {values}"
            )
        if any(b >= c for b, c in itertools.pairwise(boundaries)):
            raise ValueError(f"{owner}: boundaries must increase strictly, got {boundaries}")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: float) -> float:
        # number of boundaries strictly below step = index of the interval
        i = bisect.bisect_left(self.boundaries, _step("PiecewiseConstantDecay", step))
        return float(self.values[i])

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": list(self.boundaries), "values": list(self.values),
                "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay with an optional linear warm-up (Keras 3).

    Without ``warmup_target``: with s = min(step, S),
    ``lr = lr0 · ((1 − α) · ½(1 + cos(π s / S)) + α)``.
    With ``warmup_target`` (W = ``warmup_steps``): s = min(step, S + W);
    for s < W, ``lr = lr0 + (warmup_target − lr0) · s / W``; afterwards the
    cosine decay above runs from ``warmup_target`` over s − W.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: float,
                 alpha: float = 0.0, name: str = "CosineDecay",
                 warmup_target: float | None = None, warmup_steps: float = 0):
        owner = "CosineDecay"
        self.initial_learning_rate = checks.number(owner, "initial_learning_rate",
                                             initial_learning_rate)
        self.decay_steps = checks.number(owner, "decay_steps", decay_steps, positive=True)
        self.alpha = checks.number(owner, "alpha", alpha)
        self.name = name
        self.warmup_target = (None if warmup_target is None
                              else checks.number(owner, "warmup_target", warmup_target))
        self.warmup_steps = checks.number(owner, "warmup_steps", warmup_steps, nonnegative=True)

    def _decay(self, s: float, top: float) -> float:
        cosine = 0.5 * (1.0 + math.cos(math.pi * s / self.decay_steps))
        return float(top * ((1.0 - self.alpha) * cosine + self.alpha))

    def __call__(self, step: float) -> float:
        s = _step("CosineDecay", step)
        if self.warmup_target is None:
            return self._decay(min(s, self.decay_steps), self.initial_learning_rate)
        s = min(s, self.decay_steps + self.warmup_steps)
        if s < self.warmup_steps:
            delta = self.warmup_target - self.initial_learning_rate
            return float(self.initial_learning_rate + delta * s / self.warmup_steps)
        return self._decay(s - self.warmup_steps, self.warmup_target)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


def serialize(schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"class_name": ..., "config": ...}`` (JSON-safe)."""
    if not isinstance(schedule, LearningRateSchedule):
        raise TypeError(f"expected a LearningRateSchedule, got {type(schedule).__name__}")
    return SCHEDULES.serialize(schedule)


def deserialize(spec: dict[str, Any]) -> LearningRateSchedule:
    """Rebuild a schedule from ``serialize`` output."""
    return SCHEDULES.deserialize(spec)
