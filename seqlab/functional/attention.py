"""Attention kernels, forward beside backward: scores, masked softmax, context.

Symbols: B batch, Tq query steps, Tv value steps, D query/key features, Dv value
features. Query Q (B, Tq, D), key K (B, Tv, D), value V (B, Tv, Dv).

Scores e (B, Tq, Tv), one per (query step i, value step j):

    dot (Luong)          e_ij = s · (q_i · k_j)                   s: a scalar, 1 when absent
    additive (Bahdanau)  e_ij = Σ_d w_d tanh(s · (q_id + k_jd))    w: (D,) or a scalar, 1 when absent

Keras' ``Attention(score_mode="concat")`` is the additive form with a scalar w
(``concat_score_weight``) and scalar s; ``AdditiveAttention`` has w (D,) (its
``scale``) and no s.

Attention weights: a softmax over j restricted to the score mask M (B, Tq, Tv)
(True = may attend; the value mask and, for decoders, the causal mask i ≥ j):

    a_ij = M_ij · exp(e_ij − μ_i) / Σ_j' M_ij' · exp(e_ij' − μ_i),   μ_i = max_{j: M_ij} e_ij

so a masked position gets exactly zero weight, and a row with no position to
attend to gets all-zero weights (and a zero context). With dropout in training,
ã = a ⊙ r (r the scaled dropout mask, :mod:`seqlab.functional.dropout`); else ã = a.

Context: c_i = Σ_j ã_ij v_j, i.e. C = Ã V  (B, Tq, Dv).

Backward, from dC and dÃ (the gradient of the returned weights, may be absent):

    dÃ ← dÃ + dC · Vᵀ        dV = Ãᵀ · dC
    da = dÃ ⊙ r               de_ij = a_ij (da_ij − Σ_j' a_ij' da_ij')   (0 where M_ij = 0)
    dot:       dQ = s · de · K,   dK = s · deᵀ · Q,   ds = Σ de ⊙ (Q Kᵀ)
    additive:  h = tanh(u), u = s (q_i + k_j);   du = de · w ⊙ (1 − h²)
               dQ = s Σ_j du,   dK = s Σ_i du,   dw = Σ de · h,   ds = Σ du ⊙ (q_i + k_j)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.functional.activations import softmax, softmax_backward

AttentionCache = tuple[Any, ...]


def _transpose(x: np.ndarray) -> np.ndarray:
    return np.swapaxes(x, -1, -2)  # (B, m, n) → (B, n, m)


# ------------------------------------------------------------------ scores
def dot_scores(query: np.ndarray, key: np.ndarray, scale: np.ndarray | None = None
               ) -> tuple[np.ndarray, AttentionCache]:
    """e = s · Q Kᵀ (B, Tq, Tv); ``scale`` s is a scalar array or None (s = 1)."""
    raw = query @ _transpose(key)  # (B, Tq, Tv)
    scores = raw if scale is None else raw * scale
    return scores, (query, key, scale, raw)


def dot_scores_backward(dscores: np.ndarray, cache: AttentionCache
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dQ, dK, ds); ds is None when the forward had no scale."""
    query, key, scale, raw = cache
    dscale = None if scale is None else np.asarray(np.sum(dscores * raw), dtype=scale.dtype)
    draw = dscores if scale is None else dscores * scale
    return draw @ key, _transpose(draw) @ query, dscale


def additive_scores(query: np.ndarray, key: np.ndarray, weight: np.ndarray | None = None,
                    scale: np.ndarray | None = None) -> tuple[np.ndarray, AttentionCache]:
    """e_ij = Σ_d w_d tanh(s (q_id + k_jd)); ``weight`` w is (D,) or a scalar array,
    ``scale`` s a scalar array; None stands for 1."""
    pair_sum = query[:, :, None, :] + key[:, None, :, :]  # (B, Tq, Tv, D)
    h = np.tanh(pair_sum if scale is None else scale * pair_sum)
    if weight is None:
        scores = np.sum(h, axis=-1)
    elif weight.ndim == 0:
        scores = weight * np.sum(h, axis=-1)
    else:
        scores = h @ weight  # (B, Tq, Tv)
    return scores, (pair_sum, h, weight, scale)


def additive_scores_backward(dscores: np.ndarray, cache: AttentionCache
                             ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None,
                                        np.ndarray | None]:
    """(dQ, dK, dw, ds); dw and ds are None where the forward had none."""
    pair_sum, h, weight, scale = cache
    de = dscores[..., None]  # (B, Tq, Tv, 1)
    dweight = None
    if weight is not None:
        dh_w = de * h  # (B, Tq, Tv, D)
        dweight = np.sum(dh_w) if weight.ndim == 0 else np.sum(dh_w, axis=(0, 1, 2))
        dweight = np.asarray(dweight, dtype=weight.dtype)
    dh = de if weight is None else de * weight  # (B, Tq, Tv, D) or (..., 1)
    du = dh * (1.0 - h * h)  # (B, Tq, Tv, D)
    dscale = None if scale is None else np.asarray(np.sum(du * pair_sum), dtype=scale.dtype)
    dpair = du if scale is None else du * scale
    return np.sum(dpair, axis=2), np.sum(dpair, axis=1), dweight, dscale


# ----------------------------------------------------------- masks, softmax
def causal_mask(steps_q: int, steps_v: int) -> np.ndarray:
    """M_ij = (i ≥ j), shape (Tq, Tv): step i may attend to steps j ≤ i only."""
    return np.tril(np.ones((steps_q, steps_v), dtype=bool))


def score_mask(value_mask: np.ndarray | None, steps_q: int, steps_v: int,
               causal: bool) -> np.ndarray | None:
    """The mask M of the scores: the value mask (B, Tv) on every query row, and
    the causal mask; (B, 1, Tv), (1, Tq, Tv), (B, Tq, Tv) or None."""
    mask = None if value_mask is None else value_mask.astype(bool)[:, None, :]  # (B, 1, Tv)
    if causal:
        tri = causal_mask(steps_q, steps_v)[None]  # (1, Tq, Tv)
        mask = tri if mask is None else mask & tri
    return mask


def masked_softmax(scores: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """a = softmax over the last axis of the positions where ``mask`` is True;
    exactly 0 elsewhere, and all 0 on a row without any True position."""
    if mask is None:
        return softmax(scores)
    mask = np.broadcast_to(mask, scores.shape)
    peak = np.max(np.where(mask, scores, -np.inf), axis=-1, keepdims=True)  # (B, Tq, 1)
    peak = np.where(np.isfinite(peak), peak, 0.0)  # rows with nothing to attend to
    e = np.where(mask, np.exp(np.where(mask, scores - peak, 0.0)), 0.0)
    total = np.sum(e, axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1.0)


# ----------------------------------------------------------------- context
def attend(scores: np.ndarray, value: np.ndarray, mask: np.ndarray | None = None,
           dropout_mask: np.ndarray | None = None
           ) -> tuple[tuple[np.ndarray, np.ndarray], AttentionCache]:
    """((C, Ã), cache): the context C = Ã V (B, Tq, Dv) and the weights Ã (B, Tq, Tv)
    after the masked softmax and, when ``dropout_mask`` r is given, dropout."""
    weights = masked_softmax(scores, mask).astype(scores.dtype, copy=False)
    dropped = weights if dropout_mask is None else weights * dropout_mask
    return (dropped @ value, dropped), (weights, dropped, value, dropout_mask)


def attend_backward(dout: tuple[np.ndarray | None, np.ndarray | None], cache: AttentionCache
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(de, dV) from ``dout = (dC, dÃ)``; either may be None (that output was unused)."""
    dcontext, dweights = dout
    weights, dropped, value, dropout_mask = cache
    if dcontext is None:
        dcontext = np.zeros((*weights.shape[:2], value.shape[-1]), dtype=value.dtype)
    ddropped = dcontext @ _transpose(value)  # (B, Tq, Tv)
    if dweights is not None:
        ddropped = ddropped + dweights
    dvalue = _transpose(dropped) @ dcontext  # (B, Tv, Dv)
    da = ddropped if dropout_mask is None else ddropped * dropout_mask
    return softmax_backward(weights, da), dvalue
