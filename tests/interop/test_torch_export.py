"""to_torch(model): the exported module's outputs and gradients (inputs and every
weight) equal seqlab's, within 1e-10 in float64 and 1e-5 in float32.

Gradients are compared in seqlab's layout: torch's parameter gradients are read
back with from_torch into a copy of the model. The exported module's trainable
parameters are seqlab's weights one to one, so one optimizer step is the same
in both (tested with SGD)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="to_torch needs PyTorch (pip install torch==2.13.0)")

import seqlab
from seqlab.config import use_kernels
from seqlab.interop import from_torch, to_torch
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
    Input,
    MaxPooling1D,
    RepeatVector,
    Reshape,
    SimpleRNN,
    TimeDistributed,
)

TOL = {"float64": 1e-10, "float32": 1e-5}
B, T, D, V = 4, 7, 3, 12
DTYPES = pytest.mark.parametrize("dtype", ["float64", "float32"])


def torch_grads_in_seqlab_layout(exported, model):
    """The exported module's parameter gradients, as seqlab arrays in model.weights order
    (a frozen parameter, e.g. the zero bias_hh beside a single seqlab bias, has none)."""
    grads = {name: p.grad if p.grad is not None else torch.zeros_like(p)
             for name, p in exported.named_parameters()}
    twin = type(model).from_config(model.get_config())
    from_torch(grads, twin)
    return twin.get_weights()


def compare(model, inputs, mask=None, seed=0):
    """Run both, backpropagate L = Σ out · R; return the max abs differences."""
    rng = np.random.default_rng(seed)
    xs = inputs if isinstance(inputs, list) else [inputs]
    y = model(inputs, mask=mask)
    ys = y if isinstance(y, list) else [y]
    rs = [rng.standard_normal(v.shape).astype(v.dtype) for v in ys]
    model.zero_grad()
    dx = model.backward(rs if isinstance(y, list) else rs[0])
    dxs = dx if isinstance(dx, list) else [dx]

    exported = to_torch(model)
    txs = [torch.tensor(x, requires_grad=x.dtype.kind == "f") for x in xs]
    tmask = None if mask is None else torch.tensor(mask)
    out = exported(*txs, mask=tmask)
    outs = out if isinstance(out, tuple) else (out,)
    sum((o * torch.tensor(r)).sum() for o, r in zip(outs, rs)).backward()

    diffs = {"output": max(np.abs(o.detach().numpy() - v).max() for o, v in zip(outs, ys))}
    grads = [(t.grad.numpy(), g) for t, g in zip(txs, dxs) if t.requires_grad]
    if grads:
        diffs["input gradient"] = max(np.abs(a - b).max() for a, b in grads)
    got = torch_grads_in_seqlab_layout(exported, model)
    for p, g in zip(model.weights, got):
        diffs[f"gradient of {p.name}"] = float(np.abs(p.grad - g).max())
    return diffs


def assert_close(diffs, dtype):
    bad = {k: v for k, v in diffs.items() if not v <= TOL[dtype]}
    assert not bad, f"differences above {TOL[dtype]}: {bad}"


def floats(dtype, *shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def padded_ids(seed=2):
    """Ids (B, T) with padding 0 at the end, at the front, none, and a row of padding."""
    ids = np.random.default_rng(seed).integers(1, V, (B, T))
    ids[0, 4:] = 0
    ids[1, :3] = 0
    ids[3, :] = 0
    return ids


# ------------------------------------------------------------------ feed-forward layers
@DTYPES
def test_embedding_flatten_dense(dtype):
    model = seqlab.Sequential([Input((T,), dtype="int64"), Embedding(V, 4, dtype=dtype),
                               Flatten(dtype=dtype), Dense(5, activation="relu", dtype=dtype),
                               Dropout(0.5, dtype=dtype), Dense(1, activation="sigmoid",
                                                                dtype=dtype)])
    ids = np.random.default_rng(0).integers(0, V, (B, T))
    assert_close(compare(model, ids), dtype)


@DTYPES
@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
@pytest.mark.parametrize(("strides", "dilation"), [(1, 1), (2, 1), (1, 2), (3, 2)])
def test_conv1d(dtype, padding, strides, dilation):
    model = seqlab.Sequential([Input((9, D)), Conv1D(4, 3, strides=strides, padding=padding,
                                                     dilation_rate=dilation, activation="tanh",
                                                     dtype=dtype)])
    assert_close(compare(model, floats(dtype, B, 9, D)), dtype)


@DTYPES
@pytest.mark.parametrize("pool", [MaxPooling1D, AveragePooling1D])
@pytest.mark.parametrize(("size", "strides", "padding"),
                         [(2, None, "valid"), (3, 2, "same"), (3, 1, "same"), (2, 3, "valid")])
def test_pooling(dtype, pool, size, strides, padding):
    model = seqlab.Sequential([Input((8, D)), pool(size, strides, padding, dtype=dtype),
                               Activation("softmax", dtype=dtype)])
    assert_close(compare(model, floats(dtype, B, 8, D)), dtype)


@DTYPES
@pytest.mark.parametrize("pool", [GlobalMaxPooling1D, GlobalAveragePooling1D])
@pytest.mark.parametrize("mask_zero", [False, True])
def test_global_pooling_reads_the_mask(dtype, pool, mask_zero):
    model = seqlab.Sequential([Input((T,), dtype="int64"),
                               Embedding(V, 3, mask_zero=mask_zero, dtype=dtype),
                               Dense(3, activation="tanh", dtype=dtype),
                               pool(keepdims=True, dtype=dtype)])
    assert_close(compare(model, padded_ids()), dtype)


@DTYPES
def test_time_distributed_repeat_vector_reshape(dtype):
    model = seqlab.Sequential([Input((6,)), Reshape((3, 2), dtype=dtype),
                               TimeDistributed(Dense(4, activation="hard_sigmoid", dtype=dtype)),
                               Flatten(dtype=dtype), RepeatVector(2, dtype=dtype),
                               Activation("sigmoid", dtype=dtype)])
    assert_close(compare(model, floats(dtype, B, 6) * 3), dtype)


def test_dropout_while_training_shares_its_mask_along_noise_shape():
    model = seqlab.Sequential([Input((T, D)), Dropout(0.5, noise_shape=(None, 1, None))])
    x = torch.tensor(floats("float32", B, T, D) + 5)  # no zeros
    ratio = (to_torch(model).train()(x) / x).numpy()
    assert set(np.unique(ratio.round(5))) == {0.0, 2.0}
    assert (ratio == ratio[:, :1]).all()  # one mask for all steps of a row
    np.testing.assert_array_equal(to_torch(model)(x).numpy(), x.numpy())  # eval: identity


# ------------------------------------------------------------------ recurrent layers
RNN_CASES = {
    "SimpleRNN tanh (nn.RNN)": lambda **kw: SimpleRNN(5, **kw),
    "SimpleRNN relu (nn.RNN)": lambda **kw: SimpleRNN(5, activation="relu", **kw),
    "SimpleRNN sigmoid (loop)": lambda **kw: SimpleRNN(5, activation="sigmoid", **kw),
    "LSTM (nn.LSTM)": lambda **kw: LSTM(5, **kw),
    "LSTM hard_sigmoid (loop)": lambda **kw: LSTM(5, recurrent_activation="hard_sigmoid", **kw),
    "LSTM no bias (nn.LSTM)": lambda **kw: LSTM(5, use_bias=False, **kw),
    "GRU reset_after (nn.GRU)": lambda **kw: GRU(5, **kw),
    "GRU reset_before (loop)": lambda **kw: GRU(5, reset_after=False, **kw),
    "GRU hard_sigmoid (loop)": lambda **kw: GRU(5, recurrent_activation="hard_sigmoid", **kw),
    "GRU reset_before no bias (loop)": lambda **kw: GRU(5, reset_after=False, use_bias=False,
                                                        **kw),
}


def _rnn_model(make, dtype, mask_zero, **kw):
    return seqlab.Sequential([Input((T,), dtype="int64"),
                              Embedding(V, D, mask_zero=mask_zero, dtype=dtype),
                              make(dtype=dtype, bias_initializer="uniform", **kw)])


@DTYPES
@pytest.mark.parametrize("case", RNN_CASES)
@pytest.mark.parametrize("mask_zero", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_recurrent(dtype, case, mask_zero, go_backwards):
    model = _rnn_model(RNN_CASES[case], dtype, mask_zero, go_backwards=go_backwards,
                       return_sequences=True)
    assert_close(compare(model, padded_ids()), dtype)


@pytest.mark.parametrize("case", ["LSTM (nn.LSTM)", "GRU reset_before (loop)"])
def test_recurrent_last_output_and_states(case):
    model = _rnn_model(RNN_CASES[case], "float64", True, return_state=True)
    exported = to_torch(model)
    assert len(exported(torch.tensor(padded_ids()))) == len(model.layers[-1].state_names) + 1
    assert_close(compare(model, padded_ids()), "float64")


def test_a_frozen_layer_stays_frozen():
    """The chapter's pretrained GloVe embedding (trainable=False) gets no gradient in torch."""
    model = seqlab.Sequential([Input((T,), dtype="int64"),
                               Embedding(V, D, mask_zero=True, dtype="float64", trainable=False),
                               LSTM(4, dtype="float64"), Dense(1, dtype="float64")])
    trainable = {n: p.requires_grad for n, p in to_torch(model).named_parameters()}
    assert not trainable[f"layers.{model.layers[0].name}.weight"]
    assert trainable[f"layers.{model.layers[1].name}.rnn.weight_ih_l0"]
    assert_close(compare(model, padded_ids()), "float64")


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_both_kernels(kernels):
    with use_kernels(kernels):
        model = _rnn_model(RNN_CASES["LSTM (nn.LSTM)"], "float32", True, return_sequences=True)
        assert_close(compare(model, padded_ids()), "float32")


@pytest.mark.parametrize("case", ["SimpleRNN sigmoid (loop)", "GRU reset_before (loop)"])
def test_step_loop_takes_masks_with_gaps(case):
    """The step loop skips any masked step, as seqlab does."""
    model = seqlab.Sequential([Input((T, D)), RNN_CASES[case](dtype="float64",
                                                              return_sequences=True)])
    mask = np.ones((B, T), dtype=bool)
    mask[0, 2] = mask[1, 3:5] = False
    assert_close(compare(model, floats("float64", B, T, D), mask=mask), "float64")


@DTYPES
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "ave", "mul", None])
@pytest.mark.parametrize("case", ["LSTM (nn.LSTM)", "GRU hard_sigmoid (loop)"])
def test_bidirectional(dtype, merge_mode, case):
    ids = Input((T,), dtype="int64")
    x = Embedding(V, D, mask_zero=True, dtype=dtype)(ids)
    outputs = Bidirectional(RNN_CASES[case](dtype=dtype, return_sequences=True),
                            merge_mode=merge_mode)(x)
    model = seqlab.Model(ids, outputs)
    assert_close(compare(model, padded_ids()), dtype)


def test_bidirectional_states_and_initial_states():
    x_in, h_in, c_in = Input((T, D)), Input((5,)), Input((5,))
    outputs = Bidirectional(LSTM(5, return_state=True, dtype="float64"), merge_mode="sum")(
        x_in, initial_state=[h_in, c_in, h_in, c_in])
    model = seqlab.Model([x_in, h_in, c_in], outputs)
    inputs = [floats("float64", B, T, D), floats("float64", B, 5, seed=3),
              floats("float64", B, 5, seed=4)]
    assert_close(compare(model, inputs), "float64")


@DTYPES
def test_seq2seq_encoder_states_feed_the_decoder(dtype):
    enc_in, dec_in = Input((T, D)), Input((5, 4))
    _, h, c = LSTM(6, return_state=True, dtype=dtype)(enc_in)
    seq = LSTM(6, return_sequences=True, dtype=dtype)(dec_in, initial_state=[h, c])
    probs = TimeDistributed(Dense(4, activation="softmax", dtype=dtype))(seq)
    model = seqlab.Model([enc_in, dec_in], probs)
    diffs = compare(model, [floats(dtype, B, T, D), floats(dtype, B, 5, 4, seed=2)])
    assert_close(diffs, dtype)


@DTYPES
def test_conv_then_gru_with_dropouts(dtype):
    """The chapter's Conv1D → GRU hybrid; dropout is off outside training, as in seqlab,
    and while training its masks come from torch's generator (torch.manual_seed)."""
    model = seqlab.Sequential([
        Input((12, D)), Conv1D(4, 3, activation="relu", dtype=dtype),
        MaxPooling1D(2, dtype=dtype),
        GRU(5, dropout=0.2, recurrent_dropout=0.3, reset_after=False, dtype=dtype),
        Dense(1, dtype=dtype)])
    assert_close(compare(model, floats(dtype, B, 12, D)), dtype)
    training = to_torch(model).train()
    torch.manual_seed(0)
    first = training(torch.tensor(floats(dtype, B, 12, D)))
    torch.manual_seed(0)
    again = training(torch.tensor(floats(dtype, B, 12, D)))
    torch.manual_seed(1)
    other = training(torch.tensor(floats(dtype, B, 12, D)))
    assert torch.equal(first, again) and not torch.equal(first, other)
