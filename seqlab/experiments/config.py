"""An experiment as a small declarative config: data, model, training, seed, the book's number.

A config is plain JSON (``seqlab run --show NAME > my.json``, edit, then
``seqlab run --config my.json``)::

    {
      "name": "imdb_lstm",
      "description": "LSTM(32) on IMDB reviews (Listing 6.27)",
      "data": {"dataset": "imdb", "num_words": 10000, "maxlen": 500},
      "model": [{"class_name": "Embedding", "config": {"input_dim": 10000, "output_dim": 32}},
                {"class_name": "LSTM", "config": {"units": 32}},
                {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}],
      "compile": {"optimizer": "rmsprop", "loss": "binary_crossentropy", "metrics": ["acc"]},
      "fit": {"epochs": 10, "batch_size": 128, "validation_split": 0.2},
      "seed": 1,
      "book": {"metric": "val_acc", "value": 0.893, "mode": "max", "source": "..."},
      "quick": {"data": {"limit": 256, "maxlen": 40}, "fit": {"epochs": 1}}
    }

``fit`` holds fit's arguments, and optionally ``"early_stopping": {"monitor":
"val_acc", "patience": 2, "restore_best_weights": true}`` (EarlyStopping's).
``model`` lists layers in seqlab's own config format (``seqlab.layers.serialize``),
holds a functional model's graph (``{"functional": Model.get_config()}``: several
inputs, recurrent initial states), or names a computed baseline
(``{"baseline": "naive"}``, ``{"baseline": "ridge"}``) that is evaluated, not
trained. ``evaluation`` (optional) names a check of the trained model beyond
its loss and metrics, with its options (``{"kind": "tagging_f1"}``; the kinds are
in :mod:`seqlab.experiments.evaluations`). ``quick`` holds overrides merged into
``data``, ``fit`` and ``evaluation`` for a tiny run (``--quick``). Unknown keys
are refused with the known ones.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

__all__ = ["ConfigError", "ExperimentConfig", "load_config"]


class ConfigError(ValueError):
    """A config that cannot run: what is wrong and what was expected."""


QUICK_KEYS = ("data", "fit", "evaluation")
FIT_KEYS = {"epochs", "batch_size", "validation_split", "steps_per_epoch", "validation_steps",
            "shuffle", "early_stopping"}
BOOK_KEYS = {"metric", "value", "mode", "source", "note"}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra``'s keys set (one level of nested dicts merged)."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass
class ExperimentConfig:
    """One experiment (see the module docstring for every key)."""

    name: str
    data: dict[str, Any]
    model: Any
    description: str = ""
    compile: dict[str, Any] = field(default_factory=dict)
    fit: dict[str, Any] = field(default_factory=dict)
    seed: int = 1
    book: dict[str, Any] | None = None
    quick: dict[str, Any] = field(default_factory=dict)
    evaluation: dict[str, Any] | None = None

    # ---------------------------------------------------------- checking
    @classmethod
    def from_dict(cls, spec: Any, origin: str = "config") -> ExperimentConfig:
        """A checked config from a parsed JSON object (``origin`` names it in errors)."""
        if not isinstance(spec, dict):
            raise ConfigError(f"{origin}: expected a JSON object, got {type(spec).__name__}")
        known = [f.name for f in fields(cls)]
        unknown = sorted(set(spec) - set(known))
        if unknown:
            raise ConfigError(f"{origin}: unknown key {unknown[0]!r}; known keys: {known}")
        for key in ("name", "data", "model"):
            if key not in spec:
                raise ConfigError(f"{origin}: missing key {key!r}")
        config = cls(**spec)
        config.check(origin)
        return config

    def check(self, origin: str = "config") -> None:
        """Raise ConfigError for a value of the wrong kind (see the module docstring)."""
        where = f"{origin} ({self.name!r})" if isinstance(self.name, str) else origin
        if not isinstance(self.name, str) or not self.name:
            raise ConfigError(f"{origin}: name must be a non-empty string, got {self.name!r}")
        for key in ("data", "compile", "fit", "quick"):
            if not isinstance(getattr(self, key), dict):
                raise ConfigError(f"{where}: {key!r} must be an object, got "
                                  f"{type(getattr(self, key)).__name__}")
        if "dataset" not in self.data:
            raise ConfigError(f"{where}: data needs a 'dataset' (e.g. \"imdb\")")
        unknown_fit = sorted(set(self.fit) - FIT_KEYS)
        if unknown_fit:
            raise ConfigError(f"{where}: unknown fit key {unknown_fit[0]!r}; known: "
                              f"{sorted(FIT_KEYS)}")
        unknown_quick = sorted(set(self.quick) - set(QUICK_KEYS))
        if unknown_quick:
            raise ConfigError(f"{where}: unknown quick key {unknown_quick[0]!r}; known: "
                              f"{list(QUICK_KEYS)}")
        if self.evaluation is not None and not (isinstance(self.evaluation, dict)
                                                and isinstance(self.evaluation.get("kind"), str)):
            raise ConfigError(f"{where}: evaluation must be an object with a 'kind' "
                              f"(e.g. {{\"kind\": \"tagging_f1\"}}), got {self.evaluation!r}")
        if self.book is not None:
            if not isinstance(self.book, dict):
                raise ConfigError(f"{where}: book must be an object or null")
            unknown_book = sorted(set(self.book) - BOOK_KEYS)
            if unknown_book:
                raise ConfigError(f"{where}: unknown book key {unknown_book[0]!r}; known: "
                                  f"{sorted(BOOK_KEYS)}")
        if not (isinstance(self.model, list) or isinstance(self.model, dict)
                and set(self.model) in ({"baseline"}, {"functional"})):
            raise ConfigError(f"{where}: model must be a list of layer configs, "
                              f"{{\"functional\": ...}} or {{\"baseline\": ...}}, got "
                              f"{self.model!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ConfigError(f"{where}: seed must be an int >= 0, got {self.seed!r}")

    # ------------------------------------------------------------ variants
    @property
    def baseline(self) -> str | None:
        """The computed baseline's name, or None for a trained model."""
        return self.model.get("baseline") if isinstance(self.model, dict) else None

    def quick_version(self) -> ExperimentConfig:
        """This config with its ``quick`` overrides applied (tiny data, one epoch)."""
        spec = asdict(self)
        for key in QUICK_KEYS:
            if key in self.quick:
                spec[key] = _merge(spec[key] or {}, self.quick[key])
        return ExperimentConfig(**spec)

    def with_overrides(self, **sections: dict[str, Any]) -> ExperimentConfig:
        """A copy with some keys of ``data`` / ``fit`` replaced (e.g. fit={"epochs": 3})."""
        spec = asdict(self)
        for key, extra in sections.items():
            spec[key] = _merge(spec[key], extra)
        return ExperimentConfig.from_dict(spec, f"experiment {self.name!r}")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"


def load_config(path: str | os.PathLike) -> ExperimentConfig:
    """Read and check a JSON config file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise ConfigError(f"config {str(path)!r} is a directory, not a JSON file") from None
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"config {str(path)!r} is not valid JSON: {exc}") from None
    return ExperimentConfig.from_dict(spec, f"config {str(path)!r}")
