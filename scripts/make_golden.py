"""Write the PyTorch golden files that tests/reference/test_golden.py checks.

    python scripts/make_golden.py            # needs torch; writes tests/reference/golden/*.npz

Everything is float64 with tiny shapes. Inputs and weights come from NumPy
generators with fixed seeds (not from torch's initialisers), so the files
depend only on torch's arithmetic. Each file holds:

    cfg/<key>         settings (0-d arrays; strings as unicode)
    x, y_true, ...    inputs, in seqlab/Keras layout ((B, T, D) for sequences)
    w/<name>          the torch module's weights, in torch layout and names
    out/<name>        outputs, in seqlab layout
    dout/<name>       the fixed upstream gradient R of each output; the scalar
                      loss differentiated is L = Σ_outputs Σ out · R
    grad/<name>       dL/d(input or torch weight), torch layout for weights

Losses store ``loss`` and ``grad/y_pred`` of the mean loss. Optimizers store
the initial parameters, the gradient of every step and the parameters after
every step, and the seqlab optimizer config that must reproduce them.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parents[1] / "tests" / "reference" / "golden"
SEED = 20240


def rng_for(name: str) -> np.random.Generator:
    return np.random.default_rng([SEED, sum(name.encode())])


def t(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def save(name: str, arrays: dict[str, np.ndarray], cfg: dict[str, object]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    full = {f"cfg/{k}": np.array(v) for k, v in cfg.items()}
    full.update({k: np.asarray(v) for k, v in arrays.items()})
    np.savez_compressed(OUT / f"{name}.npz", **full)


def set_weights(module: torch.nn.Module, rng: np.random.Generator, scale: float = 0.5) -> None:
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(t(rng.uniform(-scale, scale, tuple(p.shape))))


def backprop(outputs: dict[str, torch.Tensor], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """L = Σ out · R for fixed random R; returns the R's and the outputs (numpy)."""
    arrays: dict[str, np.ndarray] = {}
    loss = 0
    for name, out in outputs.items():
        r = rng.standard_normal(tuple(out.shape))
        arrays[f"out/{name}"] = out.detach().numpy()
        arrays[f"dout/{name}"] = r
        loss = loss + (out * t(r)).sum()
    loss.backward()
    return arrays


def weights_and_grads(module: torch.nn.Module) -> dict[str, np.ndarray]:
    arrays = {}
    for name, p in module.named_parameters():
        arrays[f"w/{name}"] = p.detach().numpy().copy()
        arrays[f"grad/{name}"] = p.grad.numpy().copy()
    return arrays


# ------------------------------------------------------------------ layers
def make_linear(name: str, x_shape: tuple[int, ...], units: int) -> None:
    rng = rng_for(name)
    lin = torch.nn.Linear(x_shape[-1], units).double()
    set_weights(lin, rng)
    x = t(rng.standard_normal(x_shape), grad=True)
    arrays = backprop({"y": lin(x)}, rng)
    save(name, {"x": x.detach().numpy(), "grad/x": x.grad.numpy(), **arrays,
                **weights_and_grads(lin)}, {"units": units})


def make_embedding(name: str) -> None:
    rng = rng_for(name)
    V, E = 6, 3
    emb = torch.nn.Embedding(V, E).double()
    set_weights(emb, rng)
    ids = rng.integers(0, V, size=(2, 5))
    ids[1, 3] = ids[0, 1]  # a repeated id: its gradient rows must add up
    arrays = backprop({"y": emb(torch.tensor(ids))}, rng)
    save(name, {"x": ids, **arrays, **weights_and_grads(emb)}, {"input_dim": V, "output_dim": E})


def keras_padding(padding: str, T: int, K: int, stride: int, dilation: int) -> tuple[int, int]:
    """(left, right) zero padding that makes a plain conv equal Keras' Conv1D."""
    span = (K - 1) * dilation + 1
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return span - 1, 0
    total = max((math.ceil(T / stride) - 1) * stride + span - T, 0)  # "same"
    return total // 2, total - total // 2


def make_conv1d(name: str, padding: str, K: int, stride: int, dilation: int) -> None:
    rng = rng_for(name)
    B, T, D, Fn = 2, 8, 3, 4
    conv = torch.nn.Conv1d(D, Fn, K, stride=stride, dilation=dilation).double()
    set_weights(conv, rng)
    x = t(rng.standard_normal((B, T, D)), grad=True)
    left, right = keras_padding(padding, T, K, stride, dilation)
    y = conv(F.pad(x.transpose(1, 2), (left, right))).transpose(1, 2)  # (B, T', F)
    arrays = backprop({"y": y}, rng)
    save(name, {"x": x.detach().numpy(), "grad/x": x.grad.numpy(), **arrays,
                **weights_and_grads(conv)},
         {"filters": Fn, "kernel_size": K, "strides": stride, "dilation_rate": dilation,
          "padding": padding})


def make_recurrent(name: str, kind: str, *, nonlinearity: str = "tanh", num_layers: int = 1,
                   bidirectional: bool = False, initial_state: bool = True) -> None:
    rng = rng_for(name)
    B, T, D, H = 2, 5, 3, 4
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    extra = {"nonlinearity": nonlinearity} if kind == "rnn" else {}
    module = cls(D, H, num_layers=num_layers, bidirectional=bidirectional, batch_first=True,
                 **extra).double()
    set_weights(module, rng)
    x = t(rng.standard_normal((B, T, D)), grad=True)
    n_states = num_layers * (2 if bidirectional else 1)
    arrays: dict[str, np.ndarray] = {}
    states = None
    if initial_state:
        h0 = t(rng.standard_normal((n_states, B, H)) * 0.5, grad=True)
        states = h0
        if kind == "lstm":
            c0 = t(rng.standard_normal((n_states, B, H)) * 0.5, grad=True)
            states = (h0, c0)
    y, hn = module(x, states)
    outs = {"y": y}
    if kind == "lstm":
        outs.update(h_n=hn[0], c_n=hn[1])
    else:
        outs["h_n"] = hn
    arrays.update(backprop(outs, rng))
    if initial_state:
        arrays.update({"h0": h0.detach().numpy(), "grad/h0": h0.grad.numpy()})
        if kind == "lstm":
            arrays.update({"c0": c0.detach().numpy(), "grad/c0": c0.grad.numpy()})
    save(name, {"x": x.detach().numpy(), "grad/x": x.grad.numpy(), **arrays,
                **weights_and_grads(module)},
         {"kind": kind, "units": H, "activation": nonlinearity, "num_layers": num_layers,
          "bidirectional": bidirectional, "initial_state": initial_state})


# ------------------------------------------------------------------ losses
def _soft(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    z = np.exp(rng.standard_normal(shape))
    return z / z.sum(-1, keepdims=True)


def make_losses() -> None:
    """Keras 3 definitions written in torch ops; probability inputs of the
    categorical losses are normalised by their sum, as Keras does."""
    rng = rng_for("losses")
    B, C = 4, 3
    unnorm = _soft(rng, (B, C)) * rng.uniform(0.7, 1.3, (B, 1))  # rows do not sum to 1
    cases = {
        "bce": (rng.integers(0, 2, (B, C)).astype(float), rng.uniform(0.05, 0.95, (B, C)),
                lambda y, p: F.binary_cross_entropy(p, y), "binary_crossentropy", False),
        "bce_logits": (rng.integers(0, 2, (B, 1)).astype(float), rng.standard_normal((B, 1)) * 2,
                       lambda y, z: F.binary_cross_entropy_with_logits(z, y),
                       "binary_crossentropy", True),
        "cce": (_soft(rng, (B, C)), unnorm,
                lambda y, p: -(y * torch.log(p / p.sum(-1, keepdim=True))).sum(-1).mean(),
                "categorical_crossentropy", False),
        "cce_logits": (_soft(rng, (B, C)), rng.standard_normal((B, C)) * 2,
                       lambda y, z: F.cross_entropy(z, y), "categorical_crossentropy", True),
        "sparse_cce": (rng.integers(0, C, B), unnorm.copy(),
                       lambda y, p: F.nll_loss(torch.log(p / p.sum(-1, keepdim=True)), y),
                       "sparse_categorical_crossentropy", False),
        "sparse_cce_logits_seq": (rng.integers(0, C, (2, 3)), rng.standard_normal((2, 3, C)),
                                  lambda y, z: F.cross_entropy(z.reshape(-1, C), y.reshape(-1)),
                                  "sparse_categorical_crossentropy", True),
        "mse": (rng.standard_normal((B, C)), rng.standard_normal((B, C)),
                lambda y, p: F.mse_loss(p, y), "mean_squared_error", False),
        "mae": (rng.standard_normal((B, C)), rng.standard_normal((B, C)),
                lambda y, p: F.l1_loss(p, y), "mean_absolute_error", False),
    }
    for name, (y_true, y_pred, fn, loss_name, logits) in cases.items():
        yt = torch.tensor(y_true) if y_true.dtype.kind == "i" else t(y_true)
        yp = t(y_pred, grad=True)
        value = fn(yt, yp)
        value.backward()
        save(f"loss_{name}", {"y_true": y_true, "y_pred": y_pred,
                              "loss": value.detach().numpy(), "grad/y_pred": yp.grad.numpy()},
             {"loss": loss_name, "from_logits": logits})


# -------------------------------------------------------------- optimizers
def make_optimizer(name: str, torch_cls: type, torch_kwargs: dict, seqlab_spec: dict,
                   steps: int = 4, keras_adam_eps: float | None = None) -> None:
    """``keras_adam_eps``: set torch's eps to ε / sqrt(1 − β₂ᵗ) before step t,
    which turns torch's Adam into Keras' (ε added to sqrt(v), not sqrt(v̂))."""
    rng = rng_for(name)
    p0, p1 = t(rng.standard_normal((3, 4)), grad=True), t(rng.standard_normal(4), grad=True)
    start = [p0.detach().numpy().copy(), p1.detach().numpy().copy()]
    opt = torch_cls([p0, p1], **torch_kwargs)
    grads = [rng.standard_normal((steps, 3, 4)), rng.standard_normal((steps, 4))]
    after = [np.zeros((steps, 3, 4)), np.zeros((steps, 4))]
    for s in range(steps):
        if keras_adam_eps is not None:
            beta_2 = torch_kwargs["betas"][1]
            opt.param_groups[0]["eps"] = keras_adam_eps / math.sqrt(1 - beta_2 ** (s + 1))
        p0.grad, p1.grad = t(grads[0][s]), t(grads[1][s])
        opt.step()
        after[0][s], after[1][s] = p0.detach().numpy(), p1.detach().numpy()
    save(f"optim_{name}",
         {"param0": start[0], "param1": start[1], "grad0": grads[0], "grad1": grads[1],
          "after0": after[0], "after1": after[1]},
         {"seqlab": json.dumps(seqlab_spec), "torch": f"{torch_cls.__name__}({torch_kwargs})"})


def make_optimizers() -> None:
    o = torch.optim

    def spec(cls: str, **cfg: object) -> dict:
        return {"class_name": cls, "config": cfg}

    make_optimizer("sgd", o.SGD, {"lr": 0.1}, spec("SGD", learning_rate=0.1))
    make_optimizer("sgd_momentum", o.SGD, {"lr": 0.1, "momentum": 0.9},
                   spec("SGD", learning_rate=0.1, momentum=0.9))
    make_optimizer("sgd_nesterov", o.SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True},
                   spec("SGD", learning_rate=0.05, momentum=0.8, nesterov=True))
    make_optimizer("rmsprop", o.RMSprop, {"lr": 0.01, "alpha": 0.9, "eps": 0.0},
                   spec("RMSprop", learning_rate=0.01, rho=0.9, epsilon=0.0))
    make_optimizer("rmsprop_momentum_centered", o.RMSprop,
                   {"lr": 0.01, "alpha": 0.8, "eps": 0.0, "momentum": 0.5, "centered": True},
                   spec("RMSprop", learning_rate=0.01, rho=0.8, epsilon=0.0, momentum=0.5,
                        centered=True))
    make_optimizer("rmsprop_epsilon_outside", o.RMSprop,
                   {"lr": 0.01, "alpha": 0.9, "eps": 1e-3, "momentum": 0.5},
                   spec("RMSprop", learning_rate=0.01, rho=0.9, epsilon=1e-3, momentum=0.5,
                        epsilon_inside_sqrt=False))
    make_optimizer("adam", o.Adam, {"lr": 0.01, "betas": (0.9, 0.999), "eps": 0.0},
                   spec("Adam", learning_rate=0.01, epsilon=0.0))
    make_optimizer("adam_amsgrad", o.Adam,
                   {"lr": 0.01, "betas": (0.8, 0.99), "eps": 0.0, "amsgrad": True},
                   spec("Adam", learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=0.0,
                        amsgrad=True))
    make_optimizer("adam_keras_epsilon", o.Adam, {"lr": 0.01, "betas": (0.9, 0.999), "eps": 0.0},
                   spec("Adam", learning_rate=0.01, epsilon=0.1), keras_adam_eps=0.1)
    make_optimizer("adagrad", o.Adagrad, {"lr": 0.1, "initial_accumulator_value": 0.1,
                                          "eps": 0.0},
                   spec("Adagrad", learning_rate=0.1, initial_accumulator_value=0.1,
                        epsilon=0.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    make_linear("linear", (3, 4), 5)
    make_linear("linear_3d", (2, 3, 4), 5)
    make_embedding("embedding")
    make_conv1d("conv1d_valid", "valid", K=3, stride=1, dilation=1)
    make_conv1d("conv1d_same_even_kernel", "same", K=4, stride=1, dilation=1)
    make_conv1d("conv1d_causal_dilated", "causal", K=3, stride=1, dilation=2)
    make_conv1d("conv1d_valid_stride2", "valid", K=3, stride=2, dilation=1)
    make_conv1d("conv1d_same_stride2", "same", K=3, stride=2, dilation=1)
    make_recurrent("rnn_tanh", "rnn")
    make_recurrent("rnn_relu_no_state", "rnn", nonlinearity="relu", initial_state=False)
    make_recurrent("lstm", "lstm")
    make_recurrent("gru", "gru")
    make_recurrent("lstm_bidirectional", "lstm", bidirectional=True, initial_state=False)
    make_recurrent("gru_stacked", "gru", num_layers=2)
    make_losses()
    make_optimizers()
    files = sorted(OUT.glob("*.npz"))
    total = sum(f.stat().st_size for f in files)
    print(f"wrote {len(files)} files, {total / 1024:.1f} KiB, to {OUT}")


if __name__ == "__main__":
    main()
