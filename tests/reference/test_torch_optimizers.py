"""Live PyTorch parity for the optimizers, clipping and schedules (float64).

Keras 3 and torch place epsilon differently, so:
  * with ε = 0 (and a constant lr) seqlab equals torch.optim exactly;
  * Adam with ε > 0 equals torch's Adam when torch's eps is set to
    ε / sqrt(1 − β₂ᵗ) before step t;
  * RMSprop and Adagrad with ε > 0 divide by sqrt(v + ε) in Keras and by
    sqrt(v) + ε in torch: one NumPy re-statement with the ε placement as its
    only switch reproduces both;
  * RMSprop(epsilon_inside_sqrt=False) equals torch's RMSprop for any ε.
"""

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from seqlab.layers.base import Parameter
from seqlab.optim import SGD, Adagrad, Adam, RMSprop
from seqlab.optim.schedules import CosineDecay, ExponentialDecay

STEPS = 6


def _data(seed=0):
    rng = np.random.default_rng(seed)
    start = [rng.standard_normal((3, 5)), rng.standard_normal(5)]
    grads = [[rng.standard_normal((3, 5)), rng.standard_normal(5)] for _ in range(STEPS)]
    return start, grads


def run_seqlab(opt):
    start, grads = _data()
    params = [Parameter(f"p{i}", s.copy()) for i, s in enumerate(start)]
    for step in grads:
        for p, g in zip(params, step):
            p.grad[...] = g
        opt.apply(params)
    return [p.value for p in params]


def run_torch(cls, before_step=None, clip=None, **kwargs):
    start, grads = _data()
    params = [torch.tensor(s, requires_grad=True) for s in start]
    opt = cls(params, **kwargs)
    for t, step in enumerate(grads, start=1):
        for p, g in zip(params, step):
            p.grad = torch.tensor(g)
        if clip is not None:
            clip(params)
        if before_step is not None:
            before_step(opt, t)
        opt.step()
    return [p.detach().numpy() for p in params]


def assert_same(a, b, rtol=1e-10):
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("ours, theirs, kwargs", [
    (SGD(0.1), torch.optim.SGD, {"lr": 0.1}),
    (SGD(0.1, momentum=0.9), torch.optim.SGD, {"lr": 0.1, "momentum": 0.9}),
    (SGD(0.1, momentum=0.7, nesterov=True), torch.optim.SGD,
     {"lr": 0.1, "momentum": 0.7, "nesterov": True}),
    (RMSprop(0.01, rho=0.95, epsilon=0.0), torch.optim.RMSprop,
     {"lr": 0.01, "alpha": 0.95, "eps": 0.0}),
    (RMSprop(0.01, momentum=0.9, centered=True, epsilon=0.0), torch.optim.RMSprop,
     {"lr": 0.01, "alpha": 0.9, "eps": 0.0, "momentum": 0.9, "centered": True}),
    (Adam(0.01, epsilon=0.0), torch.optim.Adam, {"lr": 0.01, "eps": 0.0}),
    (Adam(0.01, beta_1=0.5, beta_2=0.9, epsilon=0.0, amsgrad=True), torch.optim.Adam,
     {"lr": 0.01, "betas": (0.5, 0.9), "eps": 0.0, "amsgrad": True}),
    (Adagrad(0.1, epsilon=0.0), torch.optim.Adagrad,
     {"lr": 0.1, "eps": 0.0, "initial_accumulator_value": 0.1}),
])
def test_equal_to_torch_with_zero_epsilon(ours, theirs, kwargs):
    assert_same(run_seqlab(ours), run_torch(theirs, **kwargs))


@pytest.mark.parametrize("eps", [1e-7, 1e-2])
def test_adam_epsilon_is_torch_epsilon_over_sqrt_bias_correction(eps):
    def set_eps(opt, t):
        opt.param_groups[0]["eps"] = eps / math.sqrt(1 - 0.999 ** t)

    ours = run_seqlab(Adam(0.01, epsilon=eps))
    assert_same(ours, run_torch(torch.optim.Adam, before_step=set_eps, lr=0.01, eps=eps))
    plain = run_torch(torch.optim.Adam, lr=0.01, eps=eps)
    if eps > 1e-3:  # a visible epsilon really does make plain torch differ
        assert not np.allclose(ours[0], plain[0], rtol=1e-8)


def rmsprop_numpy(eps, inside, rho=0.9, lr=0.01):
    start, grads = _data()
    ws, vs = [s.copy() for s in start], [np.zeros_like(s) for s in start]
    for step in grads:
        for i, g in enumerate(step):
            vs[i] = rho * vs[i] + (1 - rho) * g * g
            denom = np.sqrt(vs[i] + eps) if inside else np.sqrt(vs[i]) + eps
            ws[i] = ws[i] - lr * g / denom
    return ws


def adagrad_numpy(eps, inside, lr=0.1, init=0.1):
    start, grads = _data()
    ws, accs = [s.copy() for s in start], [np.full_like(s, init) for s in start]
    for step in grads:
        for i, g in enumerate(step):
            accs[i] = accs[i] + g * g
            denom = np.sqrt(accs[i] + eps) if inside else np.sqrt(accs[i]) + eps
            ws[i] = ws[i] - lr * g / denom
    return ws


@pytest.mark.parametrize("eps", [1e-7, 0.05])
def test_rmsprop_and_adagrad_epsilon_placement(eps):
    assert_same(run_torch(torch.optim.RMSprop, lr=0.01, alpha=0.9, eps=eps),
                rmsprop_numpy(eps, inside=False))
    assert_same(run_seqlab(RMSprop(0.01, rho=0.9, epsilon=eps)), rmsprop_numpy(eps, inside=True))
    assert_same(run_torch(torch.optim.Adagrad, lr=0.1, eps=eps, initial_accumulator_value=0.1),
                adagrad_numpy(eps, inside=False))
    assert_same(run_seqlab(Adagrad(0.1, epsilon=eps)), adagrad_numpy(eps, inside=True))


@pytest.mark.parametrize("eps", [1e-7, 0.05])
@pytest.mark.parametrize("momentum, centered", [(0.0, False), (0.9, True)])
def test_rmsprop_epsilon_outside_sqrt_equals_torch(eps, momentum, centered):
    ours = RMSprop(0.01, rho=0.9, momentum=momentum, epsilon=eps, centered=centered,
                   epsilon_inside_sqrt=False)
    assert_same(run_seqlab(ours), run_torch(torch.optim.RMSprop, lr=0.01, alpha=0.9, eps=eps,
                                            momentum=momentum, centered=centered))


def test_clipvalue_equals_torch_clip_grad_value():
    clip = lambda ps: torch.nn.utils.clip_grad_value_(ps, 0.5)
    assert_same(run_seqlab(SGD(0.1, clipvalue=0.5)),
                run_torch(torch.optim.SGD, clip=clip, lr=0.1))


def test_global_clipnorm_close_to_torch_clip_grad_norm():
    # torch divides by (norm + 1e-6), Keras by norm: equal to ~1e-6 relative
    clip = lambda ps: torch.nn.utils.clip_grad_norm_(ps, 1.0)
    assert_same(run_seqlab(SGD(0.1, global_clipnorm=1.0)),
                run_torch(torch.optim.SGD, clip=clip, lr=0.1), rtol=1e-6)


def test_schedules_equal_torch_schedulers():
    lr0, gamma, S = 0.1, 0.8, 5
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    exp = torch.optim.lr_scheduler.ExponentialLR(opt, gamma)
    ours = ExponentialDecay(lr0, decay_steps=1, decay_rate=gamma)
    for step in range(8):
        assert ours(step) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-12)
        opt.step()
        exp.step()
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=S)
    ours = CosineDecay(lr0, decay_steps=S)
    for step in range(S + 1):
        assert ours(step) == pytest.approx(opt.param_groups[0]["lr"], rel=1e-9, abs=1e-15)
        opt.step()
        cos.step()
