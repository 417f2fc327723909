"""seqlab.trace.record: what is recorded equals what the layers computed, the
per-step gradients add up to the layers' gradients, and bad requests fail clearly."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab import trace_hook as hook
from seqlab.layers import GRU, LSTM, Activation, Bidirectional, Dense, SimpleRNN
from seqlab.models import Sequential
from seqlab.trace import LayerRecord, TraceError, UnknownLayerError, record

CELLS = {
    "simple_rnn": lambda **kw: SimpleRNN(4, **kw),
    "lstm": lambda **kw: LSTM(4, **kw),
    "gru": lambda **kw: GRU(4, **kw),
    "gru_before": lambda **kw: GRU(4, reset_after=False, **kw),
}


def _x(B: int = 3, T: int = 5, D: int = 3, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(B, T, D))


@pytest.fixture(params=["numba", "numpy"])
def kernels(request):
    with seqlab.use_kernels(request.param):
        yield request.param


@pytest.mark.parametrize("cell", sorted(CELLS))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_recorded_h_equals_layer_outputs(kernels, cell, go_backwards):
    layer = CELLS[cell](return_sequences=True, go_backwards=go_backwards, seed=1,
                        dtype="float64")
    x = _x()
    with record(layer) as tape:
        out = layer(x)
    rec = tape[layer.name]
    assert isinstance(rec, LayerRecord) and rec.kind == cell.removesuffix("_before")
    h = rec.forward["h"]  # (B, T, H), input-time order
    expected = out[:, ::-1] if go_backwards else out  # go_backwards outputs run in loop order
    np.testing.assert_array_equal(h, expected)
    # the state before step t is h at the step read just before it
    prev = rec.forward["state"]
    if go_backwards:
        np.testing.assert_array_equal(prev[:, :-1], h[:, 1:])
    else:
        np.testing.assert_array_equal(prev[:, 1:], h[:, :-1])
    np.testing.assert_array_equal(prev[:, -1 if go_backwards else 0], 0.0)


def test_samples_and_steps_restrict_the_arrays(kernels):
    layer = LSTM(4, return_sequences=True, return_state=True, seed=2, dtype="float64")
    x = _x(B=4, T=6)
    with record(layer, samples=[3, 1], steps=[5, 0, 2]) as tape:
        out, h_last, c_last = layer(x)
    np.testing.assert_array_equal(h_last, out[:, -1])
    rec = tape[layer.name]
    assert rec.samples.tolist() == [3, 1] and rec.steps.tolist() == [0, 2, 5]
    np.testing.assert_array_equal(rec.forward["h"], out[[3, 1]][:, [0, 2, 5]])
    np.testing.assert_array_equal(rec.forward["c"][:, -1], c_last[[3, 1]])
    np.testing.assert_array_equal(rec.forward["x"], x[[3, 1]][:, [0, 2, 5]])
    # c_t = f ⊙ c_{t−1} + i ⊙ g and h_t = o ⊙ tanh(c_t), from the recorded gates
    f = rec.forward
    np.testing.assert_allclose(f["c"], f["f"] * f["c_prev"] + f["i"] * f["g"], atol=1e-12)
    np.testing.assert_allclose(f["h"], f["o"] * np.tanh(f["c"]), atol=1e-12)
    assert np.all((f["f"] > 0) & (f["f"] < 1))


def test_simple_rnn_columns_add_up(kernels):
    layer = SimpleRNN(3, return_sequences=True, seed=3, dtype="float64")
    x = _x(T=4)
    with record(layer) as tape:
        out = layer(x)
    f = tape[layer.name].forward
    np.testing.assert_allclose(f["a"], f["Wx"] + f["Us"] + layer.bias.value, atol=1e-12)
    np.testing.assert_allclose(np.tanh(f["a"]), out, atol=1e-12)
    np.testing.assert_allclose(f["Wx"], x @ layer.kernel.value, atol=1e-12)


def _loss_grad(out: np.ndarray, seed: int = 9) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=out.shape)


@pytest.mark.parametrize("cell", sorted(CELLS))
def test_per_step_parameter_contributions_sum_to_the_gradient(kernels, cell):
    layer = CELLS[cell](return_sequences=True, recurrent_dropout=0.3, dropout=0.2, seed=4,
                        dtype="float64")
    x = _x(B=3, T=5)
    with record(layer) as tape:
        out = layer(x, training=True)
        layer.zero_grad()
        layer.backward(_loss_grad(out))
    rec = tape[layer.name]
    for name, contributions in rec.params.items():
        param = getattr(layer, name)
        np.testing.assert_allclose(contributions.sum(axis=0), param.grad, atol=1e-10,
                                   err_msg=f"{cell} {name}")
    # the gate blocks are the stacked da, and dL/dh at the last step is what came from above
    blocks = [k for k in rec.backward if k.startswith("da_")]
    if blocks:
        np.testing.assert_array_equal(np.concatenate([rec.backward[k] for k in blocks], -1),
                                      rec.backward["da"])


@pytest.mark.parametrize("cell", ["simple_rnn", "lstm", "gru", "gru_before"])
def test_dh_matches_the_gradient_of_a_split_sequence(cell):
    """dL/dh_t recorded in one run equals the gradient with respect to the initial
    state of a second layer (same weights) that continues from h_t."""
    T, t = 6, 2
    x = _x(B=2, T=T, seed=5)
    layer = CELLS[cell](seed=6, dtype="float64", return_state=True)
    w = np.random.default_rng(7).normal(size=(2, 4))
    with record(layer) as tape:
        outs = layer(x)
        layer.backward([w] + [None] * (len(outs) - 1))
    rec = tape[layer.name]
    first = CELLS[cell](seed=6, dtype="float64", return_state=True)
    first_states = first(x[:, :t + 1])[1:]
    second = CELLS[cell](seed=6, dtype="float64")
    second(x[:, t + 1:], initial_state=first_states)
    grads = second.backward(w)
    np.testing.assert_allclose(rec.backward["dh"][:, t], grads[1], rtol=1e-9, atol=1e-12)
    if cell == "lstm":
        np.testing.assert_allclose(rec.backward["dc"][:, t], grads[2], rtol=1e-9, atol=1e-12)


def test_dense_and_softmax_records_and_the_talk_columns():
    rnn = SimpleRNN(3, return_sequences=True, dtype="float64", seed=0, name="rnn")
    model = Sequential([rnn, Activation("softmax", dtype="float64", name="soft"),
                        Dense(2, activation="softmax", dtype="float64", seed=1, name="out")])
    x = _x(B=2, T=3, D=4)
    with record(model, samples=[1]) as tape:
        y = model(x)
        dy = _loss_grad(y)
        model.backward(dy)
    assert tape.layers == ["rnn", "soft", "out"]
    np.testing.assert_array_equal(tape["out"].forward["y"], y[[1]])
    np.testing.assert_array_equal(tape["out"].backward["dy"], dy[[1]])
    np.testing.assert_allclose(tape["soft"].forward["y"].sum(-1), 1.0)
    table = tape.table("rnn", sample=1, labels=["a", "b", "c"])
    assert table.columns == ["t", "input", "unit", "state(S)", "W * X", "U * S", "WX + US + B",
                             "tanh(WX+US+B) (O)", "softmax(O)"]
    assert len(table.rows) == 3 * 3
    row = table.rows[3 * 2 + 1]  # t = 2, unit 1
    assert row[:3] == [2, "c", 1]
    assert row[-1] == pytest.approx(tape["soft"].forward["y"][0, 2, 1])
    assert row[-2] == pytest.approx(tape["rnn"].forward["h"][0, 2, 1])
    back = tape.table("rnn", sample=1, direction="backward", step=0)
    assert back.columns[2:] == ["dL/dO (dL/dh)", "1 − O²", "dL/d(WX+US+B)"]
    for r in back.rows:
        assert r[-1] == pytest.approx(r[-2] * r[-3])  # da = dh ⊙ (1 − O²)
    assert "softmax(xW + b)" in tape.table("out", sample=1).columns


def test_bidirectional_directions_are_traced():
    layer = Bidirectional(GRU(3, return_sequences=True, seed=0, dtype="float64"),
                          merge_mode="concat")
    x = _x(B=2, T=4)
    with record(layer) as tape:
        y = layer(x)
    names = tape.layers
    fwd, bwd = [n for n in names if n.startswith("forward_")], \
        [n for n in names if n.startswith("backward_")]
    assert fwd and bwd
    np.testing.assert_array_equal(tape[fwd[0]].forward["h"], y[..., :3])
    np.testing.assert_array_equal(tape[bwd[0]].forward["h"], y[..., 3:])


def test_recording_is_off_outside_the_block_and_after_errors():
    layer = SimpleRNN(2, seed=0)
    assert hook.ACTIVE.get() is None
    with record(layer) as tape:
        assert hook.ACTIVE.get() is not None
    assert hook.ACTIVE.get() is None
    layer(_x(T=3))  # not recorded
    assert tape.records(layer.name) == []
    with (pytest.raises(RuntimeError),
          record(layer)):
        raise RuntimeError("boom")
    assert hook.ACTIVE.get() is None


def test_a_backward_of_an_unrecorded_forward_is_not_traced():
    layer = SimpleRNN(2, return_sequences=True, seed=0, dtype="float64")
    x = _x(T=3)
    with record(layer) as tape:
        layer(x)
    out = layer(x)  # a newer forward call, outside the block
    with record(layer) as tape2:
        layer.backward(np.ones_like(out))
    assert tape[layer.name].backward == {}
    assert tape2.records(layer.name) == []


def test_max_calls_keeps_the_latest_records():
    layer = SimpleRNN(2, seed=0)
    with record(layer, max_calls=2) as tape:
        for _ in range(3):
            layer(_x(T=3))
    assert [r.call for r in tape.records(layer.name)] == [1, 2]
    with pytest.raises(TraceError, match="call 5 is not kept"):
        tape.table(layer.name, call=5)


def _model() -> Sequential:
    return Sequential([SimpleRNN(3, return_sequences=True, seed=0, name="rnn", input_shape=(4, 2)),
                       Dense(2, seed=1, name="head")])


def test_error_no_layer_of_the_requested_kind():
    with (pytest.raises(TraceError, match=r"no layer of kind 'lstm'.*'rnn' \(SimpleRNN\)"),
          record(_model(), layers="lstm")):
        pass
    with (pytest.raises(TraceError, match="no layer of class GRU"),
          record(_model(), layers=[GRU])):
        pass


def test_error_unknown_layer_name_lists_the_valid_ones():
    with (pytest.raises(UnknownLayerError, match=r"no layer named 'rnm'.*'rnn'.*'head'"),
          record(_model(), layers=["rnn", "rnm"])):
        pass
    with record(_model(), layers="rnn") as tape:
        pass
    with pytest.raises(KeyError) as info:
        tape["head"]
    assert "traced layers: ['rnn']" in str(info.value)
    with pytest.raises(TraceError, match="was not called"):
        tape["rnn"]


def test_error_sample_and_step_out_of_range():
    model = _model()
    x = np.zeros((2, 4, 2))
    with (pytest.raises(TraceError, match=r"sample index 2 is out of range for a batch of 2"),
          record(model, samples=[0, 2])):
        model(x)
    with (pytest.raises(TraceError, match=r"step index 4 is out of range for a sequence of 4"),
          record(model, steps=[1, 4])):
        model(x)
    with (pytest.raises(TraceError, match="must be >= 0"),
          record(model, samples=-1)):
        pass
    with (pytest.raises(TypeError, match="must hold ints"),
          record(model, steps=[1.5])):
        pass
    with record(model, samples=[1], steps=[0, 3]) as tape:
        model(x)
    with pytest.raises(TraceError, match=r"sample 0 was not traced; traced samples .* \[1\]"):
        tape.table("rnn", sample=0)
    with pytest.raises(TraceError, match=r"step 2 was not traced; traced steps are \[0, 3\]"):
        tape.table("rnn", sample=1, step=2)
    with pytest.raises(TraceError, match="no backward values"):
        tape.table("rnn", sample=1, direction="backward")


def test_record_rejects_non_layers():
    with (pytest.raises(TypeError, match="expected a seqlab model or layer"),
          record("model")):
        pass
