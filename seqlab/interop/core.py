"""Linear, Embedding and Conv1d weights: PyTorch layout ↔ seqlab/Keras layout.

    nn.Linear     weight (H, D), bias (H,)        ↔  Dense      kernel (D, H) = weightᵀ, bias
    nn.Embedding  weight (V, E)                   ↔  Embedding  embeddings (V, E), as is
    nn.Conv1d     weight (F, D, K), bias (F,)     ↔  Conv1D     kernel (K, D, F), bias

(``y = x · kernel + bias`` in seqlab; ``y = x · weightᵀ + bias`` in torch.)
Each ``from_torch_*`` takes a module or its state dict and returns the list
``layer.set_weights`` expects; each ``to_torch_*`` returns the torch-named
arrays and, given a module, copies them into it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.interop._tensors import check_shape, get, read_state, write_into

__all__ = [
    "from_torch_conv1d",
    "from_torch_embedding",
    "from_torch_linear",
    "to_torch_conv1d",
    "to_torch_embedding",
    "to_torch_linear",
]


def _weights_list(weights: Sequence[np.ndarray], what: str, n_min: int, n_max: int
                  ) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)):
        raise TypeError(f"{what}: expected a list of weight arrays (layer.get_weights()), "
                        f"got {type(weights).__name__}")
    if not n_min <= len(weights) <= n_max:
        raise ValueError(f"{what}: expected {n_min} to {n_max} weight arrays, got {len(weights)}")
    return [np.asarray(w) for w in weights]


def from_torch_linear(source: Any, prefix: str = "") -> list[np.ndarray]:
    """nn.Linear → Dense ``[kernel (D, H), bias (H,)]`` (``[kernel]`` without bias)."""
    what = "from_torch_linear"
    state = read_state(source, what)
    weight = get(state, "weight", what, prefix)
    if weight.ndim != 2:
        raise ValueError(f"{what}: weight should be 2-D (out, in), got shape {weight.shape}")
    bias = get(state, "bias", what, prefix, optional=True)
    kernel = np.ascontiguousarray(weight.T)  # (H, D) -> (D, H)
    return [kernel] if bias is None else [kernel, bias]


def to_torch_linear(weights: Sequence[np.ndarray], module: Any = None) -> dict[str, np.ndarray]:
    """Dense ``[kernel, (bias)]`` → ``{"weight": (H, D), "bias": (H,)}`` (zeros when absent)."""
    what = "to_torch_linear"
    ws = _weights_list(weights, what, 1, 2)
    kernel = ws[0]
    if kernel.ndim != 2:
        raise ValueError(f"{what}: kernel should be 2-D (D, H), got shape {kernel.shape}")
    bias = ws[1] if len(ws) == 2 else np.zeros(kernel.shape[1], kernel.dtype)
    check_shape(bias, (kernel.shape[1],), "bias", what)
    out = {"weight": np.ascontiguousarray(kernel.T), "bias": np.array(bias)}  # (D, H) -> (H, D)
    if module is not None:
        write_into(module, out, what)
    return out


def from_torch_embedding(source: Any, prefix: str = "") -> list[np.ndarray]:
    """nn.Embedding → Embedding ``[embeddings (V, E)]`` (same layout)."""
    what = "from_torch_embedding"
    weight = get(read_state(source, what), "weight", what, prefix)
    if weight.ndim != 2:
        raise ValueError(f"{what}: weight should be 2-D (V, E), got shape {weight.shape}")
    return [weight]


def to_torch_embedding(weights: Sequence[np.ndarray], module: Any = None
                       ) -> dict[str, np.ndarray]:
    """Embedding ``[embeddings (V, E)]`` → ``{"weight": (V, E)}``."""
    what = "to_torch_embedding"
    (table,) = _weights_list(weights, what, 1, 1)
    if table.ndim != 2:
        raise ValueError(f"{what}: embeddings should be 2-D (V, E), got shape {table.shape}")
    out = {"weight": np.array(table)}
    if module is not None:
        write_into(module, out, what)
    return out


def from_torch_conv1d(source: Any, prefix: str = "") -> list[np.ndarray]:
    """nn.Conv1d → Conv1D ``[kernel (K, D, F), bias (F,)]`` (``[kernel]`` without bias).

    Only ``groups=1`` has a Conv1D equivalent."""
    what = "from_torch_conv1d"
    groups = getattr(source, "groups", 1)
    if groups != 1:
        raise ValueError(f"{what}: only groups=1 has a Conv1D equivalent, got groups={groups}")
    state = read_state(source, what)
    weight = get(state, "weight", what, prefix)
    if weight.ndim != 3:
        raise ValueError(f"{what}: weight should be 3-D (F, D, K), got shape {weight.shape}")
    bias = get(state, "bias", what, prefix, optional=True)
    kernel = np.ascontiguousarray(weight.transpose(2, 1, 0))  # (F, D, K) -> (K, D, F)
    return [kernel] if bias is None else [kernel, bias]


def to_torch_conv1d(weights: Sequence[np.ndarray], module: Any = None) -> dict[str, np.ndarray]:
    """Conv1D ``[kernel (K, D, F), (bias)]`` → ``{"weight": (F, D, K), "bias": (F,)}``."""
    what = "to_torch_conv1d"
    ws = _weights_list(weights, what, 1, 2)
    kernel = ws[0]
    if kernel.ndim != 3:
        raise ValueError(f"{what}: kernel should be 3-D (K, D, F), got shape {kernel.shape}")
    bias = ws[1] if len(ws) == 2 else np.zeros(kernel.shape[2], kernel.dtype)
    check_shape(bias, (kernel.shape[2],), "bias", what)
    out = {"weight": np.ascontiguousarray(kernel.transpose(2, 1, 0)),  # (K, D, F) -> (F, D, K)
           "bias": np.array(bias)}
    if module is not None:
        write_into(module, out, what)
    return out
