"""Masks in the exported graph, and how ONNX's recurrent operators follow them exactly.

A mask starts at ``Embedding(mask_zero=True)``: m = (ids ≠ 0), bool (B, T),
computed in the graph from the ids that arrive. It flows through the layers
that pass masks on in seqlab (Dense, Activation, Dropout, TimeDistributed,
recurrent layers with return_sequences) and stops where seqlab stops it.
Global pooling uses it directly (see pooling.py).

The recurrent operators' only masking is ``sequence_lens``: each row runs its
first L steps, then stops. seqlab skips every masked step wherever it is and
carries the state across it — which is the same as running the layer on the
row's real steps alone, in order. So the export moves each row's real steps to
the front (a stable sort of the steps by "is padding"), runs the operator with
``sequence_lens`` = L, and puts the outputs back in place. This is exact for
any mask: padding at the end, at the front, or holes in the middle.

    L_b      = Σ_t m[b, t]                                   (sequence_lens, int32 (B,))
    c[b, t]  = Σ_{s ≤ t} m[b, s]                             (real steps up to t)
    order_b  = the real steps of row b in order, then its padded steps
               (TopK of key = t + T·(1 − m[b, t]), smallest first)
    x'[b, j] = x[b, order_b[j]]                              (GatherElements)

:func:`spread` maps the compacted outputs back to the input's steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from seqlab.interop.onnx.graph import INT32, INT64, Graph


@dataclass
class Mask:
    """A bool (B, T) mask in the graph and the values made from it (each made once)."""

    name: str
    _made: dict[str, str] = field(default_factory=dict)

    def lengths(self, g: Graph) -> str:
        """L (B,) int32: the real steps of each row (``sequence_lens``)."""
        if "lengths" not in self._made:
            as_int = g.op("Cast", [self.name], "mask/as_int32", to=INT32)
            self._made["lengths"] = g.op("ReduceSum", [as_int, g.constant([1])], "mask/lengths",
                                         keepdims=0)
        return self._made["lengths"]

    def counts(self, g: Graph) -> str:
        """c (B, T) int64: the real steps up to and including each step."""
        if "counts" not in self._made:
            as_int = g.op("Cast", [self.name], "mask/as_int64", to=INT64)
            self._made["counts"] = g.op("CumSum", [as_int, g.constant(1)], "mask/counts")
        return self._made["counts"]

    def order(self, g: Graph) -> str:
        """(B, T) int64: for each row, the indices of its real steps, then of its padded steps."""
        if "order" not in self._made:
            steps = g.op("Shape", [self.name], "mask/steps", start=1, end=2)  # [T]
            last = g.squeeze(steps, [0], "mask/T")
            t = g.op("Range", [g.constant(0), last, g.constant(1)], "mask/t")  # (T,)
            key = g.op("Where", [self.name, t, g.op("Add", [t, last], "mask/t_plus_T")],
                       "mask/sort_key")
            _, self._made["order"] = g.op("TopK", [key, steps], "mask/order", n_outputs=2,
                                          axis=1, largest=0, sorted=1)
        return self._made["order"]

    def compact(self, g: Graph, x: str, hint: str) -> str:
        """x (B, T, D) with each row's real steps moved to the front, in order (made
        once per x: the two directions of a Bidirectional share it)."""
        key = f"compact {x}"
        if key not in self._made:
            self._made[key] = _gather_steps(g, x, self.order(g), hint)
        return self._made[key]


def zero_mask(g: Graph, ids: str) -> Mask:
    """The mask of ``Embedding(mask_zero=True)``: ids ≠ 0."""
    is_zero = g.op("Equal", [ids, g.constant(0)], "mask/is_padding")
    return Mask(g.op("Not", [is_zero], "mask"))


def steps_mask(g: Graph, mask: Mask) -> str:
    """The mask as (B, T, 1) bool, to select whole feature vectors with Where."""
    return g.unsqueeze(mask.name, [2], "mask/steps")


def _gather_steps(g: Graph, x: str, index: str, hint: str) -> str:
    """y[b, j, :] = x[b, index[b, j], :] for x (B, T, F) and index (B, T) int64."""
    index = g.op("Expand", [g.unsqueeze(index, [2], f"{hint}/index"),
                            g.op("Shape", [x], f"{hint}/shape")], f"{hint}/index_per_feature")
    return g.op("GatherElements", [x, index], hint, axis=1)


def spread(g: Graph, mask: Mask, y: str, backwards: bool, fill: str | None, zero_masked: bool,
           hint: str) -> str:
    """The per-step outputs (B, T, H), in time order, of a recurrent layer that ran on
    the compacted steps and gave ``y`` (B, T, H) (output j after compacted step j).

    A real step t gets the output after it: y[c_t − 1]. A padded step repeats the
    previous output in processing order — y[c_t − 1] going forward, y[c_t] (the
    next real step in time) going backward — or, before any real step has run,
    ``fill`` (the initial h; zeros when None). With ``zero_masked`` padded steps
    are zeros (``zero_output_for_mask``)."""
    counts = mask.counts(g)
    if backwards:
        is_real = g.op("Cast", [mask.name], f"{hint}/is_real", to=INT64)
        index = g.op("Sub", [counts, is_real], f"{hint}/index")  # real steps before t
        length = g.unsqueeze(g.op("Cast", [mask.lengths(g)], f"{hint}/length", to=INT64), [1],
                             f"{hint}/length_per_row")
        has_output = g.op("Less", [index, length], f"{hint}/after_a_real_step")
    else:
        index = g.op("Sub", [counts, g.constant(1)], f"{hint}/index")  # −1: picked, not used
        has_output = g.op("Greater", [counts, g.constant(0)], f"{hint}/after_a_real_step")
    gathered = _gather_steps(g, y, index, f"{hint}/gathered")
    keep = steps_mask(g, mask) if zero_masked else g.unsqueeze(has_output, [2], f"{hint}/keep")
    if zero_masked or fill is None:
        fill = g.constant(0.0, np.float32)
    else:
        fill = g.unsqueeze(fill, [1], f"{hint}/fill")  # (B, H) -> (B, 1, H)
    return g.op("Where", [keep, gathered, fill], hint)

