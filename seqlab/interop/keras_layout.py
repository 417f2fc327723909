"""Where each seqlab weight lives in a Keras 3 weights file (``model.weights.h5``).

Keras 3 stores a model's weights as HDF5 groups named by *path*, not by layer
name: a model's layers sit under ``layers/``, each named after its class in
snake case, numbered when the class repeats (``dense``, ``dense_1``, …), and a
layer's own variables are the datasets ``0``, ``1``, … of its ``vars`` group,
in ``layer.weights`` order. Every layer gets a ``vars`` group (weightless layers
an empty one), whose ``name`` attribute holds the layer's name. Learned from
the files Keras 3.15 writes:

    vars                                             the model (no variables)
    layers/embedding/vars/0                          embeddings (V, E)
    layers/conv1d/vars/0, 1                          kernel (K, D, F), bias (F,)
    layers/dense/vars/0, 1                           kernel (D, H), bias (H,)
    layers/dropout/vars, layers/flatten/vars, …      weightless layers: empty
    layers/lstm/vars                                 a recurrent layer: empty;
    layers/lstm/cell/vars/0, 1, 2                    its cell: kernel (D, kH),
                                                     recurrent_kernel (H, kH), bias
    layers/bidirectional/forward_layer/cell/vars/…   the forward copy, then
    layers/bidirectional/backward_layer/cell/vars/…  the backward copy
    layers/time_distributed/layer/vars/…             the wrapped layer
    layers/sequential/layers/dense/vars/…            a model inside a model
    optimizer/vars/…                                 optimizer state (not read)

k is 1 (SimpleRNN), 4 (LSTM: gates i, f, c, o) or 3 (GRU: z, r, h); the GRU
bias is (2, 3H) with ``reset_after=True`` (input bias, recurrent bias) and
(3H,) with ``reset_after=False``. These are seqlab's own layouts, so weights
copy as they are. A Sequential's ``layers`` leave out its InputLayer; a
functional model's keep theirs (``layers/input_layer/vars``, empty), and
come in Keras' order, not seqlab's (:mod:`seqlab.interop.keras_order`). Keras
calls a functional model's class ``Functional``: seqlab's ``Model``.
"""

from __future__ import annotations

from dataclasses import dataclass

from seqlab.interop.keras_order import keras_layer_order
from seqlab.layers.base import Layer, Parameter, _snake_case
from seqlab.layers.bidirectional import Bidirectional
from seqlab.layers.recurrent import RNNBase
from seqlab.layers.symbolic import InputLayer
from seqlab.layers.wrappers import TimeDistributed
from seqlab.models.training import BaseModel

__all__ = ["VarsGroup", "compared_layers", "keras_class", "layer_kind", "vars_groups"]

# seqlab class → Keras class, where the names differ
_KERAS_CLASS = {"Model": "Functional"}


@dataclass(frozen=True)
class VarsGroup:
    """One ``vars`` group: its HDF5 path, the layer name it records and the
    parameters stored there as datasets ``0``, ``1``, … (possibly none)."""

    path: str
    layer: Layer
    name: str
    params: list[Parameter]


def keras_class(layer: Layer) -> str:
    """The Keras class name of a seqlab layer (``Model`` → ``Functional``)."""
    name = type(layer).__name__
    return _KERAS_CLASS.get(name, name)


def layer_kind(layer: Layer) -> str:
    """A layer's class with those of the layers inside it, to compare
    architectures: ``Bidirectional(LSTM)``, ``Sequential[Dense, Dense]``."""
    cls = keras_class(layer)
    if isinstance(layer, Bidirectional):
        return f"{cls}({layer_kind(layer.forward_layer)})"
    if isinstance(layer, TimeDistributed):
        return f"{cls}({layer_kind(layer.layer)})"
    if isinstance(layer, BaseModel):
        return f"{cls}[{', '.join(layer_kind(sub) for sub in compared_layers(layer))}]"
    return cls


def compared_layers(model: BaseModel) -> list[Layer]:
    """The layers whose kinds must agree with the Keras model's, in Keras' order:
    all but InputLayers, which hold no weights (so a functional model's weights
    fit the equivalent Sequential, as in Keras)."""
    return [layer for layer in keras_layer_order(model) if not isinstance(layer, InputLayer)]


def _join(*parts: str) -> str:
    return "/".join(p for p in parts if p)


def _layer_groups(layer: Layer, path: str) -> list[VarsGroup]:
    own = VarsGroup(_join(path, "vars"), layer, layer.name, [])
    if isinstance(layer, BaseModel):
        return [own, *_model_groups(layer, path)]
    if isinstance(layer, RNNBase):
        cell_name = _snake_case(type(layer).__name__ + "Cell")
        return [own, VarsGroup(_join(path, "cell", "vars"), layer, cell_name, layer.weights)]
    if isinstance(layer, Bidirectional):
        return [own, *_layer_groups(layer.forward_layer, _join(path, "forward_layer")),
                *_layer_groups(layer.backward_layer, _join(path, "backward_layer"))]
    if isinstance(layer, TimeDistributed):
        return [own, *_layer_groups(layer.layer, _join(path, "layer"))]
    if layer._sublayers:
        raise TypeError(f"layer {layer.name!r} ({type(layer).__name__}) holds inner layers "
                        "whose place in a Keras weights file is not known")
    return [VarsGroup(own.path, layer, layer.name, layer.weights)]


def _model_groups(model: BaseModel, path: str) -> list[VarsGroup]:
    groups: list[VarsGroup] = []
    seen: dict[str, int] = {}
    for layer in keras_layer_order(model):
        base = _snake_case(keras_class(layer))
        seen[base] = seen.get(base, -1) + 1
        key = base if seen[base] == 0 else f"{base}_{seen[base]}"
        groups.extend(_layer_groups(layer, _join(path, "layers", key)))
    return groups


def vars_groups(model: BaseModel) -> list[VarsGroup]:
    """Every ``vars`` group Keras 3 writes for ``model``, in the order Keras
    writes them (:mod:`seqlab.interop.keras_order`).

    Raises TypeError for a layer whose layout is not known, so that no weight
    is ever left out or stored twice."""
    groups = _layer_groups(model, "")
    stored = [id(p) for g in groups for p in g.params]
    if sorted(stored) != sorted(id(p) for p in model.weights) or len(set(stored)) != len(stored):
        raise TypeError(f"model {model.name!r}: its weights do not map one to one onto Keras' "
                        "layout (a layer shared between models, or a custom layer?)")
    return groups

