"""Bidirectional → two recurrent operators (one per direction) and the merge.

Exactly as seqlab's own Bidirectional runs: the forward copy and the backward
copy (go_backwards flipped) are each exported by
:func:`seqlab.interop.onnx.recurrent.recurrent_outputs`, so any pair of layers
that seqlab accepts exports (a ``backward_layer`` of its own included). Then

    y_b = reverse(y_b)                 with return_sequences (back into time order)
    y   = Concat(y_f, y_b, axis=−1)    concat
        = y_f + y_b                    sum
        = (y_f + y_b) · 0.5            ave
        = y_f ⊙ y_b                    mul
        = [y_f, y_b]                   None

and return_state appends the forward states, then the backward states.
"""

from __future__ import annotations

import numpy as np

from seqlab.interop.onnx.graph import Graph, Tensor
from seqlab.interop.onnx.masks import Mask
from seqlab.interop.onnx.recurrent import recurrent_outputs
from seqlab.interop.onnx.registry import converts
from seqlab.layers import Bidirectional


def _merge(g: Graph, mode: str | None, y_f: str, y_b: str, hint: str) -> list[str]:
    if mode is None:
        return [y_f, y_b]
    if mode == "concat":
        return [g.op("Concat", [y_f, y_b], hint, axis=-1)]
    if mode == "mul":
        return [g.op("Mul", [y_f, y_b], hint)]
    total = g.op("Add", [y_f, y_b], hint if mode == "sum" else f"{hint}/sum")
    if mode == "sum":
        return [total]
    return [g.op("Mul", [total, g.constant(0.5, np.float32)], hint)]  # ave


@converts(Bidirectional)
def convert_bidirectional(g: Graph, layer: Bidirectional, inputs: list[Tensor],
                          mask: Mask | None) -> list[str]:
    x, states = inputs[0], inputs[1:]
    n = len(layer.forward_layer.state_names)
    forward = recurrent_outputs(g, layer.forward_layer, x, states[:n], mask)
    backward = recurrent_outputs(g, layer.backward_layer, x, states[n:], mask)
    y_f, y_b = forward[0], backward[0]
    if layer.return_sequences:
        y_b = g.reverse_steps(y_b, f"{layer.name}/backward_in_time_order")
    merged = _merge(g, layer.merge_mode, y_f, y_b, layer.name)
    return [*merged, *forward[1:], *backward[1:]]
