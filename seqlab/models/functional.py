"""Model(inputs, outputs): a graph of layer calls recorded on symbolic tensors.

The nodes are run in a topological order (every node after the nodes that
produce its inputs). Forward, per node with inputs u and masks m_u:

    v = layer(u, training, mask=m_u, **kwargs)     m_v = layer.compute_mask(u, m_u)

A layer with ``merge_call_inputs`` (RNN ``initial_state=``) is called on the
merged list ``[x, *states]`` and its backward returns one gradient per entry.

Backward walks the nodes in reverse. A tensor read by several nodes receives
the sum of their gradients:  du = Σ_{nodes n reading u} du^(n).

Each layer object may appear at ONE node of a model: a layer's backward cache
holds only its last call, so weight sharing (one layer called twice) is
rejected with a ValueError when the model is built.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.layers.base import Layer, deserialize, serialize
from seqlab.layers.symbolic import (
    Input,
    InputLayer,
    Node,
    SymbolicTensor,
    flatten_symbolic,
    layer_merge,
)
from seqlab.models.training import BaseModel


def _as_tensor_list(value: Any, what: str) -> list[SymbolicTensor]:
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    for t in items:
        if not isinstance(t, SymbolicTensor):
            raise TypeError(
                f"Model: {what} must be symbolic tensors (from Input() and layer calls), "
                f"got {type(t).__name__}"
            )
    if not items:
        raise ValueError(f"Model: {what} is empty")
    return items


def _resolve(structure: Any, values: dict[int, Any]) -> Any:
    """Replace every SymbolicTensor in ``structure`` by its value."""
    if isinstance(structure, SymbolicTensor):
        return values[id(structure)]
    if isinstance(structure, dict):
        return {k: _resolve(v, values) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)):
        return [_resolve(v, values) for v in structure]
    return structure


def _flatten_positions(structure: Any) -> list[Any]:
    """Top-level entries of a call's input structure (a tensor -> [tensor])."""
    return list(structure) if isinstance(structure, (list, tuple)) else [structure]


class Model(BaseModel):
    """A graph model: ``Model(inputs=[enc_in, dec_in], outputs=dec_out)``."""

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None):
        super().__init__(name=name)
        self._multi_in = isinstance(inputs, (list, tuple))
        self._multi_out = isinstance(outputs, (list, tuple))
        self.inputs = _as_tensor_list(inputs, "inputs")
        self.outputs = _as_tensor_list(outputs, "outputs")
        for t in self.inputs:
            if t.node is None or not isinstance(t.node.layer, InputLayer):
                raise ValueError(
                    f"Model {self.name!r}: every input must come from Input(shape), got {t!r}"
                )
        if len({id(t) for t in self.inputs}) != len(self.inputs):
            raise ValueError(f"Model {self.name!r}: the same Input is listed twice")
        self._nodes = self._topological_nodes()
        self._check_graph()
        self._layers = [node.layer for node in self._nodes]
        for layer in self._layers:
            self.add_sublayer(layer)
        self.built = True

    # --------------------------------------------------------------- graph
    def _topological_nodes(self) -> list[Node]:
        # depth-first from the outputs, with the model inputs placed first (in
        # their given order) so that the order reads like the model's inputs
        order: list[Node] = [t.node for t in self.inputs]
        state: dict[int, int] = {id(node): 2 for node in order}  # 1 = visiting, 2 = done
        for out in self.outputs:
            stack: list[tuple[Node, bool]] = [(out.node, False)]
            while stack:
                node, expanded = stack.pop()
                if expanded:
                    state[id(node)] = 2
                    order.append(node)
                    continue
                if state.get(id(node)) == 2:
                    continue
                if state.get(id(node)) == 1:
                    raise ValueError(f"Model {self.name!r}: the graph has a cycle")
                state[id(node)] = 1
                stack.append((node, True))
                for parent in reversed(node.parents):
                    if parent.node is None:
                        raise ValueError(f"Model {self.name!r}: tensor {parent!r} has no origin")
                    if state.get(id(parent.node)) != 2:
                        stack.append((parent.node, False))
        return order

    def _check_graph(self) -> None:
        given = {id(t.node) for t in self.inputs}
        seen_layers: dict[int, Node] = {}
        names: dict[str, Layer] = {}
        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer) and id(node) not in given:
                raise ValueError(
                    f"Model {self.name!r}: the outputs depend on Input {layer.name!r}, which is "
                    f"not among the model inputs {[t.node.layer.name for t in self.inputs]}"
                )
            if id(layer) in seen_layers:
                raise ValueError(
                    f"Model {self.name!r}: layer {layer.name!r} is called at two places in "
                    "the graph; weight sharing is not supported (a layer caches only its last "
                    "call for backward). Use a separate layer for each call."
                )
            seen_layers[id(layer)] = node
            if layer.name in names:
                raise ValueError(
                    f"Model {self.name!r}: two layers are named {layer.name!r}; layer names "
                    "must be unique within a model (they name the saved weights)"
                )
            names[layer.name] = layer
        # the symbolic structure each layer's call and backward see, by node
        self._structures = {id(node): layer_merge(node.layer, node.inputs, node.kwargs)
                            for node in self._nodes}

    # ----------------------------------------------------------- properties
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    @property
    def input_names(self) -> list[str]:
        return [t.node.layer.name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        names = []
        for t in self.outputs:
            name = t.node.layer.name
            if len(t.node.outputs) > 1:
                name = f"{name}_{t.index}"
            names.append(name)
        return names

    @property
    def output_shapes(self) -> list[tuple | None]:
        return [t.shape for t in self.outputs]

    @property
    def nodes(self) -> list[Node]:
        """The layer calls in the order the forward pass runs them."""
        return list(self._nodes)

    def _ensure_built(self, xs: list[np.ndarray], purpose: str) -> None:
        for x, t in zip(xs, self.inputs):
            expected = t.shape[1:]
            if x.ndim != len(t.shape) or any(
                    e is not None and e != g for e, g in zip(expected, x.shape[1:])):
                raise ValueError(
                    f"Model {self.name!r}: input {t.node.layer.name!r} expects shape "
                    f"{t.shape}, got {x.shape}"
                )

    def build(self, input_shape: Any = None) -> None:
        self.built = True

    # ------------------------------------------------------ forward/backward
    def _call_inputs(self, node: Node, values: dict[int, Any]) -> tuple[Any, dict[str, Any]]:
        if hasattr(node.layer, "merge_call_inputs"):
            rest = {k: v for k, v in node.kwargs.items()
                    if not flatten_symbolic(v) and v is not None}
            return _resolve(self._structures[id(node)], values), rest
        return _resolve(node.inputs, values), _resolve(node.kwargs, values)

    @staticmethod
    def _input_mask(node: Node, masks: dict[int, Any]) -> Any:
        if isinstance(node.inputs, SymbolicTensor):
            return masks.get(id(node.inputs))
        found = [masks.get(id(t)) if isinstance(t, SymbolicTensor) else None
                 for t in node.inputs]
        return found if any(m is not None for m in found) else None

    def call(self, inputs: Any, training: bool = False, mask: Any = None, **kwargs: Any) -> Any:
        xs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(xs) != len(self.inputs):
            raise ValueError(
                f"Model {self.name!r}: expected {len(self.inputs)} input array(s) "
                f"{self.input_names}, got {len(xs)}"
            )
        in_masks = list(mask) if isinstance(mask, (list, tuple)) else [mask] * len(xs)
        values: dict[int, Any] = {}
        masks: dict[int, Any] = {}
        for t, x, m in zip(self.inputs, xs, in_masks):
            values[id(t)] = np.asarray(x)
            masks[id(t)] = m
        for node in self._nodes:
            if isinstance(node.layer, InputLayer):
                continue
            args, kw = self._call_inputs(node, values)
            in_mask = self._input_mask(node, masks)
            out = node.layer(args, training=training, mask=in_mask, **kw)
            out_mask = node.layer.compute_mask(args, in_mask)
            outs = list(out) if isinstance(out, (list, tuple)) else [out]
            if len(outs) != len(node.outputs):
                raise ValueError(
                    f"Model {self.name!r}: layer {node.layer.name!r} returned {len(outs)} "
                    f"output(s), its symbolic call had {len(node.outputs)}"
                )
            out_masks = (list(out_mask) if isinstance(out_mask, (list, tuple))
                         else [out_mask] + [None] * (len(outs) - 1))
            for t, v, m in zip(node.outputs, outs, out_masks):
                values[id(t)] = v
                masks[id(t)] = m
        self._cache = True
        self._output_masks = [masks.get(id(t)) for t in self.outputs]
        results = [values[id(t)] for t in self.outputs]
        return results if self._multi_out else results[0]

    def backward(self, dout: Any) -> Any:
        self._require_cache()
        douts = list(dout) if self._multi_out else [dout]
        grads: dict[int, np.ndarray] = {}

        def add(t: SymbolicTensor, g: Any) -> None:
            if g is None:
                return
            key = id(t)
            grads[key] = np.asarray(g) if key not in grads else grads[key] + g

        for t, g in zip(self.outputs, douts):
            add(t, g)
        for node in reversed(self._nodes):
            if isinstance(node.layer, InputLayer):
                continue
            gs = [grads.get(id(t)) for t in node.outputs]
            if all(g is None for g in gs):
                continue
            if len(gs) == 1:
                dx = node.layer.backward(gs[0])
            else:
                dx = node.layer.backward(gs)
            structure = self._structures[id(node)]
            targets = _flatten_positions(structure)
            dxs = _flatten_positions(dx) if isinstance(structure, (list, tuple)) else [dx]
            for t, g in zip(targets, dxs):
                if isinstance(t, SymbolicTensor):
                    add(t, g)
        result = [grads.get(id(t)) for t in self.inputs]
        return result if self._multi_in else result[0]

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [t.shape for t in self.outputs]
        return shapes if self._multi_out else shapes[0]

    # -------------------------------------------------------------- config
    def get_config(self) -> dict[str, Any]:
        def ref(structure: Any) -> Any:
            if isinstance(structure, SymbolicTensor):
                return {"tensor": [structure.node.layer.name, structure.index]}
            if isinstance(structure, dict):
                return {"dict": {k: ref(v) for k, v in structure.items()}}
            if isinstance(structure, (list, tuple)):
                return [ref(v) for v in structure]
            return {"value": structure}

        layers = []
        for node in self._nodes:
            entry = serialize(node.layer)
            entry["inbound"] = None if isinstance(node.layer, InputLayer) else ref(node.inputs)
            entry["kwargs"] = {k: ref(v) for k, v in node.kwargs.items()}
            layers.append(entry)
        return {
            "name": self.name,
            "layers": layers,
            "inputs": [ref(t) for t in self.inputs] if self._multi_in else ref(self.inputs[0]),
            "outputs": [ref(t) for t in self.outputs] if self._multi_out
            else ref(self.outputs[0]),
            "trainable": self.trainable,
        }

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Model:
        made: dict[str, Any] = {}  # layer name -> its symbolic output(s)

        def unref(item: Any) -> Any:
            if isinstance(item, list):
                return [unref(v) for v in item]
            if not isinstance(item, dict) or len(item) != 1:
                raise ValueError(f"Model config: bad graph reference {item!r}")
            kind, value = next(iter(item.items()))
            if kind == "value":
                return value
            if kind == "dict":
                return {k: unref(v) for k, v in value.items()}
            if kind != "tensor" or not isinstance(value, list) or len(value) != 2:
                raise ValueError(f"Model config: bad graph reference {item!r}")
            name, index = value
            if name not in made:
                raise ValueError(
                    f"Model config: tensor of layer {name!r} is used before it is made"
                )
            outs = made[name]
            return outs[index] if isinstance(outs, list) else outs

        for entry in cfg["layers"]:
            if entry.get("class_name") == "InputLayer":
                conf = entry["config"]
                made[conf["name"]] = Input(tuple(conf["shape"]), dtype=conf.get("dtype"),
                                           name=conf["name"])
                continue
            layer = deserialize({"class_name": entry["class_name"], "config": entry["config"]})
            kwargs = {k: unref(v) for k, v in entry.get("kwargs", {}).items()}
            made[layer.name] = layer(unref(entry["inbound"]), **kwargs)
        model = cls(unref(cfg["inputs"]), unref(cfg["outputs"]), name=cfg.get("name"))
        model.trainable = bool(cfg.get("trainable", True))
        return model
