"""``seqlab trace``: the glass-box demonstrations.

    seqlab trace seed      the talk's worked RNN: loop tables, real inputs, training
    seqlab trace backprop  backpropagation by hand on small graphs (tables + SVG)

Both take ``--format rich|markdown|csv|html`` and ``--out PATH`` (written
atomically; without it the report goes to stdout).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from seqlab.report.tables import FORMATS, check_format


def _add_output_args(parser: argparse.ArgumentParser, default_format: str = "rich") -> None:
    parser.add_argument("--format", default=default_format, metavar="FORMAT",
                        help=f"one of {', '.join(FORMATS)} (default: {default_format})")
    parser.add_argument("--out", metavar="PATH",
                        help="write the report to PATH (atomically) instead of stdout")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("trace", help="step-by-step tables of the talk's examples",
                                   description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="trace_command", metavar="WHAT")
    parser.set_defaults(func=lambda args: _missing(parser))

    seed = sub.add_parser("seed", help="the talk's worked RNN example, I love you → 난 널 사랑해")
    _add_output_args(seed)
    seed.add_argument("--lr", type=float, default=1.0, help="learning rate (default 1.0)")
    seed.add_argument("--margin", type=float, default=0.5,
                      help="train until every target beats the other outputs by this much "
                           "probability (default 0.5)")
    seed.add_argument("--max-epochs", type=int, default=1000, help="default 1000")
    seed.add_argument("--digits", type=int, default=10,
                      help="significant digits in the tables (default 10)")
    seed.set_defaults(func=run_seed)

    bp = sub.add_parser("backprop", help="backpropagation by hand: local gradient rules")
    _add_output_args(bp)
    bp.add_argument("--example", action="append", metavar="NAME",
                    help="mul, add, add_mul or rnn (repeat for several; default all)")
    bp.add_argument("--svg", metavar="PATH",
                    help="also write the graph of the (first) example as SVG to PATH")
    bp.set_defaults(func=run_backprop)


def _missing(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _emit(doc: Any, fmt: str, out: str | None) -> int:
    if out is None:
        doc.print(fmt, file=sys.stdout)
        return 0
    path = doc.write(out, fmt)
    print(f"wrote {fmt} report to {path}", file=sys.stderr)
    return 0


def _check_outputs(*paths: tuple[str | None, str]) -> None:
    """Fail before the work if an output that was asked for cannot be written."""
    from seqlab.atomic import check_writable

    for path, option in paths:
        if path is not None:
            check_writable(path, f"{option} file")


def run_seed(args: argparse.Namespace) -> int:
    from seqlab.cli.warmup import prepare
    from seqlab.talk.reports import seed_document

    fmt = check_format(args.format)
    _check_outputs((args.out, "--out"))
    prepare(["SimpleRNN float64"])  # the check against seqlab's own SimpleRNN
    doc = seed_document(lr=args.lr, margin=args.margin, max_epochs=args.max_epochs,
                        digits=args.digits)
    return _emit(doc, fmt, args.out)


def run_backprop(args: argparse.Namespace) -> int:
    from seqlab.talk import handprop
    from seqlab.talk.reports import backprop_document

    fmt = check_format(args.format)
    _check_outputs((args.out, "--out"), (args.svg, "--svg"))
    names = args.example or list(handprop.EXAMPLES)
    doc = backprop_document(names)
    if args.svg:
        handprop.write_svg(handprop.EXAMPLES[names[0]]().root, args.svg)
    return _emit(doc, fmt, args.out)
