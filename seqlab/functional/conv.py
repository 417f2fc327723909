"""1D convolution over sequences (channels last), forward and backward.

Symbols: B batch, T steps, D input channels, F filters, K kernel size,
s stride, r dilation rate, T' output steps. Input x (B, T, D), kernel W (K, D, F)
(Keras layout; PyTorch's weight (F, D, K) is ``W.transpose(2, 1, 0)``), bias b (F,).

With x_pad the input padded by p_l zero steps on the left and p_r on the right:

    y[b, t, f] = Σ_k Σ_d x_pad[b, t·s + k·r, d] · W[k, d, f] + b[f]      (B, T', F)

Padding and output length (Keras rules):

    valid   p_l = p_r = 0                      T' = ⌊(T − r·(K − 1) − 1) / s⌋ + 1
    same    p = max((T' − 1)·s + r·(K − 1) + 1 − T, 0),  p_l = ⌊p / 2⌋, p_r = p − p_l
                                               T' = ⌈T / s⌉
    causal  p_l = r·(K − 1), p_r = 0           T' = ⌈T / s⌉  (y[t] sees only x[≤ t·s])

The reference computes it as im2col + one matmul. The gathered windows

    X[(b, t), (k, d)] = x_pad[b, t·s + k·r, d]                           (B·T', K·D)

turn the convolution into Y = X · W₂ + b with W₂ = W reshaped to (K·D, F).
Backward, from dY (B·T', F):

    dW₂ = Xᵀ · dY                 (K·D, F) → dW (K, D, F)
    db  = Σ_(b,t) dY[(b, t)]       (F,)
    dX  = dY · W₂ᵀ                 (B·T', K·D)
    dx_pad[b, t·s + k·r, d] += dX[(b, t), (k, d)]     (col2im: a scatter-add)
    dx  = dx_pad[:, p_l : p_l + T]

The Numba twin lives in :mod:`seqlab.kernels.conv` and is tested equal to this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from seqlab import checks

PADDINGS: tuple[str, ...] = ("valid", "same", "causal")


@dataclass(frozen=True)
class ConvGeometry:
    """Where a 1D window (size K, stride s, dilation r) lands on T steps.

    ``pad_left``/``pad_right`` are the zero steps added to each side and
    ``out_length`` is T'. Window t reads input steps t·s + k·r − pad_left.
    """

    length: int
    out_length: int
    kernel_size: int
    stride: int
    dilation: int
    pad_left: int
    pad_right: int

    @property
    def receptive_field(self) -> int:
        """Input steps one window spans: r·(K − 1) + 1."""
        return self.dilation * (self.kernel_size - 1) + 1


def check_padding(padding: Any, who: str = "conv1d", valid: tuple[str, ...] = PADDINGS) -> str:
    """``padding`` lower-cased, or a ValueError listing the valid choices."""
    if isinstance(padding, str) and padding.lower() in valid:
        return padding.lower()
    raise ValueError(f"{who}: padding must be one of {list(valid)}, got {padding!r}")


def conv_output_length(length: int | None, kernel_size: int, padding: str, stride: int = 1,
                       dilation: int = 1) -> int | None:
    """T' for T = ``length`` steps (None stays None), by the Keras rules above.

    For "valid" the result is <= 0 when T is shorter than the receptive field.
    """
    if length is None:
        return None
    if padding in ("same", "causal"):
        return -(-length // stride)  # ⌈T / s⌉
    span = dilation * (kernel_size - 1) + 1
    return (length - span) // stride + 1


def conv_geometry(length: int, kernel_size: int, padding: str = "valid", stride: int = 1,
                  dilation: int = 1, who: str = "conv1d") -> ConvGeometry:
    """Checked geometry of a 1D window sweep over ``length`` steps.

    Raises ValueError (prefixed with ``who``) for a bad padding string,
    non-positive sizes, or a "valid" sweep whose window is longer than the input.
    """
    padding = check_padding(padding, who)
    K = checks.positive_int(who, "kernel_size", kernel_size)
    s = checks.positive_int(who, "strides", stride)
    r = checks.positive_int(who, "dilation_rate", dilation)
    T = int(length)
    if T <= 0:
        raise ValueError(f"{who}: the sequence must have at least one step, got {T}")
    span = r * (K - 1) + 1
    out = conv_output_length(T, K, padding, s, r)
    if padding == "valid" and out <= 0:
        raise ValueError(
            f"{who}: one window spans {span} steps, so with padding='valid' the sequence "
            f"needs at least {span} steps, got {T}"
        )
    if padding == "valid":
        left = right = 0
    elif padding == "causal":
        left, right = span - 1, 0
    else:
        total = max((out - 1) * s + span - T, 0)
        left, right = total // 2, total - total // 2
    return ConvGeometry(T, out, K, s, r, left, right)


def check_conv1d_args(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None,
                      who: str = "conv1d") -> None:
    """Shapes must be x (B, T, D), kernel (K, D, F), bias (F,) or None."""
    if x.ndim != 3:
        raise ValueError(f"{who}: expected x of shape (B, T, D), got shape {x.shape}")
    if kernel.ndim != 3:
        raise ValueError(f"{who}: expected a kernel of shape (K, D, F), got shape {kernel.shape}")
    if kernel.shape[1] != x.shape[2]:
        raise ValueError(
            f"{who}: the kernel {kernel.shape} expects D={kernel.shape[1]} input channels, "
            f"got x of shape {x.shape}"
        )
    if bias is not None and bias.shape != (kernel.shape[2],):
        raise ValueError(f"{who}: expected a bias of shape ({kernel.shape[2]},), got {bias.shape}")
    if x.size == 0:
        raise ValueError(f"{who}: x is empty (shape {x.shape})")


def pad_steps(x: np.ndarray, left: int, right: int, value: float = 0.0) -> np.ndarray:
    """x (B, T, D) with ``left``/``right`` steps of ``value`` added → (B, T + left + right, D)."""
    if left == 0 and right == 0:
        return x
    return np.pad(x, ((0, 0), (left, right), (0, 0)), constant_values=value)


def window_view(x_pad: np.ndarray, geo: ConvGeometry) -> np.ndarray:
    """Read-only view (B, T', K, D) of the windows: v[b, t, k] = x_pad[b, t·s + k·r]."""
    B, _, D = x_pad.shape
    sb, st, sd = x_pad.strides
    return np.lib.stride_tricks.as_strided(
        x_pad, shape=(B, geo.out_length, geo.kernel_size, D),
        strides=(sb, st * geo.stride, st * geo.dilation, sd), writeable=False,
    )


def conv1d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None, strides: int = 1,
           padding: str = "valid", dilation_rate: int = 1) -> tuple[np.ndarray, dict[str, Any]]:
    """y = conv1d(x; W, b) → (y (B, T', F), cache), the NumPy im2col reference."""
    check_conv1d_args(x, kernel, bias)
    geo = conv_geometry(x.shape[1], kernel.shape[0], padding, strides, dilation_rate)
    B, _, D = x.shape
    K, _, F = kernel.shape
    x_pad = pad_steps(x, geo.pad_left, geo.pad_right)  # (B, T + p_l + p_r, D)
    cols = window_view(x_pad, geo).reshape(B * geo.out_length, K * D)  # (B·T', K·D), a copy
    W2 = kernel.reshape(K * D, F)  # (K·D, F)
    y = cols @ W2  # (B·T', F)
    if bias is not None:
        y += bias
    cache = {"cols": cols, "kernel": kernel, "has_bias": bias is not None, "geometry": geo,
             "x_shape": x.shape}
    return y.reshape(B, geo.out_length, F), cache  # (B, T', F)


def col2im(dcols: np.ndarray, geo: ConvGeometry, batch: int, channels: int) -> np.ndarray:
    """Scatter-add window gradients dX (B·T', K·D) back onto the input → dx (B, T, D)."""
    B, D, K, s, r = batch, channels, geo.kernel_size, geo.stride, geo.dilation
    T_out = geo.out_length
    d4 = dcols.reshape(B, T_out, K, D)  # (B, T', K, D)
    T_pad = geo.length + geo.pad_left + geo.pad_right
    dx_pad = np.zeros((B, T_pad, D), dtype=dcols.dtype)
    for k in range(K):
        # window t, tap k reads step t·s + k·r: one strided slice per tap
        start = k * r
        dx_pad[:, start:start + s * (T_out - 1) + 1:s, :] += d4[:, :, k, :]
    return dx_pad[:, geo.pad_left:geo.pad_left + geo.length, :]


def conv1d_backward(dy: np.ndarray, cache: dict[str, Any]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dx, dkernel, dbias) for :func:`conv1d`; dbias is None without a bias."""
    cols, kernel, geo = cache["cols"], cache["kernel"], cache["geometry"]
    B, _, D = cache["x_shape"]
    K, _, F = kernel.shape
    if dy.shape != (B, geo.out_length, F):
        raise ValueError(
            f"conv1d_backward: expected dy of shape {(B, geo.out_length, F)}, got {dy.shape}"
        )
    dY = dy.reshape(B * geo.out_length, F)  # (B·T', F)
    dW = (cols.T @ dY).reshape(K, D, F)  # (K·D, F) → (K, D, F)
    db = dY.sum(axis=0) if cache["has_bias"] else None  # (F,)
    dcols = dY @ kernel.reshape(K * D, F).T  # (B·T', K·D)
    dx = col2im(dcols, geo, B, D)
    return np.ascontiguousarray(dx), dW, db


__all__ = [
    "PADDINGS",
    "ConvGeometry",
    "check_conv1d_args",
    "check_padding",
    "col2im",
    "conv1d",
    "conv1d_backward",
    "conv_geometry",
    "conv_output_length",
    "pad_steps",
    "window_view",
]
