"""nn.RNN / nn.LSTM / nn.GRU weights ↔ SimpleRNN / LSTM / GRU (Keras layout).

PyTorch keeps, per layer k and direction, ``weight_ih_l{k}`` (k·H, D),
``weight_hh_l{k}`` (k·H, H), ``bias_ih_l{k}`` and ``bias_hh_l{k}`` (k·H,)
(``..._reverse`` for the backward direction of a bidirectional module;
no suffix for RNNCell/LSTMCell/GRUCell). Keras keeps ``kernel`` (D, k·H),
``recurrent_kernel`` (H, k·H) and ``bias``:

    SimpleRNN   kernel = W_ihᵀ, recurrent = W_hhᵀ, bias = b_ih + b_hh
    LSTM        the same; gate blocks i, f, g(=c), o in the same order
    GRU         torch blocks r, z, n → Keras z, r, h (swap the first two blocks),
                bias (2, 3H) = [b_ih reordered; b_hh reordered]   (reset_after=True)

Going back, the summed bias goes to ``bias_ih`` and ``bias_hh`` is zero (the
sum is what both frameworks add). Keras' ``GRU(reset_after=False)`` applies the
reset gate *before* the recurrent product, h̃ = tanh(x W_h + (r ⊙ h) U_h + b);
torch applies it after, n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)). No
choice of weights makes these equal, so converting it raises ValueError.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.interop._tensors import check_shape, get, read_state, suffix, write_into

__all__ = [
    "from_torch_gru",
    "from_torch_lstm",
    "from_torch_rnn",
    "to_torch_gru",
    "to_torch_lstm",
    "to_torch_rnn",
]

_GRU_RESET_BEFORE = (
    "Keras GRU(reset_after=False) applies the reset gate before the recurrent product "
    "(h~ = tanh(x W_h + (r * h) U_h + b)); torch.nn.GRU applies it after "
    "(n = tanh(W_in x + b_in + r * (W_hn h + b_hn))), so no weight conversion gives the "
    "same function. Use GRU(reset_after=True) to exchange weights with PyTorch."
)


def _swap_rz(a: np.ndarray, H: int) -> np.ndarray:
    """Swap the first two H-blocks along axis 0: torch (r, z, n) ↔ Keras (z, r, h)."""
    return np.concatenate([a[H:2 * H], a[:H], a[2 * H:]], axis=0)


def _cell_names(state: dict[str, Any], prefix: str, layer_index: int, direction: str,
                what: str) -> str:
    sfx = suffix(layer_index, direction, what)
    if prefix + "weight_ih" + sfx not in state and prefix + "weight_ih" in state:
        if layer_index != 0 or direction != "forward":
            raise ValueError(f"{what}: a recurrent cell has one layer and one direction; "
                             f"got layer_index={layer_index}, direction={direction!r}")
        sfx = ""  # RNNCell / LSTMCell / GRUCell
    if prefix + "weight_hr" + sfx in state:
        raise ValueError(f"{what}: LSTM with proj_size > 0 has no Keras equivalent")
    return sfx


def _from_torch(source: Any, gates: int, what: str, layer_index: int, direction: str,
                prefix: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None,
                                      np.ndarray | None, int]:
    state = read_state(source, what)
    sfx = _cell_names(state, prefix, layer_index, direction, what)
    w_ih = get(state, "weight_ih" + sfx, what, prefix)
    w_hh = get(state, "weight_hh" + sfx, what, prefix)
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(f"{what}: weight_hh{sfx} should have shape ({gates}·H, H), "
                         f"got {w_hh.shape}")
    H = w_hh.shape[1]
    if w_ih.ndim != 2 or w_ih.shape[0] != gates * H:
        raise ValueError(f"{what}: weight_ih{sfx} should have shape ({gates * H}, D), "
                         f"got {w_ih.shape}")
    b_ih = get(state, "bias_ih" + sfx, what, prefix, optional=True)
    b_hh = get(state, "bias_hh" + sfx, what, prefix, optional=True)
    for name, b in (("bias_ih", b_ih), ("bias_hh", b_hh)):
        if b is not None:
            check_shape(b, (gates * H,), name + sfx, what)
    return w_ih, w_hh, b_ih, b_hh, H


def _summed_bias(what: str, source: Any, gates: int, layer_index: int, direction: str,
                 prefix: str) -> list[np.ndarray]:
    w_ih, w_hh, b_ih, b_hh, _ = _from_torch(source, gates, what, layer_index, direction, prefix)
    out = [np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T)]  # (kH, D) -> (D, kH)
    if b_ih is not None or b_hh is not None:
        out.append((b_ih if b_ih is not None else 0) + (b_hh if b_hh is not None else 0))
    return out


def from_torch_rnn(source: Any, layer_index: int = 0, direction: str = "forward",
                   prefix: str = "") -> list[np.ndarray]:
    """nn.RNN / nn.RNNCell → SimpleRNN ``[kernel (D, H), recurrent_kernel (H, H), bias (H,)]``."""
    return _summed_bias("from_torch_rnn", source, 1, layer_index, direction, prefix)


def from_torch_lstm(source: Any, layer_index: int = 0, direction: str = "forward",
                    prefix: str = "") -> list[np.ndarray]:
    """nn.LSTM / nn.LSTMCell → LSTM ``[kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)]``."""
    return _summed_bias("from_torch_lstm", source, 4, layer_index, direction, prefix)


def from_torch_gru(source: Any, layer_index: int = 0, direction: str = "forward",
                   prefix: str = "", reset_after: bool = True) -> list[np.ndarray]:
    """nn.GRU / nn.GRUCell → GRU(reset_after=True)
    ``[kernel (D, 3H), recurrent_kernel (H, 3H), bias (2, 3H)]``; gates r, z, n → z, r, h."""
    what = "from_torch_gru"
    if not reset_after:
        raise ValueError(f"{what}: {_GRU_RESET_BEFORE}")
    w_ih, w_hh, b_ih, b_hh, H = _from_torch(source, 3, what, layer_index, direction, prefix)
    out = [np.ascontiguousarray(_swap_rz(w_ih, H).T),  # (3H, D) -> (D, 3H)
           np.ascontiguousarray(_swap_rz(w_hh, H).T)]  # (3H, H) -> (H, 3H)
    if b_ih is not None or b_hh is not None:
        zeros = np.zeros(3 * H, w_ih.dtype)
        out.append(np.stack([_swap_rz(b_ih if b_ih is not None else zeros, H),
                             _swap_rz(b_hh if b_hh is not None else zeros, H)]))  # (2, 3H)
    return out


def _names(module: Any, layer_index: int, direction: str, what: str) -> str:
    if module is not None and type(module).__name__.endswith("Cell"):
        return _cell_names({"weight_ih": None}, "", layer_index, direction, what)
    return suffix(layer_index, direction, what)


def _split(weights: Sequence[np.ndarray], gates: int, what: str
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    if isinstance(weights, np.ndarray) or not isinstance(weights, (list, tuple)) \
            or len(weights) not in (2, 3):
        raise ValueError(f"{what}: expected [kernel, recurrent_kernel(, bias)] "
                         f"(layer.get_weights()), got {type(weights).__name__} "
                         f"of length {len(weights) if hasattr(weights, '__len__') else '?'}")
    kernel, rec = np.asarray(weights[0]), np.asarray(weights[1])
    if rec.ndim != 2 or rec.shape[1] != gates * rec.shape[0]:
        raise ValueError(f"{what}: recurrent_kernel should have shape (H, {gates}·H), "
                         f"got {rec.shape}")
    H = rec.shape[0]
    if kernel.ndim != 2 or kernel.shape[1] != gates * H:
        raise ValueError(f"{what}: kernel should have shape (D, {gates * H}), got {kernel.shape}")
    bias = np.asarray(weights[2]) if len(weights) == 3 else None
    return kernel, rec, bias, H


def _to_summed(weights: Sequence[np.ndarray], module: Any, gates: int, what: str,
               layer_index: int, direction: str) -> dict[str, np.ndarray]:
    sfx = _names(module, layer_index, direction, what)
    kernel, rec, bias, H = _split(weights, gates, what)
    if bias is None:
        bias = np.zeros(gates * H, kernel.dtype)
    check_shape(bias, (gates * H,), "bias", what)
    out = {"weight_ih" + sfx: np.ascontiguousarray(kernel.T),  # (D, kH) -> (kH, D)
           "weight_hh" + sfx: np.ascontiguousarray(rec.T),     # (H, kH) -> (kH, H)
           "bias_ih" + sfx: np.array(bias),
           "bias_hh" + sfx: np.zeros_like(bias)}
    if module is not None:
        write_into(module, out, what)
    return out


def to_torch_rnn(weights: Sequence[np.ndarray], module: Any = None, layer_index: int = 0,
                 direction: str = "forward") -> dict[str, np.ndarray]:
    """SimpleRNN weights → torch names (``bias_hh`` zero); copied into ``module`` if given."""
    return _to_summed(weights, module, 1, "to_torch_rnn", layer_index, direction)


def to_torch_lstm(weights: Sequence[np.ndarray], module: Any = None, layer_index: int = 0,
                  direction: str = "forward") -> dict[str, np.ndarray]:
    """LSTM weights → torch names (``bias_hh`` zero); copied into ``module`` if given."""
    return _to_summed(weights, module, 4, "to_torch_lstm", layer_index, direction)


def to_torch_gru(weights: Sequence[np.ndarray], module: Any = None, layer_index: int = 0,
                 direction: str = "forward") -> dict[str, np.ndarray]:
    """GRU(reset_after=True) weights → torch names (gates z, r, h → r, z, n);
    a (3H,) bias means reset_after=False and raises ValueError."""
    what = "to_torch_gru"
    sfx = _names(module, layer_index, direction, what)
    kernel, rec, bias, H = _split(weights, 3, what)
    if bias is not None and bias.shape == (3 * H,):
        raise ValueError(f"{what}: got a bias of shape {bias.shape}, the layout of "
                         f"GRU(reset_after=False). {_GRU_RESET_BEFORE}")
    if bias is None:
        bias = np.zeros((2, 3 * H), kernel.dtype)
    check_shape(bias, (2, 3 * H), "bias", what)
    out = {"weight_ih" + sfx: np.ascontiguousarray(_swap_rz(kernel.T, H)),  # (D, 3H) -> (3H, D)
           "weight_hh" + sfx: np.ascontiguousarray(_swap_rz(rec.T, H)),     # (H, 3H) -> (3H, H)
           "bias_ih" + sfx: _swap_rz(bias[0], H),
           "bias_hh" + sfx: _swap_rz(bias[1], H)}
    if module is not None:
        write_into(module, out, what)
    return out
