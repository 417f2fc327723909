"""Adam's update of one parameter, in NumPy: the reference of the compiled
:func:`seqlab.kernels.adam.adam_update` (the optimizer is :class:`seqlab.optim.Adam`).

    m ← m + (g − m)(1 − β₁);   v ← v + (g² − v)(1 − β₂);   v̂ ← max(v̂, v) (AMSGrad: v̂ for v)
    w ← w − α · m / (sqrt(v) + ε),   α = lr · sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)
"""

from __future__ import annotations

import numpy as np


def adam_update(value: np.ndarray, grad: np.ndarray, m: np.ndarray, v: np.ndarray,
                v_hat: np.ndarray | None, alpha: float, beta_1: float, beta_2: float,
                epsilon: float, tmp: np.ndarray) -> None:
    """One Adam update of ``value`` in place (see :class:`seqlab.optim.Adam`; ``v_hat`` only with
    AMSGrad; ``tmp``: scratch of value's shape), α = lr · sqrt(1 − β₂ᵗ) / (1 − β₁ᵗ)."""
    np.subtract(grad, m, out=tmp)
    tmp *= 1.0 - beta_1
    m += tmp                                        # m += (g − m)(1 − β₁)
    np.square(grad, out=tmp)
    tmp -= v
    tmp *= 1.0 - beta_2
    v += tmp                                        # v += (g² − v)(1 − β₂)
    if v_hat is not None:
        np.maximum(v_hat, v, out=v_hat)
        v = v_hat
    np.sqrt(v, out=tmp)
    tmp += epsilon
    np.divide(m, tmp, out=tmp)
    tmp *= alpha
    value -= tmp                                    # w −= α m / (sqrt(v) + ε)
