"""What a comparison trains on: detected columns, reproducible stratified splits, the
tokenizer for Korean and English, ids padded at the front, windows and targets that match
the series, and the naive baseline computed by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from seqlab.experiments import textvec
from seqlab.experiments.panel_data import series_panel, text_panel
from seqlab.experiments.seriesdata import prepare_series
from seqlab.experiments.tabular import read_delimited
from seqlab.experiments.textdata import Labels, choose_columns, stratified_split

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
IMDB = FIXTURES / "compare" / "imdb_sentences60.csv"
NSMC = FIXTURES / "nsmc_ratings_test_first20.txt"
BEIJING = FIXTURES / "compare" / "beijing_aotizhongxin_first480.csv"


def test_text_and_label_columns_are_detected_and_said():
    choice = choose_columns(read_delimited(IMDB))
    assert (choice.text, choice.label) == ("review", "sentiment")
    assert "the longest cells on average" in choice.how and "(2)" in choice.how
    given = choose_columns(read_delimited(NSMC), text="document", label="label")
    assert given.how == "given with --text and --label"


def test_the_split_is_stratified_reproducible_and_covers_every_row_once():
    y = np.array([0] * 40 + [1] * 20 + [2] * 7)
    labels = Labels(y, ["a", "b", "c"])
    first, again, other = (stratified_split(labels, s) for s in (3, 3, 4))
    for split in first:
        np.testing.assert_array_equal(first[split], again[split])
    assert any(not np.array_equal(first[s], other[s]) for s in first)
    rows = np.concatenate(list(first.values()))
    assert sorted(rows.tolist()) == list(range(y.size))
    assert [np.bincount(y[first["validation"]], minlength=3).tolist(),
            np.bincount(y[first["test"]], minlength=3).tolist()] == [[6, 3, 1], [6, 3, 1]]


def test_text_panels_are_the_same_for_the_same_seed():
    table = read_delimited(IMDB)
    a, b = text_panel(table, None, None, seed=5), text_panel(table, None, None, seed=5)
    c = text_panel(table, None, None, seed=6)
    for split in ("train", "validation", "test"):
        np.testing.assert_array_equal(a.targets[split], b.targets[split])
        np.testing.assert_array_equal(a.inputs["ids"][split], b.inputs["ids"][split])
        np.testing.assert_array_equal(a.inputs["bag"][split], b.inputs["bag"][split])
    assert not np.array_equal(a.inputs["ids"]["train"], c.inputs["ids"]["train"])
    assert a.info["classes"] == {"neg": [20, 5, 5], "pos": [20, 5, 5]}


def test_english_ids_are_padded_at_the_front_and_bags_are_multi_hot():
    data = text_panel(read_delimited(IMDB), None, None, seed=1)
    assert data.info["tokenizer"] == "word" and data.loss == "binary_crossentropy"
    ids = data.inputs["ids"]["train"]
    assert ids.shape[1] == data.info["maxlen"] >= 8
    short = np.flatnonzero((ids == 0).any(axis=1))
    assert short.size and all(ids[r, -1] != 0 for r in short)  # the padding is in front
    bag = data.inputs["bag"]["train"]
    assert bag.dtype == np.uint8 and set(np.unique(bag).tolist()) <= {0, 1}
    assert bag.shape[1] == data.info["bag_vocabulary"] > data.info["sequence_vocabulary"] - 2


def test_korean_is_detected_and_its_tokenizer_said(monkeypatch):
    texts = read_delimited(NSMC).column("document")
    assert textvec.hangul_share(texts) > 0.9
    assert textvec.hangul_share(["A movie about nothing", "Great fun!"]) == 0
    monkeypatch.setattr(textvec, "_kiwi_installed", lambda: False)
    tokenizer, name, why = textvec.choose_tokenizer(texts)
    assert name == "char" and "kiwipiepy is not installed" in why
    assert tokenizer("굳 ㅋ") == ["굳", "ㅋ"]
    _, name, why = textvec.choose_tokenizer(texts, "jamo")
    assert (name, why) == ("jamo", "chosen with --tokenizer")
    with pytest.raises(ValueError, match=r"--tokenizer must be one of .* got 'bpe'"):
        textvec.choose_tokenizer(texts, "bpe")


def test_kiwi_morphemes_for_korean_when_kiwipiepy_is_installed():
    pytest.importorskip("kiwipiepy")
    data = text_panel(read_delimited(NSMC), None, None, seed=1)
    assert data.info["tokenizer"] == "kiwi" and "morphemes with Kiwi" in data.info["tokenizer_why"]
    assert "영화" in data.artifacts["vocabulary-ids.json"]["tokens"]


def test_more_than_two_classes_get_a_softmax_head(tmp_path):
    path = tmp_path / "three.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "stars"])
        for k in range(12):
            writer.writerow([f"review {k} of a film, said at some length", str(k % 3 + 1)])
    data = text_panel(read_delimited(path), None, None)
    assert data.loss == "sparse_categorical_crossentropy"
    assert data.candidates[0].build()[-1].units == 3
    assert list(data.info["classes"]) == ["1", "2", "3"]


def _beijing_temp():
    with open(BEIJING, encoding="utf-8", newline="") as fh:
        return np.array([float(r["TEMP"]) for r in csv.DictReader(fh)])


def test_windows_and_targets_match_the_series():
    data = prepare_series(read_delimited(BEIJING), "TEMP", lookback=25, delay=3, step=2,
                          time="No")
    temp = _beijing_temp()
    t = data.info["features"].index("TEMP")
    mean, std = data.normalization["mean"][t], data.normalization["std"][t]
    assert data.info["left_out"] == ["wd", "station"] and "No" not in data.info["features"]
    assert data.info["steps_per_window"] == 13 and data.info["time"]["last"] == "480"
    x, y = data.windows["validation"], data.targets["validation"]
    lo = data.series.validation[0]  # the first validation window ends before row lo + 25
    np.testing.assert_allclose(x[0, :, t] * std + mean, temp[lo:lo + 25:2], atol=1e-4)
    np.testing.assert_allclose(y[0] * std + mean, temp[lo + 25 + 3], atol=1e-4)
    assert x.shape[0] == y.shape[0] == data.info["windows"]["validation"]


def test_the_naive_baseline_is_the_last_value_seen_and_ridge_is_computed():
    data = series_panel(read_delimited(BEIJING), "TEMP", lookback=24, delay=0, step=1)
    naive, ridge = data.computed
    temp = _beijing_temp()
    std = data.info["target_std"]
    lo, hi = 240 + 1, 360  # the validation part of 480 rows
    by_hand = np.mean([abs(temp[r - 1] - temp[r]) for r in range(lo + 24, hi + 1)]) / std
    assert naive["validation"] == pytest.approx(by_hand, rel=1e-5)
    assert len(data.info["features"]) == 16  # "No" is a feature without --time
    assert ridge["kind"] == "computed" and ridge["params"] == 24 * 16 + 1
    assert np.isfinite(ridge["validation"]) and np.isfinite(ridge["test"])


def test_missing_values_are_filled_with_the_last_value_seen():
    data = prepare_series(read_delimited(BEIJING), "TEMP", lookback=24, delay=0, step=1)
    assert data.info["missing_filled"] == {"PM10": 1, "SO2": 2, "NO2": 2, "CO": 13, "O3": 2}
    assert np.isfinite(data.series.values).all()
