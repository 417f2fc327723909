"""Whole-layer conversion: ``load_torch_weights(seqlab_layer, torch_module)`` and back.

Pairs: Dense ↔ nn.Linear, Embedding ↔ nn.Embedding, Conv1D ↔ nn.Conv1d,
SimpleRNN ↔ nn.RNN/RNNCell, LSTM ↔ nn.LSTM/LSTMCell, GRU ↔ nn.GRU/GRUCell,
Bidirectional(RNN) ↔ a bidirectional nn.RNN/LSTM/GRU (forward → forward_layer,
reverse → backward_layer).

With ``strict=True`` (default) the settings that change what the weights mean
must agree: SimpleRNN activation = torch ``nonlinearity``; LSTM/GRU use tanh
and sigmoid gates as torch does; GRU must be ``reset_after=True``; a torch bias
that is not zero cannot be dropped by a ``use_bias=False`` layer. Forward-pass
settings that carry no weights (padding, strides, return_sequences, dropout)
are the caller's to match.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.interop import core, recurrent

__all__ = ["copy_to_torch", "load_torch_weights"]

# seqlab class → (torch class names, from_torch, to_torch, is recurrent)
_PAIRS: dict[str, tuple[tuple[str, ...], Any, Any, bool]] = {
    "Dense": (("Linear",), core.from_torch_linear, core.to_torch_linear, False),
    "Embedding": (("Embedding",), core.from_torch_embedding, core.to_torch_embedding, False),
    "Conv1D": (("Conv1d",), core.from_torch_conv1d, core.to_torch_conv1d, False),
    "SimpleRNN": (("RNN", "RNNCell"), recurrent.from_torch_rnn, recurrent.to_torch_rnn, True),
    "LSTM": (("LSTM", "LSTMCell"), recurrent.from_torch_lstm, recurrent.to_torch_lstm, True),
    "GRU": (("GRU", "GRUCell"), recurrent.from_torch_gru, recurrent.to_torch_gru, True),
}


def _act_name(act: Any) -> str:
    return act if isinstance(act, str) else getattr(act, "__name__", str(act))


def _check_pair(layer: Any, module: Any, strict: bool, what: str) -> tuple[Any, Any, bool]:
    cls, mod = type(layer).__name__, type(module).__name__
    if cls not in _PAIRS:
        raise TypeError(f"{what}: no PyTorch counterpart for seqlab layer {cls} "
                        f"(supported: {sorted(_PAIRS)} and Bidirectional)")
    torch_names, from_fn, to_fn, is_rnn = _PAIRS[cls]
    if mod not in torch_names:
        raise TypeError(f"{what}: seqlab {cls} {layer.name!r} pairs with torch "
                        f"{' or '.join(torch_names)}, got {mod}")
    if cls == "GRU" and not getattr(layer, "reset_after", True):
        raise ValueError(f"{what}: layer {layer.name!r}: {recurrent._GRU_RESET_BEFORE}")
    if strict and is_rnn:
        if cls == "SimpleRNN":
            want = {"activation": getattr(module, "nonlinearity", "tanh")}
        else:
            want = {"activation": "tanh", "recurrent_activation": "sigmoid"}
        for arg, value in want.items():
            got = _act_name(getattr(layer, arg))
            if got != value:
                raise ValueError(
                    f"{what}: layer {layer.name!r} has {arg}={got!r} but torch {mod} computes "
                    f"{value}; the same weights would give different outputs "
                    "(pass strict=False to copy them anyway)"
                )
    return from_fn, to_fn, is_rnn


def _build_if_needed(layer: Any, state_dim: int) -> None:
    if layer.built:
        return
    cls = type(layer).__name__
    if cls == "Dense":
        shape: tuple = (None, state_dim)
    elif cls == "Embedding":
        shape = (None, None)
    else:
        shape = (None, None, state_dim)
    layer.build(shape)
    layer.built = True


def _fit_to_layer(layer: Any, converted: list[np.ndarray], what: str) -> list[np.ndarray]:
    """Add a zero bias for a bias-less torch module; drop an all-zero one for
    a ``use_bias=False`` layer; refuse to drop a non-zero one."""
    expected = [p.value for p in layer.weights]
    if len(converted) == len(expected) - 1:
        return [*converted, np.zeros_like(expected[-1])]
    if len(converted) == len(expected) + 1:
        if np.any(converted[-1]):
            raise ValueError(f"{what}: layer {layer.name!r} has use_bias=False but the torch "
                             "module has a non-zero bias")
        return converted[:-1]
    return converted


def _input_dim(cls: str, converted: list[np.ndarray]) -> int:
    return int(converted[0].shape[1] if cls == "Conv1D" else converted[0].shape[0])


def load_torch_weights(layer: Any, module: Any, layer_index: int = 0,
                       strict: bool = True) -> Any:
    """Copy a torch module's weights into a seqlab layer (built here if needed).

    ``layer_index`` picks the layer of a stacked torch RNN. Returns ``layer``."""
    what = "load_torch_weights"
    if type(layer).__name__ == "Bidirectional":
        if not getattr(module, "bidirectional", False):
            raise ValueError(f"{what}: Bidirectional layer {layer.name!r} needs a torch module "
                             f"built with bidirectional=True, got {type(module).__name__}")
        subs = {"forward": layer.forward_layer, "reverse": layer.backward_layer}
        converted = {}
        for direction, sub in subs.items():
            from_fn, _, _ = _check_pair(sub, module, strict, what)
            converted[direction] = from_fn(module, layer_index=layer_index, direction=direction)
        _build_if_needed(layer, _input_dim("RNN", converted["forward"]))
        for direction, sub in subs.items():
            sub.set_weights(_fit_to_layer(sub, converted[direction], what))
        return layer
    from_fn, _, is_rnn = _check_pair(layer, module, strict, what)
    if is_rnn:
        if getattr(module, "bidirectional", False) and strict:
            raise ValueError(
                f"{what}: torch {type(module).__name__} is bidirectional; load it into a "
                "seqlab Bidirectional layer (or call from_torch_* with direction=...)"
            )
        converted = from_fn(module, layer_index=layer_index)
    else:
        converted = from_fn(module)
    _build_if_needed(layer, _input_dim(type(layer).__name__, converted))
    layer.set_weights(_fit_to_layer(layer, converted, what))
    return layer


def copy_to_torch(layer: Any, module: Any, layer_index: int = 0, strict: bool = True) -> Any:
    """Copy a built seqlab layer's weights into a torch module (in place). Returns ``module``."""
    what = "copy_to_torch"
    if not layer.built:
        raise RuntimeError(f"{what}: layer {layer.name!r} is not built yet (no weights)")
    if type(layer).__name__ == "Bidirectional":
        if not getattr(module, "bidirectional", False):
            raise ValueError(f"{what}: Bidirectional layer {layer.name!r} needs a torch module "
                             f"built with bidirectional=True, got {type(module).__name__}")
        for sub, direction in ((layer.forward_layer, "forward"), (layer.backward_layer, "reverse")):
            _, to_fn, _ = _check_pair(sub, module, strict, what)
            to_fn(sub.get_weights(), module, layer_index=layer_index, direction=direction)
        return module
    _, to_fn, is_rnn = _check_pair(layer, module, strict, what)
    if is_rnn:
        to_fn(layer.get_weights(), module, layer_index=layer_index)
    else:
        to_fn(layer.get_weights(), module)
    return module
