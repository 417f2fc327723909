"""Beam search, as Hugging Face's ``generate(num_beams=K)`` does it.

Each source keeps K running beams (rows of the stepper) with their sums of
log-probabilities s_b. At step t, with log p_b,v the next-token log-probs of
beam b:

    candidates   s_b + log p_b,v for every beam b and token v; the best 2K are
                 ranked (ties: the lower beam, then the lower token)
    ended        a candidate with the end token among the best K is kept as a
                 finished hypothesis
    running      the best K candidates without the end token become the beams
                 of step t + 1 (their parents' rows are selected in the stepper)

Finished hypotheses are scored with Hugging Face's length penalty α:

    score = Σ log p / L^α      L = number of generated tokens, the end token included

(α = 1: the mean log-prob per token; α = 0: the sum; α > 1 favours longer
sequences.) Google NMT's (5 + L)^α / 6^α is not used. Each source keeps its K
best finished hypotheses; at ``max_length`` the running beams join them. A
source stops once it holds K finished hypotheses and

    early_stopping=True      at once
    early_stopping=False     the best running beam, scored at its current length,
                             is no better than the worst kept (HF's default heuristic)
    early_stopping="never"   no running beam can still beat the worst kept: log-probs
                             are ≤ 0, so its best reachable score is s / max_length^α
                             for α > 0, s / (t + 1)^α otherwise (exact)

Before the first step the K beams of a source are copies of one row; all but
one start at s = −∞ so that the first step does not pick one token K times.

An ``observer`` (e.g. :func:`seqlab.trace.record_generation`) is told every
step, before the beams move on: ``observer.beam_step(length, sources, history,
sums, logits, scores, parents, tokens, ended, kept)`` with the running
sources (N',), their beams' tokens (N', K, length − 1) and sums (N', K), the
logits (N'·K, V), the best 2K candidates (N', 2K each), which of them ended
(N', 2K) and the indices of the K that run on (N', K).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.generate.distributions import logsumexp
from seqlab.generate.hypothesis import Hypothesis
from seqlab.generate.inputs import Batch
from seqlab.generate.stepper import Stepper
from seqlab.generate.top_tokens import top_tokens


class _Finished:
    """The best finished hypotheses of one source, at most K, best first."""

    def __init__(self, width: int, length_penalty: float):
        self.width = width
        self.length_penalty = length_penalty
        self.best: list[Hypothesis] = []

    def add(self, tokens: list[int], log_prob: float, ended: bool) -> None:
        score = log_prob / len(tokens) ** self.length_penalty
        if len(self.best) == self.width and score <= self.best[-1].score:
            return
        self.best.append(Hypothesis(tuple(int(v) for v in tokens), float(log_prob),
                                    float(score), ended))
        self.best.sort(key=lambda h: -h.score)  # stable: the earlier of equal scores first
        del self.best[self.width:]

    def done(self, best_running: float, length: int, early_stopping: bool | str,
             max_length: int) -> bool:
        if not np.isfinite(best_running):  # no running beam left
            return True
        if len(self.best) < self.width:
            return False
        if early_stopping is True:
            return True
        alpha = self.length_penalty
        if early_stopping == "never":
            length = max_length if alpha > 0 else length + 1
        return self.best[-1].score >= best_running / length ** alpha


def _candidates(z: np.ndarray, sums: np.ndarray, n_best: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``n_best`` best continuations of each source's K beams, best first:
    (scores s_b + log p_b,v, parent beams b, tokens v), each (N, n_best).

    z (N·K, V) logits, sums (N, K). Only each beam's ``n_best`` most likely tokens
    can be among its source's best, so only those are scored."""
    N, K = sums.shape
    V = z.shape[1]
    c = min(n_best, V)
    top = top_tokens(z, c)  # (N·K, c) each beam's c best tokens
    log_p = np.take_along_axis(z, top, axis=1).astype(np.float64) - logsumexp(z)[:, None]
    scores = (sums.reshape(N * K, 1) + log_p).reshape(N, K * c)
    tokens = top.reshape(N, K * c)
    parents = np.broadcast_to(np.repeat(np.arange(K), c), (N, K * c))
    order = np.lexsort((parents * V + tokens, -scores), axis=1)[:, :n_best]
    return (np.take_along_axis(scores, order, axis=1), np.take_along_axis(parents, order, axis=1),
            np.take_along_axis(tokens, order, axis=1))


def beam_search(stepper: Stepper, batch: Batch, width: int, max_length: int,
                end_token: int | None, length_penalty: float, early_stopping: bool | str,
                num_return_sequences: int, observer: Any = None) -> list[list[Hypothesis]]:
    """The ``num_return_sequences`` best hypotheses of each row of ``batch``, best first."""
    N, K = len(batch.prompt), width
    stepper.start(batch.sources, N)
    z = stepper.advance(batch.prompt)[:, -1]  # (N, V)
    stepper.select(np.repeat(np.arange(N), K))  # K beams per source, rows n·K … n·K + K − 1
    z = np.repeat(z, K, axis=0)
    sums = np.full((N, K), -np.inf)
    sums[:, 0] = 0.0
    history = np.zeros((N, K, 0), dtype=np.int64)  # the tokens of every running beam
    finished = [_Finished(K, length_penalty) for _ in range(N)]
    running = np.arange(N)  # the sources still in the stepper, in its order
    for length in range(1, max_length + 1):
        scores, parents, tokens = _candidates(z, sums, 2 * K)
        rows = np.arange(len(running))[:, None]
        ends = (tokens == end_token) if end_token is not None else np.zeros(tokens.shape, bool)
        for j, c in zip(*np.nonzero(ends[:, :K] & np.isfinite(scores[:, :K]))):
            finished[running[j]].add([*history[j, parents[j, c]], end_token], scores[j, c], True)
        keep = np.argsort(ends, axis=1, kind="stable")[:, :K]  # the best K that did not end
        if observer is not None:
            observer.beam_step(length, running, history, sums, z, scores, parents, tokens, ends,
                               keep)
        sums = np.where(ends[rows, keep], -np.inf, scores[rows, keep])
        parents, tokens = parents[rows, keep], tokens[rows, keep]
        history = np.concatenate([history[rows, parents], tokens[:, :, None]], axis=2)
        if length == max_length:
            for j, b in zip(*np.nonzero(np.isfinite(sums))):
                finished[running[j]].add(list(history[j, b]), sums[j, b], False)
            break
        going = np.array([not finished[n].done(sums[j].max(), length, early_stopping,
                                               max_length) for j, n in enumerate(running)])
        if not going.any():
            break
        stepper.select((np.flatnonzero(going)[:, None] * K + parents[going]).ravel())
        running, sums, history = running[going], sums[going], history[going]
        z = stepper.advance(tokens[going].reshape(-1, 1))[:, -1]
    return [f.best[:num_return_sequences] for f in finished]
