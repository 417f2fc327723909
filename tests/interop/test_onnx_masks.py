"""Masks from Embedding(mask_zero=True) in the exported graph: exact for any
mask — padding at the end or at the front, holes in the middle, rows of every
length (0 included) — in the recurrent layers, Bidirectional and global pooling."""

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

from .onnx_support import TOLERANCE, assert_matches, randomize

CELLS = {"simple_rnn": SimpleRNN, "lstm": LSTM, "gru": GRU}
T, V = 6, 30
# 1 = a real id, 0 = padding; a full row, padding at the end, a row of padding only,
# padding at the front (pad_sequences' default), holes, a single real step
ROWS = ["111111", "111000", "000000", "000111", "011010", "100000", "000001", "101101"]


def padded(rows: list[str] = ROWS, seed: int = 0) -> np.ndarray:
    ids = np.random.default_rng(seed).integers(1, V, size=(len(rows), T))
    return ids * np.array([[int(c) for c in row] for row in rows])


def masked_model(*layers, seed: int = 0) -> seqlab.Sequential:
    model = seqlab.Sequential([Embedding(V, 4, mask_zero=True), *layers])
    model.build((None, T))
    return randomize(model, seed)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_sequences,zero_output_for_mask",
                         [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("return_state", [False, True])
def test_recurrent_layers_skip_masked_steps_anywhere(cell, go_backwards, return_sequences,
                                                     zero_output_for_mask, return_state):
    x = seqlab.Input((T,), dtype="int64")
    h = Embedding(V, 4, mask_zero=True)(x)
    y = CELLS[cell](5, go_backwards=go_backwards, return_sequences=return_sequences,
                    zero_output_for_mask=zero_output_for_mask, return_state=return_state)(h)
    assert_matches(randomize(seqlab.Model(x, y)), padded())


def test_the_mask_passes_through_stacked_layers_to_global_pooling():
    model = masked_model(LSTM(5, return_sequences=True), GRU(4, return_sequences=True),
                         TimeDistributed(Dense(3)), Dense(3, activation="relu"),
                         GlobalAveragePooling1D())
    assert_matches(model, padded())


@pytest.mark.parametrize("merge_mode", ["concat", None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_with_a_mask(merge_mode, return_sequences):
    x = seqlab.Input((T,))
    h = Embedding(V, 4, mask_zero=True)(x)
    y = Bidirectional(GRU(3, return_sequences=return_sequences, reset_after=False),
                      merge_mode=merge_mode)(h)
    assert_matches(randomize(seqlab.Model(x, y)), padded())


@pytest.mark.parametrize("go_backwards", [False, True])
def test_initial_states_survive_rows_of_padding_only(go_backwards):
    """seqlab keeps h0 for a row without steps, onnxruntime gives zeros: filled in."""
    x = seqlab.Input((T,))
    h0, c0 = seqlab.Input((5,)), seqlab.Input((5,))
    h = Embedding(V, 4, mask_zero=True)(x)
    outs = LSTM(5, go_backwards=go_backwards, return_sequences=True, return_state=True)(
        h, initial_state=[h0, c0])
    model = randomize(seqlab.Model([x, h0, c0], outs))
    states = np.random.default_rng(3).normal(size=(2, len(ROWS), 5)).astype(np.float32)
    out = assert_matches(model, padded(), states[0], states[1])
    empty = ROWS.index("000000")
    np.testing.assert_allclose(out[1][empty], states[0][empty], rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize("pool", [GlobalMaxPooling1D, GlobalAveragePooling1D])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_with_a_mask(pool, keepdims):
    model = masked_model(Dense(3), pool(keepdims=keepdims))
    assert_matches(model, padded())


def test_the_mask_stops_at_conv1d_as_in_seqlab():
    """No mask reaches the GRU: the padded steps are data to it."""
    model = masked_model(Conv1D(4, 2, padding="causal"), GRU(3))
    assert_matches(model, padded())
