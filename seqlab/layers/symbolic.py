"""Symbolic tensors: how ``Input`` and layer calls describe a functional graph.

Calling a layer on a ``SymbolicTensor`` computes nothing: it builds the layer
for the known shape, records a ``Node`` (layer, its inputs, its call keyword
arguments) and returns symbolic outputs. ``seqlab.Model(inputs, outputs)``
later walks these nodes to run the graph forward and backward.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.layers.base import Layer


class SymbolicTensor:
    """A placeholder with a shape (batch first, None where unknown) and a dtype.

    ``node`` is the Node that produced it and ``index`` which of that node's
    outputs it is.
    """

    def __init__(self, shape: tuple, dtype: str, node: Node | None = None, index: int = 0):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node
        self.index = index

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        origin = self.node.layer.name if self.node is not None else "?"
        return f"<SymbolicTensor shape={self.shape} dtype={self.dtype} from={origin!r}>"


class Node:
    """One call of ``layer`` in a graph: ``outputs = layer(inputs, **kwargs)``.

    ``inputs`` keeps the structure of the call (a tensor or a list of tensors);
    ``kwargs`` may hold tensors too (e.g. ``initial_state``).
    """

    def __init__(self, layer: Layer, inputs: Any, kwargs: dict[str, Any]):
        self.layer = layer
        self.inputs = inputs
        self.kwargs = kwargs
        self.outputs: list[SymbolicTensor] = []

    @property
    def parents(self) -> list[SymbolicTensor]:
        """Every symbolic tensor this call reads, in a fixed order."""
        return flatten_symbolic([self.inputs, self.kwargs])


def flatten_symbolic(structure: Any) -> list[SymbolicTensor]:
    if isinstance(structure, SymbolicTensor):
        return [structure]
    if isinstance(structure, dict):
        return [t for key in sorted(structure) for t in flatten_symbolic(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [t for item in structure for t in flatten_symbolic(item)]
    return []


def any_symbolic(inputs: Any, kwargs: dict[str, Any]) -> bool:
    return bool(flatten_symbolic([inputs, kwargs]))


def _shape_of(structure: Any) -> Any:
    if isinstance(structure, SymbolicTensor):
        return structure.shape
    return [_shape_of(s) for s in structure]


def call_layer(layer: Layer, inputs: Any, mask: Any = None, **kwargs: Any) -> Any:
    """Record ``layer(inputs, **kwargs)`` in the graph and return symbolic outputs."""
    if mask is not None:
        raise ValueError(
            f"layer {layer.name!r}: masks in a functional graph come from the layers "
            "(e.g. Embedding(mask_zero=True)); do not pass mask= to a symbolic call"
        )
    if isinstance(inputs, tuple):
        inputs = list(inputs)
    shapes = _graph_input_shapes(layer, inputs, kwargs)
    if not layer.built:
        layer.build(shapes)
        layer.built = True
    out_shapes = layer.compute_output_shape(shapes)
    node = Node(layer, inputs, kwargs)
    if isinstance(out_shapes, list):
        node.outputs = [SymbolicTensor(s, layer.dtype, node, i) for i, s in enumerate(out_shapes)]
        return list(node.outputs)
    node.outputs = [SymbolicTensor(out_shapes, layer.dtype, node, 0)]
    return node.outputs[0]


def _graph_input_shapes(layer: Layer, inputs: Any, kwargs: dict[str, Any]) -> Any:
    """Shapes handed to ``build``: the layer may merge tensor kwargs into its
    inputs (see ``Layer.merge_call_inputs``)."""
    merged = layer_merge(layer, inputs, kwargs)
    return _shape_of(merged)


def layer_merge(layer: Layer, inputs: Any, kwargs: dict[str, Any]) -> Any:
    merge = getattr(layer, "merge_call_inputs", None)
    return merge(inputs, kwargs) if merge is not None else inputs


class InputLayer(Layer):
    """The source of a graph: holds the shape and dtype of one model input."""

    def __init__(self, shape: Sequence[int | None], dtype: str | None = None,
                 name: str | None = None):
        super().__init__(name=name, dtype=None)
        self.shape = (None, *tuple(shape))
        self.input_dtype = np.dtype(dtype).name if dtype is not None else self.dtype
        self.built = True

    def call(self, inputs: Any, training: bool = False, mask: Any = None, **kwargs: Any) -> Any:
        return inputs

    def backward(self, dout: Any) -> Any:
        return dout

    def get_config(self) -> dict[str, Any]:
        return {"shape": list(self.shape[1:]), "dtype": self.input_dtype, "name": self.name}


def Input(shape: Sequence[int | None], dtype: str | None = None, name: str | None = None
          ) -> SymbolicTensor:
    """A model input of per-sample ``shape`` (no batch dimension), as in Keras."""
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"Input: shape must be a tuple such as (None, 14), got {shape!r}")
    layer = InputLayer(shape, dtype=dtype, name=name)
    node = Node(layer, None, {})
    tensor = SymbolicTensor(layer.shape, layer.input_dtype, node, 0)
    node.outputs = [tensor]
    return tensor
