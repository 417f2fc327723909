"""What a recurrent time loop keeps: one cache layout for the reference, the fast path and the trace.

Both implementations of every loop (:mod:`seqlab.functional.recurrent`,
:mod:`seqlab.kernels.recurrent`) return these caches, filled with the same
numbers; either backward reads either cache, and :mod:`seqlab.trace` shows
them (the backward cache *is* the trace). Per-step arrays are time-major, in
processing order (reversed for ``go_backwards``):

    every cell   cell, U (H, kH), h0 (B, H), step_mask (T, B) bool or None,
                 rec_mask (B, H) or None, activation, h (T, B, H)
    SimpleRNN    y (T, B, H)            act(a_t) before masking
    LSTM         recurrent_activation, c0 (B, H), gates (T, B, 4H) = [i f g o]
                 (views i, f, g, o), act_c = act(c_t), c (T, B, H)
    GRU          recurrent_activation, reset_after, rb (kH,) or None,
                 z, r, h_tilde (T, B, H); hh = ĥU_h + rb_h (T, B, H) with
                 reset_after, else None

What a step's gradient da_t = dL/da_t (B, kH) sends into the recurrent
kernel is read from the cache by :func:`recurrent_delta` and
:func:`recurrent_weight_grad`: the reference BPTT sums them, the trace shows
them step by step (the fast path sums the same terms in its loops).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

Rows = Any  # an index of batch rows: slice(None) (all) or an integer array


@dataclass
class LoopCache:
    """Shared by every cell (see the module docstring)."""

    cell: str
    U: np.ndarray
    h0: np.ndarray
    step_mask: np.ndarray | None
    rec_mask: np.ndarray | None
    activation: str
    h: np.ndarray

    def state_before(self, t: int, rows: Rows = slice(None)) -> np.ndarray:
        """h_{t−1} (``h0`` before step 0) of the given batch rows."""
        return (self.h0 if t == 0 else self.h[t - 1])[rows]

    def dropped_state_before(self, t: int, rows: Rows = slice(None)) -> np.ndarray:
        """ĥ_{t−1} = h_{t−1} ⊙ rec_mask, what the recurrent product reads."""
        h = self.state_before(t, rows)
        return h if self.rec_mask is None else h * self.rec_mask[rows]


@dataclass
class SimpleRNNCache(LoopCache):
    y: np.ndarray


@dataclass
class LSTMCache(LoopCache):
    recurrent_activation: str
    c0: np.ndarray
    gates: np.ndarray
    act_c: np.ndarray
    c: np.ndarray

    def _gate(self, k: int) -> np.ndarray:
        H = self.h0.shape[1]
        return self.gates[:, :, k * H:(k + 1) * H]  # (T, B, 4H) -> (T, B, H) view

    @property
    def i(self) -> np.ndarray:
        """Input gate σ(a_i), (T, B, H)."""
        return self._gate(0)

    @property
    def f(self) -> np.ndarray:
        """Forget gate σ(a_f), (T, B, H)."""
        return self._gate(1)

    @property
    def g(self) -> np.ndarray:
        """Candidate act(a_c), (T, B, H)."""
        return self._gate(2)

    @property
    def o(self) -> np.ndarray:
        """Output gate σ(a_o), (T, B, H)."""
        return self._gate(3)


@dataclass
class GRUCache(LoopCache):
    recurrent_activation: str
    reset_after: bool
    rb: np.ndarray | None
    z: np.ndarray
    r: np.ndarray
    h_tilde: np.ndarray
    hh: np.ndarray | None


Cache = SimpleRNNCache | LSTMCache | GRUCache


def recurrent_delta(cache: Cache, t: int, da: np.ndarray, rows: Rows = slice(None)
                    ) -> np.ndarray:
    """δ_t, what meets U at step t (B', kH) for da_t of the given rows: da_t itself,
    or [da_z, da_r, da_h ⊙ r_t] for a GRU with reset_after (the reset gate sits
    after the product there). Its column sums are the recurrent bias gradient."""
    if isinstance(cache, GRUCache) and cache.reset_after:
        H = cache.h0.shape[1]
        return np.concatenate([da[:, :2 * H], da[:, 2 * H:] * cache.r[t][rows]], axis=1)
    return da


def recurrent_weight_grad(cache: Cache, t: int, da: np.ndarray, rows: Rows = slice(None)
                          ) -> np.ndarray:
    """dU_t, step t's share of dL/dU (H, kH) from da_t (B', kH) of the given rows:

        ĥ_{t−1}ᵀ δ_t                                   SimpleRNN, LSTM, GRU reset_after
        [ĥ_{t−1}ᵀ [da_z, da_r],  (r_t ⊙ ĥ_{t−1})ᵀ da_h]   GRU reset_after=False
    """
    hd = cache.dropped_state_before(t, rows)
    if isinstance(cache, GRUCache) and not cache.reset_after:
        H = cache.h0.shape[1]
        return np.concatenate([hd.T @ da[:, :2 * H], (cache.r[t][rows] * hd).T @ da[:, 2 * H:]],
                              axis=1)
    return hd.T @ recurrent_delta(cache, t, da, rows)
