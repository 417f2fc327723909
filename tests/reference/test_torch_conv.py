"""Live parity with PyTorch (float64): nn.Conv1d (outputs, input, weight and bias
gradients, weights converted from torch's (F, D, K) with :mod:`seqlab.interop`),
F.max_pool1d / F.avg_pool1d and global pooling. "same" and "causal" padding are
built in torch with an explicit F.pad, using the Keras padding rule."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.config import use_kernels
from seqlab.interop import from_torch_conv1d
from seqlab.layers.conv import Conv1D
from seqlab.layers.pooling import (
    AveragePooling1D,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    MaxPooling1D,
)

torch = pytest.importorskip("torch")
F = torch.nn.functional

B, T, D, FILTERS, K = 3, 11, 4, 5, 3


def close(name, got, want):
    """Within 1e-6 relative to the largest element (and element-wise)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{name}: shape {got.shape} vs torch {want.shape}"
    scale = max(float(np.max(np.abs(want))), 1e-12)
    assert float(np.max(np.abs(got - want))) <= 1e-6 * scale, name
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9 * scale, err_msg=name)


def keras_pads(T, size, padding, stride, dilation=1):
    span = dilation * (size - 1) + 1
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return span - 1, 0
    out = -(-T // stride)
    total = max((out - 1) * stride + span - T, 0)
    return total // 2, total - total // 2


def to_torch(x):
    """(B, T, D) channels last → a leaf (B, D, T) tensor that collects its gradient."""
    return torch.tensor(x.transpose(0, 2, 1).copy(), requires_grad=True)


def from_torch(t):
    return t.detach().numpy().transpose(0, 2, 1)  # (B, D, T) → (B, T, D)


@pytest.mark.parametrize("kernels", ["numba", "numpy"])
@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("dilation", [1, 2])
def test_conv1d_matches_torch(kernels, padding, stride, dilation):
    torch.manual_seed(0)
    module = torch.nn.Conv1d(D, FILTERS, K, stride=stride, dilation=dilation).double()
    rng = np.random.default_rng(1)
    x = rng.standard_normal((B, T, D))
    xt = to_torch(x)
    yt = module(F.pad(xt, keras_pads(T, K, padding, stride, dilation)))
    R = rng.standard_normal(yt.shape)  # (B, F, T')
    (yt * torch.tensor(R)).sum().backward()

    layer = Conv1D(FILTERS, K, strides=stride, padding=padding, dilation_rate=dilation,
                   dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(from_torch_conv1d(module))
    with use_kernels(kernels):
        y = layer(x)
        dx = layer.backward(R.transpose(0, 2, 1))
    close("y", y, from_torch(yt))
    close("dx", dx, from_torch(xt.grad))
    close("dkernel", layer.kernel.grad, module.weight.grad.numpy().transpose(2, 1, 0))
    close("dbias", layer.bias.grad, module.bias.grad.numpy())


def test_weight_conversion_is_the_documented_transpose():
    module = torch.nn.Conv1d(D, FILTERS, K).double()
    kernel, bias = from_torch_conv1d(module)
    np.testing.assert_array_equal(kernel, module.weight.detach().numpy().transpose(2, 1, 0))
    np.testing.assert_array_equal(bias, module.bias.detach().numpy())


POOLS = [(2, None, "valid"), (3, 1, "valid"), (3, 2, "same"), (4, 3, "same"), (2, 2, "same")]


@pytest.mark.parametrize(("size", "strides", "padding"), POOLS)
def test_max_pooling_matches_torch(size, strides, padding):
    x = np.random.default_rng(2).standard_normal((B, T, D))
    s = size if strides is None else strides
    xt = to_torch(x)
    yt = F.max_pool1d(F.pad(xt, keras_pads(T, size, padding, s), value=-np.inf), size, s)
    R = np.random.default_rng(3).standard_normal(yt.shape)
    (yt * torch.tensor(R)).sum().backward()
    layer = MaxPooling1D(size, strides=strides, padding=padding, dtype="float64")
    close("y", layer(x), from_torch(yt))
    close("dx", layer.backward(R.transpose(0, 2, 1)), from_torch(xt.grad))


@pytest.mark.parametrize(("size", "strides", "padding"), POOLS)
def test_average_pooling_matches_torch(size, strides, padding):
    x = np.random.default_rng(4).standard_normal((B, T, D))
    s = size if strides is None else strides
    pads = keras_pads(T, size, padding, s)
    xt = to_torch(x)
    # average over the real steps only: zero-padded sums / per-window counts of real steps
    sums = F.avg_pool1d(F.pad(xt, pads), size, s) * size
    counts = F.avg_pool1d(F.pad(torch.ones(1, 1, T, dtype=torch.float64), pads), size, s) * size
    yt = sums / counts
    R = np.random.default_rng(5).standard_normal(yt.shape)
    (yt * torch.tensor(R)).sum().backward()
    layer = AveragePooling1D(size, strides=strides, padding=padding, dtype="float64")
    close("y", layer(x), from_torch(yt))
    close("dx", layer.backward(R.transpose(0, 2, 1)), from_torch(xt.grad))


def test_symmetric_same_average_matches_torch_count_include_pad_false():
    x = np.random.default_rng(6).standard_normal((B, T, D))  # T=11, P=3, s=1: one pad each side
    xt = to_torch(x)
    yt = F.avg_pool1d(xt, 3, 1, padding=1, count_include_pad=False)
    close("y", AveragePooling1D(3, 1, "same", dtype="float64")(x), from_torch(yt))


@pytest.mark.parametrize("masked", [False, True])
def test_global_pooling_matches_torch(masked):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((B, T, D))
    mask = rng.random((B, T)) > 0.4 if masked else np.ones((B, T), bool)
    mask[:, 0] = True
    R = rng.standard_normal((B, D))
    m = torch.tensor(mask)[:, :, None]  # (B, T, 1)

    xt = torch.tensor(x, requires_grad=True)
    yt = xt.masked_fill(~m, -np.inf).amax(dim=1)
    (yt * torch.tensor(R)).sum().backward()
    layer = GlobalMaxPooling1D(dtype="float64")
    close("max y", layer(x, mask=mask if masked else None), yt.detach().numpy())
    close("max dx", layer.backward(R), xt.grad.numpy())

    xt = torch.tensor(x, requires_grad=True)
    yt = (xt * m).sum(dim=1) / m.sum(dim=1)
    (yt * torch.tensor(R)).sum().backward()
    layer = GlobalAveragePooling1D(dtype="float64")
    close("avg y", layer(x, mask=mask if masked else None), yt.detach().numpy())
    close("avg dx", layer.backward(R), xt.grad.numpy())
