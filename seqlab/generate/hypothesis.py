"""Hypothesis: one decoded sequence with its log-probability and score."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Hypothesis:
    """One decoded sequence.

    ``tokens``: the generated tokens (not the prompt), ending with the end token
    when ``ended``; otherwise decoding stopped at ``max_length``.
    ``log_prob``: Σ_t log p(token_t | the tokens before it, the source).
    ``score``: what the search ranked it by: ``log_prob`` for greedy search and
    sampling, ``log_prob / len(tokens) ** length_penalty`` for beam search.
    """

    tokens: tuple[int, ...]
    log_prob: float
    score: float
    ended: bool
