"""The NumPy reference time loops: equations, masks, recurrent dropout, BPTT."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional import recurrent as R
from seqlab.testing.gradcheck import check_function

T, B, H = 4, 2, 3
ACTS = ("tanh", "sigmoid", "hard_sigmoid", "relu", "linear")


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _data(k: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    xw = rng.standard_normal((T, B, k * H))
    U = rng.standard_normal((H, k * H)) * 0.5
    h0 = rng.standard_normal((B, H)) * 0.5
    c0 = rng.standard_normal((B, H)) * 0.5
    return xw, U, h0, c0


STEP_MASK = np.array([[1, 1], [0, 1], [1, 0], [1, 1]], dtype=bool)  # (T, B)
REC_MASK = np.array([[2.0, 0.0, 2.0], [0.0, 2.0, 2.0]])  # (B, H), rate 0.5


def _flat_out(hs, *finals):
    """One output vector: every h_t, then the final states (to exercise dh_last / dc_last)."""
    return np.concatenate([hs.ravel(), *[f.ravel() for f in finals]])


def _split_dout(dout, n_finals):
    dhs = dout[: T * B * H].reshape(T, B, H)
    rest = dout[T * B * H:].reshape(n_finals, B, H)
    return dhs, list(rest)


# ----------------------------------------------------------------- equations
def test_simple_rnn_matches_the_equation_step_by_step():
    xw, U, h0, _ = _data(1)
    hs, cache = R.simple_rnn_forward(xw, U, h0, None, None, "tanh")
    h = h0
    for t in range(T):
        h = np.tanh(xw[t] + h @ U)
        np.testing.assert_allclose(hs[t], h, rtol=1e-12)
    assert cache.y.shape == (T, B, H)


def test_lstm_matches_the_equations_and_keeps_named_gates():
    xw, U, h0, c0 = _data(4)
    hs, cs, cache = R.lstm_forward(xw, U, h0, c0, None, None, "tanh", "sigmoid")
    h, c = h0, c0
    for t in range(T):
        a = xw[t] + h @ U
        i, f, g, o = _sig(a[:, :H]), _sig(a[:, H:2 * H]), np.tanh(a[:, 2 * H:3 * H]), \
            _sig(a[:, 3 * H:])
        c = f * c + i * g
        h = o * np.tanh(c)
        np.testing.assert_allclose(hs[t], h, rtol=1e-12)
        np.testing.assert_allclose(cs[t], c, rtol=1e-12)
        np.testing.assert_allclose(cache.f[t], f, rtol=1e-12)
    for key in ("i", "f", "g", "o", "c", "h"):
        assert getattr(cache, key).shape == (T, B, H)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_the_equations(reset_after):
    xw, U, h0, _ = _data(3)
    rb = np.random.default_rng(5).standard_normal(3 * H) if reset_after else None
    hs, cache = R.gru_forward(xw, U, rb, h0, None, None, "tanh", "sigmoid", reset_after)
    h = h0
    for t in range(T):
        xz, xr, xh = xw[t, :, :H], xw[t, :, H:2 * H], xw[t, :, 2 * H:]
        if reset_after:
            hu = h @ U + rb
            z, r = _sig(xz + hu[:, :H]), _sig(xr + hu[:, H:2 * H])
            ht = np.tanh(xh + r * hu[:, 2 * H:])
        else:
            z, r = _sig(xz + h @ U[:, :H]), _sig(xr + h @ U[:, H:2 * H])
            ht = np.tanh(xh + (r * h) @ U[:, 2 * H:])
        h = z * h + (1 - z) * ht
        np.testing.assert_allclose(hs[t], h, rtol=1e-12)
    assert all(getattr(cache, k).shape == (T, B, H) for k in ("z", "r", "h_tilde", "h"))


def test_masked_steps_carry_the_state():
    xw, U, h0, c0 = _data(4)
    hs, cs, _ = R.lstm_forward(xw, U, h0, c0, STEP_MASK, None, "tanh", "sigmoid")
    np.testing.assert_array_equal(hs[1, 0], hs[0, 0])  # row 0 skips step 1
    np.testing.assert_array_equal(cs[1, 0], cs[0, 0])
    np.testing.assert_array_equal(hs[2, 1], hs[1, 1])  # row 1 skips step 2
    assert not np.allclose(hs[1, 1], hs[0, 1])


def test_masked_step_gets_no_input_gradient():
    xw, U, h0, _ = _data(1)
    hs, cache = R.simple_rnn_forward(xw, U, h0, STEP_MASK, None, "tanh")
    dxw, _, _ = R.simple_rnn_backward(np.ones_like(hs), np.ones_like(h0), cache)
    assert np.all(dxw[1, 0] == 0) and np.all(dxw[2, 1] == 0)
    assert np.all(dxw[0, 0] != 0)


def test_recurrent_dropout_is_applied_to_the_recurrent_product_only():
    xw, U, h0, _ = _data(1)
    hs, _ = R.simple_rnn_forward(xw, U, h0, None, REC_MASK, "linear")
    h = h0
    for t in range(T):
        h = xw[t] + (h * REC_MASK) @ U
        np.testing.assert_allclose(hs[t], h, rtol=1e-12)


def test_gru_recurrent_dropout_keeps_the_carry_undropped():
    xw, U, h0, _ = _data(3)
    hs, cache = R.gru_forward(xw[:1], U, None, h0, None, REC_MASK, "tanh", "sigmoid", False)
    z, ht = cache.z[0], cache.h_tilde[0]
    np.testing.assert_allclose(hs[0], z * h0 + (1 - z) * ht, rtol=1e-12)
    r = cache.r[0]
    expected_ht = np.tanh(xw[0, :, 2 * H:] + (r * h0 * REC_MASK) @ U[:, 2 * H:])
    np.testing.assert_allclose(ht, expected_ht, rtol=1e-12)


def test_outputs_keep_the_input_dtype():
    xw, U, h0, c0 = (a.astype(np.float32) for a in _data(4))
    hs, cs, _ = R.lstm_forward(xw, U, h0, c0, None, None, "tanh", "sigmoid")
    assert hs.dtype == np.float32 and cs.dtype == np.float32


def test_rb_without_reset_after_is_an_error():
    xw, U, h0, _ = _data(3)
    with pytest.raises(ValueError, match="reset_after"):
        R.gru_forward(xw, U, np.zeros(3 * H), h0, None, None, "tanh", "sigmoid", False)


# ------------------------------------------------------------ gradient checks
MASKS = [(None, None), (STEP_MASK, None), (None, REC_MASK), (STEP_MASK, REC_MASK)]


@pytest.mark.parametrize("step_mask,rec_mask", MASKS)
@pytest.mark.parametrize("act", ACTS)
def test_simple_rnn_backward(act, step_mask, rec_mask):
    xw, U, h0, _ = _data(1, seed=3)

    def forward(xw, U, h0):
        hs, cache = R.simple_rnn_forward(xw, U, h0, step_mask, rec_mask, act)
        return _flat_out(hs, hs[-1]), cache

    def backward(dout, cache):
        dhs, (dh_last,) = _split_dout(dout, 1)
        return R.simple_rnn_backward(dhs, dh_last, cache)

    check_function(forward, backward, [xw, U, h0])


@pytest.mark.parametrize("step_mask,rec_mask", MASKS)
@pytest.mark.parametrize("act,rec_act", [("tanh", "sigmoid"), ("relu", "hard_sigmoid"),
                                         ("linear", "sigmoid")])
def test_lstm_backward(act, rec_act, step_mask, rec_mask):
    xw, U, h0, c0 = _data(4, seed=4)

    def forward(xw, U, h0, c0):
        hs, cs, cache = R.lstm_forward(xw, U, h0, c0, step_mask, rec_mask, act, rec_act)
        return _flat_out(hs, hs[-1], cs[-1]), cache

    def backward(dout, cache):
        dhs, (dh_last, dc_last) = _split_dout(dout, 2)
        return R.lstm_backward(dhs, dh_last, dc_last, cache)

    check_function(forward, backward, [xw, U, h0, c0])


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("step_mask,rec_mask", MASKS)
@pytest.mark.parametrize("act,rec_act", [("tanh", "sigmoid"), ("relu", "hard_sigmoid")])
def test_gru_backward(act, rec_act, step_mask, rec_mask, reset_after):
    xw, U, h0, _ = _data(3, seed=6)
    rb = np.random.default_rng(7).standard_normal(3 * H) * 0.3

    def forward(xw, U, rb, h0):
        hs, cache = R.gru_forward(xw, U, rb if reset_after else None, h0, step_mask, rec_mask,
                                  act, rec_act, reset_after)
        return _flat_out(hs, hs[-1]), cache

    def backward(dout, cache):
        dhs, (dh_last,) = _split_dout(dout, 1)
        dxw, dU, drb, dh0 = R.gru_backward(dhs, dh_last, cache)
        return dxw, dU, (drb if reset_after else np.zeros_like(rb)), dh0

    check_function(forward, backward, [xw, U, rb, h0])


def test_gru_without_recurrent_bias_returns_no_bias_gradient():
    xw, U, h0, _ = _data(3)
    hs, cache = R.gru_forward(xw, U, None, h0, None, None, "tanh", "sigmoid", True)
    assert R.gru_backward(np.ones_like(hs), np.zeros_like(h0), cache)[2] is None
