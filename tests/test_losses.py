"""seqlab.losses: Loss objects, aliases, value_and_grad, config round-trips, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlab import losses
from seqlab.testing import compare, numerical_gradient

ALIASES = {
    "binary_crossentropy": losses.BinaryCrossentropy,
    "categorical_crossentropy": losses.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": losses.SparseCategoricalCrossentropy,
    "mse": losses.MeanSquaredError,
    "mean_squared_error": losses.MeanSquaredError,
    "mae": losses.MeanAbsoluteError,
    "mean_absolute_error": losses.MeanAbsoluteError,
}


@pytest.mark.parametrize("alias", sorted(ALIASES))
def test_get_resolves_aliases_and_class_names(alias):
    loss = losses.get(alias)
    assert type(loss) is ALIASES[alias]
    assert type(losses.get(type(loss).__name__)) is ALIASES[alias]


def test_get_passes_instances_through_and_lists_valid_names():
    loss = losses.BinaryCrossentropy(from_logits=True)
    assert losses.get(loss) is loss
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'; valid names: .*'mae'.*'mse'"):
        losses.get("hinge")
    with pytest.raises(TypeError, match="plain functions cannot be used"):
        losses.get(lambda a, b: 0.0)


def _case(loss, seed=0):
    rng = np.random.default_rng(seed)
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        return rng.integers(0, 3, 4), rng.uniform(0.1, 1.0, (4, 3))
    if isinstance(loss, losses.CategoricalCrossentropy):
        return np.eye(3)[rng.integers(0, 3, 4)], rng.uniform(0.1, 1.0, (4, 3))
    if isinstance(loss, losses.BinaryCrossentropy):
        return (rng.random((4, 1)) > 0.5).astype(float), rng.uniform(0.1, 0.9, (4, 1))
    return rng.standard_normal((4, 2)), rng.standard_normal((4, 2))


@pytest.mark.parametrize("loss", [
    losses.BinaryCrossentropy(), losses.BinaryCrossentropy(from_logits=True),
    losses.CategoricalCrossentropy(), losses.CategoricalCrossentropy(from_logits=True),
    losses.SparseCategoricalCrossentropy(), losses.SparseCategoricalCrossentropy(from_logits=True),
    losses.MeanSquaredError(), losses.MeanAbsoluteError(),
], ids=repr)
def test_value_and_grad_matches_finite_differences(loss):
    y_true, y_pred = _case(loss)
    value, grad = loss.value_and_grad(y_true, y_pred)
    assert isinstance(value, float)
    assert value == loss(y_true, y_pred)
    assert grad.shape == y_pred.shape and grad.dtype == y_pred.dtype
    compare(repr(loss), grad, numerical_gradient(lambda: loss(y_true, y_pred), y_pred))


def test_from_logits_changes_the_value():
    y, z = np.array([[1.0], [0.0]]), np.array([[0.3], [0.6]])
    probs = losses.BinaryCrossentropy()(y, z)
    logits = losses.BinaryCrossentropy(from_logits=True)(y, z)
    assert probs == pytest.approx(-(np.log(0.3) + np.log(0.4)) / 2, rel=1e-12)
    p = 1 / (1 + np.exp(-z))
    assert logits == pytest.approx(-(np.log(p[0, 0]) + np.log(1 - p[1, 0])) / 2, rel=1e-12)


def test_float32_predictions_give_float32_gradients():
    y = np.array([1.0, 0.0])
    p = np.array([[0.8], [0.3]], dtype=np.float32)
    _, grad = losses.get("binary_crossentropy").value_and_grad(y, p)
    assert grad.dtype == np.float32 and grad.shape == (2, 1)


@pytest.mark.parametrize("loss", [
    losses.BinaryCrossentropy(from_logits=True, name="bce"),
    losses.SparseCategoricalCrossentropy(), losses.MeanAbsoluteError(name="l1"),
], ids=repr)
def test_serialize_round_trip_through_json(loss):
    spec = json.loads(json.dumps(losses.serialize(loss)))
    clone = losses.deserialize(spec)
    assert type(clone) is type(loss)
    assert clone.get_config() == loss.get_config()
    assert losses.get(spec).get_config() == loss.get_config()
    y_true, y_pred = _case(loss)
    assert clone(y_true, y_pred) == loss(y_true, y_pred)


def test_config_errors():
    with pytest.raises(ValueError, match="unknown loss class 'Hinge'"):
        losses.deserialize({"class_name": "Hinge", "config": {}})
    with pytest.raises(ValueError, match="class_name"):
        losses.deserialize({"config": {}})
    with pytest.raises(TypeError, match="from_logits must be True or False"):
        losses.BinaryCrossentropy(from_logits="yes")
    with pytest.raises(TypeError, match="expects a seqlab.losses.Loss"):
        losses.serialize("mse")


def test_mismatched_batch_is_a_clear_error():
    with pytest.raises(ValueError, match="batch size mismatch"):
        losses.get("mse").value_and_grad(np.ones((3, 1)), np.ones((5, 1)))


def test_check_labels_names_who_and_accepts_what_the_loss_takes():
    with pytest.raises(ValueError, match=r"^model 'm' fit\(\): y 'out' for binary_crossentropy "
                                         r"must hold labels in \[0, 1\], got 2 at index \(3,\)"):
        losses.BinaryCrossentropy(from_logits=True).check_labels(np.array([0, 1, 1, 2]),
                                                                 "model 'm' fit(): y 'out'")
    with pytest.raises(ValueError, match="for categorical_crossentropy must hold labels"):
        losses.get("categorical_crossentropy").check_labels(np.array([[2.0, -1.0]]), "y")
    losses.get("binary_crossentropy").check_labels(np.array([0.0, 0.25, 1.0]), "y")
    losses.get("mse").check_labels(np.array([-5.0, 7.0]), "y")  # any number is a target
