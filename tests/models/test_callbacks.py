"""Callbacks: EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, CSVLogger, History."""

from __future__ import annotations

import csv
import sys

import numpy as np
import pytest

from seqlab.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    ModelCheckpoint,
    ReduceLROnPlateau,
)
from seqlab.models import load_model
from seqlab.optim import SGD, RMSprop


class StubModel:
    """Just what the callbacks touch: weights, stop flag, save, optimizer."""

    def __init__(self):
        self.w = 0
        self.stop_training = False
        self.saved: list[str] = []
        self.optimizer = SGD(learning_rate=1.0)

    def get_weights(self):
        return [np.array(self.w)]

    def set_weights(self, weights):
        self.w = int(weights[0])

    def save(self, path):
        self.saved.append(path)


def _drive(cb: Callback, values: list[float], key: str = "val_loss") -> StubModel:
    model = StubModel()
    cb.set_model(model)
    cb.on_train_begin()
    for epoch, v in enumerate(values):
        model.w = epoch  # the "weights" name their epoch
        cb.on_epoch_end(epoch, {key: v})
        if model.stop_training:
            break
    cb.on_train_end()
    return model


def test_early_stopping_patience_and_restore():
    cb = EarlyStopping(patience=2, restore_best_weights=True)
    model = _drive(cb, [1.0, 0.5, 0.6, 0.55, 0.4, 0.3])
    assert cb.stopped_epoch == 3  # two epochs after the best (epoch 1) without improving
    assert model.w == 1


def test_early_stopping_mode_and_min_delta():
    cb = EarlyStopping(monitor="val_accuracy", patience=0, min_delta=0.05)
    _drive(cb, [0.5, 0.53, 0.9], key="val_accuracy")  # auto -> max; +0.03 is no gain
    assert cb.stopped_epoch == 1
    with pytest.raises(ValueError, match="mode"):
        EarlyStopping(mode="up")


def test_missing_monitor_names_available_keys():
    with pytest.raises(ValueError, match=r"'val_loss' is not in the logs.*\['loss'\]"):
        _drive(EarlyStopping(), [1.0], key="loss")


def test_early_stopping_restores_best_weights_in_fit(make_mlp, blobs):
    x, y = blobs
    model = make_mlp()
    model.compile(SGD(learning_rate=1.0), "mse")
    snapshots = []

    class Snapshot(Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots.append(self.model.get_weights())

    # validation targets are the opposite of the training ones: val_loss soon rises
    history = model.fit(x, y, epochs=20, verbose=0, validation_data=(x, 1 - y),
                        callbacks=[Snapshot(), EarlyStopping(patience=1,
                                                             restore_best_weights=True)])
    best = int(np.argmin(history.history["val_loss"]))
    assert len(history.epoch) < 20
    assert best < len(history.epoch) - 1
    for got, expected in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(got, expected)


def test_model_checkpoint_save_best_only_unit():
    cb = ModelCheckpoint("ck-{epoch:02d}-{val_loss:.2f}.seqlab", save_best_only=True)
    model = _drive(cb, [1.0, 0.8, 0.9, 0.7, 0.7])
    assert model.saved == ["ck-01-1.00.seqlab", "ck-02-0.80.seqlab", "ck-04-0.70.seqlab"]


def test_model_checkpoint_writes_loadable_files(make_mlp, blobs, tmp_path):
    x, y = blobs
    model = make_mlp()
    model.compile("rmsprop", "binary_crossentropy")
    pattern = str(tmp_path / "m-{epoch}.seqlab")
    model.fit(x, y, epochs=2, verbose=0, validation_split=0.25,
              callbacks=[ModelCheckpoint(pattern, save_best_only=False)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m-1.seqlab", "m-2.seqlab"]
    last = load_model(tmp_path / "m-2.seqlab")
    np.testing.assert_array_equal(last.predict(x), model.predict(x))
    with pytest.raises(ValueError, match="'val_acc'.*not in the logs"):
        ModelCheckpoint(str(tmp_path / "{val_acc}.w"), save_weights_only=True).on_epoch_end(
            0, {"loss": 1.0})


class BatchCounter(Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_batch_begin(self, batch, logs=None):
        self.batches += 1


@pytest.mark.parametrize("make, error, message", [
    (lambda d: ModelCheckpoint(str(d / "missing" / "m-{epoch:02d}.seqlab")), FileNotFoundError,
     (r"cannot write the ModelCheckpoint file '.*missing/m-01\.seqlab': its directory "
      r"'.*missing' does not exist")),
    (lambda d: ModelCheckpoint(str(d)), IsADirectoryError,
     r"cannot write the ModelCheckpoint file '.*': it is a directory"),
    (lambda d: ModelCheckpoint(str(d / "m-{epoch:q}.seqlab")), ValueError,
     r"ModelCheckpoint: filepath '.*' is not a valid template"),
    (lambda d: CSVLogger(d / "missing" / "log.csv"), FileNotFoundError,
     r"cannot write the CSVLogger file '.*missing/log\.csv': its directory .* does not exist"),
    (lambda d: CSVLogger(d), IsADirectoryError,
     r"cannot write the CSVLogger file '.*': it is a directory"),
])
def test_output_paths_are_checked_before_the_first_batch(make_mlp, blobs, tmp_path, make,
                                                         error, message):
    x, y = blobs
    model = make_mlp()
    model.compile("sgd", "binary_crossentropy")
    counter = BatchCounter()
    with pytest.raises(error, match=message):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[counter, make(tmp_path)])
    assert counter.batches == 0
    assert list(tmp_path.iterdir()) == []


def test_a_keras_weights_checkpoint_without_h5py_fails_before_the_first_batch(
        make_mlp, blobs, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)  # makes `import h5py` fail
    x, y = blobs
    model = make_mlp()
    model.compile("sgd", "binary_crossentropy")
    counter = BatchCounter()
    checkpoint = ModelCheckpoint(str(tmp_path / "w-{epoch:02d}.weights.h5"),
                                 save_weights_only=True)
    with pytest.raises(ImportError, match=r"ModelCheckpoint: .*w-01\.weights\.h5.*h5py"):
        model.fit(x, y, epochs=2, verbose=0, callbacks=[counter, checkpoint])
    assert counter.batches == 0 and list(tmp_path.iterdir()) == []


def test_checkpoint_template_with_log_keys_is_checked_with_placeholders(make_mlp, blobs,
                                                                        tmp_path):
    x, y = blobs
    model = make_mlp()
    model.compile("sgd", "binary_crossentropy")
    pattern = str(tmp_path / "m-{epoch:02d}-{val_loss:.3f}-{loss}.seqlab")
    model.fit(x, y, epochs=1, verbose=0, validation_split=0.25,
              callbacks=[ModelCheckpoint(pattern)])
    [written] = [p.name for p in tmp_path.iterdir()]
    assert written.startswith("m-01-") and written.endswith(".seqlab")


def test_reduce_lr_on_plateau_unit():
    cb = ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2, min_lr=0.2)
    model = StubModel()
    cb.set_model(model)
    cb.on_train_begin()
    rates = []
    for epoch in range(10):
        cb.on_epoch_end(epoch, {"val_loss": 1.0})  # a plateau from epoch 1 on
        rates.append(model.optimizer.learning_rate)
    # patience 2 -> cut after epoch 2; cooldown 2 (as in Keras: the epoch after a cut
    # is not counted) -> epochs 4 and 5 -> cut after 5; then 8, where min_lr holds at 0.2
    assert rates == pytest.approx([1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.2, 0.2])
    cb = ReduceLROnPlateau(factor=0.1, patience=1)
    assert _drive(cb, [1.0, 0.5, 0.4, 0.39999]).optimizer.learning_rate == pytest.approx(0.1)
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(factor=1.5)


def test_reduce_lr_on_plateau_in_fit(make_mlp, blobs):
    x, y = blobs
    model = make_mlp()
    # a rate this small cannot move the loss by min_delta: every epoch is a plateau
    model.compile(RMSprop(learning_rate=1e-9), "mse")
    model.fit(x, y, epochs=4, verbose=0,
              callbacks=[ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)])
    assert model.optimizer.learning_rate == pytest.approx(1e-9 * 0.5 ** 3)


def _read_csv(path) -> list[list[str]]:
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_csv_logger_rows_and_append(make_mlp, blobs, tmp_path):
    x, y = blobs
    model = make_mlp()
    model.compile("rmsprop", "binary_crossentropy", ["accuracy"])
    path = tmp_path / "log.csv"
    history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.2,
                        callbacks=[CSVLogger(path)])
    rows = _read_csv(path)
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    assert [float(r[2]) for r in rows[1:]] == history.history["loss"]
    model.fit(x, y, epochs=5, initial_epoch=3, verbose=0, validation_split=0.2,
              callbacks=[CSVLogger(path, append=True)])
    rows = _read_csv(path)
    assert [r[0] for r in rows] == ["epoch", "0", "1", "2", "3", "4"]
    model.fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path)])  # overwrite
    assert [r[0] for r in _read_csv(path)] == ["epoch", "0"]


def test_callback_hooks_order(make_mlp, blobs):
    x, y = blobs
    calls: list[str] = []

    class Spy(Callback):
        def on_train_begin(self, logs=None):
            calls.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            calls.append(f"epoch_begin {epoch}")

        def on_batch_end(self, batch, logs=None):
            calls.append(f"batch_end {batch} {sorted(logs)}")

        def on_epoch_end(self, epoch, logs=None):
            calls.append(f"epoch_end {epoch}")

        def on_train_end(self, logs=None):
            calls.append(f"train_end {self.params['steps']}")

    model = make_mlp()
    model.compile("sgd", "mse")
    model.fit(x[:20], y[:20], batch_size=10, epochs=2, verbose=0, callbacks=[Spy()])
    assert calls == ["train_begin", "epoch_begin 0", "batch_end 0 ['loss']",
                     "batch_end 1 ['loss']", "epoch_end 0", "epoch_begin 1",
                     "batch_end 0 ['loss']", "batch_end 1 ['loss']", "epoch_end 1",
                     "train_end 2"]
    with pytest.raises(TypeError, match="Callback instances"):
        model.fit(x, y, verbose=0, callbacks=[print])
