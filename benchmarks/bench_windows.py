"""Peak memory and time of time-series windows: lazy batches vs every window at once.

The series is the Beijing air-quality archive (the stand-in for the book's
Jena climate CSV), read here directly from
``../shared/data/weather/PRSA2017_Data_20130301-20170228.zip`` with the
standard ``zipfile`` and ``csv`` modules: the 11 numeric columns (PM2.5 …
WSPM; ``wd`` is text) of all 12 stations side by side, 35,064 hours × 132
float32 features. Missing values (``NA``) take the column's previous value
(0 before the first). The script says so and stops when the file is absent.

The windows are the book's: 240 hourly steps (10 days) predicting station 1's
TEMP 24 h after each window's last step, ``sampling_rate=1``, batches of 128:

* ``lazy`` — ``timeseries_dataset_from_array(series[:-delay], temp[delay:], 240)``
  with delay = 239 + 24, iterated over every batch (rows ``[0, rows)`` of the
  series, for several ``rows``: memory must not grow with the windows);
* ``generator`` — the 1st edition's ``generator(lookback=240, delay=24,
  step=1)`` read for the same number of batches;
* ``materialise`` — every window gathered at once with one fancy index,
  ``series[starts[:, None] + arange(240)]`` (B × 240 × 132 float32). All
  34,562 windows would take 4.4 GB, too much for a shared machine, so it
  is measured on fractions of the windows (``--fractions``) and the full
  size is extrapolated linearly from the largest fraction: baseline + the
  windows' traced peak / fraction (the windows are one array whose size is
  proportional to their number). Its time is not extrapolated: first-touch
  page faults make it far from linear at these sizes.

Each measurement runs in a fresh child process (``python bench_windows.py
--child MODE ...``) that loads the series from a ``.npy`` the parent wrote
once. Reported per mode: the child's peak resident memory (``ru_maxrss`` from
``os.wait4``, whole process: Python, NumPy, seqlab's imports and the series
included), the peak of memory traced by ``tracemalloc`` during the windows
alone (NumPy reports its arrays to it), and the seconds the windows took.
``baseline`` is a child that loads the series and imports seqlab and stops.
Medians over ``--repeats`` rounds; each round runs every mode once, in turn.

Run from the repository root:
    python benchmarks/bench_windows.py [--repeats 3] [--out benchmarks/results/windows.md]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path
from statistics import median

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
ZIP = ROOT / ".." / "shared" / "data" / "weather" / "PRSA2017_Data_20130301-20170228.zip"
NUMERIC = ["PM2.5", "PM10", "SO2", "NO2", "CO", "O3", "TEMP", "PRES", "DEWP", "RAIN", "WSPM"]
LENGTH, HORIZON, BATCH = 240, 24, 128
DELAY = LENGTH - 1 + HORIZON  # shift of the targets: 24 h after a window's last step
TEMP = NUMERIC.index("TEMP")  # station 1's TEMP column


def read_beijing(path: Path) -> np.ndarray:
    """(hours, 12 · 11) float32: every station's numeric columns, NA filled forward."""
    columns = []
    with zipfile.ZipFile(path) as archive:
        names = sorted(n for n in archive.namelist() if n.endswith(".csv"))
        for name in names:
            with archive.open(name) as raw:
                rows = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
                station = np.array([[np.nan if r[c] == "NA" else float(r[c]) for c in NUMERIC]
                                    for r in rows], dtype=np.float64)
            columns.append(_fill_forward(station))
    return np.concatenate(columns, axis=1).astype(np.float32)


def _fill_forward(values: np.ndarray) -> np.ndarray:
    """Each NaN takes the last value above it in its column (0 before the first)."""
    index = np.where(np.isnan(values), 0, np.arange(values.shape[0])[:, None])
    np.maximum.accumulate(index, axis=0, out=index)
    filled = values[index, np.arange(values.shape[1])]
    return np.nan_to_num(filled, nan=0.0)


# ----------------------------------------------------------- child process
def child(mode: str, series_path: str, rows: int, fraction: float) -> dict[str, float]:
    sys.path.insert(0, str(ROOT))
    from seqlab.datasets.timeseries import generator, timeseries_dataset_from_array

    series = np.load(series_path)[:rows]
    tracemalloc.start()
    start = time.perf_counter()
    checksum, windows = 0.0, 0
    if mode == "lazy":
        dataset = timeseries_dataset_from_array(series[:-DELAY], series[DELAY:, TEMP], LENGTH,
                                                batch_size=BATCH)
        for x, y in dataset:
            checksum += float(x[:, -1, TEMP].sum() + y.sum())
            windows += x.shape[0]
    elif mode == "generator":
        count = rows - DELAY - LENGTH + 1
        gen = generator(series, lookback=LENGTH, delay=HORIZON, min_index=0,
                        max_index=rows - HORIZON, batch_size=BATCH, step=1, target_column=TEMP)
        for _ in range(-(-count // BATCH)):
            x, y = next(gen)
            checksum += float(x[:, -1, TEMP].sum() + y.sum())
            windows += x.shape[0]
    elif mode == "materialise":
        count = int((rows - DELAY - LENGTH + 1) * fraction)
        starts = np.arange(count)
        x = series[starts[:, None] + np.arange(LENGTH)]  # (count, 240, 132): every window
        y = series[starts + DELAY, TEMP]
        checksum, windows = float(x[:, -1, TEMP].sum() + y.sum()), count
    elif mode != "baseline":
        raise ValueError(f"unknown mode {mode!r}")
    seconds = time.perf_counter() - start
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "traced_mb": traced / 2**20, "windows": windows,
            "checksum": checksum}


def run_child(mode: str, series_path: str, rows: int, fraction: float = 1.0
              ) -> dict[str, float]:
    """Run one child and add its peak resident memory (MiB) from os.wait4."""
    proc = subprocess.Popen([sys.executable, __file__, "--child", mode, series_path,
                             str(rows), str(fraction)], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child {mode} rows={rows} failed with exit code {proc.returncode}")
    result = json.loads(out)
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


# ------------------------------------------------------------------ parent
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--fractions", type=float, nargs="+", default=[1 / 16, 1 / 8])
    parser.add_argument("--out", type=Path, help="write the Markdown table here too")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "NPY", "ROWS", "FRACTION"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path, rows, fraction = args.child
        print(json.dumps(child(mode, path, int(rows), float(fraction))))
        return
    if not ZIP.exists():
        print(f"skipped: {ZIP} not found (needs the shared data folder, ../shared/data)")
        return
    series = read_beijing(ZIP)
    total = series.shape[0]
    cases = [("baseline", total, 1.0)]
    cases += [("lazy", rows, 1.0) for rows in (total // 4, total // 2, total)]
    cases += [("generator", total, 1.0)]
    cases += [("materialise", total, f) for f in args.fractions]
    results: dict[tuple, list[dict[str, float]]] = {case: [] for case in cases}
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "beijing.npy")
        np.save(path, series)
        for _ in range(args.repeats):
            for case in cases:
                results[case].append(run_child(case[0], path, case[1], case[2]))
    lines = _table(series, cases, results, args)
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _table(series, cases, results, args) -> list[str]:
    features = series.shape[1]
    window_mb = LENGTH * features * series.itemsize / 2**20
    lines = [
        "# Time-series windows: peak memory, lazy batches vs every window at once",
        "",
        (f"`python benchmarks/bench_windows.py --repeats {args.repeats}` — Beijing air quality, "
        f"all 12 stations × 11 numeric columns = {series.shape[0]:,} hours × {features} "
        f"float32 features ({series.nbytes / 2**20:.1f} MiB); windows of {LENGTH} hourly "
        f"steps, target TEMP {HORIZON} h after the window, batches of {BATCH}. One window is "
        f"{window_mb:.3f} MiB. Medians of {args.repeats} rounds, each case in a fresh process."),
        "",
        (f"Machine: {platform.machine()}, {os.cpu_count()} logical CPUs shared with other "
        f"jobs, Python {platform.python_version()}, NumPy {np.__version__}."),
        "",
        ("| case | series rows | windows | peak RSS MiB (whole process) | traced peak MiB "
        "(windows only) | seconds |"),
        "|---|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        mode, rows, fraction = case
        runs = results[case]
        name = mode if mode != "materialise" else f"materialise {fraction:.4g} of the windows"
        lines.append(
            f"| {name} | {rows:,} | {int(runs[0]['windows']):,} | "
            f"{median(r['peak_rss_mb'] for r in runs):,.0f} | "
            f"{median(r['traced_mb'] for r in runs):,.1f} | "
            f"{median(r['seconds'] for r in runs):.2f} |"
        )
    biggest = max((c for c in cases if c[0] == "materialise"), key=lambda c: c[2])
    runs = results[biggest]
    full = int(runs[0]["windows"] / biggest[2])
    traced = median(r["traced_mb"] for r in runs) / biggest[2]
    baseline = median(r["peak_rss_mb"] for r in results[cases[0]])
    lines.append(f"| materialise all (extrapolated ×{1 / biggest[2]:.4g}) | {biggest[1]:,} | "
                 f"{full:,} | ≈ {baseline + traced:,.0f} | ≈ {traced:,.0f} | not run |")
    return lines


if __name__ == "__main__":
    main()
