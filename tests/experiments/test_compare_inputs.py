"""Bad input to ``seqlab compare`` gets one clear error naming what was expected and what
came, before any training, and leaves no run folder behind."""

from __future__ import annotations

import gzip
import re

import pytest

from seqlab.cli.main import main
from seqlab.experiments import comparison as compare_mod
from seqlab.experiments.comparison import CompareOptions, compare
from seqlab.experiments.tabular import DataFileError, read_delimited


def _never(*args, **kwargs):
    raise AssertionError("the work started before the input was checked")


@pytest.fixture
def no_training(monkeypatch):
    monkeypatch.setattr(compare_mod, "train_candidate", _never)


def _file(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _reviews(n_per_class=4, label="label", classes=("pos", "neg")):
    lines = [f"id,text,{label}"]
    for k in range(n_per_class):
        for c in classes:
            lines.append(f"{len(lines)},a {c} review number {k} that is long enough,{c}")
    return "\n".join(lines) + "\n"


def _series(n=40):
    return "time,x,y\n" + "".join(f"t{i},{i % 7},{(i * 3) % 11}\n" for i in range(n))


def _fails(tmp_path, path, options, *patterns):
    runs = tmp_path / "runs"
    with pytest.raises(ValueError) as info:
        compare(path, options, runs_dir=runs, out=lambda s: None)
    for pattern in patterns:
        assert re.search(pattern, str(info.value)), (pattern, str(info.value))
    assert not runs.exists() or list(runs.iterdir()) == []  # no run folder, not even half of one
    return str(info.value)


# ----------------------------------------------------------------- forecasting
def test_a_missing_target_names_it_and_the_columns(tmp_path, no_training):
    _fails(tmp_path, _file(tmp_path, _series()), CompareOptions(target="z"),
           r"--target column 'z' is not a column of .*data\.csv", r"\['time', 'x', 'y'\]")


def test_a_non_numeric_target_names_the_line_and_the_numeric_columns(tmp_path, no_training):
    text = _series().replace("t5,5,4", "t5,5,four")
    _fails(tmp_path, _file(tmp_path, text), CompareOptions(target="y", lookback=4),
           r"the --target column 'y' is not numeric: line 7 holds 'four'",
           r"the numeric columns: \['x'\]")
    _fails(tmp_path, _file(tmp_path, _series()), CompareOptions(target="time", lookback=4),
           r"--target column 'time' is not numeric: line 2 holds 't0'")


def test_a_lookback_longer_than_the_series(tmp_path, no_training):
    _fails(tmp_path, _file(tmp_path, _series(40)), CompareOptions(target="y", lookback=40),
           r"--lookback 40 is longer than the series allows", r"need 41 rows, the series "
           r"has 40")


def test_too_few_rows_for_the_forecasting_split(tmp_path, no_training):
    _fails(tmp_path, _file(tmp_path, _series(40)), CompareOptions(target="y", lookback=12),
           r"too few rows for the split: the validation part \(rows 21–30 of 40\) holds no "
           r"window of --lookback 12")


def test_window_options_are_checked(tmp_path, no_training):
    path = _file(tmp_path, _series())
    _fails(tmp_path, path, CompareOptions(target="y", lookback=0), r"--lookback must be an "
                                                                   r"int >= 1, got 0")
    _fails(tmp_path, path, CompareOptions(target="y", lookback=4, step=2),
           r"gives windows of 2 step\(s\); the panel's Conv1D models pool by 3")
    _fails(tmp_path, path, CompareOptions(target="y", time="when"),
           r"--time column 'when' is not a column")


def test_options_of_the_other_task_are_refused(tmp_path, no_training):
    path = _file(tmp_path, _reviews())
    _fails(tmp_path, path, CompareOptions(lookback=5), r"--lookback: only for forecasting "
                                                        r"\(with --target\)")
    _fails(tmp_path, path, CompareOptions(target="id", text="text"),
           r"--text: only for classification")


# -------------------------------------------------------------- classification
def test_text_and_label_columns_that_do_not_exist(tmp_path, no_training):
    path = _file(tmp_path, _reviews())
    _fails(tmp_path, path, CompareOptions(text="review"),
           r"--text column 'review' is not a column .* its columns: \['id', 'text', 'label'\]")
    _fails(tmp_path, path, CompareOptions(label="sentiment"),
           r"--label column 'sentiment' is not a column")


def test_fewer_than_two_classes(tmp_path, no_training):
    path = _file(tmp_path, _reviews(classes=("pos",)))
    _fails(tmp_path, path, CompareOptions(label="label"),
           r"the label column 'label' has fewer than 2 classes \(only \['pos'\]\)")


def test_too_few_rows_for_the_classification_split(tmp_path, no_training):
    text = _reviews(4) + "99,one lonely review of its own kind,meh\n"
    _fails(tmp_path, _file(tmp_path, text), CompareOptions(label="label"),
           r"too few rows for the split: class 'meh' has 1 row\(s\); each class needs at "
           r"least 3")


def test_an_empty_label_names_its_line(tmp_path, no_training):
    text = _reviews().replace("neg\n", "\n", 1)
    _fails(tmp_path, _file(tmp_path, text), CompareOptions(label="label"),
           r"line 3: the label column 'label' is empty")


def test_no_column_looks_like_a_label(tmp_path, no_training):
    text = "a,b\n" + "".join(f"text number {i},{i}\n" for i in range(30))
    _fails(tmp_path, _file(tmp_path, text), CompareOptions(),
           r"no column of .* looks like a label: the fewest distinct values, in 'b', are 30 "
           r"for 30 rows", r"name it with --label")


# --------------------------------------------------------------------- the file
def test_an_empty_file_a_header_alone_and_a_missing_file(tmp_path, no_training):
    _fails(tmp_path, _file(tmp_path, ""), CompareOptions(), r"is empty: expected a header line")
    _fails(tmp_path, _file(tmp_path, "text,label\n\n"), CompareOptions(),
           r"has a header but no rows")
    _fails(tmp_path, tmp_path / "nowhere.csv", CompareOptions(), r"'.*nowhere\.csv' does not "
                                                                  r"exist")


def test_a_ragged_row_names_its_line(tmp_path, no_training):
    text = 'id,text,label\n1,"a review, with a comma",pos\n\n2,too,many,fields,neg\n'
    _fails(tmp_path, _file(tmp_path, text), CompareOptions(),
           r"line 4: 5 fields, but the header has 3 \(','-separated\)")


def test_text_that_is_not_utf8(tmp_path, no_training):
    path = tmp_path / "latin1.csv"
    path.write_bytes("text,label\ncafé au lait,1\n".encode("latin-1"))
    _fails(tmp_path, path, CompareOptions(), r"is not UTF-8 text .* save it as UTF-8")


def _table(tmp_path, text, sep=None):
    return read_delimited(_file(tmp_path, text), sep)


def test_duplicate_column_names_are_refused(tmp_path):
    with pytest.raises(DataFileError, match=r"names column 'a' more than once"):
        _table(tmp_path, "a,b,a\n1,2,3\n")


@pytest.mark.parametrize("text, sep, expected", [
    ("a;b\n1;2\n", None, ";"),
    ("a\tb\n1\t2\n", None, "\t"),
    ("a|b\n1|2\n", None, "|"),
    ("a,b;c\n1,2;3\n", ";", ";"),
    ("a,b\n1,2\n", "tab", "\t"),
])
def test_the_delimiter_is_sniffed_from_the_header_or_given(tmp_path, text, sep, expected):
    assert _table(tmp_path, text, sep).delimiter == expected


def test_csv_quotes_hold_delimiters_and_line_breaks_but_tsv_keeps_quotes_as_text(tmp_path):
    table = _table(tmp_path, 'text,label\n"one, two\nthree ""four""",1\nfive,0\n')
    assert table.rows == [['one, two\nthree "four"', "1"], ["five", "0"]]
    assert table.lines == [2, 4]
    tsv = _table(tmp_path, 'id\tdocument\n1\t"""quoted"" text\n')
    assert tsv.rows == [["1", '"""quoted"" text']] and tsv.quoting == "none (TSV)"


def test_gzip_files_and_a_byte_order_mark_are_read(tmp_path):
    path = tmp_path / "data.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\ufeffid\tdocument\n1\t굳 ㅋ\n")
    table = read_delimited(path)
    assert table.columns == ["id", "document"] and table.rows == [["1", "굳 ㅋ"]]


def test_a_bad_separator_option(tmp_path):
    with pytest.raises(DataFileError, match=r"sep must be one character .* got ';;'"):
        _table(tmp_path, "a\n1\n", ";;")


# ----------------------------------------------------------- the runs folder
def test_an_unwritable_runs_folder_fails_before_the_file_is_read(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(compare_mod, "read_delimited", _never)
    blocker = tmp_path / "runs"
    blocker.write_text("a file where the runs folder should be")
    assert main(["compare", "whatever.csv", "--runs-dir", str(blocker)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"seqlab compare: error: cannot write run folders in {str(blocker)!r}: it is a file" \
        in err
    nested = blocker / "inside"
    assert main(["compare", "whatever.csv", "--runs-dir", str(nested)]) == 1
    assert f"cannot write run folders in {str(nested)!r}" in capsys.readouterr().err


def test_the_command_line_prints_one_error_line(tmp_path, capsys, no_training):
    path = _file(tmp_path, _series())
    assert main(["compare", str(path), "--target", "nope", "--runs-dir",
                 str(tmp_path / "runs")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("seqlab compare: error: --target column 'nope' is not a column")
    assert err.count("\n") == 1
