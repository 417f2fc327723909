"""The order in which Keras 3 lists a model's layers, which names their weight groups.

Keras numbers a model's layers of one class by their place in ``model.layers``
(``dense``, ``dense_1``, …) in its weights files and ``config.json``, so the
weights of a model can only be matched if its layers are taken in Keras'
order. A Sequential's is the order of its layers. A functional model's is not
seqlab's (the order its forward pass runs them): Keras sorts a graph's layers

1. by depth, deepest first, where an output layer's depth is 0 and every other
   layer's is one more than the largest depth of the layers that read it;
2. at equal depth, by when a depth-first walk first meets them, walking from
   the outputs in the order given and from each layer to the tensors it reads
   in the order of its call.

An Input that no output depends on has depth 0 and comes before the rest of
that depth. For ``Model([i1, i2], [d(b(i1)), c(a(i2))])`` that is
``i1, i2, b, a, d, c`` (seqlab runs ``i1, i2, b, d, a, c``). seqlab calls each
layer at one place only (no shared layers), so a layer is its node.
"""

from __future__ import annotations

from seqlab.layers.base import Layer
from seqlab.layers.symbolic import Node
from seqlab.models.functional import Model
from seqlab.models.training import BaseModel

__all__ = ["keras_layer_order"]


def _walk(model: Model) -> tuple[list[Node], dict[int, int]]:
    """Every node the outputs depend on, parents before children, and the
    index at which the walk first met each (by ``id``)."""
    finished: list[Node] = []
    first_met: dict[int, int] = {}
    done: set[int] = set()
    stack: list[tuple[Node, bool]] = [(t.node, False) for t in reversed(model.outputs)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            done.add(id(node))
            finished.append(node)
            continue
        if id(node) in done:
            continue
        first_met.setdefault(id(node), len(first_met))
        stack.append((node, True))
        stack.extend((parent.node, False) for parent in reversed(node.parents))
    return finished, first_met


def _functional_order(model: Model) -> list[Layer]:
    finished, first_met = _walk(model)
    depth: dict[int, int] = {}
    for node in reversed(finished):  # children before parents
        own = depth.setdefault(id(node), 0)
        for parent in node.parents:
            depth[id(parent.node)] = max(depth.get(id(parent.node), 0), own + 1)
    nodes = finished + [t.node for t in model.inputs if id(t.node) not in depth]
    for node in nodes[len(finished):]:  # inputs no output depends on
        depth[id(node)], first_met[id(node)] = 0, -1
    nodes.sort(key=lambda node: (-depth[id(node)], first_met[id(node)]))
    return [node.layer for node in nodes]


def keras_layer_order(model: BaseModel) -> list[Layer]:
    """``model.layers`` in the order Keras 3 lists them (see the module docstring)."""
    if isinstance(model, Model):
        return _functional_order(model)
    return model.layers
