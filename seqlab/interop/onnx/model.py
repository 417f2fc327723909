"""Sequential and functional models → the layer calls of one ONNX graph.

The graph repeats seqlab's forward pass with ``training=False``:

* Sequential: each layer is called on the previous layer's output(s);
* Model: the nodes run in the model's own order (``model.nodes``); a recurrent
  layer called with ``initial_state=`` gets ``[x, *states]``, as in seqlab;
* a model used as a layer of another model is exported in place.

Masks follow the data (see :mod:`seqlab.interop.onnx.registry`).
"""

from __future__ import annotations

from seqlab.interop.onnx.errors import OnnxExportError
from seqlab.interop.onnx.graph import Graph, Tensor
from seqlab.interop.onnx.masks import Mask
from seqlab.interop.onnx.registry import convert_layer, converts
from seqlab.layers.symbolic import InputLayer, flatten_symbolic, layer_merge
from seqlab.models import BaseModel, Model, Sequential


def model_outputs(g: Graph, model: BaseModel, inputs: list[Tensor]) -> list[Tensor]:
    """Add the nodes of ``model`` called on ``inputs``; returns its output tensors."""
    if isinstance(model, Sequential):
        values = inputs
        for layer in model.layers:
            values = convert_layer(g, layer, values)
        return values
    if isinstance(model, Model):
        return _functional_outputs(g, model, inputs)
    raise OnnxExportError(
        f"model {model.name!r} ({type(model).__name__}): only Sequential and Model export to ONNX"
    )


def _functional_outputs(g: Graph, model: Model, inputs: list[Tensor]) -> list[Tensor]:
    values: dict[int, Tensor] = {id(t): v for t, v in zip(model.inputs, inputs)}
    for node in model.nodes:
        layer = node.layer
        if isinstance(layer, InputLayer):
            continue
        extra = sorted(set(node.kwargs) - {"initial_state"})
        if extra:
            raise OnnxExportError(
                f"model {model.name!r}: layer {layer.name!r} is called with {extra}; only "
                "initial_state= exports to ONNX"
            )
        structure = layer_merge(layer, node.inputs, node.kwargs)
        outputs = convert_layer(g, layer, [values[id(t)] for t in flatten_symbolic(structure)])
        for t, value in zip(node.outputs, outputs):
            values[id(t)] = value
    return [values[id(t)] for t in model.outputs]


@converts(Sequential, Model)
def convert_nested_model(g: Graph, layer: BaseModel, inputs: list[Tensor],
                         mask: Mask | None) -> list[str]:
    return [t.name for t in model_outputs(g, layer, inputs)]

