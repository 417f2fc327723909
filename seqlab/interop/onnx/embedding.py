"""Embedding → Gather.

    y = Gather(W, ids)            W (V, E) the ``embeddings`` weight, ids int64 (B, T)

ONNX's Gather counts negative indices from the end of W; seqlab refuses them.
So that the runtime refuses them too, negative ids are replaced by V, which
is out of range for Gather (onnxruntime raises an error naming the index):

    ids' = Where(ids < 0, V, ids)

With ``mask_zero=True`` the mask m = (ids ≠ 0) starts here (see
:mod:`seqlab.interop.onnx.masks`).
"""

from __future__ import annotations

from seqlab.interop.onnx.graph import Graph, Tensor
from seqlab.interop.onnx.masks import Mask
from seqlab.interop.onnx.registry import converts
from seqlab.layers import Embedding


@converts(Embedding)
def convert_embedding(g: Graph, layer: Embedding, inputs: list[Tensor],
                      mask: Mask | None) -> list[str]:
    hint = layer.name
    ids = g.as_ids(inputs[0], f"{hint}/ids")
    negative = g.op("Less", [ids, g.constant(0)], f"{hint}/negative_id")
    ids = g.op("Where", [negative, g.constant(layer.input_dim), ids], f"{hint}/checked_ids")
    table = g.weight(f"{hint}/embeddings", layer.embeddings.value)
    return [g.op("Gather", [table, ids], hint, axis=0)]
