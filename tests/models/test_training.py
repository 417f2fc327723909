"""The fit loop: validation split, determinism, NaN handling, return values, errors."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.callbacks import Callback, TerminateOnNaN
from seqlab.layers.core import Dense
from seqlab.losses import MeanSquaredError
from seqlab.models import Sequential
from seqlab.optim import SGD, RMSprop


def _probe_model(seen: list[np.ndarray]) -> Sequential:
    """A linear model whose first layer records the batches it is called on."""

    class Probe(Dense):
        def call(self, inputs, training=False, mask=None, **kwargs):
            if training:
                seen.append(np.array(inputs, copy=True))
            return super().call(inputs, training=training, mask=mask, **kwargs)

    seqlab.set_random_seed(0)
    return Sequential([Probe(1, input_shape=(1,))])


def test_validation_split_takes_the_last_fraction_before_shuffling():
    seen: list[np.ndarray] = []
    model = _probe_model(seen)
    model.compile(SGD(learning_rate=0.0), "mse")
    x = np.arange(10, dtype="float32")[:, None]
    y = np.zeros((10, 1), "float32")
    history = model.fit(x, y, batch_size=3, epochs=2, validation_split=0.3, shuffle=True,
                        verbose=0)
    trained = np.concatenate(seen)[:, 0]
    assert sorted(trained[:7].tolist()) == list(range(7))  # one epoch = samples 0..6
    assert trained[:7].tolist() != list(range(7)) or trained[7:].tolist() != list(range(7))
    assert not set(trained.tolist()) & {7.0, 8.0, 9.0}
    # val_loss is the loss on samples 7, 8, 9
    w, b = (float(v.ravel()[0]) for v in model.get_weights())
    expected = np.mean((w * np.array([7.0, 8.0, 9.0]) + b) ** 2)
    assert history.history["val_loss"][-1] == pytest.approx(expected, rel=1e-5)


def test_shuffle_false_keeps_the_order():
    seen: list[np.ndarray] = []
    model = _probe_model(seen)
    model.compile(SGD(learning_rate=0.0), "mse")
    x = np.arange(5, dtype="float32")[:, None]
    model.fit(x, np.zeros((5, 1)), batch_size=2, shuffle=False, verbose=0)
    assert [s[:, 0].tolist() for s in seen] == [[0, 1], [2, 3], [4]]


def _train(make_mlp, blobs, seed: int, fit_seed=None) -> list[np.ndarray]:
    x, y = blobs
    model = make_mlp(seed=seed, dropout=0.3)
    model.compile(RMSprop(learning_rate=0.01), "binary_crossentropy", ["accuracy"])
    model.fit(x, y, batch_size=16, epochs=3, verbose=0, seed=fit_seed)
    return model.get_weights()


def test_same_seed_gives_a_bit_identical_run(make_mlp, blobs):
    a = _train(make_mlp, blobs, seed=11)
    b = _train(make_mlp, blobs, seed=11)
    c = _train(make_mlp, blobs, seed=12)
    for wa, wb in zip(a, b):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a[0], c[0])
    # the same weights with another shuffle seed train differently
    d = _train(make_mlp, blobs, seed=11, fit_seed=123)
    assert not np.array_equal(a[0], d[0])


class NanOnCall(MeanSquaredError):
    """MSE whose ``k``-th call (from 1) returns NaN: a stand-in for a diverging run."""

    def __init__(self, k: int):
        super().__init__()
        self.k, self.calls = k, 0

    def value_and_grad(self, y_true, y_pred):
        self.calls += 1
        value, grad = super().value_and_grad(y_true, y_pred)
        return (float("nan"), grad) if self.calls == self.k else (value, grad)


class WeightsAtBatchStart(Callback):
    def on_batch_begin(self, batch, logs=None):
        self.weights = self.model.get_weights()


def test_nan_loss_raises_naming_epoch_and_step(make_mlp, blobs):
    x, y = blobs
    model = make_mlp()
    model.compile("sgd", NanOnCall(k=7))  # 4 steps per epoch -> epoch 2, step 3
    probe = WeightsAtBatchStart()
    with pytest.raises(FloatingPointError, match=r"epoch 2/5, step 3/4.*TerminateOnNaN"):
        model.fit(x, y, batch_size=32, epochs=5, verbose=0, callbacks=[probe])
    for before, after in zip(probe.weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)  # the NaN step did not update


def test_terminate_on_nan_stops_with_a_message(make_mlp, blobs, capsys):
    x, y = blobs
    model = make_mlp()
    model.compile("sgd", NanOnCall(k=7))
    history = model.fit(x, y, batch_size=32, epochs=5, verbose=0,
                        callbacks=[TerminateOnNaN()])
    assert "epoch 2/5, step 3/4" in capsys.readouterr().out
    assert history.epoch == [0, 1]
    assert np.isnan(history.history["loss"][1])
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_evaluate_and_train_on_batch_return_values(make_mlp, blobs):
    x, y = blobs
    model = make_mlp()
    model.compile("sgd", "binary_crossentropy")
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    model.compile("sgd", "binary_crossentropy", metrics=["acc", "mae"])
    loss, acc, mae = model.evaluate(x, y, batch_size=50, verbose=0)
    assert loss == pytest.approx(model.evaluate(x, y, batch_size=7, verbose=0)[0], rel=1e-5)
    assert model.metrics_names == ["loss", "acc", "mae"]
    pred = model.predict(x)
    assert acc == pytest.approx(np.mean((pred > 0.5) == (y > 0.5)))
    assert mae == pytest.approx(np.mean(np.abs(pred - y)), rel=1e-5)
    assert model.evaluate(x, y, verbose=0, return_dict=True)["acc"] == pytest.approx(acc)
    out = model.train_on_batch(x[:10], y[:10])
    assert len(out) == 3 and out[0] > 0


def test_validation_data_and_history_keys(make_mlp, blobs):
    x, y = blobs
    model = make_mlp()
    model.compile("rmsprop", "binary_crossentropy", ["accuracy"])
    history = model.fit(x[:100], y[:100], epochs=2, validation_data=(x[100:], y[100:]),
                        verbose=0)
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert model.history is history
    val = model.evaluate(x[100:], y[100:], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(val[0], rel=1e-6)


def test_input_errors(make_mlp, blobs):
    x, y = blobs
    model = make_mlp()
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y)
    with pytest.raises(RuntimeError, match="compile"):
        model.evaluate(x, y)
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="same number of samples"):
        model.fit(x, y[:-1], verbose=0)
    with pytest.raises(ValueError, match="empty"):
        model.fit(x[:0], y[:0], verbose=0)
    bad = x.copy()
    bad[5, 2] = np.nan
    with pytest.raises(ValueError, match=r"x\[0\] contains 1 NaN.*sample 5"):
        model.fit(bad, y, verbose=0)
    with pytest.raises(ValueError, match="inf"):
        model.evaluate(x, np.full_like(y, np.inf), verbose=0)
    with pytest.raises(ValueError, match="last dimension 4"):
        model.fit(np.ones((8, 5)), np.ones((8, 1)), verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, y, validation_split=1.0)
    with pytest.raises(ValueError, match="verbose"):
        model.fit(x, y, verbose=3)
    with pytest.raises(ValueError, match="expected 1 x array"):
        model.fit([x, x], y, verbose=0)
    with pytest.raises(TypeError, match="numeric"):
        model.predict(np.array(["a", "b"]))


def test_unknown_aliases_list_valid_ones(make_mlp):
    model = make_mlp()
    with pytest.raises(ValueError, match="valid names.*rmsprop"):
        model.compile("rmsprob", "mse")
    with pytest.raises(ValueError, match="valid names.*binary_crossentropy"):
        model.compile("sgd", "binary_crossentropie")
    with pytest.raises(ValueError, match="valid names.*accuracy"):
        model.compile("sgd", "mse", metrics=["accuracie"])
    with pytest.raises(ValueError, match="loss is required"):
        model.compile("sgd")
