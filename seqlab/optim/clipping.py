"""Gradient clipping as Keras 3 applies it before an update.

For gradients g (one array per parameter) and a threshold c > 0:

    clipnorm         g ← g · c / max(‖g‖₂, c)            each parameter on its own
    global_clipnorm  g ← g · c / max(N, c),  N = sqrt(Σ_p ‖g_p‖₂²)   all together
    clipvalue        g ← clip(g, −c, c)                   element-wise

A zero gradient is left as it is. A non-finite global norm N (a NaN or inf in
any gradient) turns every gradient into NaN, as Keras does, so the failure
shows instead of being hidden by the scaling.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from seqlab import checks

__all__ = ["clip_by_global_norm", "clip_by_norm", "clip_by_value", "global_norm"]


def clip_by_norm(grad: np.ndarray, clipnorm: float, out: np.ndarray | None = None) -> np.ndarray:
    """``grad · c / max(‖grad‖₂, c)``, written into ``out`` when given."""
    c = checks.number("clipnorm", "clipnorm", clipnorm, positive=True)
    norm = math.sqrt(float(np.vdot(grad, grad)))
    scale = c / max(norm, c)
    return np.multiply(grad, scale, out=out)


def global_norm(grads: Sequence[np.ndarray]) -> float:
    """``N = sqrt(Σ_p ‖g_p‖₂²)`` over all gradients."""
    return math.sqrt(sum(float(np.vdot(g, g)) for g in grads))


def clip_by_global_norm(grads: Sequence[np.ndarray], global_clipnorm: float,
                        out: Sequence[np.ndarray] | None = None) -> list[np.ndarray]:
    """Scale all gradients by ``c / max(N, c)`` (NaN when N is not finite)."""
    c = checks.number("global_clipnorm", "global_clipnorm", global_clipnorm, positive=True)
    norm = global_norm(grads)
    scale = c / max(norm, c) if math.isfinite(norm) else math.nan
    outs = [None] * len(grads) if out is None else list(out)
    return [np.multiply(g, scale, out=o) for g, o in zip(grads, outs)]


def clip_by_value(grad: np.ndarray, clipvalue: float,
                  out: np.ndarray | None = None) -> np.ndarray:
    """``clip(grad, −c, c)`` element-wise."""
    c = checks.number("clipvalue", "clipvalue", clipvalue, positive=True)
    return np.clip(grad, -c, c, out=out)
