"""Translation experiments: one JSON config each in ``configs/``, run into a run folder.

    seqlab translate --train translate_spa_eng [--quick] [--minutes 20]

A config (``seqlab translate --show NAME`` prints one)::

    {"name": "translate_kor_eng", "description": "…",
     "data": {"pairs": "kor-eng", "reverse": true, "test_size": 500,
              "validation_size": 300, "limit": null},
     "source": {"kind": "jamo", "max_length": 60, "max_tokens": null},
     "target": {"kind": "word", "max_length": 20, "max_tokens": 4000},
     "model": {"embedding_dim": 64, "units": 128, "bidirectional": true, "dropout": 0.3,
               "attention": "dot", "learning_rate": 0.002},
     "fit": {"epochs": 20, "batch_size": 64, "minutes": null},
     "evaluate": {"beam": 5, "samples": 5, "limit": null},
     "seed": 1,
     "quick": {"data": {"limit": 300, …}, "fit": {"epochs": 1}, …}}

``data.pairs`` is a named pair set or a pair file (:func:`seqlab.datasets.load_pairs`;
``reverse`` translates the other language into English); ``limit`` keeps the
first pairs of the file. The split is :func:`.data.split_pairs` with the
config's ``seed``; both vocabularies are learned on the training split only.
``fit.minutes`` is a time budget: training stops after the batch that
passes it (None: all epochs). ``evaluate`` translates the test split
(``limit``: its first sentences) greedily and with beam search of width
``beam`` and scores both (:mod:`.scoring`). ``quick`` overrides keys of the
other sections for a tiny run.

The run folder ``runs/NAME-YYYYmmdd-HHMMSS/`` holds ``config.json``,
``history.csv``, ``model.translator/`` (:class:`.Translator`), ``metrics.json`` and
``report.md`` (sizes, training, BLEU/chrF greedy vs beam, good and bad samples).
"""

from __future__ import annotations

import copy
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import seqlab
from seqlab.callbacks import Callback, CSVLogger
from seqlab.datasets.pairs import load_pairs
from seqlab.experiments.config import ConfigError
from seqlab.experiments.rundir import RunFolder
from seqlab.translate import scoring
from seqlab.translate.data import Batch, Pair, make_batches, scorable, split_pairs
from seqlab.translate.model import build_model
from seqlab.translate.report import write_report
from seqlab.translate.sides import TextSide
from seqlab.translate.translator import Translator

__all__ = ["CONFIGS", "TranslationData", "get", "load", "names", "prepare_data", "run"]

CONFIGS = Path(__file__).parent / "configs"
SECTIONS = {"name": str, "description": str, "data": dict, "source": dict, "target": dict,
            "model": dict, "fit": dict, "evaluate": dict, "seed": int, "quick": dict}
REQUIRED = {"data": ("pairs", "test_size", "validation_size"), "source": ("kind", "max_length"),
            "target": ("kind", "max_length"), "fit": ("epochs", "batch_size")}


def names() -> list[str]:
    """The built-in translation experiments."""
    return sorted(p.stem for p in CONFIGS.glob("*.json"))


def check(config: Any, origin: str) -> dict[str, Any]:
    """``config`` if every section is there with the right type, else a ConfigError."""
    if not isinstance(config, dict):
        raise ConfigError(f"{origin}: expected a JSON object, got {type(config).__name__}")
    for key, kind in SECTIONS.items():
        if not isinstance(config.get(key), kind) or isinstance(config.get(key), bool):
            raise ConfigError(f"{origin}: {key!r} must be a {kind.__name__}, got "
                              f"{config.get(key)!r}")
    unknown = sorted(set(config) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"{origin}: unknown key {unknown[0]!r}; known: {sorted(SECTIONS)}")
    for section, keys in REQUIRED.items():
        missing = [k for k in keys if k not in config[section]]
        if missing:
            raise ConfigError(f"{origin}: {section!r} needs the keys {list(keys)}; missing "
                              f"{missing}")
    return config


def load(path: str | os.PathLike) -> dict[str, Any]:
    """A checked config from a JSON file."""
    try:
        config = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"config {str(path)!r}: {exc}") from None
    return check(config, f"config {str(path)!r}")


def get(name: str) -> dict[str, Any]:
    """The built-in config ``name`` (a ConfigError lists the names there are)."""
    if name not in names():
        raise ConfigError(f"unknown translation experiment {name!r}; there are: {names()}")
    return load(CONFIGS / f"{name}.json")


def quick_version(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with its ``quick`` overrides merged into its sections."""
    out = copy.deepcopy(config)
    for section, values in config["quick"].items():
        out[section] = {**out[section], **values}
    return out


class TimeBudget(Callback):
    """Stops training after the batch that takes it past ``seconds`` (None: never)."""

    def __init__(self, seconds: float | None):
        super().__init__()
        self.seconds, self.start, self.stopped, self.batches = seconds, 0.0, False, 0

    def on_train_begin(self, logs: dict[str, float] | None = None) -> None:
        self.start = time.perf_counter()

    def on_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
        self.batches += 1
        if self.seconds is not None and time.perf_counter() - self.start > self.seconds:
            self.model.stop_training = self.stopped = True


def _evaluate(translator: Translator, test: list[tuple[str, str]], spec: dict[str, Any],
              lowercase: bool) -> dict[str, Any]:
    sources, references, too_long = scorable(test, translator.source, spec.get("limit"))
    results: dict[str, Any] = {"sentences": len(sources), "too_long": too_long}
    beam = spec.get("beam", 5)
    for search, width in (("greedy", None), (f"beam{beam}", beam)):
        start = time.perf_counter()
        hypotheses = translator.translate(sources, beam=width)
        results[search] = {**scoring.score(hypotheses, references, lowercase),
                           "seconds": round(time.perf_counter() - start, 1)}
        if search == "greedy":
            results["samples"] = scoring.samples(sources, hypotheses, references,
                                                 spec.get("samples", 5), lowercase)
    return results


def run(config: dict[str, Any], runs_dir: str | os.PathLike = "runs", quick: bool = False,
        minutes: float | None = None, verbose: int = 2) -> RunFolder:
    """Run a translation experiment (see the module docstring); returns its folder."""
    config = check(quick_version(config) if quick else copy.deepcopy(config), "config")
    if minutes is not None:
        config["fit"]["minutes"] = minutes
    folder = RunFolder.create(runs_dir, config["name"])
    folder.write_json("config.json", config)
    folder.set_status("running")
    try:
        results = _run(config, folder, verbose)
    except BaseException as exc:
        folder.set_status("failed", error=f"{type(exc).__name__}: {exc}")
        raise
    folder.write_json("metrics.json", results)
    write_report(folder, config, results)
    folder.set_status("done")
    return folder


@dataclass
class TranslationData:
    """A config's pairs, their split, both sides (learned on ``train``) and the padded
    batches of the training and validation splits (``dropped``: training pairs too long)."""

    pairs: list[Pair]
    train: list[Pair]
    validation: list[Pair]
    test: list[Pair]
    source: TextSide
    target: TextSide
    batches: list[Batch]
    val_batches: list[Batch]
    dropped: int


def prepare_data(config: dict[str, Any]) -> TranslationData:
    """The data :func:`run` trains and evaluates on (see the module docstring)."""
    data = config["data"]
    pairs = load_pairs(data["pairs"], reverse=data.get("reverse", False))
    pairs = pairs[:data.get("limit") or len(pairs)]
    train, validation, test = split_pairs(pairs, data["test_size"], data["validation_size"],
                                          config["seed"])
    source = TextSide.build(texts=[s for s, _ in train], **config["source"])
    target = TextSide.build(texts=[t for _, t in train], **config["target"])
    batch_size = config["fit"]["batch_size"]
    batches, dropped = make_batches(train, source, target, batch_size)
    val_batches, _ = make_batches(validation, source, target, batch_size)
    return TranslationData(pairs, train, validation, test, source, target, batches,
                           val_batches, dropped)


def _run(config: dict[str, Any], folder: RunFolder, verbose: int) -> dict[str, Any]:
    start = time.perf_counter()
    seqlab.set_random_seed(config["seed"])
    fit = config["fit"]
    data = prepare_data(config)
    model = build_model(data.source, data.target, **config["model"])
    budget = TimeBudget(None if fit.get("minutes") is None else fit["minutes"] * 60)
    train_start = time.perf_counter()
    model.fit(data.batches, epochs=fit["epochs"], validation_data=data.val_batches,
              verbose=verbose, callbacks=[budget, CSVLogger(folder.file("history.csv"))])
    train_seconds = time.perf_counter() - train_start
    translator = Translator(model, data.source, data.target)
    translator.save(folder.file("model.translator"))
    final = model.evaluate(data.val_batches, verbose=0, return_dict=True)
    lowercase = data.target.kind == "word"
    return {
        "pairs": len(data.pairs),
        "split": {"train": len(data.train), "validation": len(data.validation),
                  "test": len(data.test), "train_too_long": data.dropped},
        "vocabulary": {"source": len(data.source), "target": len(data.target)},
        "params": model.count_params(), "batches_per_epoch": len(data.batches),
        "batches_trained": budget.batches, "stopped_by_budget": budget.stopped,
        "train_seconds": round(train_seconds, 1),
        "validation": {k: round(float(v), 4) for k, v in final.items()},
        "test": _evaluate(translator, data.test, config["evaluate"], lowercase),
        "lowercase_scoring": lowercase, "wall_seconds": round(time.perf_counter() - start, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
