"""seqlab's recurrent weights in the layout and gate order of ONNX's RNN, LSTM and GRU.

seqlab keeps Keras' layout, row vectors and gate blocks side by side:
``kernel`` (D, k·H), ``recurrent_kernel`` (H, k·H), ``bias`` (k·H,) — or (2, 3H)
for GRU(reset_after=True): row 0 the input bias, row 1 the recurrent bias.
ONNX wants column-vector weights, one direction each:

    W (1, k·H, D) = kernel[:, blocks]ᵀ        R (1, k·H, H) = recurrent_kernel[:, blocks]ᵀ
    B (1, 2·k·H)  = [Wb[blocks], Rb[blocks]]   (the two biases are added inside the cell)

with the gate blocks reordered:

    operator  seqlab (Keras)  ONNX        blocks
    RNN       —               —           [0]
    LSTM      i, f, c, o      i, o, f, c  [0, 3, 1, 2]
    GRU       z, r, h         z, r, h     [0, 1, 2]

GRU ``reset_after=True`` is ONNX's ``linear_before_reset=1``,
h̃ = g(x W_h + Wb_h + r ⊙ (h U_h + Rb_h)), with Rb the recurrent bias;
``reset_after=False`` is ``linear_before_reset=0``, h̃ = g(x W_h + (r ⊙ h) U_h + Wb_h),
and Rb is zero. The cell activations are ``[act]`` (RNN), ``[σ, act, act]``
(LSTM: gates, cell input, cell output) and ``[σ, act]`` (GRU), σ being
``recurrent_activation``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.interop.onnx.activations import cell_activation_attrs
from seqlab.layers import GRU, LSTM, SimpleRNN
from seqlab.layers.recurrent import RNNBase

# layer class -> (ONNX operator, gate blocks of the seqlab kernel in ONNX's order)
OPERATORS: dict[type, tuple[str, list[int]]] = {
    SimpleRNN: ("RNN", [0]),
    LSTM: ("LSTM", [0, 3, 1, 2]),
    GRU: ("GRU", [0, 1, 2]),
}


def operator_of(layer: RNNBase) -> tuple[str, list[int]]:
    for cls in type(layer).__mro__:
        if cls in OPERATORS:
            return OPERATORS[cls]
    raise TypeError(f"ONNX export: {type(layer).__name__} is not SimpleRNN, LSTM or GRU")


def _reorder(a: np.ndarray, blocks: list[int]) -> np.ndarray:
    """The gate blocks of the last axis of ``a`` (…, k·H) in the order ``blocks``."""
    parts = np.split(a, len(blocks), axis=-1)
    return np.concatenate([parts[i] for i in blocks], axis=-1)


def onnx_weights(layer: RNNBase) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(W, R, B) of one direction for ``layer``; B is None without a bias."""
    _, blocks = operator_of(layer)
    W = _reorder(layer.kernel.value, blocks).T[None]  # (D, kH) -> (1, kH, D)
    R = _reorder(layer.recurrent_kernel.value, blocks).T[None]  # (H, kH) -> (1, kH, H)
    if layer.bias is None:
        return W, R, None
    bias = layer.bias.value
    if bias.ndim == 2:  # GRU(reset_after=True): [input bias, recurrent bias]
        input_bias, recurrent_bias = bias[0], bias[1]
    else:
        input_bias, recurrent_bias = bias, np.zeros_like(bias)
    B = np.concatenate([_reorder(input_bias, blocks), _reorder(recurrent_bias, blocks)])
    return W, R, B[None]  # (1, 2kH)


def operator_attrs(layer: RNNBase) -> dict[str, Any]:
    """hidden_size, the cell activations and (GRU) linear_before_reset of ``layer``."""
    if isinstance(layer, LSTM):
        names = [layer.recurrent_activation, layer.activation, layer.activation]
    elif isinstance(layer, GRU):
        names = [layer.recurrent_activation, layer.activation]
    else:
        names = [layer.activation]
    attrs = {"hidden_size": layer.units, **cell_activation_attrs(names)}
    if isinstance(layer, GRU):
        attrs["linear_before_reset"] = int(layer.reset_after)
    return attrs
