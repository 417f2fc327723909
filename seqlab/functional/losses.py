"""Loss kernels, forward and backward, reduced as Keras does.

Reduction ("sum_over_batch_size"): a per-sample loss is taken over the last
axis (the mean for element-wise losses, the sum over classes for
cross-entropies), then averaged over every remaining position (batch, and time
for sequence outputs). With M such positions and C entries on the last axis:

    binary CE (probabilities)  ℓ = −[y log p + (1 − y) log(1 − p)],  p = clip(ŷ, ε, 1 − ε)
    binary CE (logits z)       ℓ = max(z, 0) − z·y + log(1 + e^(−|z|))
    categorical CE (probs)     ℓ = −Σ_c y_c log clip(ŷ_c / Σ_k ŷ_k, ε, 1 − ε)
    categorical CE (logits)    ℓ = Σ_c y_c (logsumexp(z) − z_c)
    sparse categorical CE      the same with y = one-hot(label)
    MSE / MAE                  ℓ = (ŷ − y)² / |ŷ − y|

    L = (1/(M·C)) Σ ℓ   (element-wise losses)      L = (1/M) Σ ℓ   (cross-entropies)

ε = 1e-7 as in Keras. Gradients dL/dŷ (the clip passes gradient only inside
[ε, 1 − ε]):

    binary CE (probs)   (p − y) / (p (1 − p)) / (M·C)
    binary CE (logits)  (σ(z) − y) / (M·C)
    categorical (probs) with s = Σ_k ŷ_k, q = ŷ / s, g = −y / clip(q):  (g − Σ_k g_k q_k) / s / M
    categorical (logits) (softmax(z) · Σ_c y_c − y) / M
    MSE  2 (ŷ − y) / (M·C)        MAE  sign(ŷ − y) / (M·C)

Each forward returns ``(value, cache)`` with ``value`` a Python float; each
backward takes ``(dvalue, cache)`` and returns ``(None, dy_pred)`` — one entry
per input, the labels not being differentiated. ``dy_pred`` has the shape and
dtype of ``y_pred``.

Labels are checked: the cross-entropies on dense labels take values in
[0, 1] only (hard 0/1 or soft labels, as Keras allows); a label outside — 1/2,
−1/1, NaN — raises ValueError naming the loss, the first bad value and its
index. Predictions are not checked for NaN/inf here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.functional.activations import sigmoid

EPSILON = 1e-7

LossCache = tuple[Any, ...]


# ------------------------------------------------------------------ checks
def _as_pred(y_pred: Any, who: str) -> np.ndarray:
    yp = np.asarray(y_pred)
    if yp.dtype.kind not in "fiub":
        raise TypeError(f"{who}: y_pred must be a numeric array, got dtype {yp.dtype}")
    if yp.dtype.kind != "f":
        yp = yp.astype(np.float64)
    if yp.ndim == 0:
        raise ValueError(f"{who}: y_pred must have at least rank 1 (batch first), got a scalar")
    if yp.size == 0:
        raise ValueError(f"{who}: y_pred is empty (shape {yp.shape})")
    return yp


def _mismatch(yt: np.ndarray, yp: np.ndarray, who: str, hint: str = "") -> ValueError:
    if yt.ndim >= 1 and yt.shape[0] != yp.shape[0]:
        return ValueError(
            f"{who}: batch size mismatch: y_true has {yt.shape[0]} samples (shape {yt.shape}), "
            f"y_pred has {yp.shape[0]} (shape {yp.shape}){hint}"
        )
    return ValueError(
        f"{who}: y_true of shape {yt.shape} does not match y_pred of shape {yp.shape}{hint}"
    )


def align(y_true: Any, y_pred: Any, who: str, hint: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Check and align labels with predictions for a dense-label loss.

    Shapes must match, except that a trailing axis of size 1 may be missing on
    either side (y_true (B,) with y_pred (B, 1), as Keras accepts). y_true is
    cast to y_pred's float dtype.
    """
    yp = _as_pred(y_pred, who)
    yt = np.asarray(y_true)
    if yt.dtype.kind not in "fiub":
        raise TypeError(f"{who}: y_true must be a numeric array, got dtype {yt.dtype}")
    if yt.shape != yp.shape:
        if yt.ndim == yp.ndim - 1 and yp.shape[-1] == 1 and yt.shape == yp.shape[:-1]:
            yt = yt[..., None]  # (..., 1)
        elif yp.ndim == yt.ndim - 1 and yt.shape[-1] == 1 and yt.shape[:-1] == yp.shape:
            yt = yt[..., 0]  # (...,)
        else:
            raise _mismatch(yt, yp, who, hint)
    return yt.astype(yp.dtype, copy=False), yp


BINARY_HINT = ("binary labels are 0 and 1 (or probabilities between): map others first, "
               "e.g. -1/1 with (y + 1) / 2")
CATEGORICAL_HINT = "one-hot or soft labels; integer class ids need sparse_categorical_crossentropy"


def check_unit_labels(y_true: Any, loss: str, hint: str, who: str | None = None) -> None:
    """Raise ValueError if a label lies outside [0, 1] (or is NaN), naming the
    loss, the first bad label with its index in ``y_true`` and how many there
    are; ``who`` names the labels (default: ``"<loss>: y_true"``)."""
    labels = np.asarray(y_true)
    if labels.dtype.kind == "b":
        return
    outside = ~((labels >= 0) & (labels <= 1))
    if np.any(outside):
        index = tuple(int(i) for i in np.argwhere(outside)[0])
        subject = f"{loss}: y_true" if who is None else f"{who} for {loss}"
        raise ValueError(
            f"{subject} must hold labels in [0, 1], got {labels[index].item()!r} at index "
            f"{index} ({int(np.count_nonzero(outside))} of {labels.size} outside); {hint}"
        )


def sparse_labels(y_true: Any, y_pred: Any, who: str) -> tuple[np.ndarray, np.ndarray]:
    """Check integer class labels (..., ) or (..., 1) against y_pred (..., C).

    Labels may be floats holding whole numbers; each must lie in [0, C).
    """
    yp = _as_pred(y_pred, who)
    labels = np.asarray(y_true)
    if labels.dtype.kind not in "fiu":
        raise TypeError(f"{who}: y_true must hold integer class ids, got dtype {labels.dtype}")
    if labels.ndim == yp.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]  # (...,)
    if labels.shape != yp.shape[:-1]:
        raise _mismatch(labels, yp, who, " (expected integer labels of shape y_pred.shape[:-1])")
    if labels.dtype.kind == "f":
        frac = ~np.isfinite(labels) | (labels != np.floor(labels))
        if np.any(frac):
            bad = labels.reshape(-1)[np.flatnonzero(frac)[0]]
            raise ValueError(f"{who}: labels must be whole numbers, got {bad.item()!r}")
    C = yp.shape[-1]
    out_of_range = (labels < 0) | (labels >= C)
    if np.any(out_of_range):
        bad = labels.reshape(-1)[np.flatnonzero(out_of_range)[0]]
        raise ValueError(
            f"{who}: label {bad.item()!r} is out of range; labels must be in [0, {C}) "
            f"for y_pred with {C} classes"
        )
    return labels.astype(np.intp), yp


def _positions(yp: np.ndarray) -> int:
    """M: the number of per-sample losses (every axis but the last)."""
    return yp.size // yp.shape[-1]


def _softmax_and_logsumexp(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(softmax(z), logsumexp(z)) over the last axis from one pass of exp: with
    m = max z, e = exp(z − m) and s = Σ e, softmax = e / s and logsumexp = m + log s.
    The forward keeps softmax(z) for the backward, which then needs no exp."""
    m = np.max(z, axis=-1, keepdims=True)
    p = np.exp(z - m)
    s = np.sum(p, axis=-1, keepdims=True)
    p /= s
    return p, (m + np.log(s))[..., 0]


def _clip_pass(q: np.ndarray) -> np.ndarray:
    """1 where clip(q, ε, 1 − ε) lets the gradient through, else 0."""
    return (q >= EPSILON) & (q <= 1.0 - EPSILON)


# -------------------------------------------------------- binary CE
def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False
                        ) -> tuple[float, LossCache]:
    """Binary cross-entropy from probabilities or (stably) from logits."""
    yt, yp = align(y_true, y_pred, "binary_crossentropy")
    check_unit_labels(y_true, "binary_crossentropy", BINARY_HINT)
    if from_logits:
        z = yp
        ell = np.maximum(z, 0) - z * yt + np.log1p(np.exp(-np.abs(z)))
    else:
        p = np.clip(yp, EPSILON, 1.0 - EPSILON)
        ell = -(yt * np.log(p) + (1.0 - yt) * np.log(1.0 - p))
    return float(np.mean(ell)), (yt, yp, from_logits)


def binary_crossentropy_backward(dvalue: float, cache: LossCache) -> tuple[None, np.ndarray]:
    yt, yp, from_logits = cache
    scale = float(dvalue) / yp.size
    if from_logits:
        g = sigmoid(yp) - yt
    else:
        p = np.clip(yp, EPSILON, 1.0 - EPSILON)
        g = (p - yt) / (p * (1.0 - p)) * _clip_pass(yp)
    return None, (g * scale).astype(yp.dtype, copy=False)


# -------------------------------------------------- categorical CE
def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False
                             ) -> tuple[float, LossCache]:
    """Categorical cross-entropy with one-hot (or soft) labels over the last axis."""
    yt, yp = align(y_true, y_pred, "categorical_crossentropy",
                   " (integer labels need sparse_categorical_crossentropy)")
    check_unit_labels(y_true, "categorical_crossentropy", CATEGORICAL_HINT)
    if from_logits:  # the cache keeps softmax(z) in place of z
        p, lse = _softmax_and_logsumexp(yp)
        per = lse * np.sum(yt, axis=-1) - np.sum(yt * yp, axis=-1)
        return float(np.mean(per)), (yt, p, True)
    q = yp / np.sum(yp, axis=-1, keepdims=True)
    per = -np.sum(yt * np.log(np.clip(q, EPSILON, 1.0 - EPSILON)), axis=-1)
    return float(np.mean(per)), (yt, yp, False)


def categorical_crossentropy_backward(dvalue: float, cache: LossCache
                                      ) -> tuple[None, np.ndarray]:
    yt, yp, from_logits = cache
    scale = float(dvalue) / _positions(yp)
    if from_logits:  # yp holds softmax(z)
        g = yp * np.sum(yt, axis=-1, keepdims=True) - yt
    else:
        s = np.sum(yp, axis=-1, keepdims=True)
        q = yp / s
        gq = -yt / np.clip(q, EPSILON, 1.0 - EPSILON) * _clip_pass(q)
        g = (gq - np.sum(gq * q, axis=-1, keepdims=True)) / s
    return None, (g * scale).astype(yp.dtype, copy=False)


# ------------------------------------------- sparse categorical CE
def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False
                                    ) -> tuple[float, LossCache]:
    """Categorical cross-entropy with integer class labels of shape y_pred.shape[:-1]."""
    labels, yp = sparse_labels(y_true, y_pred, "sparse_categorical_crossentropy")
    picked = np.take_along_axis(yp, labels[..., None], axis=-1)[..., 0]  # (...,)
    if from_logits:  # the cache keeps softmax(z) in place of z
        p, lse = _softmax_and_logsumexp(yp)
        return float(np.mean(lse - picked)), (labels, p, True)
    s = np.sum(yp, axis=-1)
    per = -np.log(np.clip(picked / s, EPSILON, 1.0 - EPSILON))
    return float(np.mean(per)), (labels, yp, False)


def sparse_categorical_crossentropy_backward(dvalue: float, cache: LossCache
                                             ) -> tuple[None, np.ndarray]:
    labels, yp, from_logits = cache
    scale = float(dvalue) / _positions(yp)
    index = labels[..., None]  # (..., 1)
    if from_logits:  # softmax(z) − onehot(l); yp holds softmax(z)
        g = yp.copy()
        np.put_along_axis(g, index, np.take_along_axis(g, index, axis=-1) - 1.0, axis=-1)
        g *= scale
        return None, g
    # dℓ/dŷ_c = (g_l·[c = l] − g_l·q_l) / s with q = ŷ / s, g_l = −1 / q_l (clipped):
    # one value per row for every class but the label, written in one pass
    s = np.sum(yp, axis=-1, keepdims=True)  # (..., 1)
    q_l = np.take_along_axis(yp, index, axis=-1) / s  # (..., 1)
    g_l = -1.0 / np.clip(q_l, EPSILON, 1.0 - EPSILON) * _clip_pass(q_l)
    rest = -g_l * q_l / s * scale
    g = np.empty_like(yp)
    g[...] = rest
    np.put_along_axis(g, index, rest + g_l / s * scale, axis=-1)
    return None, g


# ------------------------------------------------------- MSE / MAE
def mean_squared_error(y_true: Any, y_pred: Any) -> tuple[float, LossCache]:
    """Mean of (ŷ − y)²."""
    yt, yp = align(y_true, y_pred, "mean_squared_error")
    diff = yp - yt
    return float(np.mean(diff * diff)), (diff,)


def mean_squared_error_backward(dvalue: float, cache: LossCache) -> tuple[None, np.ndarray]:
    (diff,) = cache
    return None, diff * (2.0 * float(dvalue) / diff.size)


def mean_absolute_error(y_true: Any, y_pred: Any) -> tuple[float, LossCache]:
    """Mean of |ŷ − y|."""
    yt, yp = align(y_true, y_pred, "mean_absolute_error")
    diff = yp - yt
    return float(np.mean(np.abs(diff))), (diff,)


def mean_absolute_error_backward(dvalue: float, cache: LossCache) -> tuple[None, np.ndarray]:
    (diff,) = cache
    return None, np.sign(diff) * (float(dvalue) / diff.size)
