"""Saving: round trips, bit-identical resume, atomic writes (damaged files: see
test_model_file.py)."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

import seqlab
from seqlab.layers.core import Dense, Dropout
from seqlab.layers.embedding import Embedding
from seqlab.layers.rnn_cells import GRU
from seqlab.models import Sequential, load_model
from seqlab.models import saving as saving_mod
from seqlab.optim import Adam


def _text_model(seed: int = 0) -> Sequential:
    seqlab.set_random_seed(seed)
    model = Sequential([Embedding(20, 4, mask_zero=True, input_shape=(6,)),
                        GRU(5, dropout=0.2, recurrent_dropout=0.2), Dropout(0.3),
                        Dense(1, activation="sigmoid")])
    model.compile(Adam(learning_rate=0.01), "binary_crossentropy", ["accuracy"])
    return model


@pytest.fixture
def text_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.integers(1, 20, size=(40, 6))
    x[:10, :2] = 0  # some padding
    y = (x[:, -1] > 10).astype("float32")
    return x, y


def test_save_load_predicts_identically_and_keeps_compile(tmp_path, text_data):
    x, y = text_data
    model = _text_model()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    path = tmp_path / "m.seqlab"
    model.save(path)
    loaded = load_model(path)
    assert type(loaded) is Sequential
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.metrics_names == model.metrics_names
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    with zipfile.ZipFile(path) as zf:  # JSON + safetensors only: no pickle
        assert sorted(zf.namelist()) == ["config.json", "model.weights.safetensors",
                                         "optimizer.safetensors"]
        config = json.loads(zf.read("config.json"))
    assert config["model"]["config"]["layers"][1]["class_name"] == "GRU"
    assert load_model(path, compile=False).compiled is False


def test_resume_is_bit_identical(tmp_path, text_data):
    x, y = text_data
    straight = _text_model(seed=9)
    straight.fit(x, y, batch_size=8, epochs=3, verbose=0)

    first = _text_model(seed=9)
    first.fit(x, y, batch_size=8, epochs=2, verbose=0)
    first.save(tmp_path / "ckpt.seqlab")
    seqlab.set_random_seed(12345)  # the global generator no longer matters
    resumed = load_model(tmp_path / "ckpt.seqlab")
    resumed.fit(x, y, batch_size=8, epochs=3, initial_epoch=2, verbose=0)
    for a, b in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert resumed.optimizer.iterations == straight.optimizer.iterations == 15


def test_save_weights_load_weights(tmp_path, text_data):
    x, _ = text_data
    a, b = _text_model(seed=1), _text_model(seed=2)
    a.save_weights(tmp_path / "a.weights.safetensors")
    b.load_weights(tmp_path / "a.weights.safetensors")
    np.testing.assert_array_equal(a.predict(x), b.predict(x))
    a.save(tmp_path / "a.seqlab")
    c = _text_model(seed=3)
    c.load_weights(tmp_path / "a.seqlab")  # a model file holds the weights too
    np.testing.assert_array_equal(a.predict(x), c.predict(x))
    other = Sequential([Dense(3, input_shape=(6,))])
    with pytest.raises(ValueError, match=r"holds 6 weight arrays.*has 2"):
        other.load_weights(tmp_path / "a.weights.safetensors")


def test_functional_model_round_trip(tmp_path):
    from seqlab.layers.symbolic import Input
    from seqlab.models import Model

    seqlab.set_random_seed(0)
    a, b = Input((3,), name="a"), Input((2,), name="b")
    out1 = Dense(2, activation="softmax", name="o1")(Dense(4, name="h")(a))
    out2 = Dense(1, name="o2")(b)
    model = Model([a, b], [out1, out2])
    model.compile("sgd", ["categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5])
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(5, 3)), rng.normal(size=(5, 2))]
    model.save(tmp_path / "g.seqlab")
    loaded = load_model(tmp_path / "g.seqlab")
    for p, q in zip(loaded.predict(xs), model.predict(xs)):
        np.testing.assert_array_equal(p, q)
    assert loaded._loss.weights == [1.0, 0.5]


def test_failed_save_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    model = _text_model()
    path = tmp_path / "m.seqlab"
    model.save(path)
    before = path.read_bytes()

    def explode(self, name, data, *args, **kwargs):
        raise OSError("disk full (simulated)")

    model.layers[-1].kernel.value += 1.0  # a different model now
    monkeypatch.setattr(zipfile.ZipFile, "writestr", explode)
    with pytest.raises(OSError, match=r"cannot write '.*m\.seqlab': disk full"):
        model.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.seqlab"]
    with pytest.raises(IsADirectoryError):
        saving_mod.save_model(model, tmp_path)


def test_next_save_removes_the_orphan_of_a_killed_save(tmp_path):
    model = _text_model()
    orphan = tmp_path / ".m.seqlab.x7k2m9qa.tmp"  # what a save killed mid-write leaves
    orphan.write_bytes(b"PK\x03\x04 half an archive")
    model.save(tmp_path / "m.seqlab")
    assert os.listdir(tmp_path) == ["m.seqlab"]
    assert len(load_model(tmp_path / "m.seqlab").weights) == len(model.weights)


def test_unbuilt_model_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="not built"):
        Sequential([Dense(2)]).save(tmp_path / "x.seqlab")
