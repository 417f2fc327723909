"""Weather time series: the book's Jena climate record and the Beijing
multi-site air-quality archive (its stand-in here). Both load as a
:class:`~seqlab.datasets.series.Series`.

**Jena** (Max Planck Institute for Biogeochemistry, 2009–2016, every 10
minutes, 420,551 rows): ``jena_climate_2009_2016.csv``, a header line of
quoted names, then ``Date Time`` as ``dd.mm.yyyy HH:MM:SS`` and the 14 float
columns of :data:`JENA_COLUMNS`::

    "Date Time","p (mbar)","T (degC)",...,"wd (deg)"
    01.01.2009 00:10:00,996.52,-8.02,...,152.30

Files accepted: ``weather/jena_climate_2009_2016.csv`` or the
``.csv.zip`` the book downloads (no checksum is published for it).

**Beijing** (Zhang et al. 2017, UCI, CC BY 4.0; hourly, 2013-03-01 to
2017-02-28, 12 stations × 35,064 rows): ``PRSA2017_Data_20130301-20170228.zip``
holding ``PRSA_Data_<Station>_20130301-20170228.csv`` with the columns of
:data:`BEIJING_COLUMNS`; missing values are ``NA``. The series keeps the
numeric measurements; ``year, month, day, hour`` become the times, ``No``
and ``station`` are dropped, and the wind direction ``wd`` (16 compass
points) becomes ``wd_sin`` and ``wd_cos``, the sine and cosine of its angle
clockwise from north (N = (0, 1), E = (1, 0)), so that NNW and N are close.
Missing values are counted per column (``Series.missing``) and filled as
:func:`~seqlab.datasets.series.fill_missing` says (``fill=None`` keeps them
as NaN). The UCI zip's checksum is not published, and the project's copy
was re-zipped from the 12 original CSV files, so it is not the same bytes.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Sequence

import numpy as np

from seqlab import checks
from seqlab.datasets.archives import open_binary, reading
from seqlab.datasets.csvtable import MISSING, numbers, read_columns
from seqlab.datasets.download import DataFile, locate
from seqlab.datasets.errors import DataFormatError
from seqlab.datasets.registry import Dataset
from seqlab.datasets.series import Series, fill_missing

__all__ = ["BEIJING", "BEIJING_COLUMNS", "BEIJING_DATASET", "COMPASS", "JENA", "JENA_COLUMNS",
           "JENA_DATASET", "JENA_ZIP", "load_beijing", "load_jena"]

JENA = DataFile("weather/jena_climate_2009_2016.csv", note="the unzipped CSV")
JENA_ZIP = DataFile(
    "weather/jena_climate_2009_2016.csv.zip", None,
    "https://s3.amazonaws.com/keras-datasets/jena_climate_2009_2016.csv.zip",
    "the archive the book downloads (no published checksum)",
)
JENA_COLUMNS = ("p (mbar)", "T (degC)", "Tpot (K)", "Tdew (degC)", "rh (%)", "VPmax (mbar)",
                "VPact (mbar)", "VPdef (mbar)", "sh (g/kg)", "H2OC (mmol/mol)", "rho (g/m**3)",
                "wv (m/s)", "max. wv (m/s)", "wd (deg)")
_JENA_TIME = re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d")

BEIJING = DataFile(
    "weather/PRSA2017_Data_20130301-20170228.zip", None,
    "https://archive.ics.uci.edu/ml/machine-learning-databases/00501/"
    "PRSA2017_Data_20130301-20170228.zip",
    "UCI's archive (no published checksum); shared/data's copy of the same CSV files has "
    "sha256 784a58f6f707cffc5db8726115a1a81f5d7ae54dc129997f7a0db8a69ee2258e",
)
BEIJING_COLUMNS = ("No", "year", "month", "day", "hour", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3",
                   "TEMP", "PRES", "DEWP", "RAIN", "wd", "WSPM", "station")
COMPASS = ("N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
           "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW")  # 22.5° apart, clockwise from N
_BEFORE_WIND = ("PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "TEMP", "PRES", "DEWP", "RAIN")
_BEIJING_SERIES = (*_BEFORE_WIND, "wd_sin", "wd_cos", "WSPM")  # the columns of a station
_STATION_FILE = re.compile(r"(?:^|/)PRSA_Data_([A-Za-z]+)_\d{8}-\d{8}\.csv$")
_BEIJING_DROPPED = {
    "No": "the row number",
    "year": "part of the time stamp, in Series.times",
    "month": "part of the time stamp, in Series.times",
    "day": "part of the time stamp, in Series.times",
    "hour": "part of the time stamp, in Series.times",
    "wd": "a compass direction, given as wd_sin and wd_cos",
    "station": "the station's name",
}
_FILLS = ("interpolate", None)


def _finish(values: np.ndarray, columns: list[str], times: np.ndarray, name: str,
            dropped: dict[str, str], fill: str | None) -> Series:
    missing = dict(zip(columns, np.isnan(values).sum(axis=0).tolist()))
    if fill == "interpolate":
        values = fill_missing(values, times, columns, name)
    return Series(values.astype(np.float32), columns, times, name, missing, dropped)


def load_jena(path: str | os.PathLike | None = None, fill: str | None = "interpolate") -> Series:
    """The Jena climate record: 14 columns, times every 10 minutes (module docstring)."""
    fill = checks.choice("load_jena", "fill", fill, _FILLS)
    source = locate([JENA, JENA_ZIP], path=path)
    with open_binary(source, member=r"(?:^|/)jena_climate_2009_2016\.csv$") as stream:
        table = read_columns(stream, str(source), ("Date Time",) + JENA_COLUMNS)
    times = _jena_times(table["Date Time"], str(source))
    values = np.column_stack([numbers(table[c], c, str(source)) for c in JENA_COLUMNS])
    return _finish(values, list(JENA_COLUMNS), times, "jena",
                   {"Date Time": "the time stamp, in Series.times"}, fill)


def _jena_times(stamps: Sequence[str], source: str) -> np.ndarray:
    """``dd.mm.yyyy HH:MM:SS`` → datetime64[s]."""
    for row, stamp in enumerate(stamps):
        if not _JENA_TIME.fullmatch(stamp):
            raise DataFormatError(f"{source}: line {row + 2}: column 'Date Time' must be "
                                  f"'dd.mm.yyyy HH:MM:SS', got {stamp!r}")
    iso = [f"{s[6:10]}-{s[3:5]}-{s[0:2]}T{s[11:]}" for s in stamps]
    try:
        return np.array(iso, dtype="datetime64[s]")
    except ValueError:
        for row, text in enumerate(iso):
            try:
                np.datetime64(text, "s")
            except ValueError:
                raise DataFormatError(f"{source}: line {row + 2}: column 'Date Time': "
                                      f"{stamps[row]!r} is not a valid date and time") from None
        raise


def _wind(cells: Sequence[str], source: str) -> tuple[np.ndarray, np.ndarray]:
    """(sine, cosine) of the compass directions, NaN where missing."""
    angle = {point: np.deg2rad(22.5 * k) for k, point in enumerate(COMPASS)}
    radians = np.empty(len(cells))
    for row, cell in enumerate(cells):
        if cell in MISSING:
            radians[row] = np.nan
        elif cell in angle:
            radians[row] = angle[cell]
        else:
            raise DataFormatError(f"{source}: line {row + 2}: column 'wd' must be a compass point "
                                  f"({', '.join(COMPASS)}) or NA, got {cell!r}")
    return np.sin(radians), np.cos(radians)


def _station_table(archive: zipfile.ZipFile, member: str, source: str
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(times (N,), values (N, 13)) of one station's CSV file."""
    where = f"{source}: {member}"
    with archive.open(member) as stream:
        table = read_columns(stream, where, BEIJING_COLUMNS)
    parts = {}
    for unit in ("year", "month", "day", "hour"):
        column = numbers(table[unit], unit, where)
        if np.isnan(column).any():
            raise DataFormatError(f"{where}: line {int(np.argmax(np.isnan(column))) + 2}: column "
                                  f"{unit!r} is missing; the time stamp needs it")
        parts[unit] = column.astype(np.int64)
    months = ((parts["year"] - 1970) * 12 + parts["month"] - 1).astype("datetime64[M]")
    days = months.astype("datetime64[D]") + (parts["day"] - 1).astype("timedelta64[D]")
    times = days.astype("datetime64[s]") + (parts["hour"] * 3600).astype("timedelta64[s]")
    sine, cosine = _wind(table["wd"], where)
    values = [numbers(table[c], c, where) for c in _BEFORE_WIND]
    values += [sine, cosine, numbers(table["WSPM"], "WSPM", where)]
    return times, np.column_stack(values)


def _stations(archive: zipfile.ZipFile, source: str) -> dict[str, str]:
    """station name → its member in the archive."""
    found = {}
    for name in archive.namelist():
        match = _STATION_FILE.search(name)
        if match:
            found[match.group(1)] = name
    if not found:
        raise DataFormatError(f"{source}: no station file PRSA_Data_<Station>_<from>-<to>.csv in "
                              f"the archive; it holds {archive.namelist()[:10]}")
    return dict(sorted(found.items()))


def load_beijing(station: str | None = "Aotizhongxin", path: str | os.PathLike | None = None,
                 fill: str | None = "interpolate") -> Series:
    """One station's hourly measurements (13 columns, see the module docstring),
    or with ``station=None`` / ``"all"`` every station's columns side by side,
    named ``<station>:<column>``. Station names are matched without regard to case."""
    fill = checks.choice("load_beijing", "fill", fill, _FILLS)
    source = locate(BEIJING, path=path)
    every = station is None or station == "all"
    with reading(source), zipfile.ZipFile(source) as archive:
        members = _stations(archive, str(source))
        by_lower = {name.lower(): name for name in members}
        if not every and (not isinstance(station, str) or station.lower() not in by_lower):
            raise ValueError(f"load_beijing: station must be one of {list(members)}, 'all' or "
                             f"None, got {station!r}")
        chosen = list(members) if every else [by_lower[station.lower()]]
        tables = {name: _station_table(archive, members[name], str(source)) for name in chosen}
    times = tables[chosen[0]][0]
    for name in chosen[1:]:
        if not np.array_equal(tables[name][0], times):
            raise DataFormatError(f"{source}: station {name} has other times than {chosen[0]}; "
                                  "the stations cannot be put side by side")
    prefixes = [f"{name}:" for name in chosen] if every else [""]
    return _finish(np.hstack([tables[name][1] for name in chosen]),
                   [p + column for p in prefixes for column in _BEIJING_SERIES], times,
                   "beijing:all" if every else f"beijing:{chosen[0]}",
                   {p + column: why for p in prefixes for column, why in _BEIJING_DROPPED.items()},
                   fill)


JENA_DATASET = Dataset(
    name="jena",
    summary="Jena climate record 2009-2016, 14 weather measurements every 10 minutes (Max "
            "Planck Institute for Biogeochemistry; the book's time-series data)",
    files=(JENA, JENA_ZIP),
    loader=load_jena,
)
BEIJING_DATASET = Dataset(
    name="beijing",
    summary="Beijing Multi-Site Air Quality, hourly 2013-2017, 12 stations (Zhang et al. 2017, "
            "UCI, CC BY 4.0); the stand-in for Jena",
    files=(BEIJING,),
    loader=load_beijing,
)
