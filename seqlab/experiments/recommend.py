"""Which model to start with, and why: the rule behind ``seqlab compare``'s recommendation.

The rule (validation chooses, the test split only confirms):

1. The *best* model has the best validation score: the highest accuracy
   (classification) or the lowest MAE (forecasting).
2. A model is *close enough* when its validation score is within the margin
   of the best: accuracy at most ``margin`` points below it, or an MAE at most
   ``margin`` percent above it.
3. The recommendation is the close-enough model with the shortest time per
   epoch (for a computed baseline, its compute time); ties go to the better
   validation score. So the best model is recommended unless a faster one is
   nearly as good; a computed baseline within the margin means that the
   trained models do not pay for themselves on this data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_MARGIN", "Recommendation", "Score", "recommend", "rule_text"]

DEFAULT_MARGIN = 1.0


@dataclass(frozen=True)
class Score:
    """One model as the rule sees it."""

    name: str
    validation: float  # accuracy in [0, 1], or MAE
    seconds: float  # time per epoch (a computed baseline: its compute time)
    test: float | None = None


@dataclass(frozen=True)
class Recommendation:
    choice: str
    best: str
    reason: str


def _margin(higher_is_better: bool, margin: float) -> str:
    if higher_is_better:
        return f"{margin:g} accuracy point" + ("" if margin == 1 else "s")
    return f"{margin:g}%"


def rule_text(higher_is_better: bool, margin: float) -> str:
    """The rule in one sentence, with the margin in the metric's terms."""
    metric, best = ("accuracy", "highest") if higher_is_better else ("MAE", "lowest")
    return (f"Rule: among the models whose validation {metric} is within "
            f"{_margin(higher_is_better, margin)} of the {best}, the one with the shortest time "
            "per epoch (validation chooses; the test split only confirms).")


def _close_enough(score: Score, best: Score, higher_is_better: bool, margin: float) -> bool:
    if higher_is_better:
        return score.validation >= best.validation - margin / 100
    return score.validation <= best.validation * (1 + margin / 100)


def _value(v: float, higher_is_better: bool) -> str:
    return f"{100 * v:.1f}%" if higher_is_better else f"{v:.4g}"


def _gap(a: Score, b: Score, higher_is_better: bool) -> str:
    """How much better a is than b: points of accuracy, or percent of a's MAE (as the margin)."""
    if higher_is_better:
        return f"{100 * (a.validation - b.validation):.1f} points"
    return f"{100 * (b.validation - a.validation) / a.validation:.1f}%"


def _speed(model: Score, other: Score) -> str:
    """``model``'s time per epoch against ``other``'s: "3.0× faster", "12× slower"."""
    if min(model.seconds, other.seconds) <= 0:
        return "far faster" if model.seconds < other.seconds else "far slower"
    ratio = max(model.seconds, other.seconds) / min(model.seconds, other.seconds)
    times = f"{ratio:.0f}×" if ratio >= 10 else f"{ratio:.1f}×"
    return f"{times} {'faster' if model.seconds < other.seconds else 'slower'}"


def recommend(scores: Sequence[Score], higher_is_better: bool,
              margin: float = DEFAULT_MARGIN) -> Recommendation:
    """The model the rule of the module docstring picks, with its reason in plain words."""
    usable = [s for s in scores if math.isfinite(s.validation)]
    if not usable:
        raise ValueError("recommend: no model has a finite validation score")
    if not (isinstance(margin, (int, float)) and margin >= 0):
        raise ValueError(f"recommend: margin must be a number >= 0, got {margin!r}")
    sign = 1 if higher_is_better else -1
    ranked = sorted(usable, key=lambda s: (-sign * s.validation, s.seconds))  # ties: faster
    best = ranked[0]
    close = [s for s in usable if _close_enough(s, best, higher_is_better, margin)]
    choice = min(close, key=lambda s: (s.seconds, -sign * s.validation))
    metric = "accuracy" if higher_is_better else "MAE"
    best_text = f"best validation {metric} ({_value(best.validation, higher_is_better)})"
    if choice is best:
        if len(ranked) == 1:
            return Recommendation(best.name, best.name, f"{best.name}: the only model scored.")
        runner_up = ranked[1]
        ahead = (f"level with {runner_up.name}" if runner_up.validation == best.validation
                 else f"{_gap(best, runner_up, higher_is_better)} better than {runner_up.name}")
        reason = f"{best.name}: {best_text}, {ahead}"
        if max(best.seconds, runner_up.seconds) >= 1.5 * min(best.seconds, runner_up.seconds):
            reason += f", which is {_speed(runner_up, best)} per epoch"
        reason += f"; no faster model comes within {_margin(higher_is_better, margin)} of it."
    else:
        reason = (f"{best.name} has the {best_text}, but {choice.name} is within "
                  f"{_gap(best, choice, higher_is_better)} of it "
                  f"({_value(choice.validation, higher_is_better)}) and "
                  f"{_speed(choice, best)} per epoch: start with {choice.name}.")
    if choice.test is not None and math.isfinite(choice.test):
        reason += f" Its test {metric}: {_value(choice.test, higher_is_better)}."
    return Recommendation(choice.name, best.name, reason)
