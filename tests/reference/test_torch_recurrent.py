"""Live parity with PyTorch's nn.RNN / nn.LSTM / nn.GRU (float64): outputs, final
states, dx, dh0 (dc0) and every parameter gradient, weights converted from
torch's layout with :mod:`seqlab.interop`."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.config import use_kernels
from seqlab.interop import from_torch_gru, from_torch_lstm, from_torch_rnn
from seqlab.layers.bidirectional import Bidirectional
from seqlab.layers.rnn_cells import GRU, LSTM, SimpleRNN

torch = pytest.importorskip("torch")

B, T, D, H = 3, 5, 4, 3

CASES = {
    "rnn": (torch.nn.RNN, SimpleRNN, {}, from_torch_rnn),
    "lstm": (torch.nn.LSTM, LSTM, {}, from_torch_lstm),
    "gru": (torch.nn.GRU, GRU, {"reset_after": True}, from_torch_gru),
}


@pytest.fixture(params=["numpy", "numba"])
def kernels(request):
    with use_kernels(request.param):
        yield request.param


def close(name: str, got: np.ndarray, want: np.ndarray) -> None:
    """Within 1e-6 relative to the largest element (and element-wise)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{name}: shape {got.shape} vs torch {want.shape}"
    scale = max(float(np.max(np.abs(want))), 1e-12)
    assert float(np.max(np.abs(got - want))) <= 1e-6 * scale, name
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9 * scale, err_msg=name)


def _grads_of(module, direction: str = "") -> dict[str, np.ndarray]:
    return {n: p.grad.numpy() for n, p in module.named_parameters() if n.endswith(direction)}


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_matches_torch(kind, go_backwards, kernels):
    torch_cls, cls, kw, convert = CASES[kind]
    torch.manual_seed(0)
    module = torch_cls(D, H, batch_first=True).double()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((B, T, D))
    n_states = 2 if kind == "lstm" else 1
    states = [rng.standard_normal((B, H)) * 0.5 for _ in range(n_states)]
    R_out = rng.standard_normal((B, T, H))
    R_states = [rng.standard_normal((B, H)) for _ in range(n_states)]

    # torch: go_backwards = run on the time-reversed input (outputs in processing order)
    tx = torch.tensor(x[:, ::-1].copy() if go_backwards else x, requires_grad=True)
    tstates = [torch.tensor(s[None], requires_grad=True) for s in states]  # (1, B, H)
    out, finals = module(tx, tuple(tstates) if kind == "lstm" else tstates[0])
    finals = finals if kind == "lstm" else (finals,)
    loss = (out * torch.tensor(R_out)).sum() + sum(
        (f[0] * torch.tensor(r)).sum() for f, r in zip(finals, R_states))
    loss.backward()

    layer = cls(H, dtype="float64", return_sequences=True, return_state=True,
                go_backwards=go_backwards, **kw)
    layer.build((None, T, D))
    layer.set_weights(convert(module))
    got = layer(x, initial_state=states)
    close("output", got[0], out.detach().numpy())
    for k, f in enumerate(finals):
        close(f"state {k}", got[1 + k], f[0].detach().numpy())
    dx, *dstates = layer.backward([R_out, *R_states])
    tdx = tx.grad.numpy()
    close("dx", dx, tdx[:, ::-1] if go_backwards else tdx)
    for k, ts in enumerate(tstates):
        close(f"d state {k}", dstates[k], ts.grad.numpy()[0])

    g = _grads_of(module)
    dW, dU, db = (p.grad for p in layer.weights)
    if kind == "gru":
        want = from_torch_gru(g)  # the same block reordering applies to the gradients
        close("d kernel", dW, want[0])
        close("d recurrent_kernel", dU, want[1])
        close("d bias", db, want[2])
    else:
        want = convert(g)
        close("d kernel", dW, want[0])
        close("d recurrent_kernel", dU, want[1])
        # bias = b_ih + b_hh, so dL/dbias equals each torch bias gradient
        close("d bias (ih)", db, g["bias_ih_l0"])
        close("d bias (hh)", db, g["bias_hh_l0"])


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_bidirectional_matches_torch(kind, kernels):
    torch_cls, cls, kw, convert = CASES[kind]
    torch.manual_seed(2)
    module = torch_cls(D, H, batch_first=True, bidirectional=True).double()
    rng = np.random.default_rng(3)
    x = rng.standard_normal((B, T, D))
    R_out = rng.standard_normal((B, T, 2 * H))
    tx = torch.tensor(x, requires_grad=True)
    out, _ = module(tx)
    (out * torch.tensor(R_out)).sum().backward()

    layer = Bidirectional(cls(H, dtype="float64", return_sequences=True, **kw))
    layer.build((None, T, D))
    layer.set_weights(convert(module) + convert(module, direction="reverse"))
    close("output", layer(x), out.detach().numpy())
    close("dx", layer.backward(R_out), tx.grad.numpy())
    fwd_grads = [p.grad for p in layer.forward_layer.weights]
    bwd_grads = [p.grad for p in layer.backward_layer.weights]
    g = _grads_of(module)
    for got, direction in ((fwd_grads, "forward"), (bwd_grads, "reverse")):
        want = convert(g, direction=direction)
        close(f"{direction} d kernel", got[0], want[0])
        close(f"{direction} d recurrent_kernel", got[1], want[1])
        if kind == "gru":
            close(f"{direction} d bias", got[2], want[2])
        else:
            sfx = "_l0" + ("_reverse" if direction == "reverse" else "")
            close(f"{direction} d bias", got[2], g["bias_ih" + sfx])
