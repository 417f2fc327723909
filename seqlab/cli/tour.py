"""``seqlab tour``: the seed talk from text to gates, every number computed here.

    seqlab tour                      print the tour (rich tables) to the terminal
    seqlab tour --report tour.html   also write one self-contained HTML page
                                     (tables and plots inline; opens with no network)
    seqlab tour --quick              a faster, smaller gradient-flow grid

Sections: one-hot/multi-hot table, the worked RNN and its training to
"난 널 사랑해", the same loops traced from seqlab's SimpleRNN, backpropagation
by hand, gradient flow, LSTM/GRU gates, a toy encoder–decoder with attention
decoding "I love you" step by step. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

#: The kernel groups the tour runs (compiled first, with a notice, on a first run).
TOUR_KERNELS = ["SimpleRNN float64", "SimpleRNN float32", "LSTM float32", "GRU float32"]


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("tour", help="walk through the talk: tables, training, "
                              "backprop, gradient flow, gates (optional HTML report)",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--report", type=Path, metavar="PATH",
                   help="write the whole tour as one self-contained HTML page to PATH")
    p.add_argument("--quick", action="store_true", help="smaller gradient-flow training grid")
    p.add_argument("--format", choices=("rich", "markdown"), default="rich",
                   help="terminal output format (default rich)")
    p.add_argument("--no-print", action="store_true",
                   help="do not print the tour (useful with --report)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from seqlab.atomic import check_writable
    from seqlab.cli.warmup import prepare
    from seqlab.talk.tour import tour_document

    if args.report is not None:
        check_writable(args.report, "--report file")  # before the work
    prepare(TOUR_KERNELS)
    doc = tour_document(quick=args.quick, figures=args.report is not None)
    if not args.no_print:
        doc.print(args.format, file=sys.stdout)
    if args.report is not None:
        path = doc.write(args.report, "html")
        print(f"wrote the tour to {path}", file=sys.stderr)
    return 0
