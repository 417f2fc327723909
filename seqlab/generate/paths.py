"""One path per row: greedy search and sampling.

Each row feeds its prompt, then at every step picks one token from the
logits z_t (R, V) of its last position and feeds it back:

    greedy      y_t = argmax_v z_t,v       (the first on ties)
    sampling    y_t ~ the distribution of :mod:`.distributions`

until it picks the end token or has ``max_length`` tokens. A row that ends
leaves the batch (``Stepper.select``), so the rows still running are the only
ones computed. Its ``log_prob`` is Σ_t log p(y_t | y_<t, source) under the
model (no temperature), and so is its score.

An ``observer`` (e.g. :func:`seqlab.trace.record_generation`) is told every
step before the picked tokens are written:
``observer.path_step(rows, prefixes, logits, picked)`` with the batch rows still
running, their tokens so far (R', t), the logits (R', V) and the picks (R',).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from seqlab.generate.distributions import logsumexp
from seqlab.generate.hypothesis import Hypothesis
from seqlab.generate.inputs import Batch
from seqlab.generate.stepper import Stepper

#: Picks one token per row from the logits (R, V) of the last position.
Chooser = Callable[[np.ndarray], np.ndarray]


def greedy_choice(z: np.ndarray) -> np.ndarray:
    return np.argmax(z, axis=1)


def decode_paths(stepper: Stepper, batch: Batch, max_length: int, end_token: int | None,
                 choose: Chooser, observer: Any = None) -> list[Hypothesis]:
    """One hypothesis per row of ``batch`` (see the module docstring)."""
    R = len(batch.prompt)
    stepper.start(batch.sources, R)
    z = stepper.advance(batch.prompt)[:, -1]  # (R, V) logits after the prompt
    tokens = np.zeros((R, max_length), dtype=np.int64)
    lengths = np.zeros(R, dtype=np.int64)
    log_probs = np.zeros(R)
    ended = np.zeros(R, dtype=bool)
    running = np.arange(R)  # the rows still in the stepper, in its order
    for t in range(max_length):
        picked = choose(z)
        if observer is not None:
            observer.path_step(running, tokens[running, :t], z, picked)
        log_probs[running] += z[np.arange(len(running)), picked] - logsumexp(z)
        tokens[running, t] = picked
        lengths[running] = t + 1
        stops = (picked == end_token) if end_token is not None else np.zeros(len(picked), bool)
        ended[running[stops]] = True
        if t + 1 == max_length or stops.all():
            break
        if stops.any():
            stepper.select(np.flatnonzero(~stops))
            running, picked = running[~stops], picked[~stops]
        z = stepper.advance(picked[:, None])[:, -1]
    return [Hypothesis(tuple(int(v) for v in tokens[r, :lengths[r]]), float(log_probs[r]),
                       float(log_probs[r]), bool(ended[r])) for r in range(R)]
