"""Every ``seqlab`` command that writes a file checks the path before the work:
a missing folder or a folder given as the file fails at once (exit 1, one line
naming the option and the path), and the work itself never starts. (``seqlab
w2v train -o`` is checked by its own argument type: tests/cli/test_cli_w2v.py.)"""

from __future__ import annotations

import pytest

from seqlab.cli.main import main


def _never(*args, **kwargs):
    raise AssertionError("the work started before the output path was checked")


# (command line with {out} for the output path, module and name of the work to forbid, option)
COMMANDS = [
    (["tour", "--quick", "--no-print", "--report", "{out}"], "seqlab.talk.tour",
     "tour_document", "--report"),
    (["trace", "seed", "--out", "{out}"], "seqlab.talk.reports", "seed_document", "--out"),
    (["trace", "backprop", "--format", "html", "--out", "{out}"], "seqlab.talk.reports",
     "backprop_document", "--out"),
    (["trace", "backprop", "--svg", "{out}"], "seqlab.talk.reports", "backprop_document",
     "--svg"),
    (["gradflow", "--quick", "--out", "{out}"], "seqlab.talk.flowdemo", "gradflow_report",
     "--out"),
]


@pytest.mark.parametrize("where", ["missing folder", "a folder"])
@pytest.mark.parametrize("argv, module, work, option", COMMANDS,
                         ids=[" ".join(c[0][:2]) + " " + c[3] for c in COMMANDS])
def test_unwritable_outputs_fail_before_the_work(tmp_path, capsys, monkeypatch, where, argv,
                                                  module, work, option):
    monkeypatch.setattr(f"{module}.{work}", _never)
    out = tmp_path / "missing" / "result.out" if where == "missing folder" else tmp_path
    before = sorted(tmp_path.rglob("*"))
    assert main([a.replace("{out}", str(out)) for a in argv]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot write the {option} file {str(out)!r}" in err
    assert ("does not exist" if where == "missing folder" else "it is a directory") in err
    assert sorted(tmp_path.rglob("*")) == before


def test_gradflow_plots_folder_is_checked_first(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setattr("seqlab.talk.flowdemo.gradflow_report", _never)
    (tmp_path / "gradflow.svg").mkdir()  # the picture's name is taken by a folder
    assert main(["gradflow", "--quick", "--plots", str(tmp_path)]) == 1
    assert "cannot write the --plots picture" in capsys.readouterr().err
