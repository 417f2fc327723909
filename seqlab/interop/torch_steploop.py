"""A recurrent loop in PyTorch for the cells that nn.RNN, nn.LSTM and nn.GRU lack.

torch's fused modules compute sigmoid gates, tanh (LSTM, GRU) or tanh/relu
(RNN) activations and the reset-after GRU, with no recurrent dropout. The
chapter also uses hard_sigmoid gates (1st-edition Keras), the reset-before GRU
(the talk's, Keras' ``reset_after=False``) and recurrent dropout; :class:`StepLoop`
runs those one step at a time, with the equations of
:mod:`seqlab.functional.recurrent` written in torch's layout and gate order:

    xw    = x · weight_ihᵀ + bias_ih                    all steps at once (B, T, kH)
    ĥ     = h_{t−1} ⊙ rec_mask                           recurrent dropout (or h_{t−1})
    RNN   h_t = act(xw_t + ĥ · W_hhᵀ + b_hh)
    LSTM  [i f g o] = xw_t + ĥ · W_hhᵀ + b_hh;  i, f, o = σ(·), g = act(·)
          c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ act(c_t)
    GRU   [r z n] blocks; r = σ(xw_r + ĥ W_hrᵀ + b_hr), z = σ(xw_z + ĥ W_hzᵀ + b_hz)
          reset after:   n = act(xw_n + r ⊙ (ĥ W_hnᵀ + b_hn))
          reset before:  n = act(xw_n + (r ⊙ ĥ) W_hnᵀ + b_hn)
          h_t = z ⊙ h_{t−1} + (1 − z) ⊙ n

(σ = the recurrent activation). A step whose ``keep`` is False carries the
states: h_t = h_{t−1}, c_t = c_{t−1}. The parameters have the names of a
one-layer nn.RNN/LSTM/GRU (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``), so the conversions of :mod:`seqlab.interop.recurrent` apply
as they are.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from seqlab.interop.torch_layers import activate

GATES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


class StepLoop(nn.Module):
    """One recurrent layer, batch first, run step by step (see the module docstring).

    ``forward(x, states, keep=None, rec_mask=None)`` takes x (B, T, D) in
    processing order, the initial states [h0] or [h0, c0] (B, H), ``keep``
    (B, T) bool and ``rec_mask`` (B, H); it returns the outputs (B, T, H)
    (a kept step's h_t, else the carried state) and the final states."""

    def __init__(self, cell: str, input_size: int, hidden_size: int, bias: bool = True,
                 activation: str = "tanh", recurrent_activation: str = "sigmoid",
                 reset_after: bool = True):
        super().__init__()
        if cell not in GATES:
            raise ValueError(f"StepLoop: cell must be one of {list(GATES)}, got {cell!r}")
        self.cell, self.input_size, self.hidden_size = cell, input_size, hidden_size
        self.activation, self.recurrent_activation = activation, recurrent_activation
        self.reset_after = reset_after
        kH = GATES[cell] * hidden_size
        self.weight_ih_l0 = nn.Parameter(torch.empty(kH, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.empty(kH, hidden_size))
        if bias:
            self.bias_ih_l0 = nn.Parameter(torch.empty(kH))
            self.bias_hh_l0 = nn.Parameter(torch.empty(kH))
        else:
            self.register_parameter("bias_ih_l0", None)
            self.register_parameter("bias_hh_l0", None)
        bound = 1.0 / math.sqrt(hidden_size)  # torch's initialisation of its RNNs
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def extra_repr(self) -> str:
        extra = f", reset_after={self.reset_after}" if self.cell == "GRU" else ""
        return (f"{self.cell}, {self.input_size}, {self.hidden_size}, "
                f"bias={self.bias_ih_l0 is not None}, activation={self.activation!r}, "
                f"recurrent_activation={self.recurrent_activation!r}{extra}")

    def _hh(self, h: torch.Tensor, rows: slice = slice(None)) -> torch.Tensor:
        """h · W_hh[rows]ᵀ + b_hh[rows]."""
        bias = None if self.bias_hh_l0 is None else self.bias_hh_l0[rows]
        return F.linear(h, self.weight_hh_l0[rows], bias)

    def _step(self, xw: torch.Tensor, h: torch.Tensor, c: torch.Tensor | None,
              rec_mask: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor | None]:
        act, gate = self.activation, self.recurrent_activation
        hd = h if rec_mask is None else h * rec_mask
        H = self.hidden_size
        if self.cell == "SimpleRNN":
            return activate(act, xw + self._hh(hd)), None
        if self.cell == "LSTM":
            a = xw + self._hh(hd)
            i, f = activate(gate, a[:, :H]), activate(gate, a[:, H:2 * H])
            g, o = activate(act, a[:, 2 * H:3 * H]), activate(gate, a[:, 3 * H:])
            c = f * c + i * g
            return o * activate(act, c), c
        gh = self._hh(hd, slice(0, 2 * H))  # (B, 2H): the r and z blocks
        r = activate(gate, xw[:, :H] + gh[:, :H])
        z = activate(gate, xw[:, H:2 * H] + gh[:, H:])
        if self.reset_after:
            n = activate(act, xw[:, 2 * H:] + r * self._hh(hd, slice(2 * H, None)))
        else:
            n = activate(act, xw[:, 2 * H:] + self._hh(r * hd, slice(2 * H, None)))
        return z * h + (1 - z) * n, None

    def forward(self, x: torch.Tensor, states: list[torch.Tensor],
                keep: torch.Tensor | None = None, rec_mask: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        xw = F.linear(x, self.weight_ih_l0, self.bias_ih_l0)  # (B, T, kH)
        h, c = states[0], (states[1] if self.cell == "LSTM" else None)
        outputs = []
        for t in range(x.shape[1]):
            h_new, c_new = self._step(xw[:, t], h, c, rec_mask)
            if keep is not None:
                k = keep[:, t, None]  # (B, 1)
                h_new = torch.where(k, h_new, h)
                c_new = None if c is None else torch.where(k, c_new, c)
            h, c = h_new, c_new
            outputs.append(h)
        return torch.stack(outputs, dim=1), ([h] if c is None else [h, c])  # (B, T, H)
