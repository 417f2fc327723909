"""Which function converts which layer, and the one call that runs a converter.

A converter is ``convert(g, layer, inputs, mask) -> [output names]``: ``inputs``
are the layer's input :class:`Tensor` s (the data first, then e.g. initial
states), ``mask`` the mask that reaches the layer (None without one). The
output shapes and masks come from the layer itself, as in seqlab's forward
pass: ``compute_output_shape`` and ``compute_mask`` (with the graph's
:class:`Mask` standing for the mask); masks start at ``Embedding(mask_zero=True)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seqlab.interop.onnx.errors import OnnxExportError, describe
from seqlab.interop.onnx.graph import FLOAT, Graph, Tensor
from seqlab.interop.onnx.masks import Mask, zero_mask
from seqlab.layers import Embedding

Converter = Callable[[Graph, Any, list[Tensor], Mask | None], list[str]]
CONVERTERS: dict[type, Converter] = {}


def converts(*classes: type) -> Callable[[Converter], Converter]:
    """Register the decorated function as the converter of ``classes`` (and subclasses)."""
    def register(fn: Converter) -> Converter:
        for cls in classes:
            CONVERTERS[cls] = fn
        return fn
    return register


def find_converter(layer: Any) -> Converter:
    for cls in type(layer).__mro__:
        if cls in CONVERTERS:
            return CONVERTERS[cls]
    known = sorted(cls.__name__ for cls in CONVERTERS)
    raise OnnxExportError(
        f"{describe(layer)}: this layer has no ONNX export; the layers that export are {known}"
    )


def _as_list(value: Any, n: int) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value] + [None] * (n - 1)


def convert_layer(g: Graph, layer: Any, inputs: list[Tensor]) -> list[Tensor]:
    """Add ``layer``'s nodes for ``inputs``; returns its output tensors."""
    convert = find_converter(layer)
    mask = inputs[0].mask
    names = convert(g, layer, inputs, mask)
    shapes_in = inputs[0].shape if len(inputs) == 1 else [t.shape for t in inputs]
    shapes = layer.compute_output_shape(shapes_in)
    shapes = shapes if isinstance(shapes, list) else [shapes]
    if isinstance(layer, Embedding):
        masks = [zero_mask(g, g.as_ids(inputs[0], f"{layer.name}/ids")) if layer.mask_zero
                 else None]
    elif mask is None:
        masks = [None] * len(names)
    else:
        masks = _as_list(layer.compute_mask(None, mask), len(names))
    return [Tensor(name, tuple(shape), FLOAT, m) for name, shape, m in zip(names, shapes, masks)]

