"""Table value and its renderers: rich, Markdown, CSV, HTML."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from seqlab.report.tables import (
    FORMATS,
    Table,
    check_format,
    format_number,
    render,
    render_tables,
    to_csv,
    to_html,
    to_markdown,
    to_text,
)

TRICKY = 'a|b <script>alert("x")</script> & "q", c'


def sample() -> Table:
    return Table("loop 1 <b>", ["state(S)", "W * X(I)", "word"],
                 [[0, 0.5344613383, "난"], [np.float64(1 / 3), -2.5e-7, TRICKY],
                  [None, np.int64(12), "x"]],
                 notes=["fed X(I) at every step", "note with | pipe"])


# --------------------------------------------------------------- numbers
@pytest.mark.parametrize("value", [1 / 3, np.pi * 1e5, -2.718281828459045e-9, 123.0,
                                   np.float32(0.1), 6.02214076e23])
@pytest.mark.parametrize("digits", [3, 6, 10])
def test_format_number_keeps_the_requested_significant_digits(value, digits):
    text = format_number(value, digits)
    mantissa = re.sub(r"e.*$", "", text).lstrip("-").replace(".", "").lstrip("0")
    assert len(mantissa) <= digits
    # the printed number is the value rounded to `digits` significant digits
    exponent = np.floor(np.log10(abs(float(value))))
    assert abs(float(text) - float(value)) <= 0.5 * 10 ** (exponent - digits + 1) * (1 + 1e-9)


def test_format_number_integers_strings_none_and_negative_zero():
    assert format_number(12345678901234) == "12345678901234"
    assert format_number(np.int32(-7)) == "-7"
    assert format_number("난 널") == "난 널"
    assert format_number(None) == ""
    assert format_number(-0.0) == "0"
    assert format_number(float("nan")) == "nan"
    assert format_number(True) == "True"


def test_table_rejects_bad_shapes_with_clear_errors():
    with pytest.raises(ValueError, match=r"Table 't': row 1 has 1 cells, expected 2"):
        Table("t", ["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="at least one column"):
        Table("t", [])
    with pytest.raises(ValueError, match="digits must be a positive int"):
        Table("t", ["a"], digits=0)
    with pytest.raises(TypeError, match="columns must be a list"):
        Table("t", "ab")
    t = Table("t", ["a", "b"])
    with pytest.raises(ValueError, match="row 0 has 3 cells"):
        t.add_row([1, 2, 3])


def test_numeric_columns_are_detected():
    assert sample().numeric_columns() == [True, True, False]


# ----------------------------------------------------------------- formats
def test_check_format_lists_the_valid_names():
    for fmt in FORMATS:
        assert check_format(fmt) == fmt
    with pytest.raises(ValueError) as err:
        check_format("xml")
    for fmt in FORMATS:
        assert repr(fmt) in str(err.value)
    with pytest.raises(ValueError, match="unknown table format"):
        render(sample(), "latex")
    with pytest.raises(ValueError, match="unknown table format"):
        render_tables([sample()], "pdf")


def _split_md_row(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip()[1:-1])
    return [c.strip().replace("\\|", "|").replace("\\\\", "\\") for c in cells]


def test_markdown_escapes_pipes_and_html_and_keeps_every_cell():
    t = sample()
    md = to_markdown(t)
    lines = md.splitlines()
    assert lines[0] == "**loop 1 &lt;b&gt;**"
    table_lines = [ln for ln in lines if ln.startswith("|")]
    assert _split_md_row(table_lines[0]) == t.columns
    assert _split_md_row(table_lines[1]) == ["---:", "---:", ":---"]
    import html
    body = [[html.unescape(c) for c in _split_md_row(ln)] for ln in table_lines[2:]]
    assert body == t.text_rows()
    assert "<script>" not in md
    assert "- note with \\| pipe" in md


def test_csv_round_trips_through_the_csv_module():
    t = sample()
    rows = list(csv.reader(io.StringIO(to_csv(t))))
    assert rows[0] == t.columns
    assert rows[1:] == t.text_rows()
    assert rows[2][2] == TRICKY


def test_html_is_escaped_and_parses_back_to_the_cells():
    t = sample()
    frag = to_html(t)
    assert "<script>" not in frag
    root = ET.fromstring(f"<div>{frag}</div>")
    table = root.find("table")
    assert table.find("caption").text == t.title
    assert [th.text for th in table.iter("th")] == t.columns
    body = [[td.text or "" for td in tr.iter("td")] for tr in table.find("tbody")]
    assert body == t.text_rows()
    classes = [td.get("class") for td in table.find("tbody")[0]]
    assert classes == ["num", "num", None]
    assert [p.text for p in root.findall("p")] == t.notes


def test_rich_text_shows_every_cell_title_and_note():
    t = sample()
    text = to_text(t, width=200)
    assert t.title in text
    for row in t.text_rows():
        for cell in row:
            assert cell in text
    for note in t.notes:
        assert note in text
    assert render(t, "rich", width=200) == text


def test_rich_text_in_a_narrow_terminal_folds_instead_of_cutting_numbers():
    t = Table("narrow", ["a", "b", "c", "d"], [[0.1234567891, 0.2345678912, 0.3456789123,
                                                0.4567891234]])
    text = to_text(t, width=40)
    assert "…" not in text
    body = [ln for ln in text.splitlines() if ln.startswith("│")]
    columns = [""] * 4
    for line in body:  # a folded cell continues on the next line of the same column
        for j, piece in enumerate(line.strip("│").split("│")):
            columns[j] += piece.strip()
    assert len(body) > 1
    assert columns == t.text_rows()[0]


def test_render_tables_csv_blocks_have_title_rows_and_notes():
    a, b = sample(), Table("second", ["x"], [[1.5]], notes=["n"])
    text = render_tables([a, b], "csv")
    blocks = text.split("\n\n")
    assert len(blocks) == 2
    rows = list(csv.reader(io.StringIO(blocks[1])))
    assert rows == [["second"], ["x"], ["1.5"], ["note: n"]]
    first = list(csv.reader(io.StringIO(blocks[0])))
    assert first[0] == [a.title] and first[1] == a.columns
    for fmt in ("markdown", "html", "rich"):
        joined = render_tables([a, b], fmt)
        assert "second" in joined and "1.5" in joined


def test_digits_apply_in_every_format():
    t = Table("d", ["v"], [[2 / 3]], digits=4)
    assert "0.6667" in to_csv(t)
    assert "0.6667" in to_markdown(t)
    assert "0.6667" in to_html(t)
    assert "0.6667" in to_text(t)
    assert "0.66667" not in to_csv(t)
