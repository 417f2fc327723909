"""Update rules against plain float64 re-statements of the Keras 3 equations."""

import math

import numpy as np
import pytest

from seqlab.layers.base import Parameter
from seqlab.optim import SGD, Adagrad, Adam, RMSprop, get

STEPS = 5


def _params(dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    return [Parameter("layer/kernel", rng.standard_normal((3, 4)).astype(dtype)),
            Parameter("layer/bias", rng.standard_normal(4).astype(dtype))]


def _grad_sequence(seed=1):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal((3, 4)), rng.standard_normal(4)] for _ in range(STEPS)]


def _run(opt, dtype=np.float64):
    params = _params(dtype)
    history = []
    for grads in _grad_sequence():
        for p, g in zip(params, grads):
            p.grad[...] = g
        opt.apply(params)
        history.append([p.value.copy() for p in params])
    return history


def _reference(step_fn, state_init):
    """Apply ``step_fn(w, g, state, t)`` (t = 1, 2, ...) to each parameter."""
    ws = [p.value.copy() for p in _params()]
    states = [state_init(w) for w in ws]
    history = []
    for t, grads in enumerate(_grad_sequence(), start=1):
        ws = [step_fn(w, g, s, t) for w, g, s in zip(ws, grads, states)]
        history.append([w.copy() for w in ws])
    return history


def _sgd_ref(lr, mu, nesterov):
    def step(w, g, s, t):
        if mu == 0:
            return w - lr * g
        s["m"] = mu * s["m"] - lr * g
        return w + mu * s["m"] - lr * g if nesterov else w + s["m"]
    return step, lambda w: {"m": np.zeros_like(w)}


def _rmsprop_ref(lr, rho, mu, eps, centered, inside=True):
    def step(w, g, s, t):
        s["v"] = rho * s["v"] + (1 - rho) * g * g
        if centered:
            s["a"] = rho * s["a"] + (1 - rho) * g
            square = s["v"] - s["a"] ** 2
        else:
            square = s["v"]
        inc = lr * g / (np.sqrt(square + eps) if inside else np.sqrt(square) + eps)
        if mu > 0:
            s["m"] = mu * s["m"] + inc
            return w - s["m"]
        return w - inc
    return step, lambda w: {"v": np.zeros_like(w), "a": np.zeros_like(w), "m": np.zeros_like(w)}


def _adam_ref(lr, b1, b2, eps, amsgrad):
    def step(w, g, s, t):
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        s["vh"] = np.maximum(s["vh"], s["v"])
        v = s["vh"] if amsgrad else s["v"]
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return w - alpha * s["m"] / (np.sqrt(v) + eps)
    return step, lambda w: {"m": np.zeros_like(w), "v": np.zeros_like(w), "vh": np.zeros_like(w)}


def _adagrad_ref(lr, init, eps):
    def step(w, g, s, t):
        s["a"] = s["a"] + g * g
        return w - lr * g / np.sqrt(s["a"] + eps)
    return step, lambda w: {"a": np.full_like(w, init)}


CASES = [
    (lambda: SGD(0.1), _sgd_ref(0.1, 0.0, False)),
    (lambda: SGD(0.1, momentum=0.9), _sgd_ref(0.1, 0.9, False)),
    (lambda: SGD(0.05, momentum=0.8, nesterov=True), _sgd_ref(0.05, 0.8, True)),
    (lambda: RMSprop(0.01), _rmsprop_ref(0.01, 0.9, 0.0, 1e-7, False)),
    (lambda: RMSprop(0.01, rho=0.8, momentum=0.5, epsilon=1e-3),
     _rmsprop_ref(0.01, 0.8, 0.5, 1e-3, False)),
    (lambda: RMSprop(0.01, centered=True, epsilon=1e-2), _rmsprop_ref(0.01, 0.9, 0.0, 1e-2, True)),
    (lambda: RMSprop(0.01, momentum=0.9, centered=True, epsilon=1e-2),
     _rmsprop_ref(0.01, 0.9, 0.9, 1e-2, True)),
    (lambda: RMSprop(0.01, epsilon=1e-2, epsilon_inside_sqrt=False),
     _rmsprop_ref(0.01, 0.9, 0.0, 1e-2, False, inside=False)),
    (lambda: RMSprop(0.01, momentum=0.5, centered=True, epsilon=1e-2, epsilon_inside_sqrt=False),
     _rmsprop_ref(0.01, 0.9, 0.5, 1e-2, True, inside=False)),
    (lambda: Adam(0.01), _adam_ref(0.01, 0.9, 0.999, 1e-7, False)),
    (lambda: Adam(0.02, beta_1=0.5, beta_2=0.9, epsilon=0.1), _adam_ref(0.02, 0.5, 0.9, 0.1, False)),
    (lambda: Adam(0.01, amsgrad=True), _adam_ref(0.01, 0.9, 0.999, 1e-7, True)),
    (lambda: Adagrad(0.1), _adagrad_ref(0.1, 0.1, 1e-7)),
    (lambda: Adagrad(0.1, initial_accumulator_value=0.5, epsilon=0.01),
     _adagrad_ref(0.1, 0.5, 0.01)),
]


@pytest.mark.parametrize("make, ref", CASES)
def test_update_matches_keras_equations(make, ref):
    got = _run(make())
    want = _reference(*ref)
    for step_got, step_want in zip(got, want):
        for a, b in zip(step_got, step_want):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("make, ref", CASES)
def test_float32_parameters_stay_float32_and_close(make, ref):
    got = _run(make(), dtype=np.float32)
    want = _reference(*ref)
    for a, b in zip(got[-1], want[-1]):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_grad_untouched_nontrainable_skipped_iterations_counted():
    params = _params()
    frozen = Parameter("layer/frozen", np.ones(2), trainable=False)
    frozen.grad[...] = 5.0
    for p in params:
        p.grad[...] = 1.0
    before = [p.value.copy() for p in params]
    opt = Adam(0.1, clipnorm=0.5)
    opt.apply([*params, frozen])
    assert opt.iterations == 1
    np.testing.assert_array_equal(frozen.value, np.ones(2))
    for p, b in zip(params, before):
        np.testing.assert_array_equal(p.grad, np.ones_like(p.grad))  # clipping used a copy
        assert not np.array_equal(p.value, b)
    assert "layer/frozen" not in {k.rsplit("/", 1)[0] for k in opt.state_dict()}


def test_slot_names_follow_the_config():
    assert SGD().slot_names() == ()
    assert SGD(momentum=0.9).slot_names() == ("momentum",)
    assert RMSprop(momentum=0.5, centered=True).slot_names() == (
        "velocity", "momentum", "average_gradient")
    assert Adam(amsgrad=True).slot_names() == ("momentum", "velocity", "velocity_hat")
    assert Adagrad().slot_names() == ("accumulator",)


def test_minimises_a_quadratic():
    target = np.array([1.0, -2.0, 3.0])
    for opt in (SGD(0.1, momentum=0.9), RMSprop(0.05), Adam(0.1), Adagrad(0.5)):
        p = Parameter("w", np.zeros(3))
        for _ in range(300):
            p.grad[...] = 2 * (p.value - target)
            opt.apply([p])
        np.testing.assert_allclose(p.value, target, atol=0.05, err_msg=type(opt).__name__)


@pytest.mark.parametrize("bad, match", [
    (lambda: SGD(momentum=1.5), "momentum"),
    (lambda: SGD(learning_rate="fast"), "learning_rate"),
    (lambda: SGD(learning_rate=-1.0), "learning_rate"),
    (lambda: Adam(beta_1=1.0), "beta_1"),
    (lambda: Adam(epsilon=-1.0), "epsilon"),
    (lambda: RMSprop(rho=2.0), "rho"),
    (lambda: Adagrad(initial_accumulator_value=-0.1), "initial_accumulator_value"),
    (lambda: SGD(clipnorm=1.0, clipvalue=1.0), "only one of"),
    (lambda: SGD(clipnorm=0.0), "clipnorm"),
])
def test_bad_arguments_are_named(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bad()


def test_apply_rejects_non_parameters_and_duplicate_names():
    with pytest.raises(TypeError, match="Parameter"):
        SGD().apply([np.zeros(3)])
    a, b = Parameter("same", np.zeros(2)), Parameter("same", np.zeros(2))
    with pytest.raises(ValueError, match="same"):
        SGD().apply([a, b])


def test_get_aliases_and_unknown_name_lists_valid_ones():
    assert isinstance(get("RMSprop"), RMSprop)
    assert isinstance(get("adam"), Adam)
    opt = SGD()
    assert get(opt) is opt
    with pytest.raises(ValueError, match=r"valid names: \['Adagrad', 'Adam', 'RMSprop', 'SGD', 'adagrad', 'adam', 'rmsprop', 'sgd'\]"):
        get("adamw")
    with pytest.raises(TypeError, match="optimizer must be"):
        get(3)
