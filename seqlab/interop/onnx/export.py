"""A built seqlab model → one checked ONNX ModelProto → one file, written atomically.

Graph inputs and outputs are named after the model's (``model.input_names``,
``model.output_names``; an output named like an input gets a ``_1`` suffix, as
a one-layer Sequential's would). An input read by an Embedding is int64 token ids (so
is an input declared with an integer dtype); every other input and all
weights are float32, whatever the model's dtype. Unknown dimensions become
named dimensions: ``batch`` for the first axis of every input and output,
``<input>_steps`` for the second axis of an input.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import onnx
from onnx import helper

# the converter modules register themselves on import
from seqlab.interop.onnx import (  # noqa: F401
    OPSET,
    bidirectional,
    conv,
    core,
    embedding,
    pooling,
    recurrent,
)
from seqlab.interop.onnx.errors import OnnxExportError
from seqlab.interop.onnx.graph import FLOAT, INT64, Graph, Tensor
from seqlab.interop.onnx.model import model_outputs
from seqlab.layers import Embedding
from seqlab.layers.symbolic import flatten_symbolic
from seqlab.models import BaseModel, Model, Sequential
from seqlab.version import __version__


def _input_specs(model: BaseModel) -> list[tuple[str, tuple, int]]:
    """(name, shape, element type) of each model input."""
    if isinstance(model, Sequential):
        first = model.layers[0]
        shape, dtype, readers = model.build_input_shape, model.input_dtype, [first]
        return [(model.input_names[0], tuple(shape), _elem_type(dtype, readers))]
    specs = []
    for t in model.inputs:
        readers = [n.layer for n in model.nodes
                   if any(p is t for p in flatten_symbolic([n.inputs, n.kwargs]))]
        specs.append((t.node.layer.name, t.shape, _elem_type(t.dtype, readers)))
    return specs


def _elem_type(dtype: str | None, readers: list[Any]) -> int:
    integer = dtype is not None and np.dtype(dtype).kind in "iu"
    return INT64 if integer or any(isinstance(r, Embedding) for r in readers) else FLOAT


def _dims(shape: tuple, prefix: str, steps_name: str | None = None) -> list[Any]:
    dims: list[Any] = []
    for axis, d in enumerate(shape):
        if d is not None:
            dims.append(int(d))
        elif axis == 0:
            dims.append("batch")
        elif axis == 1 and steps_name is not None:
            dims.append(steps_name)
        else:
            dims.append(f"{prefix}_dim{axis}")
    return dims


def _check_exportable(model: Any) -> None:
    if not isinstance(model, (Sequential, Model)):
        raise OnnxExportError(
            f"ONNX export takes a seqlab Sequential or Model, got {type(model).__name__}"
        )
    if isinstance(model, Sequential) and (not model.built or not model.layers):
        raise OnnxExportError(
            f"Sequential {model.name!r} is not built, so it has no weights to export: give the "
            "input shape (Input(shape) first, input_shape= on the first layer, or "
            "build((None, ...))), fit it, or load a saved model"
        )


def to_onnx(model: BaseModel) -> onnx.ModelProto:
    """The ONNX model (opset :data:`OPSET`) computing ``model.predict``; checked by
    ``onnx.checker`` with full shape inference. Raises OnnxExportError for a layer
    or option that ONNX cannot express."""
    _check_exportable(model)
    specs = _input_specs(model)
    g = Graph(reserved=[name for name, _, _ in specs])
    names_out = [g.fresh(name) for name in model.output_names]
    inputs = [Tensor(name, shape, elem) for name, shape, elem in specs]
    outputs = model_outputs(g, model, inputs)
    for t, name in zip(outputs, names_out):
        g.nodes.append(helper.make_node("Identity", [t.name], [name], name=g.fresh(f"{name}_out")))
    graph = helper.make_graph(
        g.nodes, model.name,
        [helper.make_tensor_value_info(name, elem, _dims(shape, name, f"{name}_steps"))
         for name, shape, elem in specs],
        [helper.make_tensor_value_info(name, t.elem_type, _dims(t.shape, name))
         for t, name in zip(outputs, names_out)],
        initializer=g.initializers,
    )
    opsets = [helper.make_opsetid("", OPSET)]
    proto = helper.make_model(graph, opset_imports=opsets, producer_name="seqlab",
                              producer_version=__version__,
                              ir_version=helper.find_min_ir_version_for(opsets),
                              doc_string=f"seqlab model {model.name!r}, exported for inference")
    onnx.checker.check_model(proto, full_check=True)
    return proto


def export_onnx(model: BaseModel, path: str | os.PathLike) -> onnx.ModelProto:
    """Write ``to_onnx(model)`` to ``path`` atomically (nothing is written on error)."""
    from seqlab.atomic import atomic_write

    proto = to_onnx(model)
    with atomic_write(path, "wb") as fh:
        fh.write(proto.SerializeToString())
    return proto
