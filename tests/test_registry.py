"""One registry for layers, losses, metrics, optimizers and schedules: built-in names
cannot be taken over by a user's class of the same name."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab import losses, metrics, optim
from seqlab.layers import LSTM as BuiltinLSTM
from seqlab.layers import Dense, Layer, deserialize, serialize
from seqlab.registry import Registry


class LSTM(Dense):
    """A user's layer that happens to share the name of seqlab's LSTM."""


class MyHinge(losses.MeanSquaredError):
    """A user's loss; it inherits a built-in's alias but must not take it over."""


def test_a_user_class_named_like_a_builtin_does_not_replace_it(tmp_path):
    assert deserialize({"class_name": "LSTM", "config": {"units": 3}}).__class__ is BuiltinLSTM
    mine = LSTM(2, name="mine")
    spec = serialize(mine)
    assert spec["class_name"] == f"{__name__}.LSTM"
    assert type(deserialize(spec)) is LSTM

    model = seqlab.Sequential([BuiltinLSTM(4, name="rnn"), LSTM(1, name="head")])
    model.build((None, 5, 3))
    path = tmp_path / "m.seqlab"
    model.save(path)
    loaded = seqlab.load_model(path)
    assert [type(layer) for layer in loaded.layers] == [BuiltinLSTM, LSTM]
    x = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_losses_keep_their_aliases_and_user_losses_get_qualified_names():
    assert type(losses.get("mse")) is losses.MeanSquaredError
    spec = losses.serialize(MyHinge())
    assert spec["class_name"] == f"{__name__}.MyHinge"
    assert type(losses.deserialize(spec)) is MyHinge
    assert type(losses.deserialize({"class_name": "MeanSquaredError", "config": {}})) \
        is losses.MeanSquaredError


def test_bare_names_of_user_classes_from_older_files_still_load():
    assert type(deserialize({"class_name": "LSTM", "config": {"units": 2}})) is BuiltinLSTM
    assert type(losses.deserialize({"class_name": "MyHinge", "config": {}})) is MyHinge


def test_unknown_names_list_the_known_ones_and_say_to_import_user_classes():
    with pytest.raises(ValueError, match=r"unknown layer class 'Nope'; known: \[.*'LSTM'"):
        deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(ValueError, match="must be imported before loading"):
        deserialize({"class_name": "elsewhere.Mine", "config": {}})
    with pytest.raises(ValueError, match="unknown optimizer class 'Nadam'"):
        optim.deserialize({"class_name": "Nadam", "config": {}})
    with pytest.raises(ValueError, match="unknown metric class"):
        metrics.deserialize({"class_name": "F1", "config": {}})
    with pytest.raises(TypeError, match="config must be a dict"):
        deserialize({"class_name": "Dense", "config": [1]})


def test_registry_rules():
    reg: Registry[Layer] = Registry("thing")
    with pytest.raises(ValueError, match="aliases name seqlab's own classes only"):
        reg.add(LSTM, aliases=("lstm",))
    reg.add(BuiltinLSTM, aliases=("lstm",))
    assert reg.find("lstm") is BuiltinLSTM and reg.find("LSTM") is BuiltinLSTM
    assert reg.find(None) is None and reg.find("missing") is None
