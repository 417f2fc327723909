"""SimpleRNN / LSTM / GRU behaviour: shapes, Keras semantics, states, dropout,
config round trip, kernel dispatch and clear errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlab.config import use_kernels
from seqlab.functional import recurrent as R
from seqlab.layers.base import deserialize, serialize
from seqlab.layers.rnn_cells import GRU, LSTM, SimpleRNN
from seqlab.layers.symbolic import Input

B, T, D, H = 2, 4, 3, 2


def x_data(seed=0, shape=(B, T, D)):
    return np.random.default_rng(seed).standard_normal(shape)


ALL = [lambda **kw: SimpleRNN(H, **kw), lambda **kw: LSTM(H, **kw),
       lambda **kw: GRU(H, **kw), lambda **kw: GRU(H, reset_after=False, **kw)]


# ------------------------------------------------------------------- shapes
@pytest.mark.parametrize("make", ALL)
def test_output_shapes_and_returned_states(make):
    layer = make(return_sequences=True, return_state=True, dtype="float64", seed=0)
    outs = layer(x_data())
    assert outs[0].shape == (B, T, H)
    assert len(outs) == 1 + len(layer.state_names)
    np.testing.assert_array_equal(outs[1], outs[0][:, -1])
    assert layer.compute_output_shape((None, T, D)) == [(None, T, H)] + [(None, H)] * (
        len(outs) - 1)
    assert make(dtype="float64", seed=0)(x_data()).shape == (B, H)


@pytest.mark.parametrize("layer,d,count", [
    (GRU(32), 14, 4608), (GRU(32, reset_after=False), 14, 4512),
    (SimpleRNN(32), 32, 2080), (LSTM(32), 32, 8320),
])
def test_parameter_counts_equal_keras(layer, d, count):
    layer.build((None, None, d))
    assert layer.count_params() == count


def test_weight_layouts():
    lstm, gru = LSTM(H), GRU(H)
    lstm.build((None, T, D))
    gru.build((None, T, D))
    assert [w.shape for w in lstm.get_weights()] == [(D, 4 * H), (H, 4 * H), (4 * H,)]
    assert [w.shape for w in gru.get_weights()] == [(D, 3 * H), (H, 3 * H), (2, 3 * H)]


def test_unit_forget_bias_starts_the_forget_gate_at_one():
    layer = LSTM(3)
    layer.build((None, T, D))
    np.testing.assert_array_equal(layer.bias.value, [0, 0, 0, 1, 1, 1] + [0] * 6)
    off = LSTM(3, unit_forget_bias=False)
    off.build((None, T, D))
    assert np.all(off.bias.value == 0)


def test_float32_by_default_and_float64_end_to_end():
    out = LSTM(H, seed=0)(x_data())
    assert out.dtype == np.float32
    layer = LSTM(H, seed=0, dtype="float64", return_sequences=True)
    assert layer(x_data()).dtype == np.float64
    assert layer.backward(np.ones((B, T, H))).dtype == np.float64
    assert layer.kernel.grad.dtype == np.float64


# -------------------------------------------------------------- semantics
def test_simple_rnn_is_the_talks_formula():
    """O = tanh(S·U + X·W + B) with O the next state S."""
    layer = SimpleRNN(H, dtype="float64", seed=0, return_sequences=True)
    x = x_data()
    out = layer(x)
    W, U, b = layer.get_weights()
    s = np.zeros((B, H))
    for t in range(T):
        s = np.tanh(s @ U + x[:, t] @ W + b)
        np.testing.assert_allclose(out[:, t], s, rtol=1e-12)


@pytest.mark.parametrize("make", ALL)
def test_go_backwards_reads_the_reversed_sequence(make):
    fwd = make(return_sequences=True, dtype="float64", seed=1)
    bwd = make(return_sequences=True, go_backwards=True, dtype="float64", seed=1)
    x = x_data()
    # outputs stay in processing order (Keras), i.e. reversed time
    np.testing.assert_allclose(bwd(x), fwd(x[:, ::-1]), rtol=1e-12)


@pytest.mark.parametrize("make", ALL)
def test_dropout_is_identity_when_not_training(make):
    a = make(dropout=0.5, recurrent_dropout=0.5, dtype="float64", seed=2)
    b = make(dtype="float64", seed=2)
    x = x_data()
    np.testing.assert_allclose(a(x), b(x), rtol=1e-12)


def test_input_dropout_uses_one_mask_per_sequence():
    layer = GRU(H, dropout=0.5, dtype="float64", seed=3, return_sequences=True)
    plain = GRU(H, dtype="float64", seed=3, return_sequences=True)
    x = x_data(shape=(64, T, D))
    out = layer(x, training=True)
    m = layer._cache["dropout_mask"]
    assert m.shape == (64, D)
    assert set(np.unique(m)) <= {0.0, 2.0}
    assert 0.3 < np.mean(m == 0) < 0.7
    np.testing.assert_allclose(out, plain(x * m[:, None, :]), rtol=1e-12)


def test_recurrent_dropout_mask_is_the_same_at_every_step():
    layer = LSTM(H, recurrent_dropout=0.5, dtype="float64", seed=3, return_sequences=True)
    x = x_data()
    out = layer(x, training=True)
    m = layer._cache["recurrent_dropout_mask"]
    assert m.shape == (B, H)
    W, U, b = layer.get_weights()
    xw = np.swapaxes(x @ W + b, 0, 1)  # (B, T, 4H) -> (T, B, 4H)
    zeros = np.zeros((B, H))
    hs, _, _ = R.lstm_forward(xw, U, zeros, zeros, None, m, "tanh", "sigmoid")
    np.testing.assert_allclose(out, np.swapaxes(hs, 0, 1), rtol=1e-12)


def test_dropout_masks_come_from_the_seed():
    x = x_data(shape=(8, T, D))
    a = SimpleRNN(H, dropout=0.5, recurrent_dropout=0.5, seed=7, dtype="float64")
    b = SimpleRNN(H, dropout=0.5, recurrent_dropout=0.5, seed=7, dtype="float64")
    np.testing.assert_array_equal(a(x, training=True), b(x, training=True))
    first = a._cache["dropout_mask"].copy()
    a(x, training=True)
    assert not np.array_equal(first, a._cache["dropout_mask"])  # a new mask per call


# ------------------------------------------------------------------ states
def test_stateful_carries_states_between_batches():
    x = x_data(shape=(B, 6, D))
    whole = LSTM(H, dtype="float64", seed=4, return_sequences=True)
    parts = LSTM(H, dtype="float64", seed=4, return_sequences=True, stateful=True)
    expected = whole(x)
    got = np.concatenate([parts(x[:, :3]), parts(x[:, 3:])], axis=1)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    parts.reset_states()
    np.testing.assert_allclose(parts(x[:, :3]), expected[:, :3], rtol=1e-12)


def test_stateful_rejects_a_changed_batch_size():
    layer = GRU(H, stateful=True)
    layer(x_data())
    with pytest.raises(ValueError, match=r"stateful=True keeps states for batch size 2.*got a "
                                         r"batch of 3.*reset_states"):
        layer(x_data(shape=(3, T, D)))
    layer.reset_states()
    assert layer(x_data(shape=(3, T, D))).shape == (3, H)


def test_initial_state_keyword_equals_list_input():
    layer = LSTM(H, dtype="float64", seed=5)
    h0, c0 = x_data(1, (B, H)), x_data(2, (B, H))
    a = layer(x_data(), initial_state=[h0, c0])
    assert isinstance(layer.backward(np.ones((B, H))), list)
    b = layer([x_data(), h0, c0])
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, layer(x_data()))


def test_symbolic_graph_records_merged_initial_states():
    enc_in, dec_in = Input((None, D)), Input((None, D))
    encoder = LSTM(H, return_state=True)
    _, h, c = encoder(enc_in)
    assert h.shape == (None, H) and c.shape == (None, H)
    decoder = LSTM(H, return_sequences=True)
    out = decoder(dec_in, initial_state=[h, c])
    assert out.shape == (None, None, H)
    assert out.node.inputs == [dec_in, h, c]
    assert decoder.kernel.shape == (D, 4 * H)


# ------------------------------------------------------------------ config
@pytest.mark.parametrize("layer", [
    SimpleRNN(3, activation="relu", dropout=0.1, return_sequences=True, seed=1),
    LSTM(3, recurrent_activation="hard_sigmoid", unit_forget_bias=False, go_backwards=True,
         return_state=True, recurrent_dropout=0.2, seed=2),
    GRU(3, reset_after=False, use_bias=False, stateful=True, kernel_initializer="he_uniform",
        seed=3),
])
def test_config_round_trip(layer):
    cfg = layer.get_config()
    json.dumps(cfg)
    clone = deserialize(json.loads(json.dumps(serialize(layer))))
    assert type(clone) is type(layer) and clone.get_config() == cfg
    for obj in (layer, clone):
        obj.build((None, T, D))
    for a, b in zip(layer.get_weights(), clone.get_weights()):
        np.testing.assert_array_equal(a, b)  # same seed, same weights


# ---------------------------------------------------------------- dispatch
def test_the_configured_kernels_run_and_backward_uses_the_forward_ones(monkeypatch):
    import seqlab.kernels as K
    calls = []
    entry = K.KERNELS["simple_rnn_forward"]

    def fast_forward(*args):
        calls.append("fast")
        return entry.fast(*args)

    def reference_forward(*args):
        calls.append("reference")
        return entry.reference(*args)

    monkeypatch.setitem(K.KERNELS, "simple_rnn_forward",
                        K.Kernel(entry.equation, reference_forward, fast_forward))
    layer = SimpleRNN(H, dtype="float64", seed=1)
    with use_kernels("numba"):
        out = layer(x_data())
    with use_kernels("numpy"):  # the backward of the numba forward, whatever is set now
        assert layer._cache["backward"] is K.KERNELS["simple_rnn_backward"].fast
        layer.backward(np.ones_like(out))
        layer(x_data())
        assert layer._cache["backward"] is R.simple_rnn_backward
    assert calls == ["fast", "reference"]


@pytest.mark.parametrize("make", ALL)
def test_numba_and_numpy_kernels_agree(make):
    mask = np.array([[True, True, False, True], [False, True, True, True]])
    results = []
    for name in ("numpy", "numba"):
        layer = make(return_sequences=True, recurrent_dropout=0.3, dtype="float64", seed=6)
        with use_kernels(name):
            out = layer(x_data(), training=True, mask=mask)
            dx = layer.backward(np.ones_like(out))
        results.append([out, dx, *[p.grad for p in layer.weights]])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ errors
def test_error_input_not_rank_3():
    with pytest.raises(ValueError, match=r"'lstm\w*' \(LSTM\): expected input of rank 3"):
        LSTM(H)(np.zeros((B, D)))


def test_error_feature_count_changed_after_build():
    layer = GRU(H)
    layer(x_data())
    with pytest.raises(ValueError, match=r"last dimension 3, got shape \(2, 4, 5\)"):
        layer(x_data(shape=(B, T, 5)))


def test_error_initial_state_count_and_shape():
    layer = LSTM(H)
    with pytest.raises(ValueError, match=r"initial_state must hold 2 array\(s\).*got 1"):
        layer(x_data(), initial_state=[np.zeros((B, H))])
    with pytest.raises(ValueError, match=r"initial state 'c' must have shape \(2, 2\), got "
                                         r"\(2, 3\)"):
        layer(x_data(), initial_state=[np.zeros((B, H)), np.zeros((B, 3))])
    with pytest.raises(TypeError, match="not both"):
        layer([x_data(), np.zeros((B, H))], initial_state=[np.zeros((B, H))])


@pytest.mark.parametrize(("rate", "error"), [(1.0, ValueError), (-0.1, ValueError),
                                             ("0.5", TypeError), (True, TypeError),
                                             (None, TypeError)])
def test_error_dropout_outside_range(rate, error):
    with pytest.raises(error, match=r"dropout must be a number in \[0, 1\)"):
        SimpleRNN(H, dropout=rate)
    with pytest.raises(error, match=r"recurrent_dropout must be a number in \[0, 1\)"):
        GRU(H, recurrent_dropout=rate)


def test_error_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"activation must be one of \['tanh', 'sigmoid', "
                                         r"'hard_sigmoid', 'relu', 'linear'\], got 'swish'"):
        LSTM(H, activation="swish")
    with pytest.raises(ValueError, match="recurrent_activation must be one of"):
        GRU(H, recurrent_activation="softmax")


@pytest.mark.parametrize("units", [0, -2, 2.5, "4", True])
def test_error_bad_units(units):
    with pytest.raises(ValueError, match="units must be a positive int"):
        SimpleRNN(units)


def test_error_mask_shape_mismatch():
    with pytest.raises(ValueError, match=r"mask must have shape \(batch, steps\) = \(2, 4\), "
                                         r"got \(2, 3\)"):
        SimpleRNN(H)(x_data(), mask=np.ones((B, 3), dtype=bool))


def test_error_backward_before_forward():
    layer = GRU(H)
    layer.build((None, T, D))
    with pytest.raises(RuntimeError, match="backward\\(\\) needs a forward call first"):
        layer.backward(np.zeros((B, H)))


def test_error_wrong_gradient_shapes():
    layer = LSTM(H, return_state=True)
    layer(x_data())
    with pytest.raises(ValueError, match=r"expected 3 gradient\(s\).*got 1"):
        layer.backward(np.zeros((B, H)))
    with pytest.raises(ValueError, match=r"gradient of the output must have shape \(2, 2\)"):
        layer.backward([np.zeros((B, T, H)), None, None])


def test_error_unknown_feature_dimension_in_a_graph():
    with pytest.raises(ValueError, match="feature dimension of the input must be known"):
        SimpleRNN(H)(Input((T, None)))
