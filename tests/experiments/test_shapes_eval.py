"""The evaluations of sequence outputs (tagging F1, greedy decoding) on stand-ins whose
answers are known, the config rules for them, and the --quick runs
of the shape experiments with their report sections."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from seqlab.experiments import ConfigError, ExperimentConfig, catalog, evaluations, run
from seqlab.experiments.data import Prepared
from seqlab.experiments.evaluations import evaluate

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"


class ScriptedDecoder:
    """Stands in for seqlab.generate.Decoder: greedy() returns fixed token sequences."""

    answers = ((2, 3, 4, 5), (3, 5))

    def __init__(self, model, start_token=None, end_token=None):
        self.end_token = end_token

    def greedy(self, source, max_length=None):
        return [SimpleNamespace(tokens=t) for t in self.answers[:len(source)]]


def test_greedy_decoding_scores_sequences_and_shows_the_mistakes_first(monkeypatch):
    monkeypatch.setattr(evaluations, "Decoder", ScriptedDecoder)
    vectors = np.array([[0.0], [1.0]])
    target = np.array([[2, 3, 4, 5, 0, 0], [3, 4, 5, 0, 0, 0]])  # row 2 decodes [3, 5]
    data = Prepared(None, None, (1,), test=([vectors, np.zeros_like(target)], target),
                    extras={"words": ["_", "<s>", "a", "b", "c", "</s>"],
                            "test_numbers": np.array([10, 11])})
    found = evaluate(None, data, {"kind": "greedy_decoding", "end": 5}, seed=0)
    assert found["metrics"]["exact_sequences"] == 0.5
    assert found["metrics"]["step_accuracy"] == pytest.approx(5 / 7)  # 4 + 1 of 4 + 3 steps
    assert found["tables"][0]["rows"] == [[11, "b c", "b", "no"], [10, "a b c", "a b c", "yes"]]


class Tagger:
    """Predicts the given probabilities whatever the input."""

    def __init__(self, probabilities):
        self.probabilities = probabilities

    def predict(self, x, batch_size=None):
        return self.probabilities


def test_tagging_f1_counts_real_steps_only():
    x = np.array([[3, 4, 5, 0], [6, 7, 0, 0]])
    truth = np.array([[0, 1, 0, 0], [1, 0, 0, 0]], dtype=np.float32)[..., None]
    guess = np.array([[0.9, 0.8, 0.1, 0.9], [0.2, 0.1, 0.9, 0.9]])[..., None]  # pads say 1
    data = Prepared(None, None, (4,), extras={"tagged": (x, truth),
                                              "held_out": ["가나다", "라마"]})
    found = evaluate(Tagger(guess), data, {"kind": "tagging_f1", "examples": 2}, seed=0)
    metrics = found["metrics"]  # tp = 1, fp = 1 (step 0), fn = 1 (row 2, step 0)
    assert metrics["precision"] == pytest.approx(0.5) and metrics["recall"] == pytest.approx(0.5)
    assert metrics["f1"] == pytest.approx(0.5) and metrics["step_accuracy"] == pytest.approx(0.6)
    assert metrics["sentences_all_right"] == 0.0
    assert found["tables"][0]["rows"] == [["가나 다", "가 나 다"], ["라 마", "라마"]]


def test_evaluations_refuse_unknown_kinds_and_options():
    data = Prepared(None, None, (1,), extras={"tagged": (np.ones((1, 1)), np.ones((1, 1, 1)))})
    with pytest.raises(ConfigError, match="unknown evaluation 'bleu'"):
        evaluate(Tagger(None), data, {"kind": "bleu"}, seed=0)
    with pytest.raises(ConfigError, match="unknown option 'treshold'"):
        evaluate(Tagger(None), data, {"kind": "tagging_f1", "treshold": 0.3}, seed=0)


def _spec(**extra):
    return {"name": "x", "data": {"dataset": "npz", "path": "x.npz"}, "model": [], **extra}


def test_config_rules_for_evaluations_and_functional_models():
    with pytest.raises(ConfigError, match="evaluation must be an object with a 'kind'"):
        ExperimentConfig.from_dict(_spec(evaluation={"threshold": 0.5}))
    with pytest.raises(ConfigError, match="model must be a list of layer configs"):
        ExperimentConfig.from_dict(_spec(model={"graph": {}}))
    config = ExperimentConfig.from_dict(_spec(
        model={"functional": {"layers": []}}, evaluation={"kind": "char_lm", "length": 300},
        quick={"evaluation": {"length": 5}}))
    assert config.baseline is None
    assert config.quick_version().evaluation == {"kind": "char_lm", "length": 5}


# ------------------------------------------------------------ quick runs
@pytest.fixture
def quick(monkeypatch, tmp_path):
    monkeypatch.setenv("SEQLAB_DATA", str(FIXTURE_DATA))

    def go(name):
        folder = run(catalog.get(name), runs_dir=tmp_path, quick=True, verbose=0,
                     out=lambda s: None)
        return folder, folder.read_json("metrics.json"), folder.file("report.html").read_text()
    return go


def test_word_spacing_quick_run_reports_f1_and_restored_sentences(quick):
    _folder, metrics, html = quick("korean_word_spacing")
    found = metrics["evaluation"]
    assert set(found["metrics"]) >= {"precision", "recall", "f1"}
    assert 0 <= found["metrics"]["f1"] <= 1
    assert "Held-out sentences, spaces put back by the model" in html
    original = found["tables"][0]["rows"][0][0]
    assert " " in original and original in html


def test_char_lm_quick_run_reports_nats_and_one_sample_per_temperature(quick):
    from seqlab.models import load_model

    folder, metrics, html = quick("char_lm_shakespeare")
    found = metrics["evaluation"]
    vocabulary = metrics["data"]["vocabulary"]
    assert found["metrics"]["val_nats_per_char"] == pytest.approx(
        metrics["summary"]["val_loss"]["final"], rel=1e-5)
    assert 0 < found["metrics"]["val_nats_per_char"] < np.log(vocabulary) + 1
    rows = found["tables"][0]["rows"]
    assert [r[0] for r in rows] == [0.2, 0.5, 1.0, 1.2] and all(len(r[1]) == 20 for r in rows)
    model = load_model(folder.file("model.seqlab"))
    assert model.output_shape[-1] == vocabulary  # Dense(units=null) sized by the data
    assert "nats" in html and "Sampled after" in html


def test_one_to_many_quick_run_decodes_the_test_numbers(quick):
    _folder, metrics, html = quick("one_to_many")
    found = metrics["evaluation"]
    assert all(0 <= found["metrics"][k] <= 1 for k in ("exact_sequences", "step_accuracy"))
    assert metrics["data"]["test"] == 50 and "Test inputs decoded greedily" in html
    exact = [row[3] for row in found["tables"][0]["rows"]]
    assert exact == sorted(exact, key=lambda e: e == "yes")  # the mistakes first


def test_one_to_one_is_a_plain_feed_forward_model(quick):
    from seqlab.models import load_model

    folder, metrics, html = quick("one_to_one")
    model = load_model(folder.file("model.seqlab"))
    assert {type(layer).__name__ for layer in model.layers} == {"Dense"}
    assert "test_acc" in metrics["test"] and "Beside the book" in html
