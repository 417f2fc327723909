"""The demonstration behind ``seqlab gradflow``: vanishing and exploding gradients.

Task (:func:`~seqlab.trace.gradflow.first_token_task`): read T one-hot
tokens, output the first. The loss sits after step T−1, so learning needs
dL/dh_0 — the gradient carried back over the whole sequence.

1. Curves ‖dL/dh_t‖ at initialisation (:func:`flow_curves`). A SimpleRNN
   multiplies the gradient by tanh′ · Uᵀ at every step: it shrinks
   geometrically. The gated cells carry it through gates: the LSTM's cell
   state by f_t (dL/dc_{t−1} ∋ dL/dc_t ⊙ f_t), the GRU's state by z_t — so
   it survives when the gates start open. With "chrono" initialisation
   (Tallec & Ollivier, 2018: forget/update biases log u, u ~ U(1, T − 1),
   and the LSTM input bias −log u) they do; with Keras's initialisation
   (forget bias 1, so f ≈ 0.73; update bias 0, so z ≈ 0.5) the gates start
   half closed and the gradient fades too, until training opens them. Both
   are shown. For the LSTM both dL/dh_t and dL/dc_t are shown: its memory
   is c, and h_t reaches the loss only through the next steps' gates.
2. Which cells learn the task at which T after the same short training
   (:func:`accuracy_grid`).
3. Exploding gradients (:func:`seqlab.talk.clipping.exploding`): the
   SimpleRNN's recurrent kernel scaled by s; the gradient norm and SGD steps
   with and without ``clipnorm`` (each weight's gradient rescaled to norm ≤ c).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqlab.report.tables import Table
from seqlab.talk.flowtask import CELLS, INITS, NOISE, SYMBOLS, task_model
from seqlab.trace.gradflow import decay_ratio, first_token_task, gradient_flow

BATCH, HELD_OUT = 32, 256  # the accuracy grid's training batch and validation set


def _label(cell: str, init: str) -> str:
    return cell if cell == "SimpleRNN" else f"{cell} ({init} init)"


@dataclass
class FlowCurve:
    """‖dL/d{state}_t‖ (T,) of one model at initialisation."""

    cell: str
    init: str
    state: str
    norms: np.ndarray

    @property
    def label(self) -> str:
        return f"{_label(self.cell, self.init)}, dL/d{self.state}"

    @property
    def ratio(self) -> float:
        return decay_ratio(self.norms)


def flow_curves(steps: int = 50, units: int = 16, batch: int = 64, seed: int = 0,
                inits: Sequence[str] = INITS) -> list[FlowCurve]:
    """Gradient norms per step for SimpleRNN, LSTM (h and c) and GRU at
    initialisation, on one batch of the first-token task."""
    x, y = first_token_task(steps, batch, SYMBOLS, NOISE, seed=seed + 1)
    curves = []
    for cell in CELLS:
        for init in (["keras"] if cell == "SimpleRNN" else list(inits)):
            model = task_model(cell, steps, units, init, seed)
            for state in (("h", "c") if cell == "LSTM" else ("h",)):
                norms = next(iter(gradient_flow(model, x, y, state=state).values()))
                curves.append(FlowCurve(cell, init, state, norms))
    return curves


def curves_table(curves: Sequence[FlowCurve]) -> Table:
    """The curves at five distances from the loss, and first/last ratios."""
    T = len(curves[0].norms)
    picks = sorted({0, T // 4, T // 2, (3 * T) // 4, T - 1})
    cols = ["cell", "init", "gradient", *[f"t={t}" for t in picks], "t=0 / t=T-1"]
    rows = [[c.cell, c.init if c.cell != "SimpleRNN" else "keras", f"‖dL/d{c.state}_t‖",
             *[float(c.norms[t]) for t in picks], c.ratio] for c in curves]
    notes = [(f"T = {T} steps; the loss is read after step T-1; mean over a batch of the "
              "first-token task at initialisation"),
             ("chrono init: forget/update gate biases log u, u ~ U(1, T-1) (gates start "
              "open); keras init: forget bias 1 (f ≈ 0.73), update bias 0 (z ≈ 0.5)"),
             ("the SimpleRNN's ratio falls geometrically with T; the LSTM's cell state and "
              "the GRU's state keep their gradient when the gates start open")]
    return Table("gradient flow ‖dL/dstate_t‖ at initialisation", cols, rows, notes, digits=3)


@dataclass
class AccuracyGrid:
    """Validation accuracy per cell label and T after the same short training."""

    steps: list[int]
    accuracy: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    epochs: int = 0
    samples: int = 0
    units: int = 0

    @property
    def updates(self) -> int:
        """Adam updates each model made: epochs × batches."""
        return self.epochs * math.ceil(self.samples / BATCH)

    def table(self) -> Table:
        cols = ["cell", *[f"T={t}" for t in self.steps]]
        rows = [[label, *acc] for label, acc in self.accuracy.items()]
        batches = math.ceil(self.samples / BATCH)
        notes = [(f"rows: the recurrent layer ({self.units} units; gate initialisation as in "
                  "the curves above); columns: the sequence length T; each number: the share "
                  f"of {HELD_OUT} held-out sequences whose first token the trained model names"),
                 (f"chance is {1 / SYMBOLS:.2f}: guessing one of the {SYMBOLS} signal tokens "
                  "(the noise tokens carry no answer)"),
                 (f"a short budget: each model made only {self.updates} Adam updates "
                  f"({self.epochs} epochs × {batches} batches of {BATCH} from {self.samples} "
                  "sequences, lr 0.01), so a score near chance at a large T (or below it: a "
                  "model that has not learned can still guess wrong systematically) means the "
                  "cell did not learn the task in this budget, not that it cannot learn it"),
                 f"took {self.seconds:.1f} s"]
        return Table("which cells learn to recall the first token after T steps", cols, rows,
                     notes, digits=3)


def accuracy_grid(steps: Sequence[int] = (10, 25, 50, 100, 200),
                  cells: Sequence[tuple[str, str]] = (("SimpleRNN", "keras"), ("LSTM", "chrono"),
                                                      ("GRU", "chrono")),
                  epochs: int = 6, samples: int = 512, units: int = 16,
                  seed: int = 0) -> AccuracyGrid:
    """Train each (cell, init) at each T for ``epochs`` and measure accuracy."""
    start = time.perf_counter()
    grid = AccuracyGrid(list(steps), epochs=epochs, samples=samples, units=units)
    for cell, init in cells:
        accs = []
        for T in steps:
            x, y = first_token_task(T, samples, SYMBOLS, NOISE, seed=seed)
            xv, yv = first_token_task(T, HELD_OUT, SYMBOLS, NOISE, seed=seed + 1)
            model = task_model(cell, T, units, init, seed)
            model.fit(x, y, batch_size=BATCH, epochs=epochs, verbose=0, seed=seed)
            accs.append(float(model.evaluate(xv, yv, verbose=0, return_dict=True)["acc"]))
        grid.accuracy[_label(cell, init)] = accs
    grid.seconds = time.perf_counter() - start
    return grid


# ------------------------------------------------------------------- report
def flow_figure(curves: Sequence[FlowCurve], fmt: str = "svg") -> Any:
    """The curves as one line chart, each divided by its value at t = T−1
    (log scale); one colour per cell, Keras-initialised gates dashed, the
    LSTM's dL/dh dotted (dash-dotted with Keras init)."""
    from seqlab.report.figures import line_chart

    colour = {"SimpleRNN": "C0", "LSTM": "C1", "GRU": "C2"}
    series = {c.label: c.norms / c.norms[-1] for c in curves}
    styles = {}
    for c in curves:
        keras = c.init == "keras" and c.cell != "SimpleRNN"
        dash = ("-." if keras else ":") if c.state == "h" and c.cell == "LSTM" else \
            ("--" if keras else "-")
        styles[c.label] = colour[c.cell] + dash
    T = len(curves[0].norms)
    return line_chart(series, f"gradient flow at initialisation (T = {T})",
                      "t (the loss is after t = T-1)", "‖dL/dstate_t‖ / ‖dL/dstate_T-1‖",
                      logy=True, styles=styles, fmt=fmt)


@dataclass
class FlowReport:
    """What ``seqlab gradflow`` shows: the document and the pictures."""

    document: Any
    figures: dict[str, Any]


def gradflow_report(grid_steps: Sequence[int] = (10, 25, 50, 100, 200),
                    curve_steps: int = 50, epochs: int = 6, samples: int = 512,
                    figures: bool = True,
                    seed: int = 0) -> FlowReport:
    """Curves, accuracy grid and exploding-gradient table as a Document
    (:class:`seqlab.report.document.Document`), with the curve plot as SVG
    when matplotlib is installed and ``figures`` is true."""
    from seqlab.report import figures as figs
    from seqlab.report.document import Document
    from seqlab.talk.clipping import exploding

    doc = Document("Gradient flow: vanishing and exploding gradients")
    doc.add_text(
        "Task: read T one-hot tokens and output the first one (4 signal tokens at t = 0, 4 "
        "noise tokens after). The loss sits after the last step, so learning needs the "
        "gradient carried back over all T steps: BPTT multiplies it at every step by "
        "act′ · Uᵀ (SimpleRNN) or by a gate (LSTM: f on the cell state; GRU: z on the state).")
    curves = flow_curves(curve_steps, seed=seed)
    doc.add_heading("‖dL/dh_t‖ per step, at initialisation")
    doc.add_table(curves_table(curves))
    pictures: dict[str, Any] = {}
    if figures and figs.available():
        pictures["gradflow"] = flow_figure(curves, "svg")
        doc.add_svg(pictures["gradflow"].text(), caption="gradient norm per step, relative to "
                    "the last step (log scale)")
    elif figures:
        doc.add_text("(plots need matplotlib: pip install 'seqlab[plot]')")
    doc.add_heading("Which cells learn the task")
    doc.add_table(accuracy_grid(grid_steps, epochs=epochs, samples=samples, seed=seed).table())
    doc.add_heading("Exploding gradients and clipping")
    doc.add_table(exploding(min(curve_steps, 50), seed=seed))
    return FlowReport(doc, pictures)
