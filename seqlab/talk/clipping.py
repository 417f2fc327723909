"""Exploding gradients and clipping: the last part of ``seqlab gradflow``.

A SimpleRNN whose recurrent kernel is scaled by s > 1 multiplies the
gradient by more than 1 at each step back in time, so ‖dL/dh_0‖ grows
geometrically with T. :func:`exploding` measures that for a few s, then
trains the same model on one batch with plain SGD twice — as it is, and with
``clipnorm`` (each weight's gradient rescaled to norm ≤ c before the step) —
and records the loss at the start, after the first step and after the last.

A learner reads "the clipped run has the higher loss" as "clipping hurts".
The table's notes (:func:`clipping_notes`) are therefore written from the
numbers the table prints: which runs clipping changed, where it ends higher
or lower, and why either is expected.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from seqlab import losses
from seqlab.models import Sequential
from seqlab.optim import SGD
from seqlab.optim.clipping import global_norm
from seqlab.report.tables import Table, format_number
from seqlab.talk.flowtask import LOSS, NOISE, SYMBOLS, task_model
from seqlab.trace.gradflow import decay_ratio, first_token_task, gradient_flow

DIGITS = 3


@dataclass
class ClipRun:
    """One SGD run on the batch: ``losses`` at the start, after the first step
    and after the last (NaN once non-finite)."""

    scale: float
    clipnorm: float | None
    step_norm: float  # ‖g‖ over all weights of the first step, after clipping
    losses: tuple[float, float, float]
    max_weight: float  # max |W| of the SimpleRNN's kernel after the last step


def _scaled_model(steps: int, units: int, seed: int, scale: float) -> Sequential:
    """The task's SimpleRNN model with its recurrent kernel multiplied by ``scale``."""
    model = task_model("SimpleRNN", steps, units, "keras", seed)
    model.layers[0].recurrent_kernel.value[...] *= scale
    return model


def _first_gradients(model: Sequential, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
    model.zero_grad()
    _, dy = losses.get(LOSS).value_and_grad(y, model(x))
    model.backward(dy)
    return [p.grad.copy() for p in model.trainable_weights]


def _train(model: Sequential, x: np.ndarray, y: np.ndarray,
           updates: int) -> tuple[float, float, float]:
    """Loss before any update, after the first and after ``updates`` SGD steps."""
    seen = []
    try:
        for _ in range(updates):
            seen.append(float(model.train_on_batch(x, y)))  # the loss before this step
        seen.append(float(model.evaluate(x, y, batch_size=len(x), verbose=0,
                                         return_dict=True)["loss"]))
    except FloatingPointError:
        seen.extend([math.nan] * (updates + 1 - len(seen)))
    return seen[0], seen[1], seen[-1]


def _num(value: float) -> str:
    """``value`` as the table prints it."""
    return format_number(value, DIGITS)


def _printed(value: float) -> float:
    """``value`` rounded as printed, so that comparisons agree with the text."""
    return float(_num(value))


def _scales(runs: Sequence[ClipRun]) -> str:
    text = [_num(r.scale) for r in runs]
    return text[0] if len(text) == 1 else ", ".join(text[:-1]) + " and " + text[-1]


def _rose(run: ClipRun) -> bool:
    """Whether the first step raised the loss."""
    return _printed(run.losses[1]) > _printed(run.losses[0])


def _first_steps(runs: Sequence[ClipRun]) -> str:
    return ", ".join(f"{_num(r.losses[0])} → {_num(r.losses[1])}" for r in runs)


def _compare(pairs: Sequence[tuple[ClipRun, ClipRun]], k: int, when: str) -> str | None:
    """Where the clipped run's k-th loss is higher and where lower than the full run's."""
    parts = []
    for word, sign in (("higher", 1), ("lower", -1)):
        hits = [(f, c) for f, c in pairs
                if sign * (_printed(c.losses[k]) - _printed(f.losses[k])) > 0]
        if hits:
            values = ", ".join(f"{_num(c.losses[k])} vs {_num(f.losses[k])}" for f, c in hits)
            parts.append(f"{word} at s = {_scales([f for f, _ in hits])} ({values})")
    return f"{when} the clipped run's loss is " + " and ".join(parts) if parts else None


def clipping_notes(runs: Sequence[ClipRun], updates: int, clipnorm: float) -> list[str]:
    """Sentences about the SGD runs (full, clipped, full, clipped, …), made
    from the numbers as the table prints them."""
    pairs = [(runs[i], runs[i + 1]) for i in range(0, len(runs), 2)]
    idle = [f for f, c in pairs if _printed(c.step_norm) == _printed(f.step_norm)]
    acted = [(f, c) for f, c in pairs if f not in idle]
    notes = []
    if idle:
        notes.append(f"at s = {_scales(idle)} no weight's gradient is longer than "
                     f"{clipnorm:g}: clipping changes nothing, both rows are the same run")
    for k, when in ((1, "after one step"), (2, f"after {updates} steps")):
        sentence = _compare(acted, k, when)
        if sentence:
            notes.append(sentence)
    higher = [(f, c) for f, c in acted
              if any(_printed(c.losses[k]) > _printed(f.losses[k]) for k in (1, 2))]
    if higher:
        f, c = higher[-1]
        why = ("a higher loss with clipping is expected: clipping shrinks the step (‖g‖ "
               f"{_num(f.step_norm)} → {_num(c.step_norm)} at s = {_num(f.scale)}), and a "
               "shorter step lowers the loss less")
        clipped_rose = [c for _, c in acted if _rose(c)]
        if clipped_rose:
            why += (f"; at s = {_scales(clipped_rose)} even the clipped first step raised it "
                    f"({_first_steps(clipped_rose)}): where the gradient explodes the loss is "
                    f"so steep that a step of lr·{clipnorm:g} can already overshoot")
        notes.append(why)
    full_rose = [f for f, _ in acted if _rose(f)]
    thrown = [f for f, c in acted if f.max_weight > 10 * c.max_weight]
    said = []
    if full_rose:
        said.append(f"at s = {_scales(full_rose)} the first full step raised the loss "
                    f"({_first_steps(full_rose)})")
    if thrown:
        said.append(f"at s = {_scales(thrown)} the full steps threw the weights to max |W| = "
                    + ", ".join(_num(f.max_weight) for f in thrown))
    if said:
        notes.append("without clipping a step is lr·‖g‖ long and can blow up: "
                     + "; ".join(said))
    return notes


def exploding(steps: int = 50, scales: Sequence[float] = (0.5, 1.0, 2.0, 4.0),
              clipnorm: float = 1.0, learning_rate: float = 0.1, updates: int = 20,
              units: int = 16, batch: int = 64, seed: int = 0) -> Table:
    """SimpleRNN with recurrent kernel U · s: how the gradient grows with s, and
    ``updates`` SGD steps on one batch without and with ``clipnorm`` — two rows
    per s (see the module docstring)."""
    x, y = first_token_task(steps, batch, SYMBOLS, NOISE, seed=seed + 1)
    rows, runs = [], []
    for s in scales:
        probe = _scaled_model(steps, units, seed, s)
        ratio = decay_ratio(next(iter(gradient_flow(probe, x, y).values())))
        grads = _first_gradients(probe, x, y)
        for clip in (None, clipnorm):
            step = [g * (clip / max(float(np.linalg.norm(g)), clip)) for g in grads] \
                if clip else grads
            model = _scaled_model(steps, units, seed, s)
            model.compile(optimizer=SGD(learning_rate, clipnorm=clip), loss=LOSS)
            trained = _train(model, x, y, updates)
            run = ClipRun(s, clip, global_norm(step), trained,
                          float(np.abs(model.layers[0].kernel.value).max()))
            runs.append(run)
            rows.append([s, ratio if clip is None else None,
                         "none" if run.clipnorm is None else run.clipnorm, run.step_norm,
                         *run.losses, run.max_weight])
    cols = ["U × s", "‖dL/dh_0‖ / ‖dL/dh_T-1‖", "clipnorm", "‖g‖ of the first step",
            "loss at start", "loss after 1 step", f"loss after {updates} steps",
            f"max |W| after {updates} steps"]
    notes = [(f"SimpleRNN({units}), T = {steps}, recurrent kernel multiplied by s at "
              f"initialisation; one batch of {batch} first-token sequences, SGD lr "
              f"{learning_rate:g}; guessing among the {SYMBOLS} symbols gives loss "
              f"ln {SYMBOLS} = {math.log(SYMBOLS):.2f}"),
             ("s > 1 makes the gradient grow with the distance to the loss (ratio > 1: it "
              f"explodes); clipnorm = {clipnorm:g} rescales each weight's gradient to norm "
              f"≤ {clipnorm:g}, so a clipped step moves each weight by at most "
              f"lr·{clipnorm:g}, a full step by lr·‖g‖"),
             *clipping_notes(runs, updates, clipnorm)]
    return Table("exploding gradients and clipping", cols, rows, notes, digits=DIGITS)
