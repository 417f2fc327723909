"""Sample weights: L = Σ_i w_i ℓ_i / B as Keras 3 reduces it, from arrays or from
(x, y, sample_weight) batches; metrics stay unweighted."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.layers.core import Dense
from seqlab.losses import CategoricalCrossentropy
from seqlab.models import Sequential, sample_weights
from seqlab.optim import SGD


def _linear(lr: float = 0.1, metrics=None) -> Sequential:
    """ŷ = x·W + b in float64 with known weights."""
    model = Sequential([Dense(2, input_shape=(3,), dtype="float64")])
    model.set_weights([np.array([[0.5, -1.0], [0.25, 0.0], [-0.5, 1.5]]),
                       np.array([0.1, -0.2])])
    model.compile(SGD(learning_rate=lr), "mse", metrics=metrics)
    return model


@pytest.fixture
def batch() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    return rng.normal(size=(4, 3)), rng.normal(size=(4, 2)), np.array([2.0, 0.5, 0.0, 1.0])


def test_weighted_loss_and_update_equal_a_hand_computation(batch):
    x, y, w = batch
    model = _linear(lr=0.1)
    W, b = model.get_weights()
    err = x @ W + b - y  # (4, 2)
    per_sample = np.mean(err ** 2, axis=1)  # ℓ_i: MSE over the last axis
    expected = np.sum(w * per_sample) / 4  # divided by the batch size, not by Σ w
    assert model.test_on_batch(x, y, sample_weight=w) == pytest.approx(expected, rel=1e-12)
    assert model.evaluate(x, y, sample_weight=w, verbose=0) == pytest.approx(expected,
                                                                             rel=1e-12)
    dy = 2 * err / 2 * w[:, None] / 4  # dL/dŷ = (w_i / B) · 2 (ŷ − y) / C
    loss = model.train_on_batch(x, y, sample_weight=w)
    assert loss == pytest.approx(expected, rel=1e-12)
    new_W, new_b = model.get_weights()
    np.testing.assert_allclose(new_W, W - 0.1 * x.T @ dy, rtol=1e-12)
    np.testing.assert_allclose(new_b, b - 0.1 * dy.sum(axis=0), rtol=1e-12)


def test_a_zero_weight_removes_the_sample(batch):
    x, y, _ = batch
    w = np.array([1.0, 1.0, 1.0, 0.0])
    garbage_x, garbage_y = x.copy(), y.copy()
    garbage_x[3], garbage_y[3] = 1e6, -1e6  # sample 3 counts for nothing
    weighted = _linear(lr=0.3)
    loss = weighted.train_on_batch(garbage_x, garbage_y, sample_weight=w)
    kept = _linear(lr=0.3 * 3 / 4)  # the batch size stays 4: the kept samples weigh 3/4
    kept_loss = kept.train_on_batch(x[:3], y[:3])
    assert loss == pytest.approx(kept_loss * 3 / 4, rel=1e-12)
    for got, want in zip(weighted.get_weights(), kept.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_unit_weights_change_nothing(batch):
    x, y, _ = batch
    plain, weighted = _linear(), _linear()
    plain.fit(x, y, batch_size=3, epochs=2, seed=1, verbose=0)
    weighted.fit(x, y, batch_size=3, epochs=2, seed=1, verbose=0, sample_weight=np.ones(4))
    for got, want in zip(weighted.get_weights(), plain.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_weights_from_batches_equal_array_weights():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    w = rng.uniform(0, 2, size=20).round(1)
    arrays, streamed = _linear(), _linear()
    expected = arrays.fit(x, y, batch_size=8, epochs=2, shuffle=False, sample_weight=w,
                          verbose=0)
    batches = [(x[i:i + 8], y[i:i + 8], w[i:i + 8]) for i in range(0, 20, 8)]
    history = streamed.fit(batches, epochs=2, shuffle=False, verbose=0)
    for got, want in zip(streamed.get_weights(), arrays.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    np.testing.assert_allclose(history.history["loss"], expected.history["loss"], rtol=1e-12)


def test_metrics_are_not_weighted(batch):
    x, y, w = batch
    model = _linear(metrics=["mae"])
    loss, mae = model.evaluate(x, y, sample_weight=w, verbose=0)
    pred = model.predict(x)
    assert mae == pytest.approx(np.mean(np.abs(pred - y)), rel=1e-12)
    assert loss == pytest.approx(np.sum(w * np.mean((pred - y) ** 2, axis=1)) / 4, rel=1e-12)


def test_validation_weights_from_a_triple_and_from_the_split():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 2))
    w = rng.uniform(0, 2, size=20)
    model = _linear(lr=0.01)
    history = model.fit(x[:15], y[:15], epochs=1, validation_data=(x[15:], y[15:], w[15:]),
                        verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[15:], y[15:], sample_weight=w[15:], verbose=0), rel=1e-12)
    history = model.fit(x, y, epochs=1, validation_split=0.25, sample_weight=w, verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(
        model.evaluate(x[15:], y[15:], sample_weight=w[15:], verbose=0), rel=1e-12)


def test_sequence_outputs_weigh_each_sample_over_its_time_steps():
    """y (B, T, C): L = Σ_i w_i mean_t ℓ_it / B; each row of the gradient is the
    sample's own gradient scaled by w_i / B."""
    rng = np.random.default_rng(6)
    logits = rng.normal(size=(5, 3, 4))
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    labels = np.eye(4)[rng.integers(0, 4, size=(5, 3))]
    w = np.array([1.0, 0.0, 2.0, 1.0, 0.5])
    loss = CategoricalCrossentropy()
    value, grad = sample_weights.value_and_grad(loss, labels, probs, w)
    singles = [loss.value_and_grad(labels[i:i + 1], probs[i:i + 1]) for i in range(5)]
    hand = sum(w[i] * -np.mean(np.sum(labels[i] * np.log(probs[i]), -1)) for i in range(5)) / 5
    assert value == pytest.approx(hand, rel=1e-12)
    assert value == pytest.approx(sum(w[i] * v for i, (v, _) in enumerate(singles)) / 5,
                                  rel=1e-12)
    for i, (_, g) in enumerate(singles):
        np.testing.assert_allclose(grad[i], w[i] / 5 * g[0], rtol=1e-12)


@pytest.mark.parametrize("weights, error, message", [
    (np.ones(3), ValueError, r"has 3 weights for 4 samples"),
    (np.ones((4, 2)), ValueError, r"one weight per sample, shape \(4,\), got shape \(4, 2\)"),
    (np.array([1.0, -0.5, 1.0, 1.0]), ValueError, r"finite numbers >= 0, got -0.5 at index 1"),
    (np.array([1.0, 1.0, np.nan, 1.0]), ValueError, r"finite numbers >= 0, got nan at index 2"),
    (np.array(["a", "b", "c", "d"]), TypeError, r"must be numbers, got dtype <U1"),
])
def test_bad_weights_are_refused_before_training(batch, weights, error, message):
    x, y, _ = batch
    model = _linear()
    before = model.get_weights()
    with pytest.raises(error, match=rf"model '\w+' fit\(\): sample_weight.*{message}"):
        model.fit(x, y, sample_weight=weights, verbose=0)
    for got, want in zip(model.get_weights(), before):
        np.testing.assert_array_equal(got, want)


def test_one_weight_per_sample_also_as_a_column(batch):
    x, y, w = batch
    model = _linear()
    assert model.evaluate(x, y, sample_weight=w[:, None], verbose=0) == pytest.approx(
        model.evaluate(x, y, sample_weight=w, verbose=0), rel=1e-15)
