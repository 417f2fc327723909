"""The user's data file for ``seqlab compare``: a delimited text file with a header.

Rules (each broken rule is a :class:`DataFileError` naming the file, and the
line where there is one):

- Text is UTF-8 (a byte-order mark is skipped); a name ending in ``.gz`` is
  read through gzip.
- The delimiter is ``sep`` when given ("," ";" "|", "tab" or "\\t", or any
  one character). Otherwise it is sniffed from the header line: the most
  frequent of TAB , ; | there (ties in that order); a header with none of
  them is a single column.
- Quoting: a tab-separated file is read with quoting off, as TSV has none
  (quote characters stay in the text as written: NSMC's documents, read the
  way its author reads them, pandas ``quoting=3``); any other delimiter
  follows RFC 4180 (fields in double quotes, ``""`` for a quote inside).
- The first row is the header: an empty name becomes ``column N`` (1-based),
  and names must be distinct.
- Every row has as many fields as the header; blank lines are skipped.
"""

from __future__ import annotations

import csv
import gzip
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["DataFileError", "DelimitedTable", "read_delimited"]

#: Delimiters the header line is sniffed for, in the order that breaks ties.
SNIFFED = ("\t", ",", ";", "|")
_NAMED_SEPARATORS = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}


class DataFileError(ValueError):
    """The data file cannot be used as it is: what is wrong, where, and what was expected."""


@dataclass
class DelimitedTable:
    """A header and its rows of strings, with the line each row started on."""

    path: str
    delimiter: str
    columns: list[str]
    rows: list[list[str]]
    lines: list[int]  # the line number of each row in the file (1 = the header)

    @property
    def quoting(self) -> str:
        return "none (TSV)" if self.delimiter == "\t" else "RFC 4180 double quotes"

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str, option: str = "column") -> list[str]:
        """The cells of column ``name``; a missing column names the option and the columns
        there are."""
        if name not in self.columns:
            raise DataFileError(f"{option} {name!r} is not a column of {self.path!r}; its "
                                f"columns: {self.columns}")
        index = self.columns.index(name)
        return [row[index] for row in self.rows]


def delimiter_from(sep: str | None) -> str | None:
    """The one-character delimiter that ``sep`` names (None: sniff it)."""
    if sep is None:
        return None
    sep = _NAMED_SEPARATORS.get(sep.lower(), sep)
    if len(sep) != 1 or sep in "\"\r\n":
        raise DataFileError(f"sep must be one character (or 'tab'), not a quote or a line end; "
                            f"got {sep!r}")
    return sep


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of TAB , ; | in the header line (ties in that order); a
    header with none of them is one column (the delimiter is then never met)."""
    counts = Counter(c for c in header_line if c in SNIFFED)
    if not counts:
        return ","
    return max(SNIFFED, key=lambda c: (counts[c], -SNIFFED.index(c)))


def _open(path: Path) -> IO[str]:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_delimited(path: str | os.PathLike, sep: str | None = None) -> DelimitedTable:
    """Read ``path`` by the rules of the module docstring."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"data file {str(path)!r} does not exist"
                            + (" (it is a folder)" if path.is_dir() else ""))
    delimiter = delimiter_from(sep)
    where = str(path)
    with _open(path) as fh:
        try:
            first = fh.readline()
            if not first.strip():
                raise DataFileError(f"{where!r} is empty: expected a header line and rows"
                                    if first == "" else f"{where!r} starts with a blank line: "
                                    "expected the header on line 1")
            delimiter = delimiter or sniff_delimiter(first)
            fh.seek(0)
            quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
            reader = csv.reader(fh, delimiter=delimiter, quoting=quoting)
            header = next(reader)
            rows, lines = [], []
            start = reader.line_num + 1
            for row in reader:
                if row:
                    if len(row) != len(header):
                        raise DataFileError(
                            f"{where!r}, line {start}: {len(row)} fields, but the header has "
                            f"{len(header)} ({_shown(delimiter)}-separated)")
                    rows.append(row)
                    lines.append(start)
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise DataFileError(f"{where!r} is not UTF-8 text ({exc.reason} at byte "
                                f"{exc.start} of a block): save it as UTF-8") from None
        except (csv.Error, gzip.BadGzipFile, EOFError) as exc:
            raise DataFileError(f"{where!r}: cannot read it as "
                                f"{_shown(delimiter)}-separated text: {exc}") from None
    if not rows:
        raise DataFileError(f"{where!r} has a header but no rows")
    return DelimitedTable(where, delimiter, _names(header, where), rows, lines)


def _shown(delimiter: str | None) -> str:
    return {"\t": "tab", None: "?"}.get(delimiter, repr(delimiter))


def _names(header: list[str], where: str) -> list[str]:
    names = [name.strip() or f"column {k}" for k, name in enumerate(header, 1)]
    twice = sorted(n for n, c in Counter(names).items() if c > 1)
    if twice:
        raise DataFileError(f"{where!r}: the header names column {twice[0]!r} more than once; "
                            f"columns must have distinct names, got {names}")
    return names
