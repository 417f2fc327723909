"""The translation experiments end to end on the fixtures (--quick), and the CLI."""

from __future__ import annotations

import json

import pytest

from seqlab.cli.main import main
from seqlab.datasets.errors import DataFormatError
from seqlab.translate import Translator, experiment

pytest.importorskip("sacrebleu", reason="scoring needs sacrebleu (the translate extra)")


@pytest.mark.parametrize("name", experiment.names())
def test_quick_run_writes_a_translator_metrics_and_a_report(name, fixture_data, tmp_path):
    folder = experiment.run(experiment.get(name), runs_dir=tmp_path, quick=True, verbose=0)
    metrics = json.loads(folder.file("metrics.json").read_text())
    split = metrics["split"]
    quick = experiment.get(name)["quick"]["data"]
    assert (split["test"], split["validation"]) == (quick["test_size"], quick["validation_size"])
    assert split["train"] + split["validation"] + split["test"] == metrics["pairs"]
    test = metrics["test"]
    for search in ("greedy", f"beam{experiment.get(name)['quick']['evaluate']['beam']}"):
        assert 0 <= test[search]["bleu"] <= 100 and 0 <= test[search]["chrf"] <= 100
    report = folder.file("report.md").read_text()
    assert "| greedy |" in report and "## Bad samples" in report
    assert json.loads(folder.file("status.json").read_text())["state"] == "done"
    translator = Translator.load(folder.file("model.translator"))
    assert translator.source.kind == experiment.get(name)["source"]["kind"]


def test_cli_trains_then_translates_with_beam_and_greedy(fixture_data, tmp_path, capsys):
    assert main(["translate", "--train", "translate_spa_eng", "--quick",
                 "--runs-dir", str(tmp_path)]) == 0
    model = next(tmp_path.glob("translate_spa_eng-*")) / "model.translator"
    capsys.readouterr()
    assert main(["translate", str(model), "¡Vete!", "Hola"]) == 0
    beam = capsys.readouterr().out.splitlines()
    assert len(beam) == 2
    assert main(["translate", "--greedy", str(model), "¡Vete!", "Hola"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert main(["translate", str(model), "muy " * 30, "--beam", "2"]) == 1
    assert "this model takes at most 20" in capsys.readouterr().err


def test_cli_refuses_training_options_without_train(capsys):
    with pytest.raises(SystemExit):
        main(["translate", "model", "hola", "--quick"])
    assert "--quick and --minutes go with --train" in capsys.readouterr().err


def test_cli_names_a_folder_that_is_not_a_translator(tmp_path, capsys):
    assert main(["translate", str(tmp_path), "hola"]) == 1
    assert "is not a translator folder" in capsys.readouterr().err


def test_cli_lists_and_shows_the_experiments(capsys):
    assert main(["translate", "--list"]) == 0
    assert "translate_kor_eng" in capsys.readouterr().out
    assert main(["translate", "--show", "translate_eng_kor"]) == 0
    assert json.loads(capsys.readouterr().out)["target"]["kind"] == "char"


@pytest.mark.parametrize("line, problem", [
    ("Go.\t\tCC-BY 2.0", "line 2: the translated side is empty"),
    ("Go.\tVe.\tCC-BY\textra", "line 2: expected 2 or 3 tab-separated columns"),
])
def test_a_bad_pair_file_is_named_by_line(tmp_path, line, problem):
    pairs = tmp_path / "bad.txt"
    pairs.write_text(f"Hi.\tHola.\n{line}\nRun!\tCorre.\n", encoding="utf-8")
    config = {**experiment.get("translate_spa_eng"), "data": {
        "pairs": str(pairs), "reverse": True, "test_size": 1, "validation_size": 1}}
    with pytest.raises(DataFormatError, match=problem):
        experiment.run(config, runs_dir=tmp_path / "runs", quick=True, verbose=0)
    (folder,) = (tmp_path / "runs").iterdir()
    assert json.loads((folder / "status.json").read_text())["state"] == "failed"


def test_a_config_without_a_required_key_names_it():
    config = experiment.get("translate_kor_eng")
    del config["source"]["max_length"]
    with pytest.raises(ValueError, match=r"'source' needs the keys \['kind', 'max_length'\]; "
                                         r"missing \['max_length'\]"):
        experiment.check(config, "my.json")


def test_an_unknown_experiment_lists_the_known_ones():
    with pytest.raises(ValueError, match="there are: .*translate_spa_eng"):
        experiment.get("translate_fra_eng")


def test_seqlab_run_lists_shows_and_runs_the_translation_experiments(fixture_data, tmp_path,
                                                                      capsys):
    assert main(["run", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in experiment.names()) and "imdb_lstm" in listed
    assert main(["run", "--show", "translate_kor_eng"]) == 0
    assert json.loads(capsys.readouterr().out) == experiment.get("translate_kor_eng")
    assert main(["run", "translate_kor_eng", "--quick", "--threads", "1",
                 "--runs-dir", str(tmp_path)]) == 0
    (folder,) = tmp_path.iterdir()
    assert folder.name.startswith("translate_kor_eng-")
    assert (folder / "model.translator").is_dir() and (folder / "report.md").is_file()
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["split"]["test"] == 6
    capsys.readouterr()
    assert main(["runs", str(tmp_path), "--format", "csv"]) == 0
    row = [line for line in capsys.readouterr().out.splitlines() if line][-1].split(",")
    assert row[:3] == ["translate_kor_eng", "done", "test BLEU (beam3)"]
    assert float(row[3]) == metrics["test"]["beam3"]["bleu"]


def test_seqlab_run_refuses_epochs_for_a_translation_experiment(capsys):
    with pytest.raises(SystemExit):
        main(["run", "translate_kor_eng", "--epochs", "2"])
    assert "--epochs does not apply to translation" in capsys.readouterr().err
