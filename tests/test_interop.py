"""seqlab.interop without torch: layouts checked by running both frameworks'
equations in NumPy on the two layouts of the same weights."""

import subprocess
import sys

import numpy as np
import pytest

from seqlab import interop


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _rnn_state(gates, D=3, H=4, seed=0, sfx="_l0", bias=True):
    rng = np.random.default_rng(seed)
    state = {f"weight_ih{sfx}": rng.standard_normal((gates * H, D)),
             f"weight_hh{sfx}": rng.standard_normal((gates * H, H))}
    if bias:
        state[f"bias_ih{sfx}"] = rng.standard_normal(gates * H)
        state[f"bias_hh{sfx}"] = rng.standard_normal(gates * H)
    return state


def _xh(D=3, H=4, B=2, seed=5):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((B, D)), rng.standard_normal((B, H))


# ---------------------------------------------------------------- one step each side
def torch_gru_step(s, x, h, sfx="_l0"):
    gi = x @ s[f"weight_ih{sfx}"].T + s[f"bias_ih{sfx}"]
    gh = h @ s[f"weight_hh{sfx}"].T + s[f"bias_hh{sfx}"]
    H = h.shape[1]
    r = sigmoid(gi[:, :H] + gh[:, :H])
    z = sigmoid(gi[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gi[:, 2 * H:] + r * gh[:, 2 * H:])
    return (1 - z) * n + z * h


def keras_gru_step(kernel, rec, bias, x, h):
    H = h.shape[1]
    xw = x @ kernel + bias[0]
    hu = h @ rec + bias[1]
    z = sigmoid(xw[:, :H] + hu[:, :H])
    r = sigmoid(xw[:, H:2 * H] + hu[:, H:2 * H])
    hh = np.tanh(xw[:, 2 * H:] + r * hu[:, 2 * H:])
    return z * h + (1 - z) * hh


def torch_lstm_step(s, x, h, c):
    g = x @ s["weight_ih_l0"].T + s["bias_ih_l0"] + h @ s["weight_hh_l0"].T + s["bias_hh_l0"]
    i, f, gg, o = np.split(g, 4, axis=1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(gg)
    return sigmoid(o) * np.tanh(c), c


def keras_lstm_step(kernel, rec, bias, x, h, c):
    g = x @ kernel + h @ rec + bias
    i, f, cc, o = np.split(g, 4, axis=1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(cc)
    return sigmoid(o) * np.tanh(c), c


def test_gru_conversion_gives_the_same_step():
    s = _rnn_state(3)
    x, h = _xh()
    kernel, rec, bias = interop.from_torch_gru(s)
    assert kernel.shape == (3, 12) and rec.shape == (4, 12) and bias.shape == (2, 12)
    np.testing.assert_allclose(keras_gru_step(kernel, rec, bias, x, h), torch_gru_step(s, x, h),
                               rtol=1e-13)


def test_lstm_conversion_gives_the_same_step():
    s = _rnn_state(4)
    x, h = _xh()
    c = np.random.default_rng(9).standard_normal(h.shape)
    kernel, rec, bias = interop.from_torch_lstm(s)
    for a, b in zip(keras_lstm_step(kernel, rec, bias, x, h, c), torch_lstm_step(s, x, h, c)):
        np.testing.assert_allclose(a, b, rtol=1e-13)


def test_simple_rnn_conversion_gives_the_same_step():
    s = _rnn_state(1)
    x, h = _xh()
    kernel, rec, bias = interop.from_torch_rnn(s)
    want = np.tanh(x @ s["weight_ih_l0"].T + s["bias_ih_l0"] + h @ s["weight_hh_l0"].T
                   + s["bias_hh_l0"])
    np.testing.assert_allclose(np.tanh(x @ kernel + h @ rec + bias), want, rtol=1e-13)


@pytest.mark.parametrize("gates, from_fn, to_fn", [
    (1, interop.from_torch_rnn, interop.to_torch_rnn),
    (4, interop.from_torch_lstm, interop.to_torch_lstm),
    (3, interop.from_torch_gru, interop.to_torch_gru),
])
def test_recurrent_roundtrip_preserves_the_function(gates, from_fn, to_fn):
    s = _rnn_state(gates, sfx="_l1_reverse")
    weights = from_fn(s, layer_index=1, direction="reverse")
    back = to_fn(weights, layer_index=1, direction="reverse")
    assert set(back) == set(s)
    for k in ("weight_ih_l1_reverse", "weight_hh_l1_reverse"):
        np.testing.assert_array_equal(back[k], s[k])
    if gates == 3:  # GRU keeps both biases
        np.testing.assert_array_equal(back["bias_ih_l1_reverse"], s["bias_ih_l1_reverse"])
        np.testing.assert_array_equal(back["bias_hh_l1_reverse"], s["bias_hh_l1_reverse"])
    else:  # the sum is what matters; bias_hh comes back as zero
        np.testing.assert_allclose(back["bias_ih_l1_reverse"] + back["bias_hh_l1_reverse"],
                                   s["bias_ih_l1_reverse"] + s["bias_hh_l1_reverse"])
        assert not back["bias_hh_l1_reverse"].any()


def test_cells_and_prefix_and_missing_bias():
    cell = {f"rnn.{k}": v for k, v in _rnn_state(3, sfx="").items()}
    for got, want in zip(interop.from_torch_gru(cell, prefix="rnn."),
                         interop.from_torch_gru(_rnn_state(3))):
        np.testing.assert_array_equal(got, want)
    no_bias = interop.from_torch_lstm(_rnn_state(4, bias=False))
    assert len(no_bias) == 2
    with pytest.raises(ValueError, match="one layer and one direction"):
        interop.from_torch_gru(_rnn_state(3, sfx=""), layer_index=1)


def test_dense_embedding_conv_layouts():
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((5, 3)), rng.standard_normal(5)
    x = rng.standard_normal((2, 3))
    kernel, bias = interop.from_torch_linear({"weight": W, "bias": b})
    np.testing.assert_allclose(x @ kernel + bias, x @ W.T + b)
    back = interop.to_torch_linear([kernel, bias])
    np.testing.assert_array_equal(back["weight"], W)
    assert interop.from_torch_linear({"weight": W})[0].shape == (3, 5)

    E = rng.standard_normal((7, 2))
    np.testing.assert_array_equal(interop.from_torch_embedding({"weight": E})[0], E)
    np.testing.assert_array_equal(interop.to_torch_embedding([E])["weight"], E)

    Wc, bc = rng.standard_normal((4, 3, 2)), rng.standard_normal(4)  # (F, D, K)
    kc, _ = interop.from_torch_conv1d({"weight": Wc, "bias": bc})
    assert kc.shape == (2, 3, 4)
    xs = rng.standard_normal((5, 3))  # (T, D)
    torch_y = np.stack([np.einsum("fdk,kd->f", Wc, xs[t:t + 2]) for t in range(4)]) + bc
    keras_y = np.stack([np.einsum("kdf,kd->f", kc, xs[t:t + 2]) for t in range(4)]) + bc
    np.testing.assert_allclose(keras_y, torch_y)
    np.testing.assert_array_equal(interop.to_torch_conv1d([kc, bc])["weight"], Wc)


@pytest.mark.parametrize("call, match", [
    (lambda: interop.from_torch_gru(_rnn_state(3), reset_after=False), "reset gate before"),
    (lambda: interop.to_torch_gru([np.zeros((3, 12)), np.zeros((4, 12)), np.zeros(12)]),
     "reset_after=False"),
    (lambda: interop.from_torch_lstm(_rnn_state(4), layer_index=1), "available"),
    (lambda: interop.from_torch_lstm(_rnn_state(4), direction="backward"), "direction"),
    (lambda: interop.from_torch_lstm(_rnn_state(3)), r"weight_hh_l0 should have shape \(4·H"),
    (lambda: interop.from_torch_lstm({**_rnn_state(4), "weight_hr_l0": np.zeros((2, 4))}),
     "proj_size"),
    (lambda: interop.from_torch_linear([1, 2]), "state_dict"),
    (lambda: interop.to_torch_linear(np.zeros((3, 2))), "list of weight arrays"),
    (lambda: interop.to_torch_rnn([np.zeros((3, 4)), np.zeros((4, 5))]), "recurrent_kernel"),
])
def test_clear_errors(call, match):
    with pytest.raises((ValueError, TypeError, KeyError), match=match):
        call()


class LSTM:
    """A stand-in with the name and state_dict() of torch.nn.LSTM (arrays, no torch)."""

    bidirectional = False

    def __init__(self, state):
        self._state = state

    def state_dict(self):
        return dict(self._state)


def test_load_torch_weights_builds_and_fills_a_seqlab_layer():
    layers = pytest.importorskip("seqlab.layers.rnn_cells")
    s = _rnn_state(4)
    layer = layers.LSTM(4, dtype="float64")
    interop.load_torch_weights(layer, LSTM(s))
    for got, want in zip(layer.get_weights(), interop.from_torch_lstm(s)):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(TypeError, match="pairs with torch"):
        interop.load_torch_weights(layers.GRU(4), LSTM(s))
    with pytest.raises(ValueError, match="hard_sigmoid"):
        interop.load_torch_weights(layers.LSTM(4, recurrent_activation="hard_sigmoid"), LSTM(s))


def test_import_does_not_import_torch():
    code = ("import sys, seqlab.interop, seqlab.optim; "
            "sys.exit(1 if 'torch' in sys.modules else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
