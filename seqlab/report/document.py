"""A format-neutral report: headings, text, tables and pictures, rendered as
rich text (terminal), Markdown, CSV or one self-contained HTML page.

What each format keeps:

    rich      everything but pictures (a line says where the picture is)
    markdown  everything but pictures (same line)
    csv       the tables only, as in :func:`seqlab.report.tables.render_tables`
    html      everything (pictures inline; see :class:`seqlab.report.html.HtmlPage`)
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from seqlab.report.html import HtmlPage, write_text_atomic
from seqlab.report.tables import Table, check_format, render_tables, to_markdown, to_rich


class Document:
    """An ordered list of blocks with a title; ``render(fmt)`` gives the text."""

    def __init__(self, title: str):
        if not isinstance(title, str):
            raise TypeError(f"Document: title must be a str, got {type(title).__name__}")
        self.title = title
        self.blocks: list[tuple[str, Any, Any]] = []

    def add_heading(self, text: str, level: int = 2) -> None:
        self.blocks.append(("heading", text, level))

    def add_text(self, text: str) -> None:
        self.blocks.append(("text", text, None))

    def add_preformatted(self, text: str) -> None:
        self.blocks.append(("pre", text, None))

    def add_table(self, table: Table) -> None:
        if not isinstance(table, Table):
            raise TypeError(
                f"Document.add_table: expected a seqlab.report.Table, got {type(table).__name__}"
            )
        self.blocks.append(("table", table, None))

    def add_tables(self, tables: list[Table]) -> None:
        for t in tables:
            self.add_table(t)

    def add_svg(self, svg: str, caption: str = "") -> None:
        """A picture; only the HTML rendering shows it."""
        self.blocks.append(("svg", svg, caption))

    @property
    def tables(self) -> list[Table]:
        return [b[1] for b in self.blocks if b[0] == "table"]

    # ------------------------------------------------------------ renderers
    def _print_rich(self, console: Any) -> None:
        from rich.rule import Rule
        from rich.text import Text

        console.print(Text(self.title, style="bold underline"))
        for kind, a, b in self.blocks:
            console.print()
            if kind == "heading":
                console.print(Rule(a, align="left") if b <= 2 else Text(a, style="bold"))
            elif kind == "text":
                console.print(Text(a))
            elif kind == "pre":
                console.print(Text(a), soft_wrap=True)
            elif kind == "table":
                console.print(to_rich(a))
            else:
                console.print(Text(f"[picture: {b or 'figure'} — shown in the HTML report]",
                                   style="italic"))

    def _markdown(self) -> str:
        out = [f"# {self.title}"]
        for kind, a, b in self.blocks:
            if kind == "heading":
                out.append("#" * max(2, min(6, b)) + " " + a)
            elif kind == "text":
                out.append(a)
            elif kind == "pre":
                out.append("```\n" + a + "\n```")
            elif kind == "table":
                out.append(to_markdown(a).rstrip("\n"))
            else:
                out.append(f"*[picture: {b or 'figure'} — shown in the HTML report]*")
        return "\n\n".join(out) + "\n"

    def _html(self) -> str:
        page = HtmlPage(self.title)
        for kind, a, b in self.blocks:
            if kind == "heading":
                page.add_heading(a, max(2, min(6, b)))
            elif kind == "text":
                page.add_text(a)
            elif kind == "pre":
                page.add_preformatted(a)
            elif kind == "table":
                page.add_table(a)
            else:
                page.add_svg(a, b or None)
        return page.render()

    def render(self, fmt: str = "rich", width: int = 120) -> str:
        """The whole document as text in ``fmt`` ("rich", "markdown", "csv", "html")."""
        fmt = check_format(fmt)
        if fmt == "rich":
            from rich.console import Console

            console = Console(file=io.StringIO(), width=width, color_system=None,
                              force_terminal=False, record=True, highlight=False)
            self._print_rich(console)
            return console.export_text()
        if fmt == "markdown":
            return self._markdown()
        if fmt == "csv":
            return render_tables(self.tables, "csv")
        return self._html()

    def print(self, fmt: str = "rich", file: TextIO | None = None,
              width: int | None = None) -> None:
        """Print to ``file`` (stdout by default). "rich" uses colours on a
        terminal; elsewhere it prints plain text ``width`` (default 120) wide."""
        fmt = check_format(fmt)
        file = sys.stdout if file is None else file
        if fmt != "rich":
            file.write(self.render(fmt))
            return
        from rich.console import Console

        tty = hasattr(file, "isatty") and file.isatty()
        console = Console(file=file, width=width if width or tty else 120, highlight=False)
        self._print_rich(console)

    def write(self, path: str | os.PathLike[str], fmt: str = "html", width: int = 120) -> Path:
        """Render, then write atomically (nothing half-written on error)."""
        return write_text_atomic(path, self.render(fmt, width=width))
