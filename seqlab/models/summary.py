"""``model.summary()``: the Keras table of layers, output shapes and parameter counts.

Each layer's count is ``layer.count_params()`` (the sizes of all its weights);
the totals split the model's weights into trainable and non-trainable.
Functional models get a fourth column, the tensors each layer reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seqlab.layers.symbolic import InputLayer, SymbolicTensor, flatten_symbolic


def format_shape(shape: Any) -> str:
    """``(None, 32)``; a list of shapes for layers with several outputs."""
    if shape is None:
        return "?"
    if isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list)):
        return "[" + ", ".join(format_shape(tuple(s)) for s in shape) + "]"
    items = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({items},)" if len(shape) == 1 else f"({items})"


def _pieces(text: str) -> list[str]:
    """Break points: after ", " outside parentheses, and before " (" (a layer's type)."""
    pieces, current, depth = [], "", 0
    for i, ch in enumerate(text):
        if ch == "(" and depth == 0 and text[i - 1:i] == " " and current.strip():
            pieces.append(current)
            current = ""
        depth += ch == "("
        depth -= ch == ")"
        current += ch
        if ch == " " and depth == 0 and text[i - 1:i] == ",":
            pieces.append(current)
            current = ""
    pieces.append(current)
    return pieces


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` characters, broken at ``_pieces`` where possible."""
    if len(text) <= width or width < 4:
        return [text]
    lines, current = [], ""
    for piece in _pieces(text):
        if current and len(current.rstrip() + piece.rstrip()) > width:
            lines.append(current.rstrip())
            current = piece
        else:
            current += piece
    lines.append(current.rstrip())
    return lines


def _rows(fields: list[str], stops: list[int]) -> list[str]:
    """One table row, wrapped over several lines where a field is too wide."""
    starts = [0, *stops[:-1]]
    cells = [_wrap(f, stop - start - 2) for f, start, stop in zip(fields, starts, stops)]
    lines = []
    for k in range(max(len(c) for c in cells)):
        line = ""
        for cell, start in zip(cells, starts):
            line = line.ljust(start) + " " + (cell[k] if k < len(cell) else "")
        lines.append(line.rstrip())
    return lines


def _tensor_label(t: SymbolicTensor) -> str:
    return f"{t.node.layer.name}[{t.index}]"


def summary_rows(model: Any) -> list[tuple[str, str, int, str]]:
    """(name (type), output shape, parameter count, connected to) per layer."""
    from seqlab.models.functional import Model

    rows = []
    if isinstance(model, Model):
        for node in model.nodes:
            layer = node.layer
            shapes = [t.shape for t in node.outputs]
            shape = shapes[0] if len(shapes) == 1 else shapes
            parents = "" if isinstance(layer, InputLayer) else ", ".join(
                _tensor_label(t) for t in flatten_symbolic([node.inputs, node.kwargs]))
            rows.append((f"{layer.name} ({type(layer).__name__})", format_shape(shape),
                         layer.count_params(), parents))
        return rows
    if not model.built:
        raise ValueError(
            f"model {model.name!r} is not built yet ({model.unbuilt_reason}), so its shapes "
            "and weights are unknown: give the input shape (Input(shape) first, or "
            "input_shape= on the first layer), call build((None, ...)), or fit or predict "
            "before summary()"
        )
    for layer, shape in zip(model.layers, model._output_shapes):
        rows.append((f"{layer.name} ({type(layer).__name__})", format_shape(shape),
                     layer.count_params(), ""))
    return rows


def summary(model: Any, print_fn: Callable[[str], Any] = print,
            line_length: int | None = None) -> None:
    """Print the table through ``print_fn`` (one call per line)."""
    from seqlab.models.functional import Model

    rows = summary_rows(model)
    functional = isinstance(model, Model)
    width = line_length or (98 if functional else 65)
    fractions = [0.33, 0.55, 0.67, 1.0] if functional else [0.45, 0.85, 1.0]
    stops = [int(width * f) for f in fractions]
    headers = ["Layer (type)", "Output Shape", "Param #", "Connected to"][:len(stops)]
    print_fn(f'Model: "{model.name}"')
    print_fn("_" * width)
    for line in _rows(headers, stops):
        print_fn(line)
    print_fn("=" * width)
    for i, (name, shape, count, parents) in enumerate(rows):
        for line in _rows([name, shape, str(count), parents][:len(stops)], stops):
            print_fn(line)
        print_fn("=" * width if i == len(rows) - 1 else "")
    if not rows:
        print_fn("=" * width)
    trainable = sum(p.value.size for p in model.trainable_weights)
    non_trainable = sum(p.value.size for p in model.non_trainable_weights)
    print_fn(f"Total params: {trainable + non_trainable:,}")
    print_fn(f"Trainable params: {trainable:,}")
    print_fn(f"Non-trainable params: {non_trainable:,}")
    print_fn("_" * width)
