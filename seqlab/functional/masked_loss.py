"""Masked, weighted reduction of any loss: Keras 3's rule for padded sequences.

A loss of :mod:`seqlab.functional.losses` is the mean of per-position losses
ℓ_p over the positions p of y_pred (every axis but the last: (B, T) for
outputs (B, T, V)). With a mask m_p ∈ {0, 1} over the leading axes of y_pred
(False = a padded step, or a label equal to ``ignore_class``) and a weight
w_i per sample:

    L = Σ_p w_i(p) · m_p · ℓ_p / Σ_p m_p          (L = 0 when Σ_p m_p = 0)
    dL/dŷ_p = w_i(p) · m_p / Σ_p m_p · dℓ_p/dŷ_p

The denominator counts the unmasked positions, not the weights (Keras'
"sum_over_batch_size" with the mask folded into the weights): a padded batch
gives the mean loss over its real time steps, exactly what the same sequences
give concatenated without padding, and padded positions — whatever their
labels or predictions hold — get zero gradient. Without a mask the positions
are the samples (m = 1 over (B,)) and L = (1/B) Σ_i w_i ℓ_i, ℓ_i the sample's
mean loss.

It is computed by groups S_v of positions sharing one weight v = w · m > 0:
each group's loss L_v is the plain loss on the selected positions (its own
mean), and

    L = Σ_v v · |S_v| / Σ_p m_p · L_v

so a 0/1 mask costs one loss call on the unmasked positions only, and any
loss with a ``value_and_grad(y_true, y_pred)`` can be masked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

ValueAndGrad = Callable[[Any, Any], tuple[float, np.ndarray]]


def _check_mask(mask: Any, y_pred: np.ndarray, who: str) -> np.ndarray:
    m = np.asarray(mask)
    if m.dtype.kind not in "biuf":
        raise TypeError(f"{who}: the mask must be booleans (True = counts), got dtype {m.dtype}")
    if m.ndim == 0 or m.ndim >= y_pred.ndim or m.shape != y_pred.shape[:m.ndim]:
        raise ValueError(
            f"{who}: a mask of shape {m.shape} does not cover the positions of y_pred "
            f"{y_pred.shape}: expected the leading axes, e.g. {y_pred.shape[:-1]}"
        )
    return m.astype(bool)


def position_weights(y_pred: np.ndarray, mask: Any = None, sample_weight: Any = None,
                     who: str = "loss") -> tuple[np.ndarray, float]:
    """(a, N): the weight a_p = w_i(p) · m_p of every position p and the count
    N = Σ_p m_p of unmasked positions (a has the mask's shape, or (B,))."""
    B = y_pred.shape[0]
    m = np.ones(B, dtype=bool) if mask is None else _check_mask(mask, y_pred, who)
    a = m.astype(np.float64)
    if sample_weight is not None:
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.shape != (B,):
            raise ValueError(f"{who}: sample_weight must have shape ({B},), got {w.shape}")
        a *= w.reshape(B, *([1] * (m.ndim - 1)))  # (B, 1, ...) against the mask
    return a, float(np.count_nonzero(m))


def masked_value_and_grad(value_and_grad: ValueAndGrad, y_true: Any, y_pred: Any,
                          mask: Any = None, sample_weight: Any = None, who: str = "loss"
                          ) -> tuple[float, np.ndarray]:
    """(L, dL/dŷ) of the module docstring for a plain ``value_and_grad``."""
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true)
    weights, count = position_weights(y_pred, mask, sample_weight, who)
    if y_true.shape[:weights.ndim] != weights.shape:
        raise ValueError(
            f"{who}: y_true of shape {y_true.shape} does not match the positions "
            f"{weights.shape} of y_pred {y_pred.shape}"
        )
    total = 0.0
    grad = np.zeros_like(y_pred)
    for v in np.unique(weights):
        if v == 0:
            continue
        selected = weights == v  # the positions of this group
        value, dy = value_and_grad(y_true[selected], y_pred[selected])
        share = v * np.count_nonzero(selected) / count
        total += share * float(value)
        grad[selected] = np.asarray(dy) * y_pred.dtype.type(share)
    return total, grad
