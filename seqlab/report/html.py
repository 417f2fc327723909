"""A self-contained HTML page writer and an atomic text-file writer.

The page needs no network: styles are inline, pictures are inline SVG or PNG
as base64 ``data:`` URIs, and nothing refers to outside resources. Text is
escaped; only SVG made by seqlab's own code is inlined (it must parse as XML).

For the reader's eyes: the glyphs of the page's Korean characters (Hangul,
Hanja) are embedded as a font subset (:func:`seqlab.report.fonts.font_face_css`),
an SVG is never shown so narrow that its smallest text falls under 10 px
(:mod:`seqlab.report.svgsize`; a narrow page scrolls it sideways), and a page
with :data:`CONTENTS_MIN_HEADINGS` headings or more opens with a table of
contents linking to each.

Writes are atomic: the whole text is rendered first, written to a temporary
file in the target's directory and moved over the target with ``os.replace``,
so an error leaves neither a half-written report nor a stray temporary file.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
import string
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from seqlab.atomic import atomic_write
from seqlab.report import fonts, svgsize
from seqlab.report.tables import Table, to_html

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CONTENTS_MIN_HEADINGS = 4
CONTENTS_MAX_LEVEL = 3

# $face: the embedded Korean font first, where the page embeds one
_STYLE = string.Template("""
body { font-family: ${face}system-ui, sans-serif; margin: 2em auto; max-width: 72em;
       padding: 0 1em; color: #222; }
h1, h2, h3 { font-weight: 600; }
table.seqlab-table { border-collapse: collapse; margin: 1em 0; }
table.seqlab-table caption { font-weight: 600; text-align: left; padding: 0.3em 0; }
table.seqlab-table th, table.seqlab-table td { border: 1px solid #ccc; padding: 0.2em 0.6em; }
table.seqlab-table th { background: #f2f2f2; }
td.num, pre { font-family: ${face}ui-monospace, monospace; }
td.num { text-align: right; }
p.note { color: #555; font-size: 0.92em; margin: 0.2em 0; }
figure { margin: 1em 0; overflow-x: auto; }
figure svg, figure img { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.92em; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; }
nav.contents ul { margin: 0.3em 0; } nav.contents li.level-3 { margin-left: 1.5em; }
""")


class ReportPathError(OSError, ValueError):
    """A report path that cannot be written (missing directory, a directory
    itself, no permission). It is both an OSError and a ValueError."""


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise ReportPathError(f"cannot write report to {str(path)!r}: it is a directory")
    parent = path.parent
    if not parent.exists():
        raise ReportPathError(
            f"cannot write report to {str(path)!r}: directory {str(parent)!r} does not exist"
        )
    if not parent.is_dir():
        raise ReportPathError(
            f"cannot write report to {str(path)!r}: {str(parent)!r} is not a directory"
        )


def write_text_atomic(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` all at once (:func:`seqlab.atomic.atomic_write`);
    a path that cannot be written raises :class:`ReportPathError` naming it."""
    if not isinstance(text, str):
        raise TypeError(f"write_text_atomic: text must be a str, got {type(text).__name__}")
    target = Path(os.fspath(path))
    _check_target(target)
    data = text.encode(encoding)
    try:
        with atomic_write(target, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise ReportPathError(f"cannot write report to {str(target)!r}: {exc}") from exc
    return target


def _svg_fragment(svg: str) -> str:
    """``svg`` without an XML declaration, checked to be one well-formed <svg> element."""
    if not isinstance(svg, str):
        raise TypeError(f"HtmlPage.add_svg: svg must be a str, got {type(svg).__name__}")
    body = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"HtmlPage.add_svg: the SVG is not well-formed XML ({exc})") from exc
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise ValueError(f"HtmlPage.add_svg: expected an <svg> element, got <{root.tag}>")
    width = svgsize.readable_width(root)
    body = body.strip()
    return body if width is None else _add_root_style(body, f"min-width: {math.ceil(width)}px")


def _add_root_style(svg: str, css: str) -> str:
    """``svg`` with ``css`` added to the style attribute of its root element."""
    end = svg.index(">")
    end -= svg[end - 1] == "/"  # a self-closing <svg ... />
    tag = svg[:end]
    found = re.search(r'\sstyle="', tag)
    tag = (f"{tag[:found.end()]}{css}; {tag[found.end():]}" if found
           else f'{tag} style="{css}"')
    return tag + svg[end:]


class HtmlPage:
    """One self-contained HTML page built block by block.

    >>> page = HtmlPage("seqlab report")
    >>> page.add_heading("The worked example")
    >>> page.add_text("Three loops of a 3-unit RNN.")
    >>> page.add_table(table)          # a seqlab.report.Table
    >>> page.add_svg(svg_text)         # inline SVG
    >>> page.write("report.html")      # atomic
    """

    def __init__(self, title: str):
        if not isinstance(title, str):
            raise TypeError(f"HtmlPage: title must be a str, got {type(title).__name__}")
        self.title = title
        self.blocks: list[str] = []
        self.headings: list[tuple[int, str, str]] = []  # (level, text, id)

    def add_heading(self, text: str, level: int = 2) -> None:
        """A section heading (<h2> by default; level 1 to 6) with an id the
        table of contents links to."""
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 6:
            raise ValueError(f"HtmlPage.add_heading: level must be 1..6, got {level!r}")
        anchor = f"section-{len(self.headings) + 1}"
        self.headings.append((level, text, anchor))
        self.blocks.append(f'<h{level} id="{anchor}">{html.escape(text)}</h{level}>')

    def add_text(self, text: str) -> None:
        """Paragraphs of plain text (separated by blank lines), escaped."""
        for para in re.split(r"\n\s*\n", text.strip()):
            if para.strip():
                self.blocks.append(f"<p>{html.escape(para.strip())}</p>")

    def add_preformatted(self, text: str) -> None:
        """Text shown as it is, in a monospace block (escaped)."""
        self.blocks.append(f"<pre>{html.escape(text)}</pre>")

    def add_table(self, table: Table) -> None:
        """A :class:`~seqlab.report.tables.Table` with its title and notes."""
        if not isinstance(table, Table):
            raise TypeError(
                f"HtmlPage.add_table: expected a seqlab.report.Table, got {type(table).__name__}"
            )
        self.blocks.append(to_html(table))

    def add_tables(self, tables: Sequence[Table]) -> None:
        for t in tables:
            self.add_table(t)

    def add_svg(self, svg: str, caption: str | None = None) -> None:
        """An inline SVG picture (must be one well-formed <svg> element)."""
        self.blocks.append(self._figure(_svg_fragment(svg), caption))

    def add_png(self, data: bytes, alt: str, caption: str | None = None) -> None:
        """A PNG image embedded as a base64 ``data:`` URI."""
        if not isinstance(data, (bytes, bytearray)) or not bytes(data).startswith(PNG_SIGNATURE):
            raise ValueError("HtmlPage.add_png: expected the bytes of a PNG file "
                             "(starting with the PNG signature)")
        uri = "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii")
        img = f'<img src="{uri}" alt="{html.escape(alt, quote=True)}">'
        self.blocks.append(self._figure(img, caption))

    @staticmethod
    def _figure(content: str, caption: str | None) -> str:
        cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
        return f"<figure>{content}{cap}</figure>"

    def contents(self) -> str:
        """The table of contents: a link to each heading of level 2 and 3, or ""
        for a page with fewer than :data:`CONTENTS_MIN_HEADINGS` of them."""
        listed = [h for h in self.headings if h[0] <= CONTENTS_MAX_LEVEL]
        if len(listed) < CONTENTS_MIN_HEADINGS:
            return ""
        items = "\n".join(f'<li class="level-{level}"><a href="#{anchor}">'
                          f"{html.escape(text)}</a></li>" for level, text, anchor in listed)
        return f'<nav class="contents"><strong>Contents</strong>\n<ul>\n{items}\n</ul></nav>'

    def render(self) -> str:
        """The whole page as one string."""
        blocks = [f"<h1>{html.escape(self.title)}</h1>", self.contents(), *self.blocks]
        body = "\n".join(b for b in blocks if b)
        face = fonts.font_face_css(body)
        style = face + _STYLE.substitute(face=f'"{fonts.FAMILY}", ' if face else "")
        head = (
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(self.title)}</title>\n<style>{style}</style>\n</head>\n"
        )
        return f"{head}<body>\n{body}\n</body>\n</html>\n"

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Render and write the page atomically (see :func:`write_text_atomic`)."""
        return write_text_atomic(path, self.render())
