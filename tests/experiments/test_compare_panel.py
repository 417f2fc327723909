"""The whole panel on small real samples (``--quick``): English reviews, Korean reviews and
an hourly weather series. Each run leaves a complete run folder: the panel as CSV and JSON,
every trained model (loadable, with the parameters the table says), its history, what turns
new data into inputs, and one self-contained HTML report with the recommendation."""

from __future__ import annotations

import csv
import json
from html import escape
from pathlib import Path

import pytest

from seqlab.cli.main import main
from seqlab.experiments import RunFolder
from seqlab.experiments.comparison import PANEL_COLUMNS
from seqlab.experiments.recommend import Score, recommend
from seqlab.layers import Embedding
from seqlab.models import load_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEXT_MODELS = {"bag_of_words", "conv1d", "gru", "bidirectional", "conv1d_gru"}
SERIES_MODELS = {"dense", "gru", "conv1d", "conv1d_gru"}


def _run(tmp_path, capsys, *argv):
    runs = tmp_path / "runs"
    assert main(["compare", *map(str, argv), "--quick", "--runs-dir", str(runs)]) == 0
    (path,) = runs.iterdir()
    return RunFolder(path), capsys.readouterr().out


def _check_folder(folder, trained, computed, higher_is_better):
    assert folder.status()["state"] == "done"
    panel = folder.read_json("panel.json")
    rows = {r["key"]: r for r in panel["rows"]}
    assert set(rows) == trained | computed
    with open(folder.file("panel.csv"), encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert tuple(table[0]) == PANEL_COLUMNS and {r["key"] for r in table} == set(rows)
    for key in trained:
        row = rows[key]
        assert row["kind"] == "trained" and row["epochs"] == 1 and row["best_epoch"] == 1
        assert row["seconds_per_epoch"] > 0
        model = load_model(folder.file(f"model-{key}.seqlab"))
        assert model.count_params() == row["params"] > 0
        with open(folder.file(f"history-{key}.csv"), encoding="utf-8") as fh:
            assert len(fh.read().strip().splitlines()) == 2  # header + one epoch
    scores = [Score(r["model"], r["validation"], r["seconds_per_epoch"], r["test"])
              for r in panel["rows"]]
    assert panel["recommendation"]["choice"] == recommend(scores, higher_is_better).choice
    html = folder.file("report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "Recommendation" in html and "Rule: among the models" in html
    assert "<script src=" not in html and "<link " not in html  # self-contained
    for row in panel["rows"]:
        assert escape(row["model"]) in html
    if pytest.importorskip("matplotlib"):
        assert html.count("<svg") >= 1 + len(trained)  # all models, then one chart each
    return panel, html


def test_english_reviews(tmp_path, capsys):
    folder, out = _run(tmp_path, capsys, FIXTURES / "compare" / "imdb_sentences60.csv")
    panel, html = _check_folder(folder, TEXT_MODELS, {"majority"}, higher_is_better=True)
    assert "text column 'review': the longest cells on average" in out
    assert "label column 'sentiment'" in out and "tokenizer: 0% of the letters are Hangul" in out
    assert "recommendation: " in out and str(folder.file("report.html")) in out
    assert panel["data"]["tokenizer"] == "word" and panel["data"]["rows_used"] == 60
    assert panel["budget"] == {"epochs": 1, "batch_size": 128, "optimizer": "rmsprop",
                               "seed": 1, "quick": True, "margin": 1.0}
    assert escape("Classes of 'sentiment'") in html
    for model in ("gru", "bidirectional"):  # the recurrent models mask the padding
        layers = load_model(folder.file(f"model-{model}.seqlab")).layers
        assert isinstance(layers[0], Embedding) and layers[0].mask_zero
    vocabulary = folder.read_json("vocabulary-ids.json")
    assert vocabulary["tokens"][:1] and "movie" in vocabulary["tokens"]
    assert folder.read_json("preprocessing.json")["padding"] == "pre"


def test_korean_reviews(tmp_path, capsys):
    folder, _ = _run(tmp_path, capsys, FIXTURES / "nsmc_ratings_test_first20.txt",
                     "--tokenizer", "char")
    panel, html = _check_folder(folder, TEXT_MODELS, {"majority"}, higher_is_better=True)
    assert panel["data"]["delimiter"] == "tab" and panel["data"]["tokenizer"] == "char"
    assert panel["data"]["classes"] == {"0": [7, 2, 2], "1": [7, 1, 1]}
    assert {"영", "화"} <= set(folder.read_json("vocabulary-ids.json")["tokens"])  # 영화: film
    assert "chosen with --tokenizer" in html


def test_weather_series(tmp_path, capsys):
    folder, _ = _run(tmp_path, capsys, FIXTURES / "compare" / "beijing_aotizhongxin_first480.csv",
                     "--target", "TEMP", "--time", "No", "--lookback", "24", "--delay", "2")
    panel, html = _check_folder(folder, SERIES_MODELS, {"naive", "ridge"},
                                higher_is_better=False)
    rows = {r["key"]: r for r in panel["rows"]}
    assert rows["naive"]["validation_vs_naive"] == rows["naive"]["test_vs_naive"] == 1.0
    for row in rows.values():
        assert row["test_vs_naive"] == pytest.approx(row["test"] / rows["naive"]["test"])
    prep = folder.read_json("preprocessing.json")
    assert prep["target"] == "TEMP" and len(prep["mean"]) == len(prep["features"]) == 15
    assert "test MAE in TEMP" in html and "left out" in html
    assert json.loads(json.dumps(panel["data"]["missing_filled"]))["CO"] == 13


def test_a_failure_in_training_leaves_the_folder_marked_failed(tmp_path, monkeypatch):
    from seqlab.experiments import comparison

    def broken(candidate, *args, **kwargs):
        raise RuntimeError(f"{candidate.key} ran out of memory")

    monkeypatch.setattr(comparison, "train_candidate", broken)
    with pytest.raises(RuntimeError, match="bag_of_words ran out of memory"):
        comparison.compare(FIXTURES / "compare" / "imdb_sentences60.csv",
                           comparison.CompareOptions(quick=True), runs_dir=tmp_path,
                           out=lambda s: None)
    (path,) = tmp_path.iterdir()
    folder = RunFolder(path)
    assert folder.status() | {"time": None} == {
        "state": "failed", "error": "RuntimeError: bag_of_words ran out of memory", "time": None}
    assert not folder.file("panel.json").exists() and not folder.file("report.html").exists()
