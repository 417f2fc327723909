"""seqlab against PyTorch golden files (made by scripts/make_golden.py; no torch needed).

Weights are converted from torch layout with seqlab.interop; outputs and every
input and parameter gradient must agree within 1e-6 relative (float64).
"""

import importlib
import json
from pathlib import Path

import numpy as np
import pytest

from seqlab import config, interop

GOLDEN = Path(__file__).resolve().parent / "golden"
RTOL, ATOL = 1e-6, 1e-9


def load(name):
    path = GOLDEN / f"{name}.npz"
    if not path.exists():
        pytest.fail(f"golden file {path.name} is missing: run scripts/make_golden.py")
    with np.load(path, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def cfg(g, key):
    return g[f"cfg/{key}"].item()


def close(what, got, want):
    np.testing.assert_allclose(np.asarray(got), want, rtol=RTOL, atol=ATOL, err_msg=what)


def layer_class(name, *modules):
    """A seqlab layer class, or skip while the file that defines it is missing."""
    layers = importlib.import_module("seqlab.layers")
    if hasattr(layers, name):
        return getattr(layers, name)
    for mod in modules:
        try:
            module = importlib.import_module(f"seqlab.layers.{mod}")
        except ModuleNotFoundError:
            continue
        if hasattr(module, name):
            return getattr(module, name)
    pytest.skip(f"seqlab layer {name} does not exist yet (looked in seqlab.layers{modules})")


def torch_grads(g, prefix="grad/"):
    """The torch weight gradients as a state-dict-like mapping."""
    return {k[len(prefix):]: v for k, v in g.items() if k.startswith(prefix)}


def check_param_grads(layer, expected):
    params = layer.weights
    assert len(params) == len(expected), [p.name for p in params]
    for p, want in zip(params, expected):
        close(f"gradient of {p.name}", p.grad, want)


KERNELS = pytest.mark.parametrize("kernels", ["numpy", "numba"])


# ------------------------------------------------------------------ Dense, Embedding, Conv1D
@pytest.mark.parametrize("name", ["linear", "linear_3d"])
def test_dense(name):
    Dense = layer_class("Dense", "core")
    g = load(name)
    layer = Dense(cfg(g, "units"), dtype="float64")
    interop.load_torch_weights(layer, torch_like("Linear", g))
    y = layer(g["x"])
    close("output", y, g["out/y"])
    close("input gradient", layer.backward(g["dout/y"]), g["grad/x"])
    check_param_grads(layer, interop.from_torch_linear(torch_grads(g)))


def test_embedding():
    Embedding = layer_class("Embedding", "embedding", "core")
    g = load("embedding")
    layer = Embedding(cfg(g, "input_dim"), cfg(g, "output_dim"), dtype="float64")
    interop.load_torch_weights(layer, torch_like("Embedding", g))
    close("output", layer(g["x"]), g["out/y"])
    layer.backward(g["dout/y"])
    check_param_grads(layer, interop.from_torch_embedding(torch_grads(g)))


CONV_CASES = ["conv1d_valid", "conv1d_same_even_kernel", "conv1d_causal_dilated",
              "conv1d_valid_stride2", "conv1d_same_stride2"]


@KERNELS
@pytest.mark.parametrize("name", CONV_CASES)
def test_conv1d(name, kernels):
    Conv1D = layer_class("Conv1D", "conv", "convolutional")
    g = load(name)
    layer = Conv1D(cfg(g, "filters"), cfg(g, "kernel_size"), strides=cfg(g, "strides"),
                   padding=cfg(g, "padding"), dilation_rate=cfg(g, "dilation_rate"),
                   dtype="float64")
    interop.load_torch_weights(layer, torch_like("Conv1d", g))
    with config.use_kernels(kernels):
        close("output", layer(g["x"]), g["out/y"])
        close("input gradient", layer.backward(g["dout/y"]), g["grad/x"])
    check_param_grads(layer, interop.from_torch_conv1d(torch_grads(g)))


# ------------------------------------------------------------------ recurrent
_RNN = {"rnn": ("SimpleRNN", interop.from_torch_rnn, ("h",)),
        "lstm": ("LSTM", interop.from_torch_lstm, ("h", "c")),
        "gru": ("GRU", interop.from_torch_gru, ("h",))}


def expected_rnn_grads(g, kind, layer_index=0, direction="forward"):
    """Torch weight gradients in seqlab layout. Where seqlab has one bias for
    torch's two (SimpleRNN, LSTM), both torch bias gradients equal it."""
    grads = torch_grads(g)
    if kind != "gru":
        sfx = f"_l{layer_index}" + ("_reverse" if direction == "reverse" else "")
        close("torch bias_ih vs bias_hh gradient", grads[f"bias_ih{sfx}"],
              grads[f"bias_hh{sfx}"])
        grads = {k: v for k, v in grads.items() if k != f"bias_hh{sfx}"}
    return _RNN[kind][1](grads, layer_index=layer_index, direction=direction)


def make_rnn(g, kind, layer_index=0, direction="forward"):
    cls = layer_class(_RNN[kind][0], "rnn_cells", "recurrent")
    extra = {"activation": cfg(g, "activation")} if kind == "rnn" else {}
    layer = cls(cfg(g, "units"), return_sequences=True, return_state=True, dtype="float64",
                **extra)
    weights = _RNN[kind][1](g, layer_index=layer_index, direction=direction, prefix="w/")
    layer.build((None, None, weights[0].shape[0]))
    layer.set_weights(weights)
    return layer


@KERNELS
@pytest.mark.parametrize("name", ["rnn_tanh", "rnn_relu_no_state", "lstm", "gru"])
def test_recurrent_single_layer(name, kernels):
    g = load(name)
    kind = cfg(g, "kind")
    layer = make_rnn(g, kind)
    names = _RNN[kind][2]
    given = [g[f"{s}0"][0] for s in names] if cfg(g, "initial_state") else None
    with config.use_kernels(kernels):
        outs = layer(g["x"], initial_state=given)
        close("sequence output", outs[0], g["out/y"])
        for s, out in zip(names, outs[1:]):
            close(f"final state {s}", out, g[f"out/{s}_n"][0])
        grads = layer.backward([g["dout/y"], *[g[f"dout/{s}_n"][0] for s in names]])
    if given is None:
        close("input gradient", grads, g["grad/x"])
    else:
        close("input gradient", grads[0], g["grad/x"])
        for s, d in zip(names, grads[1:]):
            close(f"initial state {s} gradient", d, g[f"grad/{s}0"][0])
    check_param_grads(layer, expected_rnn_grads(g, kind))


@KERNELS
def test_gru_stacked_two_layers(kernels):
    g = load("gru_stacked")
    first, second = make_rnn(g, "gru", 0), make_rnn(g, "gru", 1)
    with config.use_kernels(kernels):
        y1, h1 = first(g["x"], initial_state=[g["h0"][0]])
        y2, h2 = second(y1, initial_state=[g["h0"][1]])
        close("output", y2, g["out/y"])
        close("final states", np.stack([h1, h2]), g["out/h_n"])
        dy1, dh0_1 = second.backward([g["dout/y"], g["dout/h_n"][1]])
        dx, dh0_0 = first.backward([dy1, g["dout/h_n"][0]])
    close("input gradient", dx, g["grad/x"])
    close("initial state gradients", np.stack([dh0_0, dh0_1]), g["grad/h0"])
    check_param_grads(first, expected_rnn_grads(g, "gru", 0))
    check_param_grads(second, expected_rnn_grads(g, "gru", 1))


@KERNELS
def test_lstm_bidirectional(kernels):
    Bidirectional = layer_class("Bidirectional", "wrappers", "bidirectional")
    LSTM = layer_class("LSTM", "rnn_cells", "recurrent")
    g = load("lstm_bidirectional")
    H = cfg(g, "units")
    layer = Bidirectional(LSTM(H, return_sequences=True, return_state=True, dtype="float64"),
                          merge_mode="concat", dtype="float64")
    interop.load_torch_weights(layer, torch_like("LSTM", g, bidirectional=True))
    with config.use_kernels(kernels):
        y, h_f, c_f, h_b, c_b = layer(g["x"])
        close("output", y, g["out/y"])
        close("final h", np.stack([h_f, h_b]), g["out/h_n"])
        close("final c", np.stack([c_f, c_b]), g["out/c_n"])
        dh, dc = g["dout/h_n"], g["dout/c_n"]
        dx = layer.backward([g["dout/y"], dh[0], dc[0], dh[1], dc[1]])
    close("input gradient", dx, g["grad/x"])
    check_param_grads(layer.forward_layer, expected_rnn_grads(g, "lstm", 0, "forward"))
    check_param_grads(layer.backward_layer, expected_rnn_grads(g, "lstm", 0, "reverse"))


def torch_like(torch_name, g, bidirectional=False):
    """An object named like a torch module (load_torch_weights dispatches on the
    type name) whose state_dict() serves the golden weights."""
    state = {k[2:]: v for k, v in g.items() if k.startswith("w/")}
    cls = type(torch_name, (), {"bidirectional": bidirectional,
                                "state_dict": lambda self: dict(state)})
    return cls()


# ------------------------------------------------------------------ losses
LOSS_CASES = ["bce", "bce_logits", "cce", "cce_logits", "sparse_cce", "sparse_cce_logits_seq",
              "mse", "mae"]


@pytest.mark.parametrize("name", LOSS_CASES)
def test_loss(name):
    losses = pytest.importorskip("seqlab.losses", reason="seqlab.losses does not exist yet")
    g = load(f"loss_{name}")
    loss = losses.get(cfg(g, "loss"))
    if cfg(g, "from_logits"):
        loss = type(loss)(from_logits=True)
    value, grad = loss.value_and_grad(g["y_true"], g["y_pred"])
    close("loss value", value, g["loss"])
    close("gradient of the loss", grad, g["grad/y_pred"])


# ------------------------------------------------------------------ optimizers
OPTIM_CASES = ["sgd", "sgd_momentum", "sgd_nesterov", "rmsprop", "rmsprop_momentum_centered",
               "rmsprop_epsilon_outside", "adam", "adam_amsgrad", "adam_keras_epsilon", "adagrad"]


@pytest.mark.parametrize("name", OPTIM_CASES)
def test_optimizer(name):
    from seqlab.layers.base import Parameter
    from seqlab.optim import deserialize

    g = load(f"optim_{name}")
    opt = deserialize(json.loads(cfg(g, "seqlab")))
    params = [Parameter("p0", g["param0"].copy()), Parameter("p1", g["param1"].copy())]
    for step in range(g["grad0"].shape[0]):
        params[0].grad[...] = g["grad0"][step]
        params[1].grad[...] = g["grad1"][step]
        opt.apply(params)
        close(f"step {step + 1}, param0", params[0].value, g["after0"][step])
        close(f"step {step + 1}, param1", params[1].value, g["after1"][step])
