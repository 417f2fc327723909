"""Optimizer config and state: serialization, save/resume, clear errors."""

import json

import numpy as np
import pytest

from seqlab.layers.base import Parameter
from seqlab.optim import SGD, Adagrad, Adam, RMSprop, deserialize, serialize
from seqlab.optim.schedules import ExponentialDecay


def _params():
    rng = np.random.default_rng(0)
    return [Parameter("m/kernel", rng.standard_normal((2, 3))),
            Parameter("m/bias", rng.standard_normal(3))]


def _step(opt, params, seed):
    rng = np.random.default_rng(seed)
    for p in params:
        p.grad[...] = rng.standard_normal(p.shape)
    opt.apply(params)


OPTIMIZERS = [
    lambda: SGD(0.1, momentum=0.9, nesterov=True),
    lambda: RMSprop(0.01, momentum=0.5, centered=True),
    lambda: Adam(ExponentialDecay(0.01, 2, 0.5), amsgrad=True, clipnorm=1.0),
    lambda: Adagrad(0.1, global_clipnorm=2.0),
]


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_resume_from_state_dict_is_bit_identical(make):
    straight_params, opt = _params(), make()
    for s in range(4):
        _step(opt, straight_params, s)

    params, first = _params(), make()
    for s in range(2):
        _step(first, params, s)
    spec = json.loads(json.dumps(serialize(first)))
    state = {k: v.copy() for k, v in first.state_dict().items()}
    resumed = deserialize(spec)
    saved_values = [p.value.copy() for p in params]
    fresh = _params()
    for p, v in zip(fresh, saved_values):
        p.value[...] = v
    resumed.load_state_dict(state, fresh)
    assert resumed.iterations == 2
    for s in range(2, 4):
        _step(resumed, fresh, s)
    for a, b in zip(fresh, straight_params):
        np.testing.assert_array_equal(a.value, b.value)


def test_state_dict_names():
    params = _params()
    opt = Adam()
    opt.apply(params)
    assert set(opt.state_dict()) == {
        "iterations", "m/kernel/momentum", "m/kernel/velocity", "m/bias/momentum",
        "m/bias/velocity"}
    assert opt.state_dict()["iterations"] == 1


def test_state_before_first_update_loads_as_empty():
    opt = RMSprop()
    state = opt.state_dict()
    other = RMSprop()
    other.load_state_dict(state, _params())
    assert other.iterations == 0


def test_build_creates_state_eagerly():
    opt = Adagrad(initial_accumulator_value=0.3)
    opt.build(_params())
    np.testing.assert_array_equal(opt.state_dict()["m/bias/accumulator"], np.full(3, 0.3))


def test_load_errors_name_the_problem():
    params = _params()
    opt = RMSprop(momentum=0.5)
    opt.apply(params)
    state = opt.state_dict()

    missing = dict(state)
    del missing["m/bias/momentum"]
    with pytest.raises(ValueError, match="missing.*m/bias/momentum"):
        RMSprop(momentum=0.5).load_state_dict(missing, params)

    with pytest.raises(ValueError, match="match no parameter slot.*m/bias/momentum"):
        RMSprop().load_state_dict(state, params)  # no momentum slot in this config

    wrong = dict(state)
    wrong["m/bias/velocity"] = np.zeros(4)
    with pytest.raises(ValueError, match=r"'m/bias/velocity' has shape \(4,\)"):
        RMSprop(momentum=0.5).load_state_dict(wrong, params)

    no_iter = {k: v for k, v in state.items() if k != "iterations"}
    with pytest.raises(ValueError, match="iterations"):
        RMSprop(momentum=0.5).load_state_dict(no_iter, params)


def test_state_shape_change_is_reported_on_apply():
    opt = SGD(momentum=0.9)
    opt.apply([Parameter("w", np.zeros(3))])
    with pytest.raises(ValueError, match="state w/momentum has shape"):
        opt.apply([Parameter("w", np.zeros(4))])


def test_config_roundtrip_and_unknown_class():
    opt = RMSprop(0.02, rho=0.8, momentum=0.1, epsilon=1e-5, centered=True, clipvalue=0.5,
                  epsilon_inside_sqrt=False, name="r")
    back = deserialize(json.loads(json.dumps(serialize(opt))))
    assert back.get_config() == opt.get_config()
    assert back.epsilon_inside_sqrt is False
    with pytest.raises(ValueError, match="unknown optimizer class 'Nadam'"):
        deserialize({"class_name": "Nadam", "config": {}})
