"""Stepper: run a split model's encoder part once, then its decoder part piece by piece.

    stepper.start(sources, rows)     the encoder part on the sources (B rows);
                                     the decoder's recurrent layers start from
                                     their initial states (encoder values, or zeros)
    logits = stepper.advance(ids)    ids (R, T) → logits (R, T, V): each
                                     recurrent layer runs T steps from its carried
                                     states on the kernels (``RNNBase.step``) and
                                     keeps its final states for the next call
    stepper.select(rows)             keep / reorder / repeat rows: carried states
                                     and encoder constants become s[rows]

Advancing one token at a time gives, at every position, what the model gives
for the whole sequence (teacher forcing); nothing runs the prefix again.
Beam search keeps its beams as rows and selects the beams' parents each step;
greedy search and sampling select the rows that have not ended.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.generate.graph import Call, DecoderGraph
from seqlab.generate.step_rules import RECURRENT, call_step
from seqlab.models.functional import Model, _resolve


def _store(call: Call, args: Any, mask: Any, out: Any, values: dict[int, Any],
           masks: dict[int, Any]) -> None:
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    out_mask = call.layer.compute_mask(args, mask)
    out_masks = (list(out_mask) if isinstance(out_mask, (list, tuple))
                 else [out_mask] + [None] * (len(outs) - 1))
    for t, v, m in zip(call.outputs, outs, out_masks):
        values[id(t)] = v
        masks[id(t)] = m


class Stepper:
    """Carries a model's decoder states from token to token (see the module docstring)."""

    def __init__(self, graph: DecoderGraph):
        self.graph = graph
        self.rows = 0
        self._constants: dict[int, Any] = {}
        self._masks: dict[int, Any] = {}
        self._states: dict[int, list[np.ndarray]] = {}

    def start(self, sources: list[np.ndarray], rows: int) -> None:
        """Run the encoder part on ``sources`` (one array per source input, ``rows``
        rows each) and set the decoder's recurrent layers to their initial states."""
        values: dict[int, Any] = {}
        masks: dict[int, Any] = {}
        for model_input, x in zip(self.graph.sources, sources):
            values[id(model_input.tensor)] = x
        for call in self.graph.encoder:
            args, mask = _resolve(call.inputs, values), Model._input_mask(call, masks)
            out = call.layer(args, training=False, mask=mask, **_resolve(call.kwargs, values))
            _store(call, args, mask, out, values, masks)
        self.rows = rows
        self._constants = {id(t): values[id(t)] for t in self.graph.constants}
        self._masks = {id(t): masks.get(id(t)) for t in self.graph.constants}
        self._states = {}
        for index, (call, kind) in enumerate(self.graph.decoder):
            if kind == RECURRENT:
                given = call.inputs[1:] if isinstance(call.inputs, list) else []
                layer = call.layer
                self._states[index] = (
                    [np.asarray(values[id(t)]) for t in given] if given
                    else [np.zeros((rows, layer.units), layer.dtype) for _ in layer.state_names])

    def _feed(self, ids: np.ndarray) -> np.ndarray:
        """The fed-back input for ``ids`` (R, T): the ids, or one-hot rows (R, T, D)."""
        feedback = self.graph.feedback
        if feedback.holds_ids:
            return ids
        one_hot = np.zeros((*ids.shape, feedback.shape[-1]), dtype=feedback.tensor.dtype)
        np.put_along_axis(one_hot, ids[..., None], 1, axis=-1)
        return one_hot

    def advance(self, ids: Any) -> np.ndarray:
        """Feed ``ids`` (R, T) after everything fed since ``start``; returns the
        logits (R, T, V) at those positions."""
        ids = np.asarray(ids)
        if ids.ndim != 2 or ids.shape[0] != self.rows:
            raise ValueError(f"Stepper.advance: expected ids of shape ({self.rows}, steps), "
                             f"got {ids.shape}")
        values = dict(self._constants)
        masks = dict(self._masks)
        values[id(self.graph.feedback.tensor)] = self._feed(ids)
        for index, (call, kind) in enumerate(self.graph.decoder):
            if kind == RECURRENT:  # its initial states are carried, not read again
                x = call.inputs[0] if isinstance(call.inputs, list) else call.inputs
                args, mask = values[id(x)], masks.get(id(x))
                seq, self._states[index] = call.layer.step(args, self._states[index], mask)
                out = [seq, *self._states[index]] if call.layer.return_state else seq
                _store(call, args, mask, out, values, masks)
                continue
            args, mask = _resolve(call.inputs, values), Model._input_mask(call, masks)
            if call.outputs[0] is self.graph.output and self.graph.logits is not None:
                out = self.graph.logits(args)
            else:
                out = call_step(call.layer, args, mask, _resolve(call.kwargs, values))
            _store(call, args, mask, out, values, masks)
        return values[id(self.graph.output)]

    def select(self, rows: Any) -> None:
        """Keep the given rows, in this order (repeats allowed): carried states and
        encoder constants become ``s[rows]``."""
        rows = np.asarray(rows, dtype=np.intp)
        self._states = {k: [s[rows] for s in states] for k, states in self._states.items()}
        self._constants = {k: v[rows] for k, v in self._constants.items()}
        self._masks = {k: (None if m is None else m[rows]) for k, m in self._masks.items()}
        self.rows = len(rows)
