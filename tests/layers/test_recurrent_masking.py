"""Padding equivalence: a left- or right-padded, masked batch gives the same
outputs and gradients as the unpadded sequences run one at a time."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.layers.bidirectional import Bidirectional
from seqlab.layers.rnn_cells import GRU, LSTM, SimpleRNN

D, H, T = 3, 2, 5
LENGTHS = [5, 2, 3]

CELLS = {
    "simple_rnn": lambda **kw: SimpleRNN(H, **kw),
    "lstm": lambda **kw: LSTM(H, **kw),
    "gru": lambda **kw: GRU(H, reset_after=True, **kw),
    "gru_v1": lambda **kw: GRU(H, reset_after=False, **kw),
}


def _sequences():
    rng = np.random.default_rng(0)
    return [rng.standard_normal((n, D)) for n in LENGTHS]


def _pad(seqs, side):
    x = np.zeros((len(seqs), T, D))
    mask = np.zeros((len(seqs), T), dtype=bool)
    for b, s in enumerate(seqs):
        where = slice(T - len(s), T) if side == "left" else slice(0, len(s))
        x[b, where] = s
        mask[b, where] = True
    return x, mask


def _make(cell, **kw):
    layer = CELLS[cell](dtype="float64", seed=3, **kw)
    layer.build((None, T, D))
    rng = np.random.default_rng(9)
    layer.set_weights([rng.standard_normal(w.shape) * 0.5 for w in layer.get_weights()])
    return layer


def _run(layer, x, mask, dout):
    """Forward, then backward with ``dout``: (output, dx, weight gradients)."""
    layer.zero_grad()
    out = layer(x, mask=mask)
    dx = layer.backward(dout)
    return out, dx, [p.grad.copy() for p in layer.weights]


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_padded_batch_equals_unpadded_sequences(cell, side, go_backwards):
    layer = _make(cell, go_backwards=go_backwards)
    seqs = _sequences()
    x, mask = _pad(seqs, side)
    R = np.random.default_rng(1).standard_normal((len(seqs), H))
    out, dx, dws = _run(layer, x, mask, R)

    total = [np.zeros_like(w) for w in dws]
    for b, s in enumerate(seqs):
        out1, dx1, dws1 = _run(layer, s[None], None, R[b:b + 1])
        np.testing.assert_allclose(out[b], out1[0], rtol=1e-10, atol=1e-12)
        real = mask[b]
        np.testing.assert_allclose(dx[b, real], dx1[0], rtol=1e-10, atol=1e-12)
        assert np.all(dx[b, ~real] == 0)
        total = [t + g for t, g in zip(total, dws1)]
    for got, want in zip(dws, total):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("side", ["left", "right"])
def test_padded_sequence_outputs_carry_the_previous_output(cell, side):
    layer = _make(cell, return_sequences=True, return_state=True)
    seqs = _sequences()
    x, mask = _pad(seqs, side)
    out, h_last, *_ = layer(x, mask=mask)
    for b, s in enumerate(seqs):
        out1 = layer(s[None])[0][0]
        np.testing.assert_allclose(out[b, mask[b]], out1, rtol=1e-10, atol=1e-12)
        if side == "right":  # after the end: the last real output is carried
            np.testing.assert_allclose(out[b, len(s):], np.repeat(out1[-1:], T - len(s), 0))
        else:  # before the start: the (zero) initial state is carried
            assert np.all(out[b, :T - len(s)] == 0)
        np.testing.assert_allclose(h_last[b], out1[-1], rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("merge_mode", ["concat", "mul"])
def test_bidirectional_padded_batch_equals_unpadded_sequences(side, merge_mode):
    layer = Bidirectional(LSTM(H, dtype="float64", seed=2), merge_mode=merge_mode)
    layer.build((None, T, D))
    rng = np.random.default_rng(4)
    layer.set_weights([rng.standard_normal(w.shape) * 0.5 for w in layer.get_weights()])
    seqs = _sequences()
    x, mask = _pad(seqs, side)
    width = 2 * H if merge_mode == "concat" else H
    R = rng.standard_normal((len(seqs), width))
    out, dx, dws = _run(layer, x, mask, R)
    total = [np.zeros_like(w) for w in dws]
    for b, s in enumerate(seqs):
        out1, dx1, dws1 = _run(layer, s[None], None, R[b:b + 1])
        np.testing.assert_allclose(out[b], out1[0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dx[b, mask[b]], dx1[0], rtol=1e-10, atol=1e-12)
        total = [t + g for t, g in zip(total, dws1)]
    for got, want in zip(dws, total):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_mask_from_integer_ids_is_accepted():
    layer = _make("gru", return_sequences=True)
    x, mask = _pad(_sequences(), "right")
    np.testing.assert_array_equal(layer(x, mask=mask.astype(np.int64)), layer(x, mask=mask))
    assert layer.compute_mask(x, mask) is mask
    assert _make("gru").compute_mask(x, mask) is None
