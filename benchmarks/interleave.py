"""Two builds of seqlab timed by the same benchmark, in alternating runs (A B A B …).

    git worktree add ../before <commit>
    python benchmarks/interleave.py --before ../before --after . --rounds 3 \\
        -- bench_recurrent.py --threads 1 2 --no-numpy --repeats 7

Each round runs ``benchmarks/<script> <args>`` once in each checkout (its own
copy of the script, with ``PYTHONPATH`` set to that checkout), so load on the
machine falls on both builds alike. The script must end its output with a
Markdown table whose first columns name the case and which has a column
"seqlab numba ms" (or "seqlab numba", "seqlab ms") and, when a peer ran,
"numba / torch" (or "seqlab / torch"). The result is one table: per case, every run's time and
the median of each build, the median ratio to the peer in each build, and
after / before (below 1: the new build is faster).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

TIME_COLUMNS = ("seqlab numba ms", "seqlab numba", "seqlab ms")
RATIO_COLUMNS = ("numba / torch", "seqlab / torch")
CASE_COLUMNS = ("shape", "threads")


def last_table(text: str) -> list[dict[str, str]]:
    """The rows of the last Markdown table in ``text``, as dicts by column name."""
    lines = [line.strip() for line in text.splitlines()]
    end = max(i for i, line in enumerate(lines) if line.startswith("|"))
    start = end
    while start > 0 and lines[start - 1].startswith("|"):
        start -= 1
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines[start:end + 1]]
    header, rows = cells[0], [r for r in cells[2:] if len(r) == len(cells[0])]
    return [dict(zip(header, row)) for row in rows]


def column(row: dict[str, str], names: tuple[str, ...]) -> float | None:
    for name in names:
        if name in row:
            return float(row[name].rstrip("x"))
    return None


def run_once(checkout: Path, script: str, args: list[str]) -> list[dict[str, str]]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run([sys.executable, str(checkout / "benchmarks" / script), *args],
                          cwd=checkout, env=env, capture_output=True, text=True, check=True)
    return last_table(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=Path, required=True, help="checkout of the old build")
    parser.add_argument("--after", type=Path, default=Path("."), help="checkout of the new build")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("script", help="benchmark script in benchmarks/")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="its arguments (after --)")
    opts = parser.parse_args(argv)
    args = [a for a in opts.args if a != "--"]
    builds = {"before": opts.before.resolve(), "after": opts.after.resolve()}
    times: dict[tuple[str, ...], dict[str, list[float]]] = {}
    ratios: dict[tuple[str, ...], dict[str, list[float]]] = {}
    for r in range(opts.rounds):
        for name, checkout in builds.items():
            print(f"round {r + 1}/{opts.rounds}: {name} ({checkout})", file=sys.stderr, flush=True)
            for row in run_once(checkout, opts.script, args):
                case = tuple(row.get(c, "") for c in CASE_COLUMNS)
                times.setdefault(case, {}).setdefault(name, []).append(column(row, TIME_COLUMNS))
                ratio = column(row, RATIO_COLUMNS)
                if ratio is not None:
                    ratios.setdefault(case, {}).setdefault(name, []).append(ratio)
    print(f"# {opts.script} {' '.join(args)}: {opts.rounds} interleaved rounds per build")
    print("| case | threads | before ms, each run | after ms, each run | before median | "
          "after median | after / before | ratio to peer before | ratio to peer after |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|")
    for case, by_build in times.items():
        b, a = by_build["before"], by_build["after"]
        rb, ra = ratios.get(case, {}).get("before"), ratios.get(case, {}).get("after")
        peer = (f"{statistics.median(rb):.2f} | {statistics.median(ra):.2f}"
                if rb and ra else "– | –")
        print(f"| {case[0]} | {case[1]} | {' '.join(f'{v:.1f}' for v in b)} | "
              f"{' '.join(f'{v:.1f}' for v in a)} | {statistics.median(b):.1f} | "
              f"{statistics.median(a):.1f} | {statistics.median(a) / statistics.median(b):.2f} | "
              f"{peer} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
