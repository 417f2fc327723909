"""A functional encoder–decoder with attention, as issue 11 needs it:

    source ids ─ Embedding(mask_zero) ─ LSTM/GRU(return_sequences, return_state) ─┐ states
    decoder-input ids ─ Embedding(mask_zero) ─ LSTM/GRU(initial_state=states) ─ dec_seq
    Attention([dec_seq, enc_seq]) ─ Concatenate([dec_seq, context]) ─ Dense(V, softmax)

trained with teacher forcing (seqlab.text.shift_targets) and the padding-aware
loss and accuracy."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.config import use_floatx
from seqlab.layers import GRU, LSTM, Attention, Concatenate, Dense, Embedding, Input
from seqlab.models import Model, load_model
from seqlab.testing.gradcheck import check_layer
from seqlab.text import shift_targets

PAD, START, END = 0, 1, 2
V, T = 10, 6  # token ids 3..9


def reverse_task(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source (n, T), decoder input (n, T+1), decoder target (n, T+1)): the target
    is the source reversed; lengths 2..T, padded at the end."""
    rng = np.random.default_rng(seed)
    source = np.zeros((n, T), dtype=np.int64)
    target = np.zeros((n, T), dtype=np.int64)
    for i, length in enumerate(rng.integers(2, T + 1, n)):
        tokens = rng.integers(3, V, length)
        source[i, :length] = tokens
        target[i, :length] = tokens[::-1]
    decoder_input, decoder_target = shift_targets(target, START, END)
    return source, decoder_input, decoder_target


def encoder_decoder(cell: str, units: int = 32, embed: int = 16, source_steps: int = T
                    ) -> Model:
    rnn = {"lstm": LSTM, "gru": GRU}[cell]
    source = Input((source_steps,), dtype="int64", name="source")
    decoder_input = Input((T + 1,), dtype="int64", name="decoder_input")
    encoded = rnn(units, return_sequences=True, return_state=True, name="encoder")(
        Embedding(V, embed, mask_zero=True, name="source_embedding")(source))
    encoder_seq, states = encoded[0], encoded[1:]
    decoder_seq = rnn(units, return_sequences=True, name="decoder")(
        Embedding(V, embed, mask_zero=True, name="target_embedding")(decoder_input),
        initial_state=states)
    context = Attention(name="attention")([decoder_seq, encoder_seq])
    merged = Concatenate(name="merge")([decoder_seq, context])
    probs = Dense(V, activation="softmax", name="next_token")(merged)
    return Model([source, decoder_input], probs)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_learns_to_reverse(cell, tmp_path):
    seqlab.set_random_seed(0)
    model = encoder_decoder(cell)
    model.compile(optimizer=seqlab.optim.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    source, decoder_input, decoder_target = reverse_task(800, seed=1)
    held_out = reverse_task(200, seed=2)
    before = model.evaluate(list(held_out[:2]), held_out[2], verbose=0, return_dict=True)
    assert before["accuracy"] < 0.3  # 8 choices per real step (7 tokens and the end)
    model.fit([source, decoder_input], decoder_target, epochs=15, batch_size=32, verbose=0)
    after = model.evaluate(list(held_out[:2]), held_out[2], verbose=0, return_dict=True)
    assert after["accuracy"] > 0.9, after
    # the trained graph (initial_state, masks, attention) survives a save and a load
    model.save(tmp_path / "reverse.seqlab")
    loaded = load_model(tmp_path / "reverse.seqlab")
    np.testing.assert_array_equal(loaded.predict(list(held_out[:2])),
                                  model.predict(list(held_out[:2])))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_gradients_of_the_whole_graph_float64(cell):
    """Every weight's gradient — through the attention, the masks and the
    encoder states handed to the decoder — against finite differences."""
    with use_floatx("float64"):
        seqlab.set_random_seed(1)
        model = encoder_decoder(cell, units=3, embed=2)
    source, decoder_input, _ = reverse_task(2, seed=3)
    grads = check_layer(model, [source, decoder_input], check_inputs=False)
    encoder_kernel = next(name for name in grads if name.startswith("encoder/"))
    assert np.any(grads[encoder_kernel] != 0)  # the encoder is trained through the decoder


def test_padding_in_the_source_does_not_change_the_output():
    seqlab.set_random_seed(2)
    model = encoder_decoder("gru", units=4, embed=3)
    source, decoder_input, _ = reverse_task(4, seed=4)
    out = model.predict([source, decoder_input])
    wider = encoder_decoder("gru", units=4, embed=3, source_steps=T + 3)
    wider.set_weights(model.get_weights())
    longer = np.concatenate([source, np.zeros((4, 3), dtype=np.int64)], axis=1)
    np.testing.assert_allclose(wider.predict([longer, decoder_input]), out, rtol=1e-5,
                               atol=1e-6)
