"""Conv1D, MaxPooling1D and AveragePooling1D → Conv, MaxPool and AveragePool.

seqlab is channels-last (B, T, D); ONNX's Conv and pools are channels-first,
so each layer runs between two transposes (onnxruntime cancels the pairs
between consecutive layers):

    Conv1D       y = act(Transpose(Conv(Transpose(x), W, b)))
                 W (F, D, K) = kernel (K, D, F) transposed (2, 1, 0);
                 strides, dilations = strides, dilation_rate
    MaxPooling1D / AveragePooling1D      kernel_shape = pool_size, strides

Padding:

    valid   pads [0, 0]
    same    T' = ⌈T / s⌉, p = max((T' − 1)·s + r·(K − 1) + 1 − T, 0), ⌊p / 2⌋ before and
            the rest after (seqlab's and Keras' rule): auto_pad SAME_UPPER, which is
            this rule for any T; with dilation (onnxruntime has no auto_pad with
            dilations) explicit pads: p = r·(K − 1) for s = 1, else from the number
            of steps the model was built for (refused when that is unknown)
    causal  pads [r·(K − 1), 0]   (Conv1D only)

AveragePool's default ``count_include_pad=0`` leaves padded steps out of the
mean, as seqlab does; MaxPool pads with −∞. A mask stops at these layers
(as in seqlab).
"""

from __future__ import annotations

from typing import Any

from seqlab.functional.conv import conv_geometry
from seqlab.interop.onnx.activations import apply_activation
from seqlab.interop.onnx.errors import unsupported
from seqlab.interop.onnx.graph import Graph, Tensor
from seqlab.interop.onnx.masks import Mask
from seqlab.interop.onnx.registry import converts
from seqlab.layers import AveragePooling1D, Conv1D, MaxPooling1D


def _padding(layer: Any, kernel_size: int, steps: int | None) -> dict[str, Any]:
    """Pads (or auto_pad) of a Conv1D or pooling layer for inputs of ``steps`` steps."""
    dilation = getattr(layer, "dilation_rate", 1)
    receptive_field = dilation * (kernel_size - 1) + 1
    if layer.padding == "valid":
        return {"pads": [0, 0]}
    if layer.padding == "causal":
        return {"pads": [receptive_field - 1, 0]}
    if dilation == 1:  # onnxruntime refuses auto_pad with dilations
        return {"auto_pad": "SAME_UPPER"}
    if layer.strides == 1:  # p = r·(K − 1) whatever T is
        p = receptive_field - 1
        return {"pads": [p // 2, p - p // 2]}
    if steps is None:
        raise unsupported(layer, "dilation_rate", dilation,
                          "with strides > 1 and padding='same' the padding depends on the number "
                          "of steps, which the model leaves open (onnxruntime has no auto_pad with "
                          "dilations); build the model for a fixed number of steps")
    geo = conv_geometry(steps, kernel_size, "same", layer.strides, dilation)
    return {"pads": [geo.pad_left, geo.pad_right]}


def _channels_first(g: Graph, t: Tensor, hint: str) -> str:
    return g.transpose(g.as_float(t, f"{hint}/x"), [0, 2, 1], f"{hint}/channels_first")


@converts(Conv1D)
def convert_conv1d(g: Graph, layer: Conv1D, inputs: list[Tensor], mask: Mask | None) -> list[str]:
    hint = layer.name
    weights = [g.weight(f"{hint}/W", layer.kernel.value.transpose(2, 1, 0))]  # (F, D, K)
    if layer.bias is not None:
        weights.append(g.weight(f"{hint}/b", layer.bias.value))
    y = g.op("Conv", [_channels_first(g, inputs[0], hint), *weights], f"{hint}/conv",
             kernel_shape=[layer.kernel_size], strides=[layer.strides],
             dilations=[layer.dilation_rate],
             **_padding(layer, layer.kernel_size, inputs[0].shape[1]))
    y = g.transpose(y, [0, 2, 1], f"{hint}/channels_last")
    return [apply_activation(g, layer.activation, y, f"{hint}/{layer.activation}")]


@converts(MaxPooling1D, AveragePooling1D)
def convert_pooling1d(g: Graph, layer: Any, inputs: list[Tensor], mask: Mask | None) -> list[str]:
    hint = layer.name
    op_type = "MaxPool" if isinstance(layer, MaxPooling1D) else "AveragePool"
    y = g.op(op_type, [_channels_first(g, inputs[0], hint)], f"{hint}/pool",
             kernel_shape=[layer.pool_size], strides=[layer.strides],
             **_padding(layer, layer.pool_size, inputs[0].shape[1]))
    return [g.transpose(y, [0, 2, 1], hint)]
