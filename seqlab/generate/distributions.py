"""From logits to log-probabilities and to the distribution that sampling draws from.

For logits z (R, V), one row per sequence being decoded:

    log p_v = z_v − logsumexp(z),   logsumexp(z) = m + log Σ_v e^(z_v − m),  m = max_v z_v

Sampling reshapes p in the order Hugging Face's ``generate`` applies it:

    temperature   z' = z / temperature     (→ 0: all mass on the argmax; 1: p itself)
    top-k         keep the k largest z' (ties with the k-th are kept too); the rest −∞
    top-p         sort p' = softmax(z') from the most likely; keep a token while the
                  mass of the tokens before it is < top_p (the nucleus: the smallest
                  set whose mass reaches top_p; the most likely token always stays)

and draws token v with probability p'_v / Σ kept p'.
"""

from __future__ import annotations

import numpy as np


def logsumexp(z: np.ndarray) -> np.ndarray:
    """logsumexp over the last axis of (R, V) logits, in float64 (R,)."""
    m = z.max(axis=1, keepdims=True)  # (R, 1)
    e = np.exp(z - m)
    return m[:, 0].astype(np.float64) + np.log(e.sum(axis=1, dtype=np.float64))


def sampling_probabilities(z: np.ndarray, temperature: float, top_k: int | None,
                           top_p: float | None) -> np.ndarray:
    """The distribution (R, V) float64 to draw from (see the module docstring)."""
    z = z.astype(np.float64) / temperature
    V = z.shape[1]
    if top_k is not None and top_k < V:
        kth = np.partition(z, V - top_k, axis=1)[:, V - top_k, None]  # (R, 1) k-th largest
        z[z < kth] = -np.inf
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    if top_p is not None and top_p < 1.0:
        order = np.argsort(-p, axis=1, kind="stable")  # most likely first
        p_sorted = np.take_along_axis(p, order, axis=1)
        before = np.cumsum(p_sorted, axis=1) - p_sorted  # mass of the tokens before each
        before[:, 0] = 0.0
        np.put_along_axis(p, order, np.where(before < top_p, p_sorted, 0.0), axis=1)
        p /= p.sum(axis=1, keepdims=True)
    return p


def draw(p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One token per row of ``p`` (R, V), by inverting the cumulative distribution
    with u ∈ (0, 1]: the first v with Σ_{w ≤ v} p_w ≥ u (never a token of mass 0)."""
    cumulative = np.cumsum(p, axis=1)
    u = 1.0 - rng.random(len(p))  # (0, 1]
    return (cumulative < u[:, None] * cumulative[:, -1:]).sum(axis=1)
