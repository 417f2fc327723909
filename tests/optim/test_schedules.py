import json
import math

import numpy as np
import pytest

from seqlab.layers.base import Parameter
from seqlab.optim import SGD, Adam, schedules
from seqlab.optim.schedules import (
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    PiecewiseConstantDecay,
)


def test_exponential_decay():
    s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert s(0) == pytest.approx(0.1)
    assert s(10) == pytest.approx(0.05)
    assert s(5) == pytest.approx(0.1 * 0.5 ** 0.5)
    stair = ExponentialDecay(0.1, 10, 0.5, staircase=True)
    assert stair(9) == pytest.approx(0.1)
    assert stair(19) == pytest.approx(0.05)


def test_inverse_time_decay():
    s = InverseTimeDecay(1.0, decay_steps=2, decay_rate=0.5)
    assert s(0) == pytest.approx(1.0)
    assert s(4) == pytest.approx(1.0 / 2.0)
    assert InverseTimeDecay(1.0, 2, 0.5, staircase=True)(3) == pytest.approx(1.0 / 1.5)


def test_piecewise_constant_boundaries_belong_to_the_left_interval():
    s = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [s(0), s(10), s(11), s(20), s(21), s(1000)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]


def test_cosine_decay_and_warmup():
    s = CosineDecay(1.0, decay_steps=10, alpha=0.1)
    assert s(0) == pytest.approx(1.0)
    assert s(5) == pytest.approx(0.9 * 0.5 + 0.1)
    assert s(10) == pytest.approx(0.1)
    assert s(50) == pytest.approx(0.1)  # held after decay_steps
    w = CosineDecay(0.0, decay_steps=10, warmup_target=1.0, warmup_steps=4)
    assert w(2) == pytest.approx(0.5)
    assert w(4) == pytest.approx(1.0)
    assert w(9) == pytest.approx(0.5 * (1 + math.cos(math.pi * 0.5)))
    assert w(100) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("bad, match", [
    (lambda: ExponentialDecay(0.1, 0, 0.5), "decay_steps"),
    (lambda: PiecewiseConstantDecay([1, 2], [1.0]), "one more entry"),
    (lambda: PiecewiseConstantDecay([2, 1], [1.0, 2.0, 3.0]), "increase strictly"),
    (lambda: CosineDecay("x", 10), "initial_learning_rate"),
    (lambda: ExponentialDecay(0.1, 10, 0.5)(-1), "step"),
])
def test_bad_schedule_arguments(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bad()


def test_optimizer_calls_schedule_with_iterations_before_the_update():
    sched = PiecewiseConstantDecay([0, 1], [1.0, 0.5, 0.25])
    opt = SGD(learning_rate=sched)
    p = Parameter("w", np.zeros(1))
    lrs = []
    for _ in range(3):
        lrs.append(opt.learning_rate)
        before = p.value.copy()
        p.grad[...] = 1.0
        opt.apply([p])
        assert (before - p.value)[0] == pytest.approx(lrs[-1])
    assert lrs == [1.0, 0.5, 0.25]


def test_learning_rate_setter():
    opt = SGD(0.1)
    opt.learning_rate = 0.01
    assert opt.learning_rate == 0.01
    assert opt.get_config()["learning_rate"] == 0.01
    with pytest.raises(ValueError, match="learning_rate"):
        opt.learning_rate = float("nan")
    scheduled = Adam(ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="schedule"):
        scheduled.learning_rate = 0.01
    scheduled.learning_rate = ExponentialDecay(0.2, 10, 0.5)
    assert scheduled.learning_rate == pytest.approx(0.2)


@pytest.mark.parametrize("sched", [
    ExponentialDecay(0.1, 10, 0.5, staircase=True),
    InverseTimeDecay(0.1, 3, 0.2),
    PiecewiseConstantDecay([5, 7], [0.3, 0.2, 0.1]),
    CosineDecay(0.0, 20, alpha=0.05, warmup_target=0.1, warmup_steps=3),
])
def test_schedule_serialization_roundtrip(sched):
    spec = json.loads(json.dumps(schedules.serialize(sched)))
    back = schedules.deserialize(spec)
    assert type(back) is type(sched)
    assert [back(s) for s in range(25)] == [sched(s) for s in range(25)]
    with pytest.raises(ValueError, match="unknown learning-rate schedule"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
