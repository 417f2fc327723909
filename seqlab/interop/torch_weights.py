"""Which seqlab layers :func:`seqlab.interop.to_torch` converts, and their weights
under the exported module's names. NumPy only: reading weights back needs no torch.

Every converted layer is a module ``layers.<layer name>`` of the exported model.
Its parameters, and the rules that map them (those of :mod:`seqlab.interop.core`
and :mod:`seqlab.interop.recurrent`):

    Dense          weight (H, D) = kernelᵀ, bias (H,)                       nn.Linear
    Embedding      weight (V, E) = embeddings                               nn.Embedding
    Conv1D         weight (F, D, K) = kernel (K, D, F) transposed, bias     nn.Conv1d
    SimpleRNN      rnn.weight_ih_l0 (kH, D) = kernelᵀ,                      nn.RNN / nn.LSTM /
    LSTM, GRU      rnn.weight_hh_l0 (kH, H) = recurrent_kernelᵀ,            nn.GRU, or a step
                   rnn.bias_ih_l0, rnn.bias_hh_l0 (kH,)                     loop with these names
    Bidirectional  forward_layer.rnn.*, backward_layer.rnn.*
    TimeDistributed layer.*  (the inner layer's names)

Gate blocks: LSTM i, f, c(=g), o in both; GRU Keras z, r, h ↔ torch r, z, n.
Biases: a seqlab layer with one bias vector (SimpleRNN, LSTM, GRU with
``reset_after=False``) exports it as ``bias_ih``, with ``bias_hh`` a zero that
does not train (``requires_grad=False``: an optimizer moving both would move
their sum, the bias, at twice seqlab's rate); it reads back
``bias = bias_ih + bias_hh``. GRU ``reset_after=True`` keeps its two bias
rows: row 0 ↔ ``bias_ih``, row 1 ↔ ``bias_hh``, both trained.
``use_bias=False`` exports no bias parameters. So the exported module's
trainable parameters are seqlab's weights, one to one, and an optimizer step
in torch is the same step as in seqlab.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from seqlab.interop import core, recurrent

__all__ = ["SUPPORTED", "layer_class", "load_model_state", "model_state"]

RECURRENT = ("SimpleRNN", "LSTM", "GRU")
WEIGHTLESS = ("Activation", "Dropout", "Flatten", "Reshape", "RepeatVector", "MaxPooling1D",
              "AveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling1D")
#: The seqlab layer classes that have a PyTorch module in the exported model.
SUPPORTED = ("Dense", "Embedding", "Conv1D", *RECURRENT, "Bidirectional", "TimeDistributed",
             *WEIGHTLESS)

_TO_TORCH = {"Dense": core.to_torch_linear, "Embedding": core.to_torch_embedding,
             "Conv1D": core.to_torch_conv1d, "SimpleRNN": recurrent.to_torch_rnn,
             "LSTM": recurrent.to_torch_lstm, "GRU": recurrent.to_torch_gru}
_FROM_TORCH = {"Dense": core.from_torch_linear, "Embedding": core.from_torch_embedding,
               "Conv1D": core.from_torch_conv1d, "SimpleRNN": recurrent.from_torch_rnn,
               "LSTM": recurrent.from_torch_lstm, "GRU": recurrent.from_torch_gru}


def layer_class(layer: Any, who: str) -> str:
    """The name of the seqlab class whose conversion ``layer`` takes.

    seqlab's own subclasses (e.g. the Keras-default classes) convert as their
    base; a class defined outside seqlab may compute anything, so it is refused."""
    cls = type(layer)
    own = cls.__module__.split(".")[0] == "seqlab"
    if own:
        for base in cls.__mro__:
            if base.__name__ in SUPPORTED and base.__module__.startswith("seqlab.layers"):
                return base.__name__
    if own and hasattr(layer, "layers"):
        raise TypeError(
            f"{who}: layer {layer.name!r} is a nested model ({cls.__name__}); to_torch "
            "converts a model of layers: call the inner layers in the outer graph, or "
            "export the inner model by itself"
        )
    what = "seqlab layer" if own else "custom (user-defined) layer"
    raise TypeError(
        f"{who}: layer {getattr(layer, 'name', '?')!r} is a {what} of class {cls.__name__}, "
        f"which has no PyTorch counterpart; to_torch converts {list(SUPPORTED)}. Write that "
        "part as a torch module by hand (copy_to_torch converts single layers' weights)."
    )


def _is_reset_before(layer: Any, cls: str) -> bool:
    return cls == "GRU" and not layer.reset_after


def layer_state(layer: Any, cls: str) -> dict[str, np.ndarray]:
    """The torch parameters of one layer's module, named relative to it."""
    if cls in WEIGHTLESS:
        return {}
    if cls == "Bidirectional":
        return {f"{side}.{name}": value
                for side, sub in (("forward_layer", layer.forward_layer),
                                  ("backward_layer", layer.backward_layer))
                for name, value in layer_state(sub, layer_class(sub, "to_torch")).items()}
    if cls == "TimeDistributed":
        inner = layer_class(layer.layer, "to_torch")
        return {f"layer.{name}": value for name, value in layer_state(layer.layer, inner).items()}
    weights = layer.get_weights()
    if _is_reset_before(layer, cls) and layer.use_bias:  # (3H,) → rows [bias_ih; bias_hh = 0]
        weights = [weights[0], weights[1], np.stack([weights[2], np.zeros_like(weights[2])])]
    state = _TO_TORCH[cls](weights)
    if not getattr(layer, "use_bias", True):
        state = {k: v for k, v in state.items() if not k.startswith("bias")}
    prefix = "rnn." if cls in RECURRENT else ""
    return {prefix + name: value for name, value in state.items()}


def load_layer_state(layer: Any, cls: str, state: Mapping[str, Any], prefix: str) -> None:
    """Set one layer's weights from the torch parameters named ``prefix + ...``."""
    if cls in WEIGHTLESS:
        return
    if cls == "Bidirectional":
        for side, sub in (("forward_layer", layer.forward_layer),
                          ("backward_layer", layer.backward_layer)):
            load_layer_state(sub, layer_class(sub, "from_torch"), state, f"{prefix}{side}.")
        return
    if cls == "TimeDistributed":
        inner = layer.layer
        load_layer_state(inner, layer_class(inner, "from_torch"), state, prefix + "layer.")
        return
    if cls in RECURRENT:
        weights = _FROM_TORCH[cls](state, prefix=prefix + "rnn.")
    else:
        weights = _FROM_TORCH[cls](state, prefix=prefix)
    if _is_reset_before(layer, cls) and layer.use_bias:
        weights[2] = weights[2].sum(axis=0)  # bias_ih + bias_hh → (3H,)
    layer.set_weights(weights)


def model_state(layers: Sequence[Any], who: str = "to_torch") -> dict[str, np.ndarray]:
    """The exported model's whole state: ``layers.<name>.<parameter>`` → array."""
    return {f"layers.{layer.name}.{name}": value
            for layer in layers
            for name, value in layer_state(layer, layer_class(layer, who)).items()}


def load_model_state(layers: Sequence[Any], state: Mapping[str, Any]) -> None:
    """Set every layer's weights from an exported model's state (names and shapes
    checked first, so that nothing is loaded from a state that does not fit)."""
    expected = model_state(layers, "from_torch")
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        raise ValueError(
            "from_torch: the torch state does not match this model's exported module: "
            f"missing {missing}, unexpected {unexpected} (a DistributedDataParallel wrapper "
            "prefixes 'module.': pass ddp_model.module)"
        )
    for name, want in expected.items():
        got = tuple(getattr(state[name], "shape", np.shape(state[name])))
        if got != want.shape:
            raise ValueError(f"from_torch: torch parameter {name!r} should have shape "
                             f"{want.shape} for this model, got {got}")
    for layer in layers:
        load_layer_state(layer, layer_class(layer, "from_torch"), state, f"layers.{layer.name}.")
