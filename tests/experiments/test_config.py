"""Experiment configs: the catalog's are valid, unknown keys and names are refused
with the known ones, quick versions and overrides merge as documented."""

from __future__ import annotations

import json

import pytest

from seqlab.experiments import catalog
from seqlab.experiments.config import ConfigError, ExperimentConfig, load_config


def test_every_catalog_config_loads_and_round_trips():
    names = catalog.names()
    assert {"imdb_lstm", "imdb_glove", "weather_naive", "weather_linear",
            "weather_conv1d_gru"} <= set(names)
    for name in names:
        config = catalog.get(name)
        assert config.name == name and config.description
        again = ExperimentConfig.from_dict(json.loads(config.to_json()))
        assert again == config
        assert config.quick, f"{name} has no quick version"


def test_the_book_settings_are_in_the_configs():
    lstm = catalog.get("imdb_lstm")
    assert lstm.compile["optimizer"]["config"]["epsilon_inside_sqrt"] is False
    assert lstm.model[1]["config"]["recurrent_activation"] == "hard_sigmoid"
    gru = catalog.get("weather_gru").model[0]["config"]
    assert gru["reset_after"] is False and gru["recurrent_activation"] == "hard_sigmoid"
    assert catalog.get("weather_naive").baseline == "naive"


def test_unknown_names_and_keys_list_the_known_ones(tmp_path):
    with pytest.raises(ConfigError, match=r"unknown experiment 'imdb_transformer'.*imdb_lstm"):
        catalog.get("imdb_transformer")
    spec = json.loads(catalog.get("imdb_lstm").to_json())
    with pytest.raises(ConfigError, match=r"unknown key 'epoch'; known keys: \['name'"):
        ExperimentConfig.from_dict({**spec, "epoch": 3})
    with pytest.raises(ConfigError, match=r"unknown fit key 'epoch'; known: \['batch_size'"):
        ExperimentConfig.from_dict({**spec, "fit": {"epoch": 3}})
    with pytest.raises(ConfigError, match="missing key 'data'"):
        ExperimentConfig.from_dict({k: v for k, v in spec.items() if k != "data"})
    with pytest.raises(ConfigError, match="model must be a list of layer configs"):
        ExperimentConfig.from_dict({**spec, "model": "lstm"})
    with pytest.raises(ConfigError, match="seed must be an int >= 0"):
        ExperimentConfig.from_dict({**spec, "seed": -1})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="is not valid JSON"):
        load_config(bad)
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.json")
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_quick_version_and_overrides_merge_one_level():
    config = catalog.get("imdb_lstm")
    quick = config.quick_version()
    assert quick.fit["epochs"] == 1 and quick.fit["batch_size"] == 128
    assert quick.data["maxlen"] == 40 and quick.data["num_words"] == 10000
    longer = config.with_overrides(fit={"epochs": 3})
    assert longer.fit == {**config.fit, "epochs": 3} and config.fit["epochs"] == 10
