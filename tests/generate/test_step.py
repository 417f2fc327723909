"""A decoder step equals the full-sequence forward at every position."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.generate import NotSteppableError, Stepper, split_model
from seqlab.layers import LSTM, Bidirectional, Dense, Embedding
from seqlab.models import Sequential
from tests.generate.conftest import encoder_decoder, language_model

TOL = {"rtol": 1e-5, "atol": 1e-6}


def _layer_and_input(cell, seed=0):
    rng = np.random.default_rng(seed)
    layer = cell(5, return_sequences=True)
    x = rng.normal(size=(3, 7, 4)).astype("float32")
    layer(x)  # build
    for p in layer.weights:  # non-zero biases, so every term of the step is exercised
        p.assign(rng.normal(0, 0.5, p.shape).astype(p.value.dtype))
    return layer, x


def test_one_step_at_a_time_equals_the_full_forward(cell):
    layer, x = _layer_and_input(cell)
    full = layer(x)
    states = None
    for t in range(x.shape[1]):
        out, states = layer.step(x[:, t:t + 1], states)
        np.testing.assert_allclose(out[:, 0], full[:, t], **TOL)
    assert len(states) == len(layer.state_names)


def test_pieces_from_given_states_equal_one_call(cell):
    layer, x = _layer_and_input(cell, seed=1)
    rng = np.random.default_rng(2)
    initial = [rng.normal(size=(3, 5)).astype("float32") for _ in layer.state_names]
    full = layer(x, initial_state=initial)
    states, outs = initial, []
    for start, stop in [(0, 2), (2, 3), (3, 7)]:
        out, states = layer.step(x[:, start:stop], states)
        outs.append(out)
    np.testing.assert_allclose(np.concatenate(outs, axis=1), full, **TOL)


def test_a_masked_step_carries_the_states(cell):
    layer, x = _layer_and_input(cell, seed=3)
    mask = np.ones((3, 7), dtype=bool)
    mask[0, 2] = mask[1, 4:] = False
    full = layer(x, mask=mask)
    states = None
    for t in range(7):
        out, states = layer.step(x[:, t:t + 1], states, mask[:, t:t + 1])
        np.testing.assert_allclose(out[:, 0], full[:, t], **TOL)


def test_step_leaves_a_stateful_layer_alone():
    layer = LSTM(4, return_sequences=True, stateful=True)
    x = np.ones((2, 3, 3), dtype="float32")
    layer(x)
    kept = [s.copy() for s in layer.states]
    layer.step(x[:, :1])
    for s, k in zip(layer.states, kept):
        np.testing.assert_array_equal(s, k)


def test_step_refuses_go_backwards_and_unbuilt_layers():
    with pytest.raises(RuntimeError, match="built"):
        LSTM(3).step(np.zeros((1, 1, 2)))
    layer = LSTM(3, go_backwards=True)
    layer(np.zeros((1, 2, 2), dtype="float32"))
    with pytest.raises(ValueError, match="go_backwards"):
        layer.step(np.zeros((1, 1, 2)))


def _log_softmax(z):
    z = z.astype(np.float64)
    return z - z.max(-1, keepdims=True) - np.log(np.exp(z - z.max(-1, keepdims=True))
                                                   .sum(-1, keepdims=True))


@pytest.mark.parametrize("layers", [1, 2])
def test_stepper_on_a_stacked_language_model_equals_its_forward(cell, layers):
    model = language_model(cell=cell, layers=layers, seed=4)
    ids = np.random.default_rng(5).integers(0, 7, size=(4, 9))
    expected = np.log(np.asarray(model.predict(ids), dtype=np.float64))
    stepper = Stepper(split_model(model))
    stepper.start([], 4)
    for t in range(9):
        logits = stepper.advance(ids[:, t:t + 1])
        np.testing.assert_allclose(_log_softmax(logits[:, 0]), expected[:, t], atol=1e-5)


def test_stepper_on_an_encoder_decoder_equals_its_forward():
    model = encoder_decoder(seed=6)
    rng = np.random.default_rng(7)
    source, target = rng.integers(0, 7, size=(3, 5)), rng.integers(0, 7, size=(3, 6))
    expected = np.log(np.asarray(model.predict([source, target]), dtype=np.float64))
    stepper = Stepper(split_model(model))
    stepper.start([source], 3)
    got = [stepper.advance(target[:, :2]), stepper.advance(target[:, 2:3]),
           stepper.advance(target[:, 3:])]
    np.testing.assert_allclose(_log_softmax(np.concatenate(got, axis=1)), expected, atol=1e-5)


def test_select_reorders_and_repeats_the_carried_rows():
    model = encoder_decoder(seed=8)
    rng = np.random.default_rng(9)
    source, target = rng.integers(0, 7, size=(3, 5)), rng.integers(0, 7, size=(3, 4))
    stepper = Stepper(split_model(model))
    stepper.start([source], 3)
    stepper.advance(target[:, :2])
    stepper.select([2, 0, 0])
    got = stepper.advance(target[[2, 0, 0], 2:])
    expected = np.log(np.asarray(model.predict([source[[2, 0, 0]], target[[2, 0, 0]]]),
                                 dtype=np.float64))[:, 2:]
    np.testing.assert_allclose(_log_softmax(got), expected, atol=1e-5)


def test_layers_that_mix_time_steps_are_refused_in_the_decoder():
    model = Sequential([Embedding(5, 4), Bidirectional(LSTM(3, return_sequences=True)),
                        Dense(5, activation="softmax")])
    model.build((None, None))
    with pytest.raises(NotSteppableError, match="both ends"):
        split_model(model)
    last_only = Sequential([Embedding(5, 4), LSTM(3), Dense(5, activation="softmax")])
    last_only.build((None, None))
    with pytest.raises(NotSteppableError, match="return_sequences=False"):
        split_model(last_only)


def test_the_keras_one_hot_seq2seq_is_stepped_with_one_hot_tokens():
    # keras.io's character-level seq2seq: one-hot inputs (steps, tokens), no Embedding
    import seqlab
    from seqlab.generate import Decoder
    from seqlab.layers import Input
    from seqlab.models import Model

    seqlab.set_random_seed(50)
    source, target = Input((None, 6), name="encoder_inputs"), Input((None, 5), name="decoder_inputs")
    _, h, c = LSTM(8, return_state=True)(source)
    seq = LSTM(8, return_sequences=True)(target, initial_state=[h, c])
    model = Model([source, target], Dense(5, activation="softmax")(seq))
    rng = np.random.default_rng(51)
    sources = np.eye(6, dtype="float32")[rng.integers(0, 6, size=(2, 4))]  # (2, 4, 6)
    decoder = Decoder(model, start_token=0, end_token=4)
    found = decoder.greedy(sources, max_length=6)
    for one_hot_source, h in zip(sources, found):
        fed = np.eye(5, dtype="float32")[[0, *h.tokens[:-1]]][None]
        probs = model.predict([one_hot_source[None], fed])[0]
        assert list(probs.argmax(axis=1)) == list(h.tokens)


def test_concatenate_steps_along_the_features_only():
    from seqlab.generate.step_rules import POSITIONWISE, step_kind
    from seqlab.layers import Concatenate

    assert step_kind(Concatenate()) == POSITIONWISE
    with pytest.raises(NotSteppableError, match="along axis 1"):
        step_kind(Concatenate(axis=1))
