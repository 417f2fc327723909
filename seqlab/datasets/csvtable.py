"""Reading a CSV table (UTF-8, a header line, csv quoting) into named columns of
text, and turning columns into numbers, with errors that name the file, the
column and the line.

Missing values are the literal ``NA`` (R's convention, as in the UCI files)
or an empty field; they become NaN.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import IO

import numpy as np

from seqlab.datasets.errors import DataFormatError

__all__ = ["MISSING", "numbers", "read_columns"]

MISSING = ("NA", "")


def read_columns(stream: IO[bytes], source: str, required: Sequence[str]
                 ) -> dict[str, Sequence[str]]:
    """column name → its cells (line k of the file is cell k - 2: no field may
    span lines). Every column in ``required`` must be there; others are kept too."""
    with io.TextIOWrapper(stream, encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        try:
            header = next(reader, None)
            rows = list(reader)
        except UnicodeDecodeError:
            raise DataFormatError(f"{source}: line {reader.line_num + 1}: not valid UTF-8"
                                  ) from None
    if header is None:
        raise DataFormatError(f"{source}: the file is empty; expected a CSV header with the "
                              f"columns {list(required)}")
    if any(len(row) != len(header) for row in rows):
        line, row = next((k + 2, row) for k, row in enumerate(rows) if len(row) != len(header))
        raise DataFormatError(f"{source}: line {line}: expected {len(header)} comma-separated "
                              f"fields, got {len(row)}")
    absent = [name for name in required if name not in header]
    if absent:
        raise DataFormatError(f"{source}: no column {', '.join(map(repr, absent))}; expected the "
                              f"columns {list(required)}, found {header}")
    cells = list(zip(*rows)) if rows else [()] * len(header)
    return dict(zip(header, cells))


def numbers(cells: Sequence[str], column: str, source: str) -> np.ndarray:
    """The cells of ``column`` as float64 (N,), missing values as NaN."""
    try:
        return np.array([math.nan if cell in MISSING else float(cell) for cell in cells],
                        dtype=np.float64)
    except ValueError:
        for row, cell in enumerate(cells):
            try:
                float(cell)
            except ValueError:
                if cell not in MISSING:
                    raise DataFormatError(f"{source}: line {row + 2}: column {column!r} must "
                                          f"hold numbers, got {cell!r}") from None
        raise
