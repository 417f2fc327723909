"""The runner on your own arrays (npz): a complete run folder, a report, resuming an
interrupted run to the same weights, the runs table and the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlab.cli.main import main
from seqlab.experiments import ExperimentConfig, RunFolder, resume, run, runs_table
from seqlab.experiments import runner as runner_mod
from seqlab.models import load_model


@pytest.fixture
def toy(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(160, 6, 3))
    y = (x[:, 0, 0] > 0).astype("float64")
    path = tmp_path / "toy.npz"
    np.savez(path, x_train=x[:100], y_train=y[:100], x_val=x[100:130], y_val=y[100:130],
             x_test=x[130:], y_test=y[130:])
    spec = {"name": "toy_gru", "description": "GRU(4) on a toy task. The label is x[0, 0] > 0.",
            "data": {"dataset": "npz", "path": str(path)},
            "model": [{"class_name": "GRU", "config": {"units": 4, "dtype": "float64"}},
                      {"class_name": "Dense",
                       "config": {"units": 1, "activation": "sigmoid", "dtype": "float64"}}],
            "compile": {"optimizer": "adam", "loss": "binary_crossentropy", "metrics": ["acc"]},
            "fit": {"epochs": 4, "batch_size": 20}, "seed": 3,
            "book": {"metric": "val_acc", "value": 0.5, "mode": "max", "source": "a coin"},
            "quick": {"fit": {"epochs": 1}}}
    return ExperimentConfig.from_dict(spec)


def test_a_run_leaves_a_complete_folder_and_a_report(toy, tmp_path):
    folder = run(toy, runs_dir=tmp_path / "runs", verbose=0, out=lambda s: None)
    names = {p.name for p in folder.path.iterdir()}
    assert names == {"config.json", "status.json", "history.csv", "checkpoint.seqlab",
                     "best.seqlab", "model.seqlab", "metrics.json", "report.html", "timing.json"}
    assert folder.status()["state"] == "done"
    metrics = folder.read_json("metrics.json")
    assert metrics["epochs_done"] == 4 and len(metrics["epoch_seconds"]) == 4
    assert set(metrics["summary"]) == {"loss", "acc", "val_loss", "val_acc"}
    assert metrics["summary"]["val_acc"]["best"] >= metrics["summary"]["val_acc"]["final"]
    assert {"test_loss", "test_acc"} <= set(metrics["test"])
    assert metrics["seed"] == 3 and metrics["versions"]["seqlab"]
    with open(folder.file("history.csv")) as fh:
        assert len(fh.read().strip().splitlines()) == 1 + 4
    html = folder.file("report.html").read_text()
    assert "seqlab run: toy_gru" in html and "Beside the book" in html and "a coin" in html
    assert "&quot;dataset&quot;: &quot;npz&quot;" in html  # the config, ready to copy
    if pytest.importorskip("matplotlib"):
        assert html.count("<svg") >= 2  # loss and accuracy curves
    model = load_model(folder.file("model.seqlab"))
    assert model.count_params() == metrics["params"]


@pytest.mark.parametrize("split", [False, True])
def test_the_test_data_also_scores_the_best_validation_epoch(toy, tmp_path, split):
    if split:  # no x_val: validation from fit's validation_split, as the IMDB configs
        arrays = dict(np.load(toy.data["path"]))
        del arrays["x_val"], arrays["y_val"]
        np.savez(tmp_path / "no_val.npz", **arrays)
        toy = toy.with_overrides(data={"path": str(tmp_path / "no_val.npz")},
                                 fit={"validation_split": 0.25})
    folder = run(toy, runs_dir=tmp_path / "runs", verbose=0, out=lambda s: None)
    metrics = folder.read_json("metrics.json")
    at_best = metrics["test_at_best"]
    best_epoch = metrics["summary"]["val_acc"]["best_epoch"]
    assert at_best["monitor"] == "val_acc" and at_best["epoch"] == best_epoch
    data = np.load(toy.data["path"])
    best = load_model(folder.file("best.seqlab"))
    x_val, y_val = (data["x_train"][75:], data["y_train"][75:]) if split else \
        (data["x_val"], data["y_val"])
    val_acc = best.evaluate(x_val, y_val, verbose=0, return_dict=True)["acc"]
    assert val_acc == pytest.approx(metrics["summary"]["val_acc"]["best"])
    test = best.evaluate(data["x_test"], data["y_test"], verbose=0, return_dict=True)
    assert at_best["test_acc"] == pytest.approx(test["acc"])
    assert f"the model of the best val_acc, epoch {best_epoch}" in \
        folder.file("report.html").read_text()


def test_an_interrupted_run_resumes_to_the_same_weights(toy, tmp_path, monkeypatch):
    whole = run(toy, runs_dir=tmp_path / "whole", verbose=0, out=lambda s: None)
    said = []
    original = runner_mod.EpochClock.on_epoch_begin

    def stop_at_third(self, epoch, logs=None):
        if epoch == 2:
            raise KeyboardInterrupt
        original(self, epoch, logs)

    monkeypatch.setattr(runner_mod.EpochClock, "on_epoch_begin", stop_at_third)
    with pytest.raises(KeyboardInterrupt):
        run(toy, runs_dir=tmp_path / "cut", verbose=0, out=said.append)
    (cut,) = (tmp_path / "cut").iterdir()
    folder = RunFolder(cut)
    assert folder.status()["state"] == "interrupted"
    assert "seqlab run --resume" in folder.status()["resume"] and "resume with" in said[0]
    assert not folder.file("model.seqlab").exists() and folder.file("checkpoint.seqlab").exists()
    monkeypatch.setattr(runner_mod.EpochClock, "on_epoch_begin", original)
    before = folder.read_json("timing.json")["epoch_seconds"]
    assert len(before) == 2
    resume(str(cut), verbose=0, out=lambda s: None)
    assert folder.status()["state"] == "done"
    metrics = folder.read_json("metrics.json")
    assert metrics["epochs_done"] == 4
    # the report's times cover both sessions: the two epochs before the cut kept as they were
    assert len(metrics["epoch_seconds"]) == 4 and metrics["epoch_seconds"][:2] == before
    assert metrics["wall_seconds"] > sum(metrics["epoch_seconds"])
    for a, b in zip(load_model(whole.file("model.seqlab")).get_weights(),
                    load_model(folder.file("model.seqlab")).get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    with pytest.raises(ValueError, match="already done"):
        resume(str(cut))


def test_runs_table_and_the_command_line(toy, tmp_path, capsys):
    config_file = tmp_path / "toy.json"
    config_file.write_text(toy.to_json())
    runs = tmp_path / "runs"
    assert main(["run", "--config", str(config_file), "--quick", "--runs-dir", str(runs),
                 "--verbose", "0"]) == 0
    table = runs_table(runs)
    assert [row[:3] for row in table.rows] == [["toy_gru", "done", "val_acc"]]
    assert table.rows[0][6] == 1  # --quick: one epoch
    capsys.readouterr()
    assert main(["runs", str(runs), "--format", "markdown"]) == 0
    assert "| toy_gru | done | val_acc |" in capsys.readouterr().out
    assert main(["run", "--show", "imdb_lstm"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "imdb_lstm"
    assert main(["run", "--list"]) == 0
    assert "weather_conv1d_gru" in capsys.readouterr().out
    assert main(["run", "nope"]) == 1
    assert "unknown experiment 'nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["run"])
    assert "name an experiment" in capsys.readouterr().err
    with pytest.raises(FileNotFoundError, match="does not exist"):
        runs_table(tmp_path / "nothing")
