"""Checks of a trained model beyond fit's loss and metrics, named by a config's ``evaluation``.

    "evaluation": {"kind": "tagging_f1", "threshold": 0.5, "examples": 5}

Each kind is a function ``(model, data, options, seed) -> Evaluation``; the
runner calls it after the test data is scored and stores the result in
``metrics.json`` under ``"evaluation"``; the report shows its metrics, tables
and notes. A book metric may name one of its metrics (e.g. ``"f1"``).

* ``tagging_f1`` — binary tags per step (word spacing): on the held-out inputs
  and tags (``data.extras["tagged"]``: (N, T) ids, (N, T, 1) tags), precision,
  recall and F1 of the tag 1 over real steps (id > 0; padding is not
  counted), the step accuracy, the share of sentences
  with every tag right, and the first ``examples`` held-out sentences with the
  spaces the model puts back (``data.extras["held_out"]``: their syllables).
* ``char_lm`` — a character language model: the validation cross-entropy in
  nats (and bits) per character, and ``length`` characters sampled from the
  model after ``prompt`` at each of ``temperatures`` (``seqlab.generate``).
* ``greedy_decoding`` — a one-to-many decoder with inputs ``[vector, tokens]``:
  the test vectors decoded greedily (``seqlab.generate``); the share of
  sequences decoded exactly, the share of target steps decoded right, and
  ``examples`` of them, the mistakes first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from seqlab.experiments.config import ConfigError
from seqlab.experiments.data import Prepared
from seqlab.generate import Decoder

__all__ = ["EVALUATIONS", "Evaluation", "evaluate"]


@dataclass
class Evaluation:
    """What an evaluation found: numbers, tables (title, columns, rows) and notes."""

    kind: str
    title: str
    metrics: dict[str, float] = field(default_factory=dict)
    tables: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_table(self, title: str, columns: list[str], rows: list[list[Any]]) -> None:
        self.tables.append({"title": title, "columns": columns, "rows": rows})


def _options(kind: str, options: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(options) - set(defaults) - {"kind"})
    if unknown:
        raise ConfigError(f"evaluation {kind!r}: unknown option {unknown[0]!r}; known: "
                          f"{sorted(defaults)}")
    return {**defaults, **{k: v for k, v in options.items() if k != "kind"}}


# ------------------------------------------------------------ tagging F1
def restore_spaces(syllables: str, tags: np.ndarray) -> str:
    """``"나는간다"``, [0, 1, 0, 0] → ``"나는 간다"`` (a space after each tagged syllable)."""
    return "".join(c + (" " if tag and i < len(syllables) - 1 else "")
                   for i, (c, tag) in enumerate(zip(syllables, tags)))


def tagging_f1(model: Any, data: Prepared, options: dict[str, Any], seed: int) -> Evaluation:
    opts = _options("tagging_f1", options, {"threshold": 0.5, "examples": 5})
    if "tagged" not in data.extras:
        raise ConfigError("evaluation 'tagging_f1' needs held-out ids and tags (data of a "
                          "tagging dataset such as korean_spacing)")
    x, y = data.extras["tagged"]
    predicted = model.predict(x, batch_size=256)[..., 0] > opts["threshold"]  # (N, T)
    truth, real = y[..., 0] > 0.5, x > 0  # (N, T)
    tp = int(np.sum(predicted & truth & real))
    fp = int(np.sum(predicted & ~truth & real))
    fn = int(np.sum(~predicted & truth & real))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    right = (predicted == truth) | ~real
    found = Evaluation("tagging_f1", "Tags per step on the held-out sentences", {
        "precision": precision, "recall": recall, "f1": f1,
        "step_accuracy": float(right[real].mean()) if real.any() else 0.0,
        "sentences_all_right": float(right.all(axis=1).mean())})
    found.notes.append(f"{int(real.sum())} real steps of {len(x)} held-out sentences; a step "
                       f"is tagged 1 when its probability exceeds {opts['threshold']}.")
    held_out = data.extras.get("held_out", [])
    rows = [[restore_spaces(s, truth[i]), restore_spaces(s, predicted[i])]
            for i, s in enumerate(held_out[:opts["examples"]])]
    if rows:
        found.add_table("Held-out sentences, spaces put back by the model",
                        ["original", "the model's"], rows)
    return found


# ------------------------------------------------------ character LM
def char_lm(model: Any, data: Prepared, options: dict[str, Any], seed: int) -> Evaluation:
    opts = _options("char_lm", options, {"temperatures": [0.2, 0.5, 1.0, 1.2], "length": 300,
                                         "prompt": "ROMEO:\n"})
    x_val, y_val = data.validation
    nats = float(model.evaluate(x_val, y_val, batch_size=256, verbose=0, return_dict=True)[
        "loss"])
    found = Evaluation("char_lm", "Character language model", {
        "val_nats_per_char": nats, "val_bits_per_char": nats / np.log(2)})
    chars, prompt = data.extras["characters"], opts["prompt"]
    if not isinstance(prompt, str) or not prompt:
        raise ConfigError(f"evaluation 'char_lm': prompt must be a non-empty str, got {prompt!r}")
    unknown = sorted(set(prompt) - set(chars))
    if unknown:
        raise ConfigError(f"evaluation 'char_lm': prompt {prompt!r} has characters the data "
                          f"does not: {unknown}")
    ids = np.array([[chars.index(c) for c in prompt]])  # (1, P)
    decoder = Decoder(model)
    rows = []
    for temperature in opts["temperatures"]:
        (drawn,) = decoder.sample(prompt=ids, max_length=opts["length"],
                                  temperature=temperature, seed=seed)
        rows.append([temperature, "".join(chars[i] for i in drawn.tokens)])
    found.add_table(f"Sampled after {prompt!r}, {opts['length']} characters",
                    ["temperature", "text"], rows)
    found.notes.append("Cross-entropy of the final model over every validation window "
                       "(natural log, mean per character). Samples: seqlab.generate's "
                       "Decoder.sample, p_τ(c) ∝ p(c)^(1/τ).")
    return found


# ------------------------------------------------------ greedy decoding
def greedy_decoding(model: Any, data: Prepared, options: dict[str, Any],
                    seed: int) -> Evaluation:
    opts = _options("greedy_decoding", options, {"examples": 8, "start": 1, "end": 2})
    if data.test is None:
        raise ConfigError("evaluation 'greedy_decoding' needs test data")
    (vectors, _), target = data.test
    decoder = Decoder(model, start_token=opts["start"], end_token=opts["end"])
    decoded = np.zeros_like(target)  # (N, T): the chosen tokens, then 0
    for row, found_row in enumerate(decoder.greedy(vectors, max_length=target.shape[1])):
        decoded[row, :len(found_row.tokens)] = found_row.tokens
    words = data.extras["words"]

    def text(ids: np.ndarray) -> str:
        return " ".join(words[i] for i in ids if i not in (0, opts["end"]))

    steps = target > 0  # (N, T): the words and <end>
    exact = np.all((decoded == target) | ~steps, axis=1)
    found = Evaluation("greedy_decoding", "Greedy decoding of the test inputs", {
        "exact_sequences": float(exact.mean()),
        "step_accuracy": float((decoded == target)[steps].mean())})
    labels = data.extras.get("test_numbers", np.arange(len(target)))
    shown = np.argsort(exact, kind="stable")[:opts["examples"]]  # the mistakes first
    rows = [[int(labels[i]), text(target[i]), text(decoded[i]), "yes" if exact[i] else "no"]
            for i in shown]
    found.add_table("Test inputs decoded greedily (the mistakes first)",
                    ["input", "expected", "decoded", "exact"], rows)
    found.notes.append("seqlab.generate's Decoder.greedy: each step feeds the decoder its own "
                       "previous choice (the most probable token), not the true token; "
                       "decoding stops at <end>.")
    return found


EVALUATIONS: dict[str, Callable[..., Evaluation]] = {
    "tagging_f1": tagging_f1, "char_lm": char_lm, "greedy_decoding": greedy_decoding}


def evaluate(model: Any, data: Prepared, options: dict[str, Any], seed: int) -> dict[str, Any]:
    """Run the evaluation ``options["kind"]``; its result as a JSON-ready dict."""
    kind = options.get("kind")
    if kind not in EVALUATIONS:
        raise ConfigError(f"unknown evaluation {kind!r}; known: {sorted(EVALUATIONS)}")
    return asdict(EVALUATIONS[kind](model, data, options, seed))
