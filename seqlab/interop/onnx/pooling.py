"""GlobalMaxPooling1D and GlobalAveragePooling1D → reductions over the steps.

Without a mask: y = ReduceMax(x, axes=[1]) or ReduceMean(x, axes=[1])
(``keepdims`` as the layer's). With a mask m (B, T) — any mask, holes and
front padding included, so these are exact — with n = Σ_t m[b, t]:

    average  y = Σ_t m x / max(n, 1)                              (0 when n = 0)
    max      y = Where(n > 0, ReduceMax(Where(m, x, −∞)), 0)       (0 when n = 0)

the rules of :mod:`seqlab.functional.pooling`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.interop.onnx.graph import FLOAT, Graph, Tensor
from seqlab.interop.onnx.masks import Mask, steps_mask
from seqlab.interop.onnx.registry import converts
from seqlab.layers import GlobalAveragePooling1D, GlobalMaxPooling1D


@converts(GlobalMaxPooling1D, GlobalAveragePooling1D)
def convert_global_pooling(g: Graph, layer: Any, inputs: list[Tensor],
                           mask: Mask | None) -> list[str]:
    hint = layer.name
    keep = int(layer.keepdims)
    steps = g.constant([1])
    x = g.as_float(inputs[0], f"{hint}/x")
    is_max = isinstance(layer, GlobalMaxPooling1D)
    if mask is None:
        return [g.op("ReduceMax" if is_max else "ReduceMean", [x, steps], hint, keepdims=keep)]
    m = steps_mask(g, mask)  # (B, T, 1) bool
    m_float = g.op("Cast", [m], f"{hint}/mask", to=FLOAT)
    count = g.op("ReduceSum", [m_float, steps], f"{hint}/count", keepdims=keep)  # (B, 1)
    if is_max:
        real = g.op("Where", [m, x, g.constant(-np.inf, np.float32)], f"{hint}/real_steps")
        top = g.op("ReduceMax", [real, steps], f"{hint}/max", keepdims=keep)
        any_real = g.op("Greater", [count, g.constant(0.0, np.float32)], f"{hint}/any_real")
        return [g.op("Where", [any_real, top, g.constant(0.0, np.float32)], hint)]
    total = g.op("ReduceSum", [g.op("Mul", [x, m_float], f"{hint}/masked"), steps],
                 f"{hint}/sum", keepdims=keep)
    divisor = g.op("Max", [count, g.constant(1.0, np.float32)], f"{hint}/divisor")
    return [g.op("Div", [total, divisor], hint)]
