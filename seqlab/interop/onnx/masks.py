"""Masks in the exported graph, and what ONNX's recurrent operators can do with them.

A mask starts at ``Embedding(mask_zero=True)``: m = (ids ≠ 0), bool (B, T),
computed in the graph from the ids that arrive. It flows through the layers
that pass masks on in seqlab (Dense, Activation, Dropout, TimeDistributed,
recurrent layers with return_sequences) and stops where seqlab stops it.

Global pooling uses any mask exactly. The recurrent operators cannot: their
only masking is ``sequence_lens``, the number of real steps at the start of
each row, after which they stop (and output zeros). seqlab instead skips every
masked step and carries the state across it, wherever it is. The two agree
exactly when each row's mask is real steps then padding (padding at the end,
what ``TextVectorizer`` and ``pad_sequences(padding="post")`` make):

    L_b     = Σ_t m[b, t]                                   (sequence_lens, int32 (B,))
    bad_b   = Σ_t m[b, t] · #{padded steps s ≤ t}  > 0       (a real step after a padded one)

A row with padding at the front or a hole in the middle (``bad_b``) cannot be
expressed: the exported recurrent layer outputs NaN for that row (see
:func:`poison`) instead of a silently different number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.interop.onnx.graph import INT32, Graph


@dataclass
class Mask:
    """A bool (B, T) mask in the graph and the values made from it (each made once)."""

    name: str
    _lengths: str | None = None
    _poison: str | None = None

    def lengths(self, g: Graph) -> str:
        """L (B,) int32: the real steps of each row (``sequence_lens``)."""
        if self._lengths is None:
            as_int = g.op("Cast", [self.name], "mask/as_int", to=INT32)
            self._lengths = g.op("ReduceSum", [as_int, g.constant([1])], "mask/lengths",
                                 keepdims=0)
        return self._lengths

    def poison(self, g: Graph) -> str:
        """(B, 1) float32: 1 for rows padded at the end, NaN for the others."""
        if self._poison is None:
            real = g.op("Cast", [self.name], "mask/real", to=INT32)
            padded = g.op("Cast", [g.op("Not", [self.name], "mask/not")], "mask/padded", to=INT32)
            padded_so_far = g.op("CumSum", [padded, g.constant(1, np.int32)], "mask/padded_so_far")
            after_padding = g.op("Mul", [real, padded_so_far], "mask/real_after_padding")
            count = g.op("ReduceSum", [after_padding, g.constant([1])], "mask/holes", keepdims=1)
            bad = g.op("Greater", [count, g.constant(0, np.int32)], "mask/unexpressible")
            self._poison = g.op("Where", [bad, g.constant(np.nan, np.float32),
                                          g.constant(1.0, np.float32)], "mask/poison")
        return self._poison


def zero_mask(g: Graph, ids: str) -> Mask:
    """The mask of ``Embedding(mask_zero=True)``: ids ≠ 0."""
    is_zero = g.op("Equal", [ids, g.constant(0)], "mask/is_padding")
    return Mask(g.op("Not", [is_zero], "mask"))


def steps_mask(g: Graph, mask: Mask) -> str:
    """The mask as (B, T, 1) bool, to select whole feature vectors with Where."""
    return g.unsqueeze(mask.name, [2], "mask/steps")


def poison(g: Graph, mask: Mask, value: str, rank: int, hint: str) -> str:
    """``value`` (B, ...) of rank ``rank`` times the row poison: NaN where the row's
    mask is not padding at the end."""
    factor = mask.poison(g)  # (B, 1)
    if rank == 3:
        factor = g.unsqueeze(factor, [2], f"{hint}_factor")  # (B, 1, 1)
    return g.op("Mul", [value, factor], hint)

