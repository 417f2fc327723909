"""`seqlab vectorize`: the talk's table, modes, files and errors, through seqlab.cli.main.main."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from seqlab.cli.main import main
from seqlab.cli.vectorize import EXAMPLE


def table_rows(text: str) -> list[list[str]]:
    """Cells of every header/body line of the rich tables in ``text``."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith(("┃", "│")):
            rows.append([c.strip() for c in line.strip("┃│").replace("┃", "│").split("│")])
    return rows


def test_talk_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectorize", "We are SAI", "We are a student"]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert rows == [
        ["", "We", "are", "SAI", "a", "student"],
        ["Document1", "1", "1", "1", "0", "0"],
        ["Document2", "1", "1", "0", "1", "1"],
    ]


def test_help_shows_the_real_output_of_its_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["vectorize", "--help"])
    assert info.value.code == 0
    help_text = capsys.readouterr().out
    assert "We are a student" in help_text
    example = EXAMPLE.split("$ seqlab vectorize")[1].split("\n\n")[0]
    shown = [line.strip() for line in example.splitlines()[1:]]
    main(["vectorize", "We are SAI", "We are a student"])
    real = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert shown == real


def test_count_mode_from_file_with_lowercasing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "docs.txt"
    path.write_text("The cat\n\nthe THE dog\n", encoding="utf-8")
    assert main(["vectorize", "--file", str(path), "--mode", "count", "--lower"]) == 0
    rows = table_rows(capsys.readouterr().out)
    assert rows == [["", "the", "cat", "dog"], ["Document1", "1", "1", "0"], ["Document2", "2", "0", "1"]]


def test_one_hot_prints_a_table_per_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectorize", "--mode", "one_hot", "I love you", "I love"]) == 0
    out = capsys.readouterr().out
    assert "Document1 : I love you" in out and "Document2 : I love" in out
    rows = table_rows(out)
    assert rows[:4] == [["", "I", "love", "you"], ["I", "1", "0", "0"], ["love", "0", "1", "0"],
                        ["you", "0", "0", "1"]]


def test_int_mode_and_oov_and_jamo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectorize", "--mode", "int", "--oov", "I love you", "I love"]) == 0
    out = capsys.readouterr().out
    assert "0='', 1='[UNK]', 2='I'" in out
    assert table_rows(out)[-1] == ["Document2", "2", "3", "0"]
    assert main(["vectorize", "--split", "jamo", "난 널"]) == 0
    assert table_rows(capsys.readouterr().out)[0] == ["", "ㄴ", "ㅏ", "ㅓ", "ㄹ"]


def test_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["vectorize"]) == 1
    assert "give sentences" in capsys.readouterr().err
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"ok\n\xff\n")
    assert main(["vectorize", "--file", str(bad)]) == 1
    assert "byte offset 3 (line 2)" in capsys.readouterr().err
    assert main(["vectorize", "--file", str(tmp_path / "none.txt")]) == 1
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["vectorize", "--mode", "binary", "x"])
    assert info.value.code == 2
    monkeypatch.setitem(sys.modules, "kiwipiepy", None)
    assert main(["vectorize", "--split", "morpheme", "영화 최고"]) == 1
    assert "pip install seqlab[ko]" in capsys.readouterr().err
