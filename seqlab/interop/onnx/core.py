"""Core layers → ONNX operators (inference: no dropout, no caches).

    Dense(H, act)      y = act(MatMul(x, W) + b)          W (D, H) as stored; x of any rank ≥ 2
    Activation(act)    y = act(x)                          (see activations.py)
    Dropout            y = x                               (identity at inference)
    Flatten            y = Flatten(x, axis=1)              (B, d1·d2·…)
    Reshape(shape)     y = Reshape(x, [0, *shape])         0 keeps the batch size
    RepeatVector(n)    y = Expand(Unsqueeze(x, 1), [1, n, 1])          (B, n, D)
    TimeDistributed    x (B, T, *r) → (B·T, *r) → inner layer → (B, T, *r')
"""

from __future__ import annotations

from seqlab.interop.onnx.activations import apply_activation
from seqlab.interop.onnx.errors import unsupported
from seqlab.interop.onnx.graph import Graph, Tensor
from seqlab.interop.onnx.masks import Mask
from seqlab.interop.onnx.registry import convert_layer, converts
from seqlab.layers import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    RepeatVector,
    Reshape,
    TimeDistributed,
)


@converts(Dense)
def convert_dense(g: Graph, layer: Dense, inputs: list[Tensor], mask: Mask | None) -> list[str]:
    hint = layer.name
    x = g.as_float(inputs[0], f"{hint}/x")
    z = g.op("MatMul", [x, g.weight(f"{hint}/kernel", layer.kernel.value)], f"{hint}/matmul")
    if layer.bias is not None:
        z = g.op("Add", [z, g.weight(f"{hint}/bias", layer.bias.value)], f"{hint}/add")
    return [apply_activation(g, layer.activation, z, f"{hint}/{layer.activation}")]


@converts(Activation)
def convert_activation(g: Graph, layer: Activation, inputs: list[Tensor],
                       mask: Mask | None) -> list[str]:
    x = g.as_float(inputs[0], f"{layer.name}/x")
    return [apply_activation(g, layer.activation, x, layer.name)]


@converts(Dropout)
def convert_dropout(g: Graph, layer: Dropout, inputs: list[Tensor],
                    mask: Mask | None) -> list[str]:
    return [inputs[0].name]


@converts(Flatten)
def convert_flatten(g: Graph, layer: Flatten, inputs: list[Tensor],
                    mask: Mask | None) -> list[str]:
    return [g.op("Flatten", [inputs[0].name], layer.name, axis=1)]


@converts(Reshape)
def convert_reshape(g: Graph, layer: Reshape, inputs: list[Tensor],
                    mask: Mask | None) -> list[str]:
    shape = g.constant([0, *layer.target_shape])
    return [g.op("Reshape", [inputs[0].name, shape], layer.name)]


@converts(RepeatVector)
def convert_repeat_vector(g: Graph, layer: RepeatVector, inputs: list[Tensor],
                          mask: Mask | None) -> list[str]:
    x = g.unsqueeze(inputs[0].name, [1], f"{layer.name}/unsqueeze")  # (B, 1, D)
    return [g.op("Expand", [x, g.constant([1, layer.n, 1])], layer.name)]


@converts(TimeDistributed)
def convert_time_distributed(g: Graph, layer: TimeDistributed, inputs: list[Tensor],
                             mask: Mask | None) -> list[str]:
    """The inner layer runs once on the steps folded into the batch (no mask, as in seqlab)."""
    x = inputs[0]
    rest = tuple(x.shape[2:])
    if any(d is None for d in rest):
        raise unsupported(layer, "input_shape", x.shape,
                          "the dimensions after (batch, steps) must be known to fold the steps "
                          "into the batch")
    hint = layer.name
    folded = g.op("Reshape", [x.name, g.constant([-1, *rest])], f"{hint}/fold")  # (B·T, *r)
    inner = convert_layer(g, layer.layer, [Tensor(folded, (None, *rest), x.elem_type)])
    if len(inner) != 1 or any(d is None for d in inner[0].shape[1:]):
        raise unsupported(layer, "layer", layer.layer.name,
                          "the inner layer must give one output of known shape per step")
    batch_steps = g.op("Shape", [x.name], f"{hint}/batch_steps", start=0, end=2)
    shape = g.op("Concat", [batch_steps, g.constant(list(inner[0].shape[1:]))],
                 f"{hint}/shape", axis=0)
    return [g.op("Reshape", [inner[0].name, shape], hint)]  # (B, T, *r')
