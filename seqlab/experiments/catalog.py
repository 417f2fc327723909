"""The chapter's experiments by name: one JSON config each in ``configs/``.

    names()                 every experiment, sorted
    get("imdb_lstm")        its ExperimentConfig
    describe()              (name, description) pairs for ``seqlab run --list``
"""

from __future__ import annotations

from pathlib import Path

from seqlab.experiments.config import ConfigError, ExperimentConfig, load_config

__all__ = ["CONFIGS", "describe", "get", "names"]

#: The folder of the built-in configs (copy one to start your own).
CONFIGS = Path(__file__).parent / "configs"


def names() -> list[str]:
    """The built-in experiments' names."""
    return sorted(p.stem for p in CONFIGS.glob("*.json"))


def get(name: str) -> ExperimentConfig:
    """The built-in experiment ``name``; a ConfigError lists the names there are."""
    if not isinstance(name, str) or name not in names():
        raise ConfigError(f"unknown experiment {name!r}; the experiments are: {names()}")
    return load_config(CONFIGS / f"{name}.json")


def describe() -> list[tuple[str, str]]:
    """(name, first sentence of its description) of every built-in experiment."""
    return [(n, get(n).description.split(". ")[0].rstrip(".") + ".") for n in names()]
