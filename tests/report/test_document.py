"""Format-neutral documents rendered as rich text, Markdown, CSV and HTML."""

from __future__ import annotations

import csv
import io

import pytest

from seqlab.report import Document, ReportPathError, Table

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><circle r="2"/></svg>'


def build() -> Document:
    doc = Document("Doc title")
    doc.add_heading("Part one")
    doc.add_text("Some words.")
    doc.add_table(Table("numbers", ["x", "y"], [[1.5, "a"], [2.25, "b"]], notes=["n1"]))
    doc.add_svg(SVG, caption="a dot")
    doc.add_heading("Part two", level=3)
    doc.add_preformatted("raw  text")
    doc.add_table(Table("more", ["z"], [[7]]))
    return doc


def test_rich_rendering_has_headings_text_tables_and_a_picture_pointer():
    text = build().render("rich")
    for piece in ("Doc title", "Part one", "Some words.", "numbers", "2.25", "n1", "Part two",
                  "raw  text", "more", "a dot", "HTML report"):
        assert piece in text
    assert "<svg" not in text


def test_markdown_rendering():
    md = build().render("markdown")
    assert md.startswith("# Doc title\n")
    assert "\n## Part one\n" in md and "\n### Part two\n" in md
    assert "| 2.25 | b |" in md
    assert "```\nraw  text\n```" in md
    assert "<svg" not in md


def test_csv_rendering_holds_only_the_tables():
    text = build().render("csv")
    blocks = [list(csv.reader(io.StringIO(b))) for b in text.split("\n\n")]
    assert blocks[0] == [["numbers"], ["x", "y"], ["1.5", "a"], ["2.25", "b"], ["note: n1"]]
    assert blocks[1] == [["more"], ["z"], ["7"]]
    assert "Some words" not in text


def test_html_rendering_inlines_the_svg():
    page = build().render("html")
    assert page.startswith("<!DOCTYPE html>")
    assert '<h2 id="section-1">Part one</h2>' in page
    assert '<h3 id="section-2">Part two</h3>' in page
    assert "<circle" in page and "<figcaption>a dot</figcaption>" in page
    assert page.count("<table") == 2


def test_unknown_format_and_bad_blocks():
    doc = build()
    with pytest.raises(ValueError, match=r"expected one of \['rich', 'markdown', 'csv', 'html'\]"):
        doc.render("docx")
    with pytest.raises(ValueError, match="unknown table format"):
        doc.write("x.docx", "docx")
    with pytest.raises(TypeError, match="seqlab.report.Table"):
        doc.add_table({"not": "a table"})


def test_print_writes_plain_text_to_a_non_terminal(capsys):
    build().print("rich")
    out = capsys.readouterr().out
    assert "Doc title" in out and "\x1b[" not in out
    build().print("markdown")
    assert capsys.readouterr().out == build().render("markdown")


def test_write_is_atomic_and_reports_bad_paths(tmp_path):
    out = build().write(tmp_path / "r.md", "markdown")
    assert out.read_text(encoding="utf-8") == build().render("markdown")
    with pytest.raises(ReportPathError, match="does not exist"):
        build().write(tmp_path / "missing" / "r.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.md"]
