"""SimpleRNN, LSTM, GRU and Bidirectional as PyTorch modules, with seqlab's semantics.

:class:`Recurrent` wraps one recurrent core, ``self.rnn``:

* torch's own nn.RNN (tanh or relu), nn.LSTM (tanh, sigmoid gates) or nn.GRU
  (tanh, sigmoid gates, ``reset_after=True``) when the layer computes what they
  compute and has no recurrent dropout;
* otherwise a :class:`~seqlab.interop.torch_steploop.StepLoop` (hard_sigmoid or
  other gates, the reset-before GRU, recurrent dropout), with the same names.

Around the core, as :class:`seqlab.layers.RNNBase` does: ``go_backwards`` reads
the steps in reverse and returns the outputs in that processing order;
``return_sequences`` returns every step (B, T, H), else the last (B, H);
``return_state`` appends the final states (h, or h and c); initial states come
as extra inputs ``(x, h0[, c0])``; ``dropout`` multiplies x by one (B, 1, D)
mask per call while training, ``recurrent_dropout`` h_{t−1} by one (B, H) mask.
``stateful=True`` is refused: the module keeps no state between calls.

Masks (B, T), True = real step. A masked step carries the states, and its
output is the carried h (or zeros with ``zero_output_for_mask``, which
Bidirectional sets). The step loop takes any mask. torch's fused modules
skip steps only through packed sequences, so there each row's real steps must
be one run, padding at the end or at the front (``pad_sequences``' "pre"):
the run is moved to the front, packed with its length, and the outputs moved
back; before the run the initial state is carried, after it the final one. A
row with no real step keeps its initial states. A mask with gaps inside a row
is refused with a ValueError.

:class:`Bidirectional` runs the converted forward and backward layers, turns
the backward outputs back into time order (with return_sequences) and merges:
concat, sum, ave, mul or None (a list [y_f, y_b]).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqlab.interop.torch_layers import Masking, dropout_mask
from seqlab.interop.torch_steploop import StepLoop
from seqlab.interop.torch_weights import layer_class


def _fused_core(layer: Any, cls: str, input_size: int) -> nn.RNNBase | None:
    """torch's own module for the layer's cell, or None when it has no such module."""
    if layer.recurrent_dropout > 0:
        return None
    H, bias = layer.units, layer.use_bias
    if cls == "SimpleRNN":
        if layer.activation not in ("tanh", "relu"):
            return None
        return nn.RNN(input_size, H, nonlinearity=layer.activation, bias=bias, batch_first=True)
    if layer.activation != "tanh" or layer.recurrent_activation != "sigmoid":
        return None
    if cls == "LSTM":
        return nn.LSTM(input_size, H, bias=bias, batch_first=True)
    return nn.GRU(input_size, H, bias=bias, batch_first=True) if layer.reset_after else None


def _run_bounds(keep: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(start, length) (B,) of each row's first run of True steps (start 0 when empty)."""
    length = keep.sum(dim=1)
    first = keep.to(torch.int8).argmax(dim=1)  # the first True
    return torch.where(length > 0, first, torch.zeros_like(first)), length


def _runs(keep: torch.Tensor, start: torch.Tensor, length: torch.Tensor) -> torch.Tensor:
    """The (B, T) mask that is True exactly on steps start ≤ t < start + length."""
    steps = torch.arange(keep.shape[1], device=keep.device)
    return (steps >= start[:, None]) & (steps < (start + length)[:, None])


def _run_packed(core: nn.RNNBase, x: torch.Tensor, states: list[torch.Tensor],
                keep: torch.Tensor | None) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """torch's module over x (B, T, D) in processing order: (outputs (B, T, H), finals)."""
    hx: Any = tuple(s[None] for s in states) if len(states) == 2 else states[0][None]  # (1, B, H)
    if keep is None:
        out, hn = core(x, hx)
        return out, [s[0] for s in (hn if isinstance(hn, tuple) else (hn,))]
    _, T, D = x.shape
    start, length = _run_bounds(keep)
    steps = torch.arange(T, device=x.device)
    src = (start[:, None] + steps).clamp(max=T - 1)  # (B, T): step j of the run is x[start + j]
    x_run = x.gather(1, src[:, :, None].expand(-1, -1, D))
    packed = pack_padded_sequence(x_run, length.clamp(min=1).cpu(), batch_first=True,
                                  enforce_sorted=False)
    out_packed, hn = core(packed, hx)
    out, _ = pad_packed_sequence(out_packed, batch_first=True, total_length=T)  # (B, T, H)
    empty = (length == 0)[:, None]
    finals = [torch.where(empty, s0, s[0])
              for s0, s in zip(states, hn if isinstance(hn, tuple) else (hn,))]
    back = (steps - start[:, None]).clamp(min=0)  # (B, T): processing step t is run step t − start
    out = out.gather(1, back[:, :, None].expand(-1, -1, out.shape[2]))
    before = (steps < start[:, None])[:, :, None]
    after = (steps >= (start + length)[:, None])[:, :, None]
    out = torch.where(before, states[0][:, None], torch.where(after, finals[0][:, None], out))
    return out, finals


class Recurrent(Masking, nn.Module):
    """One SimpleRNN, LSTM or GRU layer (see the module docstring)."""

    reads_mask = True

    def __init__(self, layer: Any, cls: str):
        super().__init__()
        self.who = f"layer {layer.name!r} ({cls})"
        if layer.stateful:
            raise ValueError(
                f"to_torch: {self.who} has stateful=True; the exported module keeps no state "
                "between calls. Export a copy with stateful=False and pass the states as "
                "initial states (functional Model: layer(x, initial_state=...))."
            )
        self.cell, self.units = cls, layer.units
        self.n_states = 2 if cls == "LSTM" else 1
        self.go_backwards, self.return_sequences = layer.go_backwards, layer.return_sequences
        self.return_state = layer.return_state
        self.zero_output_for_mask = layer.zero_output_for_mask
        self.dropout, self.recurrent_dropout = layer.dropout, layer.recurrent_dropout
        D = layer.kernel.shape[0]
        self.rnn = _fused_core(layer, cls, D) or StepLoop(
            cls, D, layer.units, layer.use_bias, layer.activation,
            getattr(layer, "recurrent_activation", "sigmoid"), getattr(layer, "reset_after", True))
        if layer.use_bias and not (cls == "GRU" and layer.reset_after):
            # seqlab has one bias here, exported as bias_ih; bias_hh stays a frozen zero,
            # else an optimizer would move both and the bias twice as fast as seqlab's
            self.rnn.bias_hh_l0.requires_grad_(False)

    def extra_repr(self) -> str:
        return (f"go_backwards={self.go_backwards}, return_sequences={self.return_sequences}, "
                f"return_state={self.return_state}")

    def _initial_states(self, given: tuple[torch.Tensor, ...], x: torch.Tensor
                        ) -> list[torch.Tensor]:
        B, H = x.shape[0], self.units
        if not given:
            return [x.new_zeros(B, H) for _ in range(self.n_states)]
        if len(given) != self.n_states or any(tuple(s.shape) != (B, H) for s in given):
            raise ValueError(
                f"{self.who}: expected {self.n_states} initial state(s) of shape {(B, H)}, got "
                f"{[tuple(s.shape) for s in given]}"
            )
        return [s.to(x.dtype) for s in given]

    def _step_mask(self, mask: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        if tuple(mask.shape) != tuple(x.shape[:2]):
            raise ValueError(f"{self.who}: mask must have shape (batch, steps) = "
                             f"{tuple(x.shape[:2])}, got {tuple(mask.shape)}")
        keep = mask.bool()
        if not isinstance(self.rnn, StepLoop):
            bad = (_runs(keep, *_run_bounds(keep)) != keep).any(dim=1)
            if bool(bad.any()):
                row = int(bad.nonzero()[0])
                raise ValueError(
                    f"{self.who}: torch's nn.{type(self.rnn).__name__} skips masked steps only "
                    "through packed sequences, so the real steps of each row must be one run "
                    "(padding at the end or at the front); row "
                    f"{row} has the mask {keep[row].int().tolist()}"
                )
        return keep

    def forward(self, x: torch.Tensor, *initial_states: torch.Tensor,
                mask: torch.Tensor | None = None) -> Any:
        if x.dim() != 3:
            raise ValueError(f"{self.who}: expected input of rank 3 (batch, steps, features), "
                             f"got shape {tuple(x.shape)}")
        states = self._initial_states(initial_states, x)
        keep = None if mask is None else self._step_mask(mask, x)
        rec_mask = None
        if self.training and self.dropout > 0:
            x = x * dropout_mask((x.shape[0], 1, x.shape[2]), self.dropout, x)
        if self.training and self.recurrent_dropout > 0:
            rec_mask = dropout_mask((x.shape[0], self.units), self.recurrent_dropout, x)
        if self.go_backwards:
            x = x.flip(1)
            keep = None if keep is None else keep.flip(1)
        if isinstance(self.rnn, StepLoop):
            seq, finals = self.rnn(x, states, keep, rec_mask)
        else:
            seq, finals = _run_packed(self.rnn, x, states, keep)
        if not self.return_sequences:
            output = finals[0]
        elif keep is not None and self.zero_output_for_mask:
            output = torch.where(keep[:, :, None], seq, seq.new_zeros(()))
        else:
            output = seq
        return [output, *finals] if self.return_state else output

    def output_mask(self, inputs: Any, mask: torch.Tensor | None) -> Any:
        out = mask if self.return_sequences else None
        return [out, *[None] * self.n_states] if self.return_state else out


class Bidirectional(Masking, nn.Module):
    """A forward and a backward :class:`Recurrent`, merged (see the module docstring)."""

    reads_mask = True

    def __init__(self, layer: Any):
        super().__init__()
        self.forward_layer = Recurrent(layer.forward_layer,
                                       layer_class(layer.forward_layer, "to_torch"))
        self.backward_layer = Recurrent(layer.backward_layer,
                                        layer_class(layer.backward_layer, "to_torch"))
        self.merge_mode = layer.merge_mode
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state
        self.n_states = self.forward_layer.n_states
        self.who = f"Bidirectional {layer.name!r}"

    def extra_repr(self) -> str:
        return f"merge_mode={self.merge_mode!r}"

    def forward(self, x: torch.Tensor, *initial_states: torch.Tensor,
                mask: torch.Tensor | None = None) -> Any:
        n = self.n_states
        if initial_states and len(initial_states) != 2 * n:
            raise ValueError(f"{self.who}: initial states must be {2 * n} tensors ({n} forward, "
                             f"then {n} backward), got {len(initial_states)}")
        y_f = self.forward_layer(x, *initial_states[:n], mask=mask)
        y_b = self.backward_layer(x, *initial_states[n:], mask=mask)
        s_f: list[torch.Tensor] = []
        s_b: list[torch.Tensor] = []
        if self.return_state:
            y_f, s_f = y_f[0], list(y_f[1:])
            y_b, s_b = y_b[0], list(y_b[1:])
        if self.return_sequences:
            y_b = y_b.flip(1)  # back into time order
        if self.merge_mode is None:
            return [y_f, y_b, *s_f, *s_b]
        if self.merge_mode == "concat":
            merged = torch.cat([y_f, y_b], dim=-1)
        elif self.merge_mode == "sum":
            merged = y_f + y_b
        elif self.merge_mode == "ave":
            merged = (y_f + y_b) / 2
        else:  # mul
            merged = y_f * y_b
        return [merged, *s_f, *s_b] if self.return_state else merged

    def output_mask(self, inputs: Any, mask: torch.Tensor | None) -> Any:
        out = mask if self.return_sequences else None
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            return [*outs, *[None] * (2 * self.n_states)]
        return outs if self.merge_mode is None else out
