"""``seqlab gradflow``: vanishing and exploding gradients, measured.

    seqlab gradflow                         curves, accuracy grid, exploding table
    seqlab gradflow --steps 10,25 --quick   a smaller grid
    seqlab gradflow --plots plots/          also write gradflow.svg (or --plot-format png)
    seqlab gradflow --format html --out gradflow.html

The task: read T one-hot tokens, output the first one. See
:mod:`seqlab.talk.flowdemo` for what each table shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from seqlab.report.tables import FORMATS, check_format


def _steps(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated step counts such as 10,25,50, got {text!r}") from None
    if not values or any(v < 2 for v in values):
        raise argparse.ArgumentTypeError(f"step counts must be integers >= 2, got {text!r}")
    return values


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("gradflow", help="vanishing/exploding gradients: SimpleRNN vs "
                              "LSTM vs GRU on a long-dependency task",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=_steps, default=None, metavar="T1,T2,...",
                   help="sequence lengths of the accuracy grid (default 10,25,50,100,200)")
    p.add_argument("--curve-steps", type=int, default=50, metavar="T",
                   help="sequence length of the gradient curves (default 50)")
    p.add_argument("--epochs", type=int, default=6, help="training epochs per cell (default 6)")
    p.add_argument("--quick", action="store_true",
                   help="a small run (grid 10,25; 3 epochs on 256 sequences; curves at T=30)")
    p.add_argument("--format", default="rich", metavar="FORMAT",
                   help=f"one of {', '.join(FORMATS)} (default: rich)")
    p.add_argument("--out", metavar="PATH", help="write the report to PATH instead of stdout")
    p.add_argument("--plots", type=Path, metavar="DIR",
                   help="write the curve plot into DIR (needs matplotlib)")
    p.add_argument("--plot-format", choices=("svg", "png"), default="svg",
                   help="picture format for --plots (default svg)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from seqlab.atomic import check_writable
    from seqlab.cli.warmup import prepare
    from seqlab.report import figures
    from seqlab.talk.flowdemo import flow_curves, flow_figure, gradflow_report

    fmt = check_format(args.format)
    if args.curve_steps < 3:
        raise ValueError(f"--curve-steps must be >= 3, got {args.curve_steps}")
    if args.epochs < 1:
        raise ValueError(f"--epochs must be >= 1, got {args.epochs}")
    if args.plots is not None and not args.plots.is_dir():
        raise FileNotFoundError(f"--plots {args.plots}: no such directory")
    if args.plots is not None and not figures.available():
        raise ValueError("--plots needs matplotlib: pip install 'seqlab[plot]'")
    if args.out is not None:  # outputs are checked before the work
        check_writable(args.out, "--out file")
    if args.plots is not None:
        check_writable(args.plots / f"gradflow.{args.plot_format}", "--plots picture")
    prepare(["SimpleRNN float32", "LSTM float32", "GRU float32"])
    grid = args.steps or ((10, 25) if args.quick else (10, 25, 50, 100, 200))
    curve_steps = 30 if args.quick and args.curve_steps == 50 else args.curve_steps
    report = gradflow_report(grid, curve_steps=curve_steps,
                             epochs=3 if args.quick and args.epochs == 6 else args.epochs,
                             samples=256 if args.quick else 512)
    if args.out is None:
        report.document.print(fmt, file=sys.stdout)
    else:
        path = report.document.write(args.out, fmt)
        print(f"wrote {fmt} report to {path}", file=sys.stderr)
    if args.plots is not None:
        picture = report.figures.get("gradflow")
        if picture is None or args.plot_format != "svg":
            picture = flow_figure(flow_curves(curve_steps), args.plot_format)
        path = picture.save(args.plots / f"gradflow.{args.plot_format}")
        print(f"wrote {path}", file=sys.stderr)
    return 0
