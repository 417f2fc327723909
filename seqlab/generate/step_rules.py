"""Which layers a decoder can run one step at a time, and how.

A layer in the decoder part (the layers that read the fed-back tokens) runs
on a piece of the target sequence — one token while decoding — and must give
exactly what one call on the whole sequence gives at those positions. Three
kinds of layer do:

    positionwise  output step t reads input step t only: Embedding, Dense,
                  Activation, Dropout (the identity at inference),
                  TimeDistributed of a positionwise layer, the element-wise
                  merges (Add, Subtract, Multiply, Average) and Concatenate
                  along the features
    query         output step t reads step t of the first input (the query)
                  and the whole of the others (values, keys), which must come
                  from the encoder part: Attention and AdditiveAttention over
                  the encoder outputs (without ``use_causal_mask``, which
                  numbers the query steps from the start of each piece)
    recurrent     SimpleRNN, LSTM, GRU with return_sequences=True: the states
                  are carried from one piece to the next (``RNNBase.step``)

Every other layer mixes time steps (Conv1D, pooling, Flatten, Bidirectional,
go_backwards, a recurrent layer that returns only its last output) and may be
used in the encoder part only. :func:`register_step_kind` declares a layer
class of your own positionwise or query.

The output layer is run for logits: its softmax is left out (the searches
take log-probabilities as logits − logsumexp(logits), which stays finite
where a float32 probability underflows to 0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from seqlab.functional.embedding import as_ids
from seqlab.kernels import chosen
from seqlab.layers.attention import Attention
from seqlab.layers.base import Layer
from seqlab.layers.bidirectional import Bidirectional
from seqlab.layers.core import Activation, Dense, Dropout
from seqlab.layers.embedding import Embedding
from seqlab.layers.merge import Add, Average, Concatenate, Multiply, Subtract
from seqlab.layers.recurrent import RNNBase
from seqlab.layers.wrappers import TimeDistributed

POSITIONWISE = "positionwise"
QUERY = "query"
RECURRENT = "recurrent"

_KINDS: dict[type, str] = {
    Embedding: POSITIONWISE,
    Dense: POSITIONWISE,
    Activation: POSITIONWISE,
    Dropout: POSITIONWISE,
    TimeDistributed: POSITIONWISE,
    Add: POSITIONWISE,
    Subtract: POSITIONWISE,
    Multiply: POSITIONWISE,
    Average: POSITIONWISE,
    Concatenate: POSITIONWISE,
    Attention: QUERY,  # AdditiveAttention too (a subclass)
}


class NotSteppableError(ValueError):
    """A model (or one of its layers) cannot be decoded step by step."""


def register_step_kind(layer_class: type, kind: str) -> None:
    """Declare that ``layer_class`` can run in the decoder part: ``"positionwise"``
    (output step t reads input step t only) or ``"query"`` (output step t reads
    step t of the first input and the whole of the others, e.g. attention)."""
    if not (isinstance(layer_class, type) and issubclass(layer_class, Layer)):
        raise TypeError(f"register_step_kind: expected a Layer class, got {layer_class!r}")
    if kind not in (POSITIONWISE, QUERY):
        raise ValueError(
            f"register_step_kind: kind must be {POSITIONWISE!r} or {QUERY!r}, got {kind!r}"
        )
    _KINDS[layer_class] = kind


def describe(layer: Layer) -> str:
    return f"layer {layer.name!r} ({type(layer).__name__})"


def step_kind(layer: Layer) -> str:
    """How ``layer`` runs in the decoder part, or NotSteppableError saying why it cannot."""
    who = describe(layer)
    if isinstance(layer, RNNBase):
        if layer.go_backwards:
            raise NotSteppableError(f"{who} has go_backwards=True: it reads the sequence from "
                                    "its end, so it can only be in the encoder")
        if not layer.return_sequences:
            raise NotSteppableError(f"{who} has return_sequences=False: it gives one output "
                                    "for the whole sequence, not one per step")
        return RECURRENT
    if isinstance(layer, Bidirectional):
        raise NotSteppableError(f"{who} reads the sequence from both ends, so it can only be "
                                "in the encoder")
    if isinstance(layer, TimeDistributed) and step_kind(layer.layer) != POSITIONWISE:
        raise NotSteppableError(f"{who} wraps a layer that is not positionwise")
    if isinstance(layer, Concatenate) and layer.axis not in (-1, 2):
        raise NotSteppableError(f"{who} joins its inputs along axis {layer.axis}; in the "
                                "decoder it must join (batch, steps, features) along the "
                                "features (axis -1)")
    for cls in type(layer).__mro__:
        if cls in _KINDS:
            return _KINDS[cls]
    steppable = sorted(cls.__name__ for cls in _KINDS)
    raise NotSteppableError(
        f"{who} cannot be run step by step (it may mix time steps); the decoder part may "
        f"hold SimpleRNN, LSTM, GRU and {', '.join(steppable)} (register_step_kind adds "
        "your own layers)"
    )


def check_step_options(layer: Layer, kwargs: dict[str, Any]) -> None:
    """Refuse call options that do not hold piece by piece: a causal mask lets query
    step i see value steps j ≤ i, counting i from the start of each piece."""
    if kwargs.get("use_causal_mask"):
        raise NotSteppableError(
            f"{describe(layer)} is called with use_causal_mask=True: its query steps would "
            "be counted from each decoded piece, not from the start; attention over the "
            "encoder outputs needs no causal mask"
        )


def call_step(layer: Layer, args: Any, mask: Any, kwargs: dict[str, Any]) -> Any:
    """One positionwise or query layer on a piece of the sequence (inference)."""
    if isinstance(layer, Embedding):  # a piece is shorter than any input_length
        ids = as_ids(args, layer.input_dim, f"{describe(layer)}")
        return np.take(layer.embeddings.value, ids, axis=0)  # (B, T, E)
    return layer(args, training=False, mask=mask, **kwargs)


def _final_dense(layer: Layer) -> Dense | None:
    if isinstance(layer, TimeDistributed):
        layer = layer.layer
    return layer if isinstance(layer, Dense) else None


def logits_function(layer: Layer) -> Callable[[np.ndarray], np.ndarray] | None:
    """How the output layer gives logits: None when its output already is logits,
    else a function of its input that leaves out the softmax. Other activations
    (sigmoid, relu, ...) do not make a distribution over the vocabulary and are refused."""
    activation = getattr(_final_dense(layer) or layer, "activation", None)
    if activation == "linear":
        return None
    if activation != "softmax":
        raise NotSteppableError(
            f"the output {describe(layer)} must give a softmax over the vocabulary or logits "
            f"(a Dense or Activation with activation 'softmax' or None), got activation "
            f"{activation!r}"
        )
    final = _final_dense(layer)
    if final is None:  # Activation("softmax"): its input is the logits
        return lambda x: x

    def logits(x: np.ndarray) -> np.ndarray:
        # one (rows · steps, D) product: NumPy's matmul of (R, T, D) by (D, V) runs one
        # vector-matrix product per row, about 3x slower than one matrix product
        bias = final.bias.value if final.bias is not None else None
        y = chosen("dense")(x.reshape(-1, x.shape[-1]), final.kernel.value, bias)[0]
        return y.reshape(*x.shape[:-1], y.shape[-1])

    return logits
