"""Masks from Embedding(mask_zero=True) in the exported graph.

Exact for ids padded at the end (rows of every length, 0 included); rows that
ONNX's sequence_lens cannot express (padding at the front, a 0 id in the
middle) come out as NaN from the recurrent layers, while the other rows of the
batch stay exact; global pooling is exact for any mask."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.layers import (
    GRU,
    LSTM,
    Bidirectional,
    Conv1D,
    Dense,
    Embedding,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    SimpleRNN,
    TimeDistributed,
)

from .onnx_support import TOLERANCE, assert_matches, randomize, run_onnx

CELLS = {"simple_rnn": SimpleRNN, "lstm": LSTM, "gru": GRU}
T, V = 6, 30
LENGTHS = [T, 3, 0, 1, T - 1]  # one full row, padded rows, a row of padding only


def padded_at_the_end(lengths: list[int] = LENGTHS, seed: int = 0) -> np.ndarray:
    ids = np.random.default_rng(seed).integers(1, V, size=(len(lengths), T))
    for row, n in enumerate(lengths):
        ids[row, n:] = 0
    return ids


def masked_model(*layers, seed: int = 0) -> seqlab.Sequential:
    model = seqlab.Sequential([Embedding(V, 4, mask_zero=True), *layers])
    model.build((None, T))
    return randomize(model, seed)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_sequences,zero_output_for_mask",
                         [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("return_state", [False, True])
def test_recurrent_layers_skip_padding_at_the_end(cell, go_backwards,
                                                  return_sequences, zero_output_for_mask,
                                                  return_state):
    x = seqlab.Input((T,), dtype="int64")
    h = Embedding(V, 4, mask_zero=True)(x)
    y = CELLS[cell](5, go_backwards=go_backwards, return_sequences=return_sequences,
                    zero_output_for_mask=zero_output_for_mask, return_state=return_state)(h)
    assert_matches(randomize(seqlab.Model(x, y)), padded_at_the_end())


def test_the_mask_passes_through_stacked_layers_to_global_pooling():
    model = masked_model(LSTM(5, return_sequences=True), GRU(4, return_sequences=True),
                         TimeDistributed(Dense(3)), Dense(3, activation="relu"),
                         GlobalAveragePooling1D())
    assert_matches(model, padded_at_the_end())


@pytest.mark.parametrize("merge_mode", ["concat", None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_with_a_mask(merge_mode, return_sequences):
    x = seqlab.Input((T,))
    h = Embedding(V, 4, mask_zero=True)(x)
    y = Bidirectional(GRU(3, return_sequences=return_sequences, reset_after=False),
                      merge_mode=merge_mode)(h)
    assert_matches(randomize(seqlab.Model(x, y)), padded_at_the_end())


@pytest.mark.parametrize("go_backwards", [False, True])
def test_initial_states_survive_rows_of_padding_only(go_backwards):
    """seqlab keeps h0 for a row without steps, onnxruntime gives zeros: filled in."""
    x = seqlab.Input((T,))
    h0, c0 = seqlab.Input((5,)), seqlab.Input((5,))
    h = Embedding(V, 4, mask_zero=True)(x)
    outs = LSTM(5, go_backwards=go_backwards, return_sequences=True, return_state=True)(
        h, initial_state=[h0, c0])
    model = randomize(seqlab.Model([x, h0, c0], outs))
    states = np.random.default_rng(3).normal(size=(2, len(LENGTHS), 5)).astype(np.float32)
    out = assert_matches(model, padded_at_the_end(), states[0], states[1])
    empty = LENGTHS.index(0)
    np.testing.assert_allclose(out[1][empty], states[0][empty], rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("cell", CELLS)
def test_rows_padded_at_the_front_or_with_holes_come_out_as_nan(cell):
    model = masked_model(CELLS[cell](5), Dense(2))
    ids = padded_at_the_end()
    ids[0, :2] = 0  # padding at the front
    ids[1, 1] = 0  # a hole: 3 ids, then 0, then 1 id
    ids[1, 3:] = [7, 0, 0]
    expected = model.predict(ids)
    got = run_onnx(model, ids)[0]
    assert np.isnan(got[:2]).all()
    assert not np.isnan(got[2:]).any()
    np.testing.assert_allclose(got[2:], expected[2:], rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("pool", [GlobalMaxPooling1D, GlobalAveragePooling1D])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_is_exact_for_any_mask(pool, keepdims):
    ids = padded_at_the_end()
    ids[0, :2] = 0
    ids[1, 1] = 0
    model = masked_model(Dense(3), pool(keepdims=keepdims))
    out = assert_matches(model, ids)
    assert not np.isnan(out[0]).any()


def test_the_mask_stops_at_conv1d_as_in_seqlab():
    """No mask reaches the GRU, so front padding is only data: no NaN."""
    ids = padded_at_the_end()
    ids[0, :2] = 0
    model = masked_model(Conv1D(4, 2, padding="causal"), GRU(3))
    out = assert_matches(model, ids)
    assert not np.isnan(out[0]).any()
