"""The experiments' small decoding loops over ``model.predict``.

TO BE REPLACED by ``seqlab.generate`` (greedy / beam / sampling with
temperature) once it lands on main: these loops re-run the whole prefix at
every step (no carried recurrent state), which is fine for the experiments'
short outputs and nothing more.

* :func:`greedy_decode` — a decoder model with inputs ``[vectors (N, D),
  tokens (N, T)]`` whose output at step t depends on tokens ≤ t (a
  left-to-right RNN): start from ``<start>``, at step t take the most probable
  token of output step t and feed it as token t + 1. Rows that chose ``<end>``
  are padded with 0 afterwards.
* :func:`sample_characters` — a character model with input ids (B, T) and
  softmax outputs (B, T, V): one stream per temperature τ, all in one batch;
  each next character is drawn from p_τ(c) ∝ p(c)^(1/τ) of the last step,
  the input being the last ``context`` characters.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["greedy_decode", "sample_characters"]


def greedy_decode(model: Any, vectors: np.ndarray, steps: int, start: int, end: int
                  ) -> np.ndarray:
    """(N, steps) token ids chosen greedily (see the module docstring)."""
    tokens = np.zeros((len(vectors), steps), dtype=np.int64)  # (N, T): decoder inputs
    tokens[:, 0] = start
    chosen = np.zeros_like(tokens)  # (N, T): outputs
    done = np.zeros(len(vectors), dtype=bool)
    for t in range(steps):
        probabilities = model.predict([vectors, tokens[:, :t + 1]], batch_size=1024)  # (N, t+1, V)
        chosen[:, t] = np.where(done, 0, probabilities[:, t].argmax(axis=-1))
        done |= chosen[:, t] == end
        if t + 1 < steps:
            tokens[:, t + 1] = chosen[:, t]
        if done.all():
            break
    return chosen


def sample_characters(model: Any, characters: list[str], prompt: str,
                      temperatures: list[float], length: int, context: int,
                      seed: int) -> list[str]:
    """``length`` characters after ``prompt`` for each temperature (module docstring)."""
    if any(not isinstance(t, (int, float)) or t <= 0 for t in temperatures):
        raise ValueError(f"sample_characters: temperatures must be > 0, got {temperatures}")
    rng = np.random.default_rng(seed)
    index = {c: i for i, c in enumerate(characters)}
    ids = np.array([[index[c] for c in prompt]] * len(temperatures), dtype=np.int64)  # (S, T)
    scale = 1.0 / np.asarray(temperatures, dtype=np.float64)[:, None]  # (S, 1)
    for _ in range(length):
        last = model.predict(ids[:, -context:])[:, -1].astype(np.float64)  # (S, V)
        logits = np.log(np.maximum(last, 1e-30)) * scale
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        drawn = [rng.choice(len(characters), p=row) for row in p]
        ids = np.concatenate([ids, np.array(drawn)[:, None]], axis=1)
    return ["".join(characters[i] for i in row[len(prompt):]) for row in ids]
