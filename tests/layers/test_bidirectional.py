"""Bidirectional: merge modes, time order, states, masks, gradients, config."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlab.layers.base import deserialize, serialize
from seqlab.layers.bidirectional import Bidirectional
from seqlab.layers.rnn_cells import GRU, LSTM, SimpleRNN
from seqlab.layers.symbolic import Input
from seqlab.testing.gradcheck import check_layer

B, T, D, H = 2, 4, 3, 2
MODES = ["concat", "sum", "ave", "mul", None]
MASK = np.array([[True, True, True, False], [False, True, True, True]])


def x_data(seed=0, shape=(B, T, D)):
    return np.random.default_rng(seed).standard_normal(shape)


def make(inner, merge_mode="concat", seed=1, **kw):
    layer = Bidirectional(inner, merge_mode=merge_mode, seed=seed, **kw)
    layer.build((None, T, D))
    rng = np.random.default_rng(seed + 50)
    layer.set_weights([rng.standard_normal(w.shape) * 0.5 for w in layer.get_weights()])
    return layer


@pytest.mark.parametrize("merge_mode", MODES)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_gradients_every_merge_mode(merge_mode, return_sequences):
    layer = make(LSTM(H, dtype="float64", return_sequences=return_sequences), merge_mode)
    check_layer(layer, x_data(), mask=MASK)


@pytest.mark.parametrize("merge_mode", MODES)
def test_gradients_with_return_state_and_initial_state(merge_mode):
    layer = make(GRU(H, dtype="float64", return_sequences=True, return_state=True), merge_mode)
    rng = np.random.default_rng(2)
    states = [rng.standard_normal((B, H)) for _ in range(2)]
    grads = check_layer(layer, [x_data(), *states])
    assert grads["input[2]"].shape == (B, H)


def test_gradients_with_dropout_drawn_from_the_wrapper_seed():
    layer = make(SimpleRNN(H, dtype="float64", dropout=0.3, recurrent_dropout=0.3,
                           return_sequences=True), "sum")
    check_layer(layer, x_data(), training=True)


@pytest.mark.parametrize("merge_mode", MODES)
def test_outputs_are_the_two_directions_merged_in_time_order(merge_mode):
    layer = make(SimpleRNN(H, dtype="float64", return_sequences=True), merge_mode)
    x = x_data()
    y_f = layer.forward_layer(x)
    y_b = layer.backward_layer(x)[:, ::-1]  # processing order -> time order
    expected = {"concat": np.concatenate([y_f, y_b], -1), "sum": y_f + y_b,
                "ave": (y_f + y_b) / 2, "mul": y_f * y_b, None: [y_f, y_b]}[merge_mode]
    out = layer(x)
    if merge_mode is None:
        for a, b in zip(out, expected):
            np.testing.assert_allclose(a, b, rtol=1e-12)
    else:
        np.testing.assert_allclose(out, expected, rtol=1e-12)
    assert layer.compute_output_shape((None, T, D)) == (
        [(None, T, H)] * 2 if merge_mode is None else
        (None, T, 2 * H if merge_mode == "concat" else H))


def test_backward_direction_reads_the_sequence_reversed():
    layer = make(GRU(H, dtype="float64"), None)
    x = x_data()
    plain = GRU(H, dtype="float64")
    plain.build((None, T, D))
    plain.set_weights(layer.backward_layer.get_weights())
    np.testing.assert_allclose(layer(x)[1], plain(x[:, ::-1]), rtol=1e-12)


def test_return_state_order_and_shapes():
    layer = make(LSTM(H, dtype="float64", return_state=True), "concat")
    out, hf, cf, hb, cb = layer(x_data())
    assert out.shape == (B, 2 * H)
    np.testing.assert_array_equal(out[:, :H], hf)
    np.testing.assert_array_equal(out[:, H:], hb)
    _, h_f, c_f = layer.forward_layer(x_data())  # the forward copy's own (h, c)
    np.testing.assert_array_equal(cf, c_f)
    np.testing.assert_array_equal(hf, h_f)
    assert cb.shape == (B, H) and not np.allclose(cb, cf)
    assert layer.compute_output_shape((None, T, D)) == [(None, 2 * H)] + [(None, H)] * 4
    none = make(LSTM(H, dtype="float64", return_state=True), None)
    assert len(none(x_data())) == 6
    assert none.compute_mask(x_data(), MASK) == [None] * 6


def test_names_weights_and_copies():
    inner = LSTM(H, name="enc")
    layer = Bidirectional(inner)
    assert layer.forward_layer.name == "forward_enc"
    assert layer.backward_layer.name == "backward_enc"
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards
    layer.build((None, T, D))
    names = [p.name for p in layer.weights]
    assert names[:3] == ["forward_enc/kernel", "forward_enc/recurrent_kernel", "forward_enc/bias"]
    assert names[3:] == [n.replace("forward_", "backward_") for n in names[:3]]
    assert layer.count_params() == 2 * 4 * H * (D + H + 1)
    f, b = layer.get_weights()[:3], layer.get_weights()[3:]
    assert not np.array_equal(f[0], b[0])


def test_masks_reach_both_directions_and_zero_the_padded_outputs():
    layer = make(LSTM(H, dtype="float64", return_sequences=True), None)
    y_f, y_b = layer(x_data(), mask=MASK)
    assert np.all(y_f[~MASK] == 0) and np.all(y_b[~MASK] == 0)
    assert layer.compute_mask(x_data(), MASK) == [MASK, MASK]
    single = make(LSTM(H, dtype="float64"), "concat")
    assert single.compute_mask(x_data(), MASK) is None


def test_custom_backward_layer():
    fwd = GRU(H, return_sequences=True)
    bwd = GRU(3, return_sequences=True, go_backwards=True, activation="relu")
    layer = Bidirectional(fwd, backward_layer=bwd)
    assert layer(x_data()).shape == (B, T, H + 3)
    clone = deserialize(json.loads(json.dumps(serialize(layer))))
    assert clone.backward_layer.units == 3 and clone.backward_layer.activation == "relu"


def test_config_round_trip():
    layer = Bidirectional(LSTM(H, return_sequences=True, recurrent_dropout=0.2, seed=4),
                          merge_mode="ave", name="bi")
    cfg = layer.get_config()
    clone = deserialize(json.loads(json.dumps(serialize(layer))))
    assert clone.get_config() == cfg
    assert clone.forward_layer.name == "forward_" + layer.forward_layer.name.removeprefix(
        "forward_")
    for obj in (layer, clone):
        obj.build((None, T, D))
    for a, b in zip(layer.get_weights(), clone.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_stateful_and_reset_states():
    layer = Bidirectional(SimpleRNN(H, stateful=True, dtype="float64", seed=1))
    x = x_data()
    first = layer(x)
    assert not np.allclose(layer(x), first)
    layer.reset_states()
    np.testing.assert_allclose(layer(x), first, rtol=1e-12)


def test_symbolic_call_shapes():
    out = Bidirectional(GRU(H, return_sequences=True))(Input((None, D)))
    assert out.shape == (None, None, 2 * H)


def test_errors():
    with pytest.raises(ValueError, match=r"merge_mode must be one of \['concat', 'sum', 'ave', "
                                         r"'mul', None\], got 'max'"):
        Bidirectional(LSTM(H), merge_mode="max")
    with pytest.raises(TypeError, match="layer must be a recurrent layer"):
        Bidirectional(object())
    with pytest.raises(ValueError, match="different go_backwards"):
        Bidirectional(LSTM(H), backward_layer=LSTM(H))
    with pytest.raises(ValueError, match="same return_sequences"):
        Bidirectional(LSTM(H), backward_layer=LSTM(H, go_backwards=True, return_sequences=True))
    layer = Bidirectional(LSTM(H))
    with pytest.raises(ValueError, match=r"initial_state must hold 4 arrays"):
        layer(x_data(), initial_state=[np.zeros((B, H))] * 2)
    fresh = Bidirectional(LSTM(H))
    fresh.build((None, T, D))
    with pytest.raises(RuntimeError, match="needs a forward call first"):
        fresh.backward(np.zeros((B, 2 * H)))
