"""Beijing air quality and Jena climate as Series: columns, times, missing values."""

from __future__ import annotations

import csv
import io
import zipfile

import numpy as np
import pytest

from seqlab.datasets import ColumnError, DataFormatError, Series, weather
from seqlab.datasets.series import fill_missing
from seqlab.datasets.weather import BEIJING_COLUMNS, JENA_COLUMNS, load_beijing, load_jena

STATION_CSV = "PRSA_Data_20130301-20170228/PRSA_Data_{}_20130301-20170228.csv"
COLUMNS = ["PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "TEMP", "PRES", "DEWP", "RAIN", "wd_sin",
           "wd_cos", "WSPM"]


def _raw_rows(folder, station: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(folder / weather.BEIJING.relative) as zf:
        text = zf.read(STATION_CSV.format(station)).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_one_station(fixture_data):
    series = load_beijing()
    rows = _raw_rows(fixture_data, "Aotizhongxin")
    assert isinstance(series, Series) and series.name == "beijing:Aotizhongxin"
    assert series.columns == COLUMNS and series.values.shape == (800, 13) == (len(rows), 13)
    assert series.values.dtype == np.float32 and not np.isnan(series.values).any()
    first = rows[0]
    assert series.times[0] == np.datetime64(
        f"{first['year']}-{int(first['month']):02d}-{int(first['day']):02d}T{int(first['hour']):02d}")
    assert (np.diff(series.times) == np.timedelta64(3600, "s")).all()
    for column in ["PM2.5", "TEMP", "WSPM"]:
        assert series.missing[column] == sum(r[column] == "NA" for r in rows)
    wind_missing = sum(r["wd"] == "NA" for r in rows)
    assert series.missing["wd_sin"] == series.missing["wd_cos"] == wind_missing
    assert sum(series.missing.values()) > 0


def test_missing_values_are_interpolated_in_time_and_ends_take_the_nearest(fixture_data):
    series = load_beijing()
    raw = load_beijing(fill=None)
    assert raw.missing == series.missing
    values, filled = raw.column("TEMP"), series.column("TEMP")
    holes = np.flatnonzero(np.isnan(values))
    assert holes.size and np.array_equal(filled[~np.isnan(values)], values[~np.isnan(values)])
    for t in holes:
        before = np.flatnonzero(~np.isnan(values[:t]))
        after = t + 1 + np.flatnonzero(~np.isnan(values[t + 1:]))
        if before.size and after.size:
            a, b = before[-1], after[0]
            expected = values[a] + (values[b] - values[a]) * (t - a) / (b - a)
        else:
            expected = values[after[0]] if after.size else values[before[-1]]
        assert filled[t] == pytest.approx(expected, abs=1e-4)


def test_wind_direction_as_sine_and_cosine(fixture_data):
    series = load_beijing(fill=None)
    rows = _raw_rows(fixture_data, "Aotizhongxin")
    sine, cosine = series.column("wd_sin"), series.column("wd_cos")
    for t, row in enumerate(rows):
        if row["wd"] == "NA":
            assert np.isnan(sine[t]) and np.isnan(cosine[t])
        else:
            angle = np.deg2rad(22.5 * weather.COMPASS.index(row["wd"]))
            assert (sine[t], cosine[t]) == pytest.approx((np.sin(angle), np.cos(angle)), abs=1e-6)
    assert len({r["wd"] for r in rows} - {"NA"}) >= 4


def test_all_stations_side_by_side(fixture_data):
    every = load_beijing(station=None)
    assert load_beijing(station="all").columns == every.columns
    assert every.name == "beijing:all" and every.values.shape == (800, 26)
    assert every.columns[:2] == ["Aotizhongxin:PM2.5", "Aotizhongxin:PM10"]
    assert every.columns[13] == "Changping:PM2.5"
    changping = load_beijing(station="changping")  # case does not matter
    np.testing.assert_array_equal(every.column("Changping:TEMP"), changping.column("TEMP"))
    assert every.missing["Changping:CO"] == changping.missing["CO"]
    with pytest.raises(ValueError, match=r"station must be one of \['Aotizhongxin', "
                                         r"'Changping'\], 'all' or None, got 'Atlantis'"):
        load_beijing(station="Atlantis")


def test_column_names_a_missing_or_non_numeric_column(fixture_data):
    series = load_beijing()
    with pytest.raises(ColumnError, match=r"column 'wd' is not numeric \(a compass direction, "
                                          r"given as wd_sin and wd_cos\)"):
        series.column("wd")
    with pytest.raises(ColumnError, match=r"column 'station' is not numeric"):
        series.column("station")
    with pytest.raises(ColumnError, match=r"no column 'T \(degC\)'; the numeric columns are "
                                          r"\['PM2.5'"):
        series.column("T (degC)")


def _station_zip(tmp_path, edit) -> str:
    header = ",".join(f'"{c}"' for c in BEIJING_COLUMNS)
    lines = [header, '1,2013,3,1,0,4,4,4,7,300,77,-0.7,1023,-18.8,0,"NNW",4.4,"Aotizhongxin"',
             '2,2013,3,1,1,8,8,4,7,300,77,-1.1,1023.2,-18.2,0,"N",4.7,"Aotizhongxin"']
    path = tmp_path / "beijing.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(STATION_CSV.format("Aotizhongxin"), "\n".join(edit(lines)) + "\n")
    return path


def test_bad_beijing_files_name_the_column(tmp_path):
    good = _station_zip(tmp_path, lambda lines: lines)
    series = load_beijing(path=good)
    assert series.column("PRES").tolist() == [1023, pytest.approx(1023.2)]
    assert (series.column("wd_sin")[1], series.column("wd_cos")[1]) == (0, 1)  # N
    no_temp = _station_zip(tmp_path, lambda lines: [
        ",".join(f for k, f in enumerate(line.split(",")) if k != 11) for line in lines])
    with pytest.raises(DataFormatError, match=r"PRSA_Data_Aotizhongxin_20130301-20170228\.csv: "
                                              r"no column 'TEMP'; expected the columns"):
        load_beijing(path=no_temp)
    text_pres = _station_zip(tmp_path, lambda rows: rows[:2] + [rows[2].replace("1023.2", "high")])
    with pytest.raises(DataFormatError, match="line 3: column 'PRES' must hold numbers, got 'hi"):
        load_beijing(path=text_pres)
    bad_wind = _station_zip(tmp_path, lambda rows: rows[:2] + [rows[2].replace('"N"', '"X"')])
    with pytest.raises(DataFormatError, match=r"line 3: column 'wd' must be a compass point"):
        load_beijing(path=bad_wind)
    short = _station_zip(tmp_path, lambda lines: lines[:2] + [lines[2].rsplit(",", 1)[0]])
    with pytest.raises(DataFormatError, match="line 3: expected 18 comma-separated fields, got 17"):
        load_beijing(path=short)


def test_jena_fixture(fixture_data):
    series = load_jena()
    assert series.name == "jena" and series.columns == list(JENA_COLUMNS)
    assert series.values.shape == (36, 14) and set(series.missing.values()) == {0}
    assert str(series.times[0]) == "2009-01-01T00:10:00"
    assert (np.diff(series.times) == np.timedelta64(600, "s")).all()
    text = (fixture_data / weather.JENA.relative).read_text()
    first = text.splitlines()[1].split(",")
    assert series.column("T (degC)")[0] == pytest.approx(float(first[2]))
    with pytest.raises(ColumnError, match="column 'Date Time' is not numeric"):
        series.column("Date Time")


def test_jena_from_its_zip_and_bad_jena_files(fixture_data, tmp_path):
    text = (fixture_data / weather.JENA.relative).read_text()
    archive = tmp_path / "jena_climate_2009_2016.csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("jena_climate_2009_2016.csv", text)
    np.testing.assert_array_equal(load_jena(path=archive).values, load_jena().values)
    lines = text.splitlines()
    cases = {
        "no column 'rh \\(%\\)'": [lines[0].replace('"rh (%)"', '"RH"')] + lines[1:],
        "line 3: column 'T \\(degC\\)' must hold numbers, got 'cold'":
            lines[:2] + [lines[2].replace(",-8.10,", ",cold,")] + lines[3:],
        "line 2: column 'Date Time' must be 'dd.mm.yyyy HH:MM:SS', got '2009-01-01 00:10:00'":
            lines[:1] + ["2009-01-01 00:10:00" + lines[1][19:]] + lines[2:],
        "line 2: column 'Date Time': '31.02.2009 00:10:00' is not a valid date":
            lines[:1] + ["31.02.2009" + lines[1][10:]] + lines[2:],
    }
    for message, bad in cases.items():
        path = tmp_path / "bad.csv"
        path.write_text("\n".join(bad) + "\n")
        with pytest.raises(DataFormatError, match=message):
            load_jena(path=path)


def test_fill_missing_refuses_what_it_cannot_fill():
    times = np.array(["2020-01-01T00", "2020-01-01T01", "2020-01-01T01"], dtype="datetime64[s]")
    values = np.array([[1.0, np.nan], [np.nan, np.nan], [3.0, np.nan]])
    with pytest.raises(ValueError, match=r"time 2020-01-01T01:00:00 \(row 2\) does not come after"):
        fill_missing(values, times, ["a", "b"], "test")
    times[2] += np.timedelta64(3600, "s")
    with pytest.raises(ValueError, match=r"column 'b' has no value at all"):
        fill_missing(values, times, ["a", "b"], "test")
    filled = fill_missing(values[:, :1], times, ["a"], "test")
    np.testing.assert_array_equal(filled[:, 0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"fill must be one of \['interpolate', None\]"):
        load_jena(fill="mean")


def test_real_beijing(shared_data):
    series = load_beijing()
    assert series.values.shape == (35_064, 13) and not np.isnan(series.values).any()
    assert series.missing["CO"] == 1776 and series.missing["wd_sin"] == 81
    assert str(series.times[0]) == "2013-03-01T00:00:00"
    assert str(series.times[-1]) == "2017-02-28T23:00:00"
    every = load_beijing(station=None)
    assert every.values.shape == (35_064, 12 * 13)
