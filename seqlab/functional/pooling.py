"""1D pooling over steps (channels last), forward and backward.

Symbols: B batch, T steps, D channels, P pool size, s stride, T' output steps.
Windows are placed exactly as a conv1d window of size P, stride s, dilation 1
(:func:`seqlab.functional.conv.conv_geometry`): "valid" gives
T' = ⌊(T − P) / s⌋ + 1, "same" gives T' = ⌈T / s⌉ with p = max((T' − 1)·s + P − T, 0)
padded steps, ⌊p / 2⌋ on the left. Window t covers padded steps t·s .. t·s + P − 1.
Padded steps never win a max and are never counted in an average (as in Keras);
with these rules every window holds at least one real step.

    max      y[b, t, d] = max_j x_pad[b, t·s + j, d]
             dx[b, t·s + j*, d] += dy[b, t, d]    j* = first argmax (ties: lowest j)
    average  y[b, t, d] = Σ_j x_pad[b, t·s + j, d] / n[t]     n[t] = real steps in window t
             dx[b, t·s + j, d] += dy[b, t, d] / n[t]

Global pooling reduces the step axis; an optional mask m (B, T) (1 = real step)
restricts it to the real steps:

    global max      y[b, d] = max_{t: m[b,t]} x[b, t, d]       dx routes dy to the argmax
    global average  y[b, d] = Σ_t m[b,t] x[b, t, d] / n[b]      n[b] = Σ_t m[b,t]
                    dx[b, t, d] = m[b,t] dy[b, d] / n[b]

A sequence whose steps are all masked gets y[b] = 0 and zero gradient (rather
than −inf or 0/0).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab import checks
from seqlab.functional.conv import (
    ConvGeometry,
    check_padding,
    conv_geometry,
    pad_steps,
    window_view,
)

POOL_PADDINGS: tuple[str, ...] = ("valid", "same")


def pool_geometry(length: int, pool_size: int, strides: int | None = None,
                  padding: str = "valid", who: str = "pool1d") -> ConvGeometry:
    """Window placement for pooling (``strides=None`` means ``pool_size``)."""
    padding = check_padding(padding, who, POOL_PADDINGS)
    size = checks.positive_int(who, "pool_size", pool_size)
    stride = size if strides is None else checks.positive_int(who, "strides", strides)
    return conv_geometry(length, size, padding, stride, 1, who=who)


def _check_x(x: np.ndarray, who: str) -> None:
    if x.ndim != 3:
        raise ValueError(f"{who}: expected x of shape (B, T, D), got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{who}: x is empty (shape {x.shape})")


def _scatter_windows(parts: list[np.ndarray], geo: ConvGeometry, x_shape: tuple) -> np.ndarray:
    """dx from per-tap gradients: dx_pad[:, t·s + j] += parts[j][:, t], cropped to T."""
    B, T, D = x_shape
    dx_pad = np.zeros((B, T + geo.pad_left + geo.pad_right, D), dtype=parts[0].dtype)
    stop = geo.stride * (geo.out_length - 1) + 1
    for j, part in enumerate(parts):
        dx_pad[:, j:j + stop:geo.stride, :] += part
    return np.ascontiguousarray(dx_pad[:, geo.pad_left:geo.pad_left + T, :])


# ---------------------------------------------------------------------- max
def max_pool1d(x: np.ndarray, pool_size: int = 2, strides: int | None = None,
               padding: str = "valid") -> tuple[np.ndarray, dict[str, Any]]:
    """y = max over each window → (y (B, T', D), cache with the argmax)."""
    _check_x(x, "max_pool1d")
    geo = pool_geometry(x.shape[1], pool_size, strides, padding, "max_pool1d")
    x_pad = pad_steps(x, geo.pad_left, geo.pad_right, -np.inf)  # (B, T + p, D)
    windows = window_view(x_pad, geo)  # (B, T', P, D)
    arg = np.argmax(windows, axis=2)  # (B, T', D), first maximum on ties
    y = np.take_along_axis(windows, arg[:, :, None, :], axis=2)[:, :, 0, :]  # (B, T', D)
    return np.ascontiguousarray(y), {"arg": arg, "geometry": geo, "x_shape": x.shape}


def max_pool1d_backward(dy: np.ndarray, cache: dict[str, Any]) -> np.ndarray:
    """dx for :func:`max_pool1d`: each dy goes to its window's (first) maximum."""
    arg, geo = cache["arg"], cache["geometry"]
    _check_dy(dy, arg.shape, "max_pool1d_backward")
    parts = [np.where(arg == j, dy, 0).astype(dy.dtype, copy=False)
             for j in range(geo.kernel_size)]
    return _scatter_windows(parts, geo, cache["x_shape"])


# ------------------------------------------------------------------ average
def _window_counts(geo: ConvGeometry, dtype: np.dtype) -> np.ndarray:
    """n[t]: how many real (unpadded) steps window t covers → (T',)."""
    ones = np.ones((1, geo.length, 1), dtype=dtype)  # (1, T, 1)
    padded = pad_steps(ones, geo.pad_left, geo.pad_right)  # (1, T + p, 1)
    return window_view(padded, geo).sum(axis=(0, 2, 3))  # (T',)


def average_pool1d(x: np.ndarray, pool_size: int = 2, strides: int | None = None,
                   padding: str = "valid") -> tuple[np.ndarray, dict[str, Any]]:
    """y = mean over the real steps of each window → (y (B, T', D), cache)."""
    _check_x(x, "average_pool1d")
    geo = pool_geometry(x.shape[1], pool_size, strides, padding, "average_pool1d")
    x_pad = pad_steps(x, geo.pad_left, geo.pad_right)  # (B, T + p, D)
    counts = _window_counts(geo, x.dtype)  # (T',)
    y = window_view(x_pad, geo).sum(axis=2) / counts[None, :, None]  # (B, T', D)
    return y.astype(x.dtype, copy=False), {"counts": counts, "geometry": geo,
                                           "x_shape": x.shape}


def average_pool1d_backward(dy: np.ndarray, cache: dict[str, Any]) -> np.ndarray:
    """dx for :func:`average_pool1d`: dy / n[t] to every real step of window t."""
    counts, geo = cache["counts"], cache["geometry"]
    B, _, D = cache["x_shape"]
    _check_dy(dy, (B, geo.out_length, D), "average_pool1d_backward")
    share = (dy / counts[None, :, None]).astype(dy.dtype, copy=False)  # (B, T', D)
    return _scatter_windows([share] * geo.kernel_size, geo, cache["x_shape"])


# ------------------------------------------------------------------- global
def check_step_mask(mask: Any, x: np.ndarray, who: str) -> np.ndarray | None:
    """A (B, T) boolean mask for x (B, T, D), or None; ValueError on a bad one."""
    if mask is None:
        return None
    m = np.asarray(mask)
    if m.shape != x.shape[:2]:
        raise ValueError(f"{who}: expected a mask of shape {x.shape[:2]} (B, T), got {m.shape}")
    if m.dtype != bool:
        if m.dtype.kind not in "iuf" or not np.all((m == 0) | (m == 1)):
            raise ValueError(f"{who}: the mask must be boolean or 0/1, got dtype {m.dtype}")
        m = m.astype(bool)
    return m


def global_max_pool1d(x: np.ndarray, mask: Any = None) -> tuple[np.ndarray, dict[str, Any]]:
    """y[b, d] = max over the (unmasked) steps → (y (B, D), cache)."""
    _check_x(x, "global_max_pool1d")
    m = check_step_mask(mask, x, "global_max_pool1d")
    xm = x if m is None else np.where(m[:, :, None], x, -np.inf)  # (B, T, D)
    arg = np.argmax(xm, axis=1)  # (B, D), first maximum on ties
    y = np.take_along_axis(x, arg[:, None, :], axis=1)[:, 0, :]  # (B, D)
    has = np.ones(x.shape[0], dtype=bool) if m is None else m.any(axis=1)  # (B,)
    y = np.where(has[:, None], y, 0).astype(x.dtype, copy=False)
    return y, {"arg": arg, "has": has, "x_shape": x.shape}


def global_max_pool1d_backward(dy: np.ndarray, cache: dict[str, Any]) -> np.ndarray:
    """dx for :func:`global_max_pool1d`: dy[b, d] goes to step arg[b, d]."""
    arg, has = cache["arg"], cache["has"]
    B, T, D = cache["x_shape"]
    _check_dy(dy, (B, D), "global_max_pool1d_backward")
    dx = np.zeros((B, T, D), dtype=dy.dtype)
    g = np.where(has[:, None], dy, 0).astype(dy.dtype, copy=False)  # (B, D)
    np.put_along_axis(dx, arg[:, None, :], g[:, None, :], axis=1)
    return dx


def global_average_pool1d(x: np.ndarray, mask: Any = None
                          ) -> tuple[np.ndarray, dict[str, Any]]:
    """y[b, d] = mean over the (unmasked) steps → (y (B, D), cache)."""
    _check_x(x, "global_average_pool1d")
    m = check_step_mask(mask, x, "global_average_pool1d")
    if m is None:
        weights = np.full(x.shape[:2], 1.0 / x.shape[1], dtype=x.dtype)  # (B, T)
    else:
        n = m.sum(axis=1, keepdims=True)  # (B, 1)
        weights = np.divide(m, n, out=np.zeros(m.shape), where=n > 0).astype(x.dtype)
    y = np.einsum("bt,btd->bd", weights, x)  # (B, D)
    return y, {"weights": weights, "x_shape": x.shape}


def global_average_pool1d_backward(dy: np.ndarray, cache: dict[str, Any]) -> np.ndarray:
    """dx[b, t, d] = w[b, t] · dy[b, d] with w = m / n (1 / T without a mask)."""
    weights = cache["weights"]
    B, _, D = cache["x_shape"]
    _check_dy(dy, (B, D), "global_average_pool1d_backward")
    return (weights[:, :, None] * dy[:, None, :]).astype(dy.dtype, copy=False)


def _check_dy(dy: np.ndarray, shape: tuple, who: str) -> None:
    if dy.shape != tuple(shape):
        raise ValueError(f"{who}: expected dy of shape {tuple(shape)}, got {dy.shape}")
