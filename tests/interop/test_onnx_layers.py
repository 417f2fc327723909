"""Every exported layer and option, run by onnxruntime, within 1e-5 of seqlab's predict.

Weights (biases included) are random, so a wrong gate order, a missing bias
or a transposed kernel shows as a mismatch."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.layers import (
    GRU,
    LSTM,
    Activation,
    AveragePooling1D,
    Bidirectional,
    Conv1D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    MaxPooling1D,
    RepeatVector,
    Reshape,
    SimpleRNN,
    TimeDistributed,
)

from .onnx_support import assert_matches, randomize

ACTIVATIONS = ["tanh", "sigmoid", "hard_sigmoid", "relu", "softmax", "linear"]
CELLS = {"simple_rnn": SimpleRNN, "lstm": LSTM, "gru": GRU}
B, T, D = 4, 7, 5


def sequences(seed: int = 1, shape: tuple = (B, T, D)) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)


def ids(seed: int = 2, vocab: int = 50, shape: tuple = (B, T)) -> np.ndarray:
    return np.random.default_rng(seed).integers(1, vocab, size=shape)


def sequential(layers: list, input_shape: tuple, seed: int = 0,
               scale: float = 0.5) -> seqlab.Sequential:
    model = seqlab.Sequential(layers)
    model.build((None, *input_shape))
    return randomize(model, seed, scale)


# ------------------------------------------------------------------ core layers
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("rank", [2, 3])
def test_dense_every_activation_on_vectors_and_sequences(activation, rank):
    shape = (D,) if rank == 2 else (T, D)
    model = sequential([Dense(3, activation=activation)], shape)
    assert_matches(model, sequences(shape=(B, *shape)) * 3)


def test_dense_without_bias():
    model = sequential([Dense(3, use_bias=False)], (D,))
    assert_matches(model, sequences(shape=(B, D)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_layer(activation):
    model = sequential([Activation(activation)], (T, D))
    assert_matches(model, sequences() * 3)


def test_dropout_is_the_identity_at_inference():
    model = sequential([Dense(6), Dropout(0.5), Dense(2)], (D,))
    assert_matches(model, sequences(shape=(B, D)))


def test_embedding_flatten_dense_the_books_first_model():
    model = sequential([Embedding(50, 8, input_length=T), Flatten(), Dense(1, "sigmoid")], (T,))
    assert_matches(model, ids())


def test_embedding_takes_ids_of_any_integer_shape():
    model = sequential([Embedding(50, 3)], (2, 3))
    assert_matches(model, ids(shape=(B, 2, 3)))


def test_reshape_repeat_vector_and_time_distributed():
    model = sequential([Reshape((T * D,)), Dense(4), RepeatVector(3),
                        TimeDistributed(Dense(2, activation="tanh"))], (T, D))
    out = assert_matches(model, sequences())
    assert out[0].shape == (B, 3, 2)


def test_time_distributed_of_a_flattening_layer():
    model = sequential([TimeDistributed(Flatten())], (T, 2, 3))
    assert_matches(model, sequences(shape=(B, T, 2, 3)))


# ------------------------------------------------------------- recurrent layers
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
def test_recurrent_options(cell, go_backwards, return_sequences, return_state):
    x = seqlab.Input((T, D))
    y = CELLS[cell](6, go_backwards=go_backwards, return_sequences=return_sequences,
                    return_state=return_state)(x)
    model = randomize(seqlab.Model(x, y))
    assert_matches(model, sequences())


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("use_bias", [True, False])
def test_gru_both_reset_modes(reset_after, use_bias):
    model = sequential([GRU(6, reset_after=reset_after, use_bias=use_bias)], (T, D))
    assert_matches(model, sequences())


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("activation", ["tanh", "relu", "linear", "sigmoid", "hard_sigmoid"])
def test_recurrent_activations(cell, activation):
    model = sequential([CELLS[cell](6, activation=activation, return_sequences=True)], (T, D),
                       seed=3)
    assert_matches(model, sequences() * 0.5)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("recurrent_activation,activation", [
    ("hard_sigmoid", "tanh"),  # the 1st-edition book's LSTM and GRU
    ("hard_sigmoid", "linear"),  # two activations with parameters: alpha/beta in order
    ("linear", "hard_sigmoid"),
    ("tanh", "relu"),
])
def test_gate_activations(cell, recurrent_activation, activation):
    layer = CELLS[cell](6, recurrent_activation=recurrent_activation, activation=activation,
                        return_sequences=True)
    model = sequential([layer], (T, D), seed=4, scale=0.25)  # linear gates: keep h small
    out = assert_matches(model, sequences() * 0.5)
    assert np.abs(out[0]).max() < 10


def test_stacked_lstm_with_dropout_options():
    model = sequential([LSTM(8, dropout=0.2, recurrent_dropout=0.3, return_sequences=True),
                        LSTM(4, dropout=0.2, recurrent_dropout=0.3)], (T, D))
    assert_matches(model, sequences())


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_merge_modes(merge_mode, return_sequences):
    x = seqlab.Input((T, D))
    y = Bidirectional(LSTM(5, return_sequences=return_sequences), merge_mode=merge_mode)(x)
    assert_matches(randomize(seqlab.Model(x, y)), sequences())


@pytest.mark.parametrize("cell", CELLS)
def test_bidirectional_return_state(cell):
    x = seqlab.Input((T, D))
    outs = Bidirectional(CELLS[cell](4, return_state=True, return_sequences=True))(x)
    out = assert_matches(randomize(seqlab.Model(x, outs)), sequences())
    assert len(out) == 1 + 2 * len(CELLS[cell](1).state_names)


def test_bidirectional_of_a_go_backwards_layer_with_its_own_backward_layer():
    layer = GRU(4, go_backwards=True, return_sequences=True)
    backward = GRU(4, reset_after=False, activation="relu", return_sequences=True)
    model = sequential([Bidirectional(layer, backward_layer=backward)], (T, D))
    assert_matches(model, sequences())


# ------------------------------------------------------------------ convolution
@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
@pytest.mark.parametrize("strides,dilation_rate", [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_conv1d_paddings_strides_dilations(padding, strides, dilation_rate):
    layer = Conv1D(4, 3, strides=strides, padding=padding, dilation_rate=dilation_rate,
                   activation="relu")
    model = sequential([layer], (11, D))
    assert_matches(model, sequences(shape=(B, 11, D)))


def test_conv1d_same_padding_on_steps_unknown_at_export():
    """auto_pad SAME_UPPER pads by the length that arrives, as seqlab does."""
    model = sequential([Conv1D(3, 4, strides=2, padding="same", dilation_rate=1),
                        Conv1D(2, 2, padding="same", use_bias=False)], (None, D))
    for steps in (5, 6, 9):
        assert_matches(model, sequences(shape=(B, steps, D)))


@pytest.mark.parametrize("pool", [MaxPooling1D, AveragePooling1D])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("pool_size,strides", [(2, None), (3, 2), (3, 1)])
def test_pooling(pool, padding, pool_size, strides):
    model = sequential([pool(pool_size, strides=strides, padding=padding)], (T, D))
    assert_matches(model, sequences())


@pytest.mark.parametrize("pool", [GlobalMaxPooling1D, GlobalAveragePooling1D])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling(pool, keepdims):
    model = sequential([pool(keepdims=keepdims)], (T, D))
    assert_matches(model, sequences())


def test_the_books_conv1d_model():
    model = sequential([Embedding(50, 8), Conv1D(6, 3, activation="relu"), MaxPooling1D(2),
                        Conv1D(6, 3, activation="relu"), GlobalMaxPooling1D(), Dense(1)],
                       (20,))
    assert_matches(model, ids(shape=(B, 20)))


def test_the_books_conv1d_gru_hybrid():
    model = sequential([Conv1D(8, 5, activation="relu"), MaxPooling1D(3),
                        Conv1D(8, 5, activation="relu"), GRU(6, dropout=0.1,
                                                             recurrent_dropout=0.5),
                        Dense(1)], (40, D))
    assert_matches(model, sequences(shape=(B, 40, D)))
