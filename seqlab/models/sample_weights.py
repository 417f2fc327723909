"""Sample weights: one weight per sample scales that sample's loss, reduced as Keras 3 does.

For a batch of B samples with per-sample losses ℓ_i (the loss's mean over the
sample's positions: its time steps for sequence outputs, and the last axis
for element-wise losses such as MSE) and weights w_i:

    L_w = (1/B) Σ_i w_i ℓ_i                (Keras' reduction "sum_over_batch_size")
    dL_w/dŶ_i = (w_i / B) · dℓ_i/dŶ_i

The weighted sum is divided by the batch size B, not by Σ w: weights
(1, 1, 0) give two thirds of the mean loss of the first two samples, and a
sample of weight 0 is removed from the gradient without changing B.

It is computed per group of equal weights v (n_v samples), each with the
loss's own mean L over that group:

    L_w = Σ_v (v · n_v / B) · L(Y_v, Ŷ_v)

so a batch with a few distinct weights (0/1 masks, class weights) costs a
few loss calls, and samples of weight 0 are not computed at all.

Metrics are not weighted (Keras' ``metrics=``; Keras' separate
``weighted_metrics`` is not offered). Epoch logs average the batch losses
L_w weighted by batch size, as for unweighted training.
"""

from __future__ import annotations

from typing import Any

import numpy as np


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


def value_and_grad(loss: Any, y: np.ndarray, out: np.ndarray, weight: np.ndarray
                   ) -> tuple[float, np.ndarray]:
    """(L_w, dL_w/dŶ) for one output; ``loss.value_and_grad`` gives the group means."""
    B = out.shape[0]
    total = 0.0
    grad = np.zeros_like(out)
    for v in np.unique(weight):
        if v == 0:
            continue
        rows = np.flatnonzero(weight == v)
        value, dy = loss.value_and_grad(y[rows], out[rows])
        scale = v * rows.size / B
        total += scale * float(value)
        grad[rows] = np.asarray(dy) * out.dtype.type(scale)
    return total, grad
