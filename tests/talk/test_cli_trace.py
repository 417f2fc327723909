"""`seqlab trace seed` and `seqlab trace backprop` through seqlab.cli.main.main."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from seqlab.cli.main import main

TALK_NUMBERS = ["0.3509740057", "0.8256177525", "2.013602629", "0.9884511664", "1.61490504",
                "0.3344556645", "0.5344613383", "0.6397506561"]


@pytest.fixture(scope="module")
def seed_rich():
    """One run of the rich output (the command takes about a second)."""
    out, err = io.StringIO(), io.StringIO()
    import contextlib
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(["trace", "seed"])
    return rc, out.getvalue(), err.getvalue()


def test_seed_prints_the_three_loops_real_run_and_training(seed_rich):
    rc, out, _ = seed_rich
    assert rc == 0
    for number in TALK_NUMBERS:
        assert number in out
    for header in ("state(S)", "W * X(I)", "U * S", "WX + US + B", "tanh(WX+US+B) (O)",
                   "softmax(O)", "W * X(love)", "W * X(you)"):
        assert header in out
    for loop in ("첫번째 루프", "두번째 루프", "세번째 루프"):
        assert loop in out
    assert "EVERY step" in out
    assert "untrained network says 난 사랑해 널" in out
    assert "now translates I love you → 난 널 사랑해" in out
    assert "loss per epoch" in out and "52 of 54" in out
    # the sections come in the order of the issue
    assert out.index("X(I) fed at every step") < out.index("real inputs") \
        < out.index("Training by BPTT")


def test_seed_markdown_csv_and_html(tmp_path, capsys):
    assert main(["trace", "seed", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# ") and "| state(S) |" in md and "0.3509740057" in md

    assert main(["trace", "seed", "--format", "csv"]) == 0
    blocks = capsys.readouterr().out.split("\n\n")
    tables = [list(csv.reader(io.StringIO(b))) for b in blocks]
    loop1 = next(t for t in tables if t[0][0].startswith("첫번째 루프"))
    assert loop1[1][:3] == ["state(S)", "W * X(I)", "U * S"]
    assert loop1[2][5] == "0.3509740057"

    out = tmp_path / "seed.html"
    assert main(["trace", "seed", "--format", "html", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and str(out) in captured.err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<table") >= 10
    assert "0.9884511664" in page and "http://" not in page.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")


def test_seed_options_reach_training(capsys):
    assert main(["trace", "seed", "--format", "markdown", "--max-epochs", "3"]) == 0
    md = capsys.readouterr().out
    assert "After 3 epochs of gradient descent the network still does not translate" in md


def test_unknown_format_lists_the_valid_ones(capsys):
    assert main(["trace", "seed", "--format", "xml"]) == 1
    err = capsys.readouterr().err
    assert "unknown table format 'xml'" in err
    for fmt in ("rich", "markdown", "csv", "html"):
        assert repr(fmt) in err


@pytest.mark.parametrize("kind", ["missing_dir", "is_dir"])
def test_unwritable_report_path_is_a_clear_error_and_leaves_nothing(tmp_path, capsys, kind):
    target = tmp_path / "no" / "r.html" if kind == "missing_dir" else tmp_path
    before = sorted(tmp_path.rglob("*"))
    assert main(["trace", "seed", "--format", "html", "--out", str(target)]) == 1
    err = capsys.readouterr().err
    assert "seqlab trace: error: cannot write the --out file" in err and str(target) in err
    assert sorted(tmp_path.rglob("*")) == before


def test_bad_numbers_are_reported(capsys):
    assert main(["trace", "seed", "--lr", "-1"]) == 1
    assert "lr must be a positive number" in capsys.readouterr().err
    assert main(["trace", "seed", "--digits", "0"]) == 1
    assert "digits must be a positive int" in capsys.readouterr().err


def test_backprop_tables_and_svg(tmp_path, capsys):
    svg = tmp_path / "g.svg"
    assert main(["trace", "backprop", "--example", "mul", "--example", "rnn",
                 "--svg", str(svg)]) == 0
    out = capsys.readouterr().out
    assert "gradient swapper" in out and "x ← -2; y ← 3" in out
    assert "tanh′" in out and "f = x + y" not in out
    root = ET.fromstring(svg.read_text(encoding="utf-8"))
    assert len([g for g in root.iter("{http://www.w3.org/2000/svg}g")
                if g.get("class") == "node"]) == 3

    page = tmp_path / "bp.html"
    assert main(["trace", "backprop", "--format", "html", "--out", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 4 and "gradient distributor" in text


def test_backprop_unknown_example(capsys):
    assert main(["trace", "backprop", "--example", "div"]) == 1
    err = capsys.readouterr().err
    assert "unknown backprop example" in err and "'add_mul'" in err


def test_trace_without_a_subcommand_prints_help(capsys):
    assert main(["trace"]) == 2
    assert "seed" in capsys.readouterr().out
