"""``seqlab runs [FOLDER]``: every run in a folder (default ``runs``) beside the book."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("runs", help="list the runs in a folder beside the book",
                              description=__doc__)
    p.add_argument("folder", nargs="?", default="runs", help="the runs folder (default: runs)")
    p.add_argument("--format", choices=("rich", "markdown", "csv"), default="rich")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from seqlab.experiments.runs import runs_table
    from seqlab.report.tables import render

    print(render(runs_table(args.folder), args.format))
    return 0
