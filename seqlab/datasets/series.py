"""Measurements over time, as the weather loaders return them, and the filling
of missing values.

``Series.values[t, j]`` is column ``columns[j]`` measured at ``times[t]``.
Training windows over a series (sequence length, sampling rate, delay) are
made by ``seqlab.datasets.timeseries``.

Filling (:func:`fill_missing`): a missing value is interpolated linearly in
time between the nearest values before and after it in its column; missing
values before the first or after the last value take that nearest value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["ColumnError", "Series", "fill_missing"]


class ColumnError(KeyError):
    """A column that a :class:`Series` does not hold as numbers."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Series:
    """A table of numeric measurements over time.

    Attributes:
        values: float32 (N, F); row t measured at ``times[t]``.
        columns: the F column names.
        times: datetime64[s] (N,), increasing.
        name: where it comes from, e.g. ``"beijing:Aotizhongxin"``.
        missing: column → how many of its values were missing in the file
            (filled, unless the loader was called with ``fill=None``: then NaN).
        dropped: source column → why it is not a numeric column here
            (a text column, the time stamp, an encoded direction).
    """

    values: np.ndarray
    columns: list[str]
    times: np.ndarray
    name: str
    missing: dict[str, int]
    dropped: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.times)
        if self.values.shape != (n, len(self.columns)):
            raise ValueError(f"Series {self.name!r}: values must have shape (len(times)={n}, "
                             f"len(columns)={len(self.columns)}), got {self.values.shape}")

    def __len__(self) -> int:
        return len(self.values)

    def column(self, name: str) -> np.ndarray:
        """The values of column ``name`` (N,), a view into ``values``."""
        if name in self.columns:
            return self.values[:, self.columns.index(name)]
        if name in self.dropped:
            raise ColumnError(f"Series {self.name!r}: column {name!r} is not numeric "
                              f"({self.dropped[name]}); the numeric columns are {self.columns}")
        raise ColumnError(f"Series {self.name!r}: no column {name!r}; the numeric columns are "
                          f"{self.columns}")


def fill_missing(values: np.ndarray, times: np.ndarray, columns: list[str],
                 source: str) -> np.ndarray:
    """``values`` (N, F) with its NaNs filled as the module docstring says
    (a copy; ``values`` itself when nothing is missing)."""
    holes = np.isnan(values)
    if not holes.any():
        return values
    seconds = times.astype("datetime64[s]").astype(np.int64).astype(np.float64)
    backwards = np.flatnonzero(np.diff(seconds) <= 0)
    if backwards.size:
        row = int(backwards[0]) + 1
        raise ValueError(f"{source}: cannot interpolate the missing values in time: time "
                         f"{times[row]} (row {row}) does not come after {times[row - 1]}; "
                         "load with fill=None")
    filled = values.copy()
    for j in np.flatnonzero(holes.any(axis=0)):
        known = ~holes[:, j]
        if not known.any():
            raise ValueError(f"{source}: column {columns[j]!r} has no value at all, so there is "
                             "nothing to fill it from; load with fill=None")
        filled[~known, j] = np.interp(seconds[~known], seconds[known], values[known, j])
    return filled
