"""Live PyTorch parity through seqlab.interop (float64): weights loaded from torch
modules give the same outputs and gradients; weights copied back give the same
torch outputs. Skipped where torch is not installed."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from seqlab import interop
from seqlab.layers.bidirectional import Bidirectional
from seqlab.layers.conv import Conv1D
from seqlab.layers.core import Dense
from seqlab.layers.embedding import Embedding
from seqlab.layers.rnn_cells import GRU, LSTM, SimpleRNN

RTOL, ATOL = 1e-6, 1e-9
B, T, D, H = 2, 6, 3, 4


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def close(what, got, want):
    np.testing.assert_allclose(np.asarray(got), want, rtol=RTOL, atol=ATOL, err_msg=what)


def tensor(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def torch_backward(outputs, rng):
    """L = Σ out · R; returns the R's as numpy arrays."""
    rs = [rng.standard_normal(tuple(o.shape)) for o in outputs]
    sum((o * tensor(r)).sum() for o, r in zip(outputs, rs)).backward()
    return rs


def grads_of(module):
    return {n: p.grad.numpy() for n, p in module.named_parameters()}


# ------------------------------------------------------------------ Dense, Embedding, Conv1D
@pytest.mark.parametrize("bias", [True, False])
def test_dense_from_linear(bias):
    rng = np.random.default_rng(1)
    lin = torch.nn.Linear(D, 5, bias=bias).double()
    layer = interop.load_torch_weights(Dense(5, dtype="float64"), lin)
    x = rng.standard_normal((B, T, D))
    xt = tensor(x, grad=True)
    (r,) = torch_backward([lin(xt)], rng)
    close("output", layer(x), lin(xt).detach().numpy())
    close("input gradient", layer.backward(r), xt.grad.numpy())
    want = interop.from_torch_linear(grads_of(lin))
    if not bias:
        assert not layer.weights[1].value.any()  # zero bias filled in
        want.append(r.reshape(-1, 5).sum(axis=0))
    for p, w in zip(layer.weights, want):
        close(p.name, p.grad, w)


def test_embedding_from_torch():
    emb = torch.nn.Embedding(7, 3).double()
    layer = interop.load_torch_weights(Embedding(7, 3, dtype="float64"), emb)
    ids = np.array([[1, 2, 2, 6], [0, 1, 5, 2]])
    close("output", layer(ids), emb(torch.tensor(ids)).detach().numpy())


@pytest.mark.parametrize("padding, stride, dilation, K", [
    ("valid", 2, 1, 3), ("same", 1, 2, 3), ("causal", 1, 2, 2), ("same", 1, 1, 4)])
def test_conv1d_from_torch(padding, stride, dilation, K):
    rng = np.random.default_rng(2)
    conv = torch.nn.Conv1d(D, 5, K, stride=stride, dilation=dilation).double()
    layer = Conv1D(5, K, strides=stride, padding=padding, dilation_rate=dilation, dtype="float64")
    interop.load_torch_weights(layer, conv)
    x = rng.standard_normal((B, 9, D))
    xt = tensor(x, grad=True)
    span = (K - 1) * dilation
    pads = {"valid": (0, 0), "causal": (span, 0), "same": (span // 2, span - span // 2)}[padding]
    y = conv(torch.nn.functional.pad(xt.transpose(1, 2), pads)).transpose(1, 2)
    (r,) = torch_backward([y], rng)
    close("output", layer(x), y.detach().numpy())
    close("input gradient", layer.backward(r), xt.grad.numpy())
    for p, w in zip(layer.weights, interop.from_torch_conv1d(grads_of(conv))):
        close(p.name, p.grad, w)


# ------------------------------------------------------------------ recurrent
KINDS = {"rnn": (torch.nn.RNN, SimpleRNN, interop.from_torch_rnn),
         "lstm": (torch.nn.LSTM, LSTM, interop.from_torch_lstm),
         "gru": (torch.nn.GRU, GRU, interop.from_torch_gru)}


def seqlab_grads_expected(kind, grads, layer_index, direction):
    sfx = f"_l{layer_index}" + ("_reverse" if direction == "reverse" else "")
    if kind != "gru":  # one seqlab bias = two torch biases with equal gradients
        close("torch bias grads", grads[f"bias_ih{sfx}"], grads[f"bias_hh{sfx}"])
        grads = {k: v for k, v in grads.items() if k != f"bias_hh{sfx}"}
    return KINDS[kind][2](grads, layer_index=layer_index, direction=direction)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_stacked_bidirectional_rnn_from_torch(kind):
    """A 2-layer bidirectional torch RNN = two seqlab Bidirectional layers."""
    rng = np.random.default_rng(3)
    torch_cls, cls, _ = KINDS[kind]
    module = torch_cls(D, H, num_layers=2, bidirectional=True, batch_first=True).double()
    stack = [Bidirectional(cls(H, return_sequences=True, dtype="float64"), dtype="float64")
             for _ in range(2)]
    for i, layer in enumerate(stack):
        interop.load_torch_weights(layer, module, layer_index=i)
    x = rng.standard_normal((B, T, D))
    xt = tensor(x, grad=True)
    y_t = module(xt)[0]
    (r,) = torch_backward([y_t], rng)
    y = stack[1](stack[0](x))
    close("output", y, y_t.detach().numpy())
    close("input gradient", stack[0].backward(stack[1].backward(r)), xt.grad.numpy())
    grads = grads_of(module)
    for i, layer in enumerate(stack):
        for sub, direction in ((layer.forward_layer, "forward"), (layer.backward_layer, "reverse")):
            for p, w in zip(sub.weights, seqlab_grads_expected(kind, grads, i, direction)):
                close(p.name, p.grad, w)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_copy_to_torch_gives_the_same_outputs(kind):
    rng = np.random.default_rng(4)
    torch_cls, cls, _ = KINDS[kind]
    layer = cls(H, return_sequences=True, return_state=True, dtype="float64",
                bias_initializer="uniform", seed=5)
    x = rng.standard_normal((B, T, D))
    outs = layer(x)
    module = interop.copy_to_torch(layer, torch_cls(D, H, batch_first=True).double())
    y, hn = module(tensor(x))
    close("sequence", outs[0], y.detach().numpy())
    final = hn[0] if kind == "lstm" else hn
    close("final h", outs[1], final[0].detach().numpy())


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_cells_load_as_one_step(kind):
    rng = np.random.default_rng(6)
    torch_cls, cls, _ = KINDS[kind]
    cell = getattr(torch.nn, torch_cls.__name__ + "Cell")(D, H).double()
    layer = interop.load_torch_weights(cls(H, dtype="float64"), cell)
    x = rng.standard_normal((B, D))
    h0 = rng.standard_normal((B, H))
    if kind == "lstm":
        c0 = rng.standard_normal((B, H))
        want = cell(tensor(x), (tensor(h0), tensor(c0)))[0]
        got = layer(x[:, None, :], initial_state=[h0, c0])
    else:
        want = cell(tensor(x), tensor(h0))
        got = layer(x[:, None, :], initial_state=[h0])
    close("one step", got, want.detach().numpy())


def test_refusals_are_clear():
    with pytest.raises(ValueError, match="reset gate before"):
        interop.load_torch_weights(GRU(H, reset_after=False), torch.nn.GRU(D, H))
    with pytest.raises(ValueError, match="hard_sigmoid"):
        interop.load_torch_weights(LSTM(H, recurrent_activation="hard_sigmoid"),
                                   torch.nn.LSTM(D, H))
    with pytest.raises(ValueError, match="nonlinearity|relu"):
        interop.load_torch_weights(SimpleRNN(H), torch.nn.RNN(D, H, nonlinearity="relu"))
    with pytest.raises(ValueError, match="Bidirectional"):
        interop.load_torch_weights(LSTM(H), torch.nn.LSTM(D, H, bidirectional=True))
    with pytest.raises(TypeError, match="pairs with torch"):
        interop.load_torch_weights(Dense(H), torch.nn.Conv1d(D, H, 3))
    with pytest.raises(ValueError, match="groups=1"):
        interop.from_torch_conv1d(torch.nn.Conv1d(4, 4, 3, groups=2))
    layer = Dense(3, bias_initializer="ones")
    layer.build((None, D))
    with pytest.raises(ValueError, match="non-zero bias"):
        interop.copy_to_torch(layer, torch.nn.Linear(D, 3, bias=False))
