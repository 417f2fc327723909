"""Sample weights and output masks: what each sample and time step adds to the loss.

For a batch of B samples with per-position losses ℓ_p (p: the positions of an
output, (B,) or (B, T) for sequences; each ℓ_p the loss's mean over the last
axis), weights w_i and the mask m_p of the output (1 where there is no mask):

    L_w = Σ_p w_i(p) m_p ℓ_p / Σ_p m_p           (Keras 3's "sum_over_batch_size")

Without a mask this is (1/B) Σ_i w_i ℓ_i, ℓ_i the mean over the sample's time
steps: the weighted sum is divided by the batch size B, not by Σ w, so weights
(1, 1, 0) give two thirds of the mean loss of the first two samples, and a
sample of weight 0 is removed from the gradient without changing B.

The mask is the one the model's output carries (``Embedding(mask_zero=True)``
through layers that keep it, e.g. ``LSTM(return_sequences=True)`` and
``Dense``), and a loss's ``ignore_class`` adds its own (see
:meth:`seqlab.losses.Loss.label_mask`). Padded steps then count neither in the
sum nor in the denominator: a padded batch has the mean loss of its real steps.
The computation, by groups of equal weight w·m, is
:func:`seqlab.functional.masked_loss.masked_value_and_grad`.

Metrics are not weighted (Keras' ``metrics=``; Keras' separate
``weighted_metrics`` is not offered), but they honour the same mask. Epoch logs
average the batch losses L_w weighted by batch size, as for unweighted training.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.functional.masked_loss import masked_value_and_grad


def check(weight: Any, n: int, owner: str) -> np.ndarray | None:
    """``weight`` as a float64 vector of n finite weights ≥ 0 (None passes).

    Shape (n,) or (n, 1). Negative weights are refused: they would turn the
    minimisation of that sample's loss into a maximisation, which is almost
    surely a mistake (Keras does not check).
    """
    if weight is None:
        return None
    w = np.asarray(weight)
    if w.dtype.kind not in "fiub":
        raise TypeError(f"{owner}: sample_weight must be numbers, got dtype {w.dtype}")
    if w.ndim == 2 and w.shape[1] == 1:
        w = w[:, 0]  # (n,)
    if w.ndim != 1:
        raise ValueError(
            f"{owner}: sample_weight must hold one weight per sample, shape ({n},), got shape "
            f"{w.shape} (weights per time step are not supported)"
        )
    if w.shape[0] != n:
        raise ValueError(f"{owner}: sample_weight has {w.shape[0]} weights for {n} samples")
    w = w.astype(np.float64)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{owner}: sample_weight must be finite numbers >= 0, got {w[i]} at index {i}"
        )
    return w


def position_mask(loss: Any, y: np.ndarray, out: np.ndarray, mask: Any) -> np.ndarray | None:
    """The positions of ``out`` that count: its ``mask`` (None: all) and the loss's
    own ``label_mask`` (``ignore_class``; ``loss`` None: an output without a loss),
    combined with AND."""
    own = None if loss is None else loss.label_mask(y, out)
    if mask is None or own is None:
        return own if mask is None else np.asarray(mask, dtype=bool)
    return np.asarray(mask, dtype=bool) & own


def value_and_grad(loss: Any, y: np.ndarray, out: np.ndarray, weight: np.ndarray | None = None,
                   mask: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """(L_w, dL_w/dŶ) for one output; ``loss.value_and_grad`` gives the group means."""
    mask = position_mask(loss, y, out, mask)
    if weight is None and mask is None:
        return loss.value_and_grad(y, out)
    return masked_value_and_grad(loss.value_and_grad, y, out, mask, weight,
                                 who=f"loss {loss.name!r}")
