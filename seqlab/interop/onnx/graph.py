"""The ONNX graph under construction and the tensors that flow between layers.

Converters add nodes in the order the model runs them, so the node list is
topologically sorted as ONNX requires. Every weight is stored as a float32
initializer; small integer constants (axes, shapes) are initializers too,
made once per value. Value names read ``<layer>/<what>`` and are unique.

A :class:`Tensor` is one model value: its ONNX name, its seqlab shape (batch
first, None where unknown), its element type and the mask it carries (a
:class:`seqlab.interop.onnx.masks.Mask`, or None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from onnx import NodeProto, TensorProto, helper, numpy_helper

FLOAT = TensorProto.FLOAT
INT32 = TensorProto.INT32
INT64 = TensorProto.INT64
BOOL = TensorProto.BOOL


@dataclass
class Tensor:
    """A model value in the graph: ``name`` (ONNX), ``shape`` (seqlab's), ``elem_type``
    (an ``onnx.TensorProto`` type) and ``mask`` (None when no mask reaches it)."""

    name: str
    shape: tuple
    elem_type: int = FLOAT
    mask: Any = None


class Graph:
    """Nodes, initializers and unique value names of the graph being exported."""

    def __init__(self, reserved: Sequence[str] = ()):
        self.nodes: list[NodeProto] = []
        self.initializers: list[TensorProto] = []
        self._taken: set[str] = set(reserved)
        self._constants: dict[tuple, str] = {}

    def fresh(self, hint: str) -> str:
        """A value name not used yet: ``hint``, else ``hint_1``, ``hint_2``, …"""
        name, n = hint, 0
        while name in self._taken:
            n += 1
            name = f"{hint}_{n}"
        self._taken.add(name)
        return name

    def op(self, op_type: str, inputs: Sequence[str], hint: str, n_outputs: int = 1,
           omit: Sequence[int] = (), **attrs: Any) -> Any:
        """Add one node; returns its output name (a list of names when n_outputs > 1).
        An input named ``""`` is an omitted optional input; the outputs at the
        positions ``omit`` are not computed (named ``""``)."""
        outputs = ["" if i in omit else self.fresh(hint if n_outputs == 1 else f"{hint}_{i}")
                   for i in range(n_outputs)]
        while inputs and inputs[-1] == "":
            inputs = inputs[:-1]
        self.nodes.append(helper.make_node(op_type, list(inputs), outputs,
                                           name=self.fresh(f"{hint}_node"), **attrs))
        return outputs[0] if n_outputs == 1 else outputs

    def weight(self, hint: str, array: np.ndarray) -> str:
        """A float32 initializer holding ``array``."""
        name = self.fresh(hint)
        data = np.ascontiguousarray(array, dtype=np.float32)
        self.initializers.append(numpy_helper.from_array(data, name))
        return name

    def constant(self, values: Any, dtype: type = np.int64) -> str:
        """A small constant (axes, shapes, scalars), shared by every node that uses it."""
        array = np.asarray(values, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes())
        if key not in self._constants:
            name = self.fresh(f"const_{array.dtype.name}")
            self.initializers.append(numpy_helper.from_array(array, name))
            self._constants[key] = name
        return self._constants[key]

    # ------------------------------------------------ shape helpers used everywhere
    def transpose(self, x: str, perm: Sequence[int], hint: str) -> str:
        return self.op("Transpose", [x], hint, perm=list(perm))

    def unsqueeze(self, x: str, axes: Sequence[int], hint: str) -> str:
        return self.op("Unsqueeze", [x, self.constant(list(axes))], hint)

    def squeeze(self, x: str, axes: Sequence[int], hint: str) -> str:
        return self.op("Squeeze", [x, self.constant(list(axes))], hint)

    def reverse_steps(self, x: str, hint: str) -> str:
        """x (B, T, ...) with the steps in reverse order (a Slice of step −1)."""
        big = np.iinfo(np.int64).max
        return self.op("Slice", [x, self.constant([-1]), self.constant([-big]),
                                 self.constant([1]), self.constant([-1])], hint)

    def as_float(self, t: Tensor, hint: str) -> str:
        """``t`` as float32 (integer inputs are cast, as seqlab's layers cast them)."""
        return t.name if t.elem_type == FLOAT else self.op("Cast", [t.name], hint, to=FLOAT)

    def as_ids(self, t: Tensor, hint: str) -> str:
        """``t`` as int64 token ids (floats holding whole numbers are cast, as seqlab accepts)."""
        return t.name if t.elem_type == INT64 else self.op("Cast", [t.name], hint, to=INT64)
