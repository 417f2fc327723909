"""Self-contained HTML pages and atomic writes."""

from __future__ import annotations

import base64
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from seqlab.report import html as report_html
from seqlab.report.html import HtmlPage, ReportPathError, write_text_atomic
from seqlab.report.tables import Table

PNG = report_html.PNG_SIGNATURE + b"\x00\x00\x00\rIHDR-not-a-real-image"
SVG = ('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
       'height="10"><rect width="5" height="5"/></svg>')


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def build_page() -> HtmlPage:
    page = HtmlPage("Report <1> & co")
    page.add_heading("Section & one")
    page.add_text("first paragraph <b>not bold</b>\n\nsecond paragraph")
    page.add_table(Table("t", ["a", "b"], [[1.25, "x<y"]], notes=["a note"]))
    page.add_svg(SVG, caption="a square")
    page.add_png(PNG, alt='alt "text"', caption="an image")
    page.add_preformatted("  pre <text>")
    return page


def test_page_is_self_contained_and_escaped():
    text = build_page().render()
    parser = _Collector()
    parser.feed(text)
    tags = [t for t, _ in parser.tags]
    assert tags.count("table") == 1 and "svg" in tags and "img" in tags
    assert "script" not in tags and "link" not in tags
    for tag, attrs in parser.tags:
        for key in ("src", "href"):
            if key in attrs:
                assert attrs[key].startswith("data:"), (tag, attrs)
    assert "<title>Report &lt;1&gt; &amp; co</title>" in text
    assert "<b>not bold</b>" not in text
    assert "first paragraph &lt;b&gt;not bold&lt;/b&gt;" in text
    assert "<?xml" not in text
    assert text.count("<p>") == 2


def test_png_is_embedded_as_base64_data_uri():
    parser = _Collector()
    parser.feed(build_page().render())
    src = next(a["src"] for t, a in parser.tags if t == "img")
    prefix = "data:image/png;base64,"
    assert src.startswith(prefix)
    assert base64.b64decode(src[len(prefix):]) == PNG


def test_bad_pictures_are_refused():
    page = HtmlPage("p")
    with pytest.raises(ValueError, match="not well-formed"):
        page.add_svg("<svg><rect></svg>")
    with pytest.raises(ValueError, match="expected an <svg> element"):
        page.add_svg("<div/>")
    with pytest.raises(ValueError, match="PNG"):
        page.add_png(b"GIF89a...", alt="x")
    with pytest.raises(TypeError, match="seqlab.report.Table"):
        page.add_table("not a table")
    with pytest.raises(ValueError, match="level must be 1..6"):
        page.add_heading("h", level=9)


def test_write_creates_the_page_atomically(tmp_path):
    page = build_page()
    out = page.write(tmp_path / "report.html")
    assert out.read_text(encoding="utf-8") == page.render()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_missing_directory_is_a_clear_error_and_nothing_is_written(tmp_path):
    target = tmp_path / "no" / "such" / "report.html"
    with pytest.raises(ReportPathError) as err:
        build_page().write(target)
    assert str(target) in str(err.value) and "does not exist" in str(err.value)
    assert isinstance(err.value, ValueError) and isinstance(err.value, OSError)
    assert list(tmp_path.iterdir()) == []


def test_a_directory_as_target_is_a_clear_error(tmp_path):
    (tmp_path / "sub").mkdir()
    with pytest.raises(ReportPathError, match="is a directory"):
        write_text_atomic(tmp_path / "sub", "text")
    assert list((tmp_path / "sub").iterdir()) == []


def test_parent_that_is_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ReportPathError, match="is not a directory"):
        write_text_atomic(tmp_path / "file" / "out.html", "text")


def test_failure_while_replacing_leaves_old_content_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old report", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(ReportPathError, match="No space left"):
        write_text_atomic(target, "new report")
    assert target.read_text(encoding="utf-8") == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_failure_while_writing_leaves_no_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    real_fdopen = os.fdopen

    class FailingFile:
        def __init__(self, fd):
            self._fh = real_fdopen(fd, "wb")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._fh.close()

        def write(self, data):
            self._fh.write(data[:10])
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fdopen", lambda fd, mode: FailingFile(fd))
    with pytest.raises(ReportPathError, match="Input/output error"):
        write_text_atomic(target, "x" * 1000)
    assert list(tmp_path.iterdir()) == []


def test_text_that_cannot_be_encoded_writes_nothing(tmp_path):
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(tmp_path / "r.txt", "난 널 사랑해", encoding="ascii")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(TypeError, match="text must be a str"):
        write_text_atomic(tmp_path / "r.txt", b"bytes")


def test_write_accepts_str_paths(tmp_path):
    out = write_text_atomic(str(tmp_path / "a.txt"), "hello")
    assert isinstance(out, Path) and out.read_text() == "hello"


# ------------------------------------------------------------ readable figures
def _svg(width: str, view: str | None, font: str) -> str:
    box = f' viewBox="{view}"' if view else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}"{box}>'
            f'<text {font}>x</text></svg>')


@pytest.mark.parametrize("svg, expected", [
    (_svg("2520", "0 0 2520 410", 'font-size="11"'), 2520 * 10 / 11),  # seqlab's graphs
    (_svg("504pt", "0 0 504 302.4", 'style="font-size: 8.33px; font-family: x"'),
     504 * 10 / 8.33),  # matplotlib: the viewBox in pt, font sizes in the same units
    (_svg("300", None, 'style="font-size: 15px"'), 200.0),
])
def test_readable_width_keeps_the_smallest_text_at_10_px(svg, expected):
    import xml.etree.ElementTree as ET

    from seqlab.report.svgsize import readable_width

    assert readable_width(ET.fromstring(svg)) == pytest.approx(expected)


def test_a_page_never_shows_an_svg_so_narrow_that_its_text_is_unreadable():
    page = HtmlPage("p")
    page.add_svg(_svg("2520", "0 0 2520 410", 'font-size="11"'))
    page.add_svg('<svg xmlns="http://www.w3.org/2000/svg" width="50" viewBox="0 0 50 50" '
                 'style="color: red" font-size="10"/>')
    page.add_svg(SVG)  # no text: nothing to keep readable
    figures = [b for b in page.blocks if b.startswith("<figure>")]
    assert 'style="min-width: 2291px"' in figures[0]  # 2520 px · 10 / 11
    assert 'style="min-width: 50px; color: red" font-size="10"/>' in figures[1]
    assert "min-width" not in figures[2]


# ---------------------------------------------------------- table of contents
def test_a_long_page_opens_with_links_to_its_sections():
    page = HtmlPage("long")
    for i, level in enumerate([2, 3, 2, 4, 2], 1):
        page.add_heading(f"part {i} <{level}>", level)
    text = page.render()
    parser = _Collector()
    parser.feed(text)
    ids = [a["id"] for t, a in parser.tags if t in ("h2", "h3", "h4")]
    links = [a["href"] for t, a in parser.tags if t == "a"]
    assert links == ["#" + ids[i] for i in (0, 1, 2, 4)]  # levels 2 and 3 only
    assert len(set(ids)) == 5
    assert text.index('<nav class="contents">') < text.index("<h2")
    assert '<a href="#section-1">part 1 &lt;2&gt;</a>' in text


def test_a_short_page_has_no_table_of_contents():
    page = HtmlPage("short")
    for i in range(3):
        page.add_heading(f"part {i}")
    page.add_heading("detail", 4)
    assert "<nav" not in page.render()
