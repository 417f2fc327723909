"""Merge layers: combine a list of tensors into one, with Keras' names and masks.

For inputs x_1..x_n (a list, all with the batch axis first):

    Add          y = Σ_k x_k                       dx_k = dy
    Subtract     y = x_1 − x_2                     dx_1 = dy,  dx_2 = −dy
    Multiply     y = Π_k x_k                       dx_k = dy ⊙ Π_{j≠k} x_j
    Average      y = (1/n) Σ_k x_k                 dx_k = dy / n
    Concatenate  y = [x_1, ..., x_n] along axis    dx_k = the slice of dy that x_k filled
    Dot          y = Σ over the given axes of x_1 ⊙ x_2, per sample  (see functional.merge)

The element-wise merges broadcast as Keras does: a lower-rank input gets size-1
axes inserted after the batch axis, then axes of size 1 stretch; the gradient
of a stretched axis is summed back.

Masks (Keras 3): an element-wise merge's output mask is the OR of the input
masks when every input has one (else no mask); Concatenate's mask treats an
unmasked input as all-valid and ORs along the merged axis (masks joined in
order when concatenating along time); Dot returns no mask.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.functional.merge import (
    batch_dot,
    batch_dot_backward,
    l2_normalize,
    l2_normalize_backward,
)
from seqlab.layers.base import Layer

Shape = tuple


def check_input_list(layer: Layer, inputs: Any, low: int, high: int | None, names: str) -> None:
    """Raise unless ``inputs`` is a list of ``low``..``high`` entries (``names`` says which)."""
    kind = f"layer {layer.name!r} ({type(layer).__name__})"
    if isinstance(inputs, (list, tuple)) and inputs \
            and all(d is None or isinstance(d, (int, np.integer)) for d in inputs):
        inputs = np.empty(0)  # one shape (build on a single input), not a list of shapes
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"{kind}: must be called on a list of inputs {names}, got a single "
                        f"{type(inputs).__name__}")
    count = "exactly" if high == low else "at least" if high is None else f"{low} to"
    if len(inputs) < low or (high is not None and len(inputs) > high):
        wanted = str(low) if high in (low, None) else str(high)
        raise ValueError(f"{kind}: expected {count} {wanted} inputs {names}, got "
                         f"{len(inputs)}")


def _broadcast_shape(layer: Layer, shapes: Sequence[Shape]) -> Shape:
    """The output shape of an element-wise merge of ``shapes`` (None = unknown)."""
    rank = max(len(s) for s in shapes)
    aligned = [(s[0], *([1] * (rank - len(s))), *s[1:]) for s in shapes]
    out = []
    for axis, dims in enumerate(zip(*aligned)):
        known = {d for d in dims if d is not None and (d != 1 or axis == 0)}
        if len(known) > 1:
            raise ValueError(
                f"layer {layer.name!r} ({type(layer).__name__}): inputs of shapes "
                f"{[tuple(s) for s in shapes]} do not match on axis {axis} (sizes must be equal "
                "or 1)"
            )
        if known:
            out.append(known.pop())
        else:
            out.append(None if None in dims else 1)
    return tuple(out)


def _unbroadcast(grad: np.ndarray, shape: Shape) -> np.ndarray:
    """Sum ``grad`` back to an input of ``shape`` that was broadcast to ``grad.shape``
    (always a new array: the inputs' gradients must not share memory)."""
    if grad.shape == tuple(shape):
        return grad.copy()
    expanded = (shape[0], *([1] * (grad.ndim - len(shape))), *shape[1:])
    stretched = tuple(i for i, (e, g) in enumerate(zip(expanded, grad.shape)) if e == 1 != g)
    return np.sum(grad, axis=stretched, keepdims=True).reshape(shape)  # (B, ...) as the input


class _ElementwiseMerge(Layer):
    """Base of Add, Subtract, Multiply, Average: subclasses define ``_merge`` and
    ``_merge_backward`` on inputs already expanded to one rank."""

    supports_masking = True
    min_inputs, max_inputs = 1, None

    def build(self, input_shape: Any) -> None:
        self._check_list(input_shape)
        _broadcast_shape(self, input_shape)
        self.built = True

    def _check_list(self, inputs: Any) -> None:
        names = "[x1, x2]" if self.max_inputs == 2 else "[x1, x2, ...]"
        check_input_list(self, inputs, self.min_inputs, self.max_inputs, names)

    def call(self, inputs: Any, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        self._check_list(inputs)
        shape = _broadcast_shape(self, [x.shape for x in inputs])
        expanded = [x.reshape(x.shape[0], *([1] * (len(shape) - x.ndim)), *x.shape[1:])
                    for x in inputs]  # (B, 1.., ...) to one rank
        self._cache = (expanded, [x.shape for x in inputs])
        return self._merge(expanded)

    def backward(self, dout: np.ndarray) -> list[np.ndarray]:
        expanded, shapes = self._require_cache()
        grads = self._merge_backward(dout, expanded)
        return [_unbroadcast(np.broadcast_to(g, dout.shape), s) for g, s in zip(grads, shapes)]

    def _merge(self, xs: list[np.ndarray]) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement _merge()")

    def _merge_backward(self, dout: np.ndarray, xs: list[np.ndarray]) -> list[np.ndarray]:
        raise NotImplementedError(f"{type(self).__name__} must implement _merge_backward()")

    def compute_output_shape(self, input_shape: Any) -> Shape:
        self._check_list(input_shape)
        return _broadcast_shape(self, input_shape)

    def compute_mask(self, inputs: Any, mask: Any = None) -> np.ndarray | None:
        if mask is None or not isinstance(mask, (list, tuple)) \
                or any(m is None for m in mask):
            return None
        return np.logical_or.reduce([np.asarray(m, dtype=bool) for m in mask])


class Add(_ElementwiseMerge):
    """y = x_1 + x_2 + ... (``Add()([a, b])``)."""

    def _merge(self, xs: list[np.ndarray]) -> np.ndarray:
        return sum(xs[1:], start=xs[0])

    def _merge_backward(self, dout: np.ndarray, xs: list[np.ndarray]) -> list[np.ndarray]:
        return [dout] * len(xs)


class Subtract(_ElementwiseMerge):
    """y = x_1 − x_2 (exactly two inputs)."""

    min_inputs, max_inputs = 2, 2

    def _merge(self, xs: list[np.ndarray]) -> np.ndarray:
        return xs[0] - xs[1]

    def _merge_backward(self, dout: np.ndarray, xs: list[np.ndarray]) -> list[np.ndarray]:
        return [dout, -dout]


class Multiply(_ElementwiseMerge):
    """y = x_1 ⊙ x_2 ⊙ ... ; each input's gradient is dy times the product of
    the others (computed without division, so zeros are fine)."""

    def _merge(self, xs: list[np.ndarray]) -> np.ndarray:
        out = xs[0]
        for x in xs[1:]:
            out = out * x
        return out

    def _merge_backward(self, dout: np.ndarray, xs: list[np.ndarray]) -> list[np.ndarray]:
        grads = []
        for k in range(len(xs)):
            g = dout
            for j, x in enumerate(xs):
                if j != k:
                    g = g * x
            grads.append(g)
        return grads


class Average(_ElementwiseMerge):
    """y = (x_1 + ... + x_n) / n."""

    def _merge(self, xs: list[np.ndarray]) -> np.ndarray:
        return sum(xs[1:], start=xs[0]) / len(xs)

    def _merge_backward(self, dout: np.ndarray, xs: list[np.ndarray]) -> list[np.ndarray]:
        return [dout / len(xs)] * len(xs)


class Concatenate(Layer):
    """y = the inputs joined along ``axis`` (default the last, features); every
    other axis must match."""

    supports_masking = True

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
            raise TypeError(f"Concatenate {self.name!r}: axis must be an int, got {axis!r}")
        self.axis = int(axis)

    def _axis_for(self, rank: int) -> int:
        axis = self.axis % rank if -rank <= self.axis < rank else None
        if axis is None or axis == 0:
            raise ValueError(
                f"layer {self.name!r} (Concatenate): axis={self.axis} must name a non-batch "
                f"axis of inputs of rank {rank} (1..{rank - 1} or -1..-{rank - 1})"
            )
        return axis

    def _check_shapes(self, shapes: Sequence[Shape]) -> int:
        check_input_list(self, shapes, 1, None, "[x1, x2, ...]")
        ranks = {len(s) for s in shapes}
        if len(ranks) != 1:
            raise ValueError(f"layer {self.name!r} (Concatenate): inputs must have one rank, "
                             f"got shapes {[tuple(s) for s in shapes]}")
        axis = self._axis_for(ranks.pop())
        for i in range(len(shapes[0])):
            known = {s[i] for s in shapes if s[i] is not None}
            if i != axis and len(known) > 1:
                raise ValueError(
                    f"layer {self.name!r} (Concatenate): inputs must match on every axis but "
                    f"axis {self.axis}, got shapes {[tuple(s) for s in shapes]}"
                )
        return axis

    def build(self, input_shape: Any) -> None:
        self._check_shapes(input_shape)
        self.built = True

    def call(self, inputs: Any, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        check_input_list(self, inputs, 1, None, "[x1, x2, ...]")
        axis = self._check_shapes([x.shape for x in inputs])
        sizes = [x.shape[axis] for x in inputs]
        self._cache = (axis, np.cumsum(sizes)[:-1])
        return np.concatenate(inputs, axis=axis)

    def backward(self, dout: np.ndarray) -> list[np.ndarray]:
        axis, splits = self._require_cache()
        return np.split(dout, splits, axis=axis)

    def compute_output_shape(self, input_shape: Any) -> Shape:
        axis = self._check_shapes(input_shape)
        sizes = [s[axis] for s in input_shape]
        out = [next((s[i] for s in input_shape if s[i] is not None), None)
               for i in range(len(input_shape[0]))]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def compute_mask(self, inputs: Any, mask: Any = None) -> np.ndarray | None:
        if mask is None or not isinstance(mask, (list, tuple)) \
                or all(m is None for m in mask):
            return None
        full = []
        for x, m in zip(inputs, mask):
            if m is None:
                full.append(np.ones(x.shape, dtype=bool))
                continue
            m = np.asarray(m, dtype=bool)
            full.append(np.broadcast_to(m[..., None] if m.ndim < x.ndim else m, x.shape))
        return np.any(np.concatenate(full, axis=self._axis_for(inputs[0].ndim)), axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


class Dot(Layer):
    """Per-sample dot product of two inputs over ``axes`` (an int for both, or
    (axis of x1, axis of x2)); ``normalize=True`` L2-normalises both along those
    axes first, giving the cosine similarity. (B, D)·(B, D) → (B, 1);
    (B, Tq, D)·(B, Tv, D) with axes=2 → (B, Tq, Tv)."""

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        pair = [axes, axes] if isinstance(axes, (int, np.integer)) else axes
        if isinstance(axes, bool) or not isinstance(pair, (list, tuple)) or len(pair) != 2 \
                or any(isinstance(a, bool) or not isinstance(a, (int, np.integer)) for a in pair):
            raise ValueError(
                f"Dot {self.name!r}: axes must be an int or a pair of ints (one per input), "
                f"got {axes!r}"
            )
        if not isinstance(normalize, (bool, np.bool_)):
            raise TypeError(f"Dot {self.name!r}: normalize must be True or False, "
                            f"got {normalize!r}")
        self.axes = int(axes) if isinstance(axes, (int, np.integer)) else [int(a) for a in axes]
        self.normalize = bool(normalize)

    def _resolve(self, shapes: Sequence[Shape]) -> tuple[int, int]:
        check_input_list(self, shapes, 2, 2, "[x1, x2]")
        pair = [self.axes, self.axes] if isinstance(self.axes, int) else self.axes
        resolved = []
        for i, (shape, axis) in enumerate(zip(shapes, pair)):
            rank = len(shape)
            if rank < 2 or not -rank <= axis < rank or axis % rank == 0:
                raise ValueError(
                    f"layer {self.name!r} (Dot): axis {axis} of input {i} (shape "
                    f"{tuple(shape)}) must be a non-batch axis of an input of rank >= 2"
                )
            resolved.append(axis % rank)
        a, b = resolved
        if None not in (shapes[0][a], shapes[1][b]) and shapes[0][a] != shapes[1][b]:
            raise ValueError(
                f"layer {self.name!r} (Dot): axis {a} of x1 (size {shapes[0][a]}) and axis "
                f"{b} of x2 (size {shapes[1][b]}) must have the same size; shapes "
                f"{tuple(shapes[0])}, {tuple(shapes[1])}"
            )
        return a, b

    def build(self, input_shape: Any) -> None:
        self._resolve(input_shape)
        self.built = True

    def call(self, inputs: Any, training: bool = False, mask: Any = None,
             **kwargs: Any) -> np.ndarray:
        check_input_list(self, inputs, 2, 2, "[x1, x2]")
        a, b = self._resolve([x.shape for x in inputs])
        x, y = inputs
        norm_caches = None
        if self.normalize:
            (x, cache_x), (y, cache_y) = l2_normalize(x, a), l2_normalize(y, b)
            norm_caches = (cache_x, cache_y)
        out, dot_cache = batch_dot(x, y, (a, b))
        self._cache = (dot_cache, norm_caches)
        return out

    def backward(self, dout: np.ndarray) -> list[np.ndarray]:
        dot_cache, norm_caches = self._require_cache()
        dx, dy = batch_dot_backward(dout, dot_cache)
        if norm_caches is not None:
            dx, dy = (l2_normalize_backward(dx, norm_caches[0]),
                      l2_normalize_backward(dy, norm_caches[1]))
        return [dx, dy]

    def compute_output_shape(self, input_shape: Any) -> Shape:
        a, b = self._resolve(input_shape)
        x_rest = [d for i, d in enumerate(input_shape[0]) if i != a]
        y_rest = [d for i, d in enumerate(input_shape[1]) if i not in (0, b)]
        out = (*x_rest, *y_rest)
        return out if len(out) > 1 else (*out, 1)

    def compute_mask(self, inputs: Any, mask: Any = None) -> None:
        return None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}
