"""A small table value and its renderers: rich (terminal), Markdown, CSV and HTML.

A :class:`Table` holds a title, column headers, rows of cells (numbers or
strings) and optional notes. Numbers are written with ``digits`` significant
digits (``format(v, ".{digits}g")``), so a value printed by one renderer reads
the same in every other. Each renderer takes the table and returns text;
:func:`render_tables` joins several tables in one format, the way the
``seqlab`` commands print them.
"""

from __future__ import annotations

import csv
import html
import io
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

FORMATS: tuple[str, ...] = ("rich", "markdown", "csv", "html")

Cell = Any  # a number, a string, or None (an empty cell)


def check_format(fmt: Any) -> str:
    """``fmt`` if it names a renderer, else a ValueError listing the valid names."""
    if not isinstance(fmt, str) or fmt not in FORMATS:
        raise ValueError(f"unknown table format {fmt!r}; expected one of {list(FORMATS)}")
    return fmt


def format_number(value: Cell, digits: int = 10) -> str:
    """One cell as text: numbers with ``digits`` significant digits (integers
    exactly), strings as they are, None as an empty string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            return str(v)
        text = format(v, f".{digits}g")
        return "0" if text == "-0" else text
    return str(value)


def _is_number(value: Cell) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@dataclass
class Table:
    """A titled table of numbers and strings.

    ``rows`` is a list of rows, each with one cell per column (numbers, strings
    or None); ``notes`` are sentences printed under the table; ``digits`` is
    the number of significant digits numbers are written with.
    """

    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    digits: int = 10

    def __post_init__(self) -> None:
        if not isinstance(self.title, str):
            raise TypeError(f"Table: title must be a str, got {type(self.title).__name__}")
        if isinstance(self.columns, str) or not isinstance(self.columns, Sequence):
            raise TypeError(
                f"Table {self.title!r}: columns must be a list of str, got {self.columns!r}"
            )
        self.columns = [str(c) for c in self.columns]
        if not self.columns:
            raise ValueError(f"Table {self.title!r}: expected at least one column, got none")
        if isinstance(self.digits, bool) or not isinstance(self.digits, int) or self.digits < 1:
            raise ValueError(
                f"Table {self.title!r}: digits must be a positive int, got {self.digits!r}"
            )
        self.rows = [list(r) for r in self.rows]
        for i, row in enumerate(self.rows):
            self._check_row(row, i)
        if isinstance(self.notes, str):
            self.notes = [self.notes]
        self.notes = [str(n) for n in self.notes]

    def _check_row(self, row: list[Cell], index: int) -> None:
        if len(row) != len(self.columns):
            raise ValueError(
                f"Table {self.title!r}: row {index} has {len(row)} cells, expected "
                f"{len(self.columns)} (one per column {self.columns})"
            )

    def add_row(self, row: Sequence[Cell]) -> None:
        """Append one row (one cell per column)."""
        row = list(row)
        self._check_row(row, len(self.rows))
        self.rows.append(row)

    def cell_text(self, row: int, col: int) -> str:
        """The text of one cell as every renderer writes it."""
        return format_number(self.rows[row][col], self.digits)

    def text_rows(self) -> list[list[str]]:
        """All cells as text, row by row."""
        return [[format_number(c, self.digits) for c in row] for row in self.rows]

    def numeric_columns(self) -> list[bool]:
        """True for columns whose non-empty cells are all numbers (right-aligned)."""
        flags = []
        for j in range(len(self.columns)):
            cells = [row[j] for row in self.rows if row[j] is not None]
            flags.append(bool(cells) and all(_is_number(c) for c in cells))
        return flags


# --------------------------------------------------------------------- rich
def to_rich(table: Table) -> Any:
    """A rich renderable: the title, the ``rich.table.Table`` (numbers
    right-aligned; in a narrow terminal cells fold onto a second line rather
    than being cut) and the notes as full-width text."""
    from rich.console import Group
    from rich.table import Table as RichTable
    from rich.text import Text

    out = RichTable()
    for name, numeric in zip(table.columns, table.numeric_columns()):
        out.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in table.text_rows():
        out.add_row(*row)
    title = [Text(table.title, style="bold")] if table.title else []
    return Group(*title, out, *[Text(f"  {n}", style="dim") for n in table.notes])


def to_text(table: Table, width: int = 120) -> str:
    """The rich rendering as plain text (no colour codes), ``width`` columns wide."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None,
                      force_terminal=False, record=True, highlight=False)
    console.print(to_rich(table))
    return console.export_text()


# ----------------------------------------------------------------- markdown
def _md_cell(text: str) -> str:
    """Escape what Markdown would read as markup: HTML, pipes, backslashes, newlines."""
    text = html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("\n", "<br>")


def to_markdown(table: Table) -> str:
    """A GitHub-flavoured Markdown table under a bold title; notes follow as
    a list. Pipes in cells are escaped."""
    align = ["---:" if n else ":---" for n in table.numeric_columns()]
    lines = [f"**{_md_cell(table.title)}**", ""] if table.title else []
    lines.append("| " + " | ".join(_md_cell(c) for c in table.columns) + " |")
    lines.append("| " + " | ".join(align) + " |")
    for row in table.text_rows():
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    if table.notes:
        lines.append("")
        lines.extend(f"- {_md_cell(n)}" for n in table.notes)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- csv
def to_csv(table: Table) -> str:
    """The header row and the data rows, comma-separated (RFC 4180 quoting);
    title and notes are not part of the CSV data."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.text_rows())
    return buf.getvalue()


# --------------------------------------------------------------------- html
def to_html(table: Table) -> str:
    """An HTML ``<table>`` with the title as caption, numeric cells of class
    ``num``, and the notes in ``<p class="note">`` after it. Everything is
    escaped."""
    esc = html.escape
    numeric = table.numeric_columns()
    parts = ['<table class="seqlab-table">']
    if table.title:
        parts.append(f"<caption>{esc(table.title)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{esc(c)}</th>" for c in table.columns)
                 + "</tr></thead>")
    parts.append("<tbody>")
    for row in table.text_rows():
        cells = "".join(
            f'<td class="num">{esc(c)}</td>' if n else f"<td>{esc(c)}</td>"
            for c, n in zip(row, numeric)
        )
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    parts.extend(f'<p class="note">{esc(n)}</p>' for n in table.notes)
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------- many tables
def render(table: Table, fmt: str = "rich", width: int = 120) -> str:
    """One table as text in format ``fmt`` (one of :data:`FORMATS`); "rich"
    gives the terminal rendering as plain text."""
    fmt = check_format(fmt)
    if fmt == "rich":
        return to_text(table, width=width)
    return {"markdown": to_markdown, "csv": to_csv, "html": to_html}[fmt](table)


def render_tables(tables: Sequence[Table], fmt: str = "rich", width: int = 120) -> str:
    """Several tables in one text.

    rich/markdown/html: the renderings one after another. csv: each table as a
    block preceded by a one-cell row holding its title and followed by one
    one-cell row per note ("note: ..."), blocks separated by a blank line.
    """
    fmt = check_format(fmt)
    if fmt != "csv":
        return "\n".join(render(t, fmt, width=width) for t in tables)
    blocks = []
    for t in tables:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([t.title])
        buf.write(to_csv(t))
        for note in t.notes:
            writer.writerow([f"note: {note}"])
        blocks.append(buf.getvalue())
    return "\n".join(blocks)
