"""seqlab.metrics: per-element values, sample-weighted running means, aliases."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab import metrics


def test_binary_accuracy_threshold_and_target_shapes():
    m = metrics.BinaryAccuracy(threshold=0.7)
    y_pred = np.array([[0.9], [0.6], [0.2], [0.8]])
    m.update_state(np.array([1, 1, 0, 0]), y_pred)  # (B,) targets for (B, 1) outputs
    # 0.9>0.7 ok, 0.6 -> 0 but target 1, 0.2 -> 0 ok, 0.8 -> 1 but target 0
    assert m.result() == pytest.approx(0.5)


def test_running_mean_weights_samples_not_batches():
    m = metrics.SparseCategoricalAccuracy()
    # batch 1: 3 samples, all right; batch 2: 1 sample, wrong -> 3/4, not (1 + 0) / 2
    m.update_state(np.array([0, 1, 2]), np.eye(3))
    m.update_state(np.array([0]), np.array([[0.1, 0.8, 0.1]]))
    assert m.result() == pytest.approx(0.75)
    m.reset_state()
    assert m.result() == 0.0


def test_categorical_and_sparse_agree_on_sequences():
    rng = np.random.default_rng(0)
    probs = rng.random((5, 7, 4))
    labels = rng.integers(0, 4, size=(5, 7))
    cat, sparse = metrics.CategoricalAccuracy(), metrics.SparseCategoricalAccuracy()
    cat.update_state(np.eye(4)[labels], probs)
    sparse.update_state(labels, probs)
    expected = np.mean(np.argmax(probs, -1) == labels)
    assert cat.result() == pytest.approx(expected)
    assert sparse.result() == pytest.approx(expected)
    assert cat.count == 35


def test_mae_mse_values():
    y_true = np.array([[1.0, 2.0], [3.0, 4.0]])
    y_pred = np.array([[1.5, 1.0], [3.0, 6.0]])
    mae, mse = metrics.get("mae"), metrics.get("mean_squared_error")
    mae.update_state(y_true, y_pred)
    mse.update_state(y_true, y_pred)
    assert mae.result() == pytest.approx((0.5 + 1 + 0 + 2) / 4)
    assert mse.result() == pytest.approx((0.25 + 1 + 0 + 4) / 4)
    assert mae.name == "mae"


@pytest.mark.parametrize("loss, shape, cls", [
    ("binary_crossentropy", (None, 1), metrics.BinaryAccuracy),
    ("categorical_crossentropy", (None, 3), metrics.CategoricalAccuracy),
    ("sparse_categorical_crossentropy", (None, 3), metrics.SparseCategoricalAccuracy),
    ("mse", (None, 1), metrics.BinaryAccuracy),
    ("mse", (None, 5), metrics.CategoricalAccuracy),
])
def test_accuracy_resolves_by_loss(loss, shape, cls):
    m = metrics.get("accuracy", loss=loss, output_shape=shape)
    assert type(m) is cls
    assert m.name == "accuracy"
    assert metrics.get("acc", loss=loss, output_shape=shape).name == "acc"


def test_unknown_alias_lists_valid_names():
    with pytest.raises(ValueError, match="valid names.*binary_accuracy"):
        metrics.get("accuracyy")
    with pytest.raises(TypeError, match="metric must be"):
        metrics.get(3)


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="categorical_accuracy"):
        metrics.CategoricalAccuracy().update_state(np.array([0, 1]), np.eye(2))
    with pytest.raises(ValueError, match="does not match"):
        metrics.MeanAbsoluteError().update_state(np.zeros((2, 3)), np.zeros((2, 4)))


def test_serialize_round_trip():
    m = metrics.BinaryAccuracy(name="acc", threshold=0.3)
    back = metrics.deserialize(metrics.serialize(m))
    assert type(back) is metrics.BinaryAccuracy
    assert (back.name, back.threshold) == ("acc", 0.3)
