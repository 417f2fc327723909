"""``seqlab run``: the chapter's experiments by name, or your own config.

    seqlab run --list                    the experiments, one line each
    seqlab run imdb_lstm                 run one (or several: imdb_lstm imdb_gru …)
    seqlab run imdb_lstm --quick         tiny data, one epoch: does it all work?
    seqlab run --show imdb_lstm > my.json    its config, to copy and change
    seqlab run --config my.json          run your own config
    seqlab run --resume runs/imdb_lstm-20261203-101500    continue an interrupted run

Every run writes a folder under ``--runs-dir`` (default ``runs``): the model,
the config, the history as CSV, metrics.json and one self-contained HTML
report. ``seqlab runs`` lists them beside the book.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("run", help="run the chapter's experiments by name (or a config)",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", metavar="NAME", help="experiments to run (see --list)")
    p.add_argument("--list", action="store_true", help="list the experiments")
    p.add_argument("--show", metavar="NAME", help="print an experiment's JSON config")
    p.add_argument("--config", metavar="FILE", help="run the experiment in a JSON config file")
    p.add_argument("--resume", metavar="FOLDER", help="continue an interrupted run")
    p.add_argument("--quick", action="store_true", help="tiny data and one epoch")
    p.add_argument("--epochs", type=int, metavar="N", help="override the config's epochs")
    p.add_argument("--threads", type=int, metavar="N", help="threads for kernels and BLAS")
    p.add_argument("--runs-dir", default="runs", metavar="DIR",
                   help="where run folders go (default: runs)")
    p.add_argument("--verbose", type=int, choices=(0, 1, 2), default=2,
                   help="fit's progress output (default 2: one line per epoch)")
    p.set_defaults(func=run, usage_error=p.error)


def kernel_groups(config: Any) -> list[str]:
    """The compiled kernel groups a config's layers use (for the first-run notice)."""
    text = str(config.model)
    groups = []
    if "'SimpleRNN'" in text:
        groups.append("SimpleRNN float32")
    if "'LSTM'" in text:
        groups.append("LSTM float32")
    if "'GRU'" in text:
        groups.append("GRU reset_before float32" if "'reset_after': False" in text
                      else "GRU float32")
    if "'Conv1D'" in text:
        groups.append("Conv1D float32")
    return groups


def _configs(args: argparse.Namespace) -> list[Any]:
    from seqlab.experiments import catalog
    from seqlab.experiments.config import load_config

    configs = [catalog.get(name) for name in args.names]
    if args.config:
        configs.append(load_config(args.config))
    if args.epochs is not None:
        if args.epochs < 1:
            args.usage_error(f"--epochs must be >= 1, got {args.epochs}")
        configs = [c.with_overrides(fit={"epochs": args.epochs}) if c.baseline is None else c
                   for c in configs]
    return configs


def run(args: argparse.Namespace) -> int:
    from seqlab.cli.warmup import prepare
    from seqlab.experiments import catalog, runner
    from seqlab.report.tables import Table, render

    if args.threads is not None and args.threads < 1:
        args.usage_error(f"--threads must be >= 1, got {args.threads}")
    if args.list:
        print(render(Table("seqlab run NAME", ["experiment", "what"], catalog.describe())))
        return 0
    if args.show:
        sys.stdout.write(catalog.get(args.show).to_json())
        return 0
    if args.resume:
        runner.resume(args.resume, threads=args.threads, verbose=args.verbose)
        return 0
    configs = _configs(args)
    if not configs:
        args.usage_error("name an experiment (see --list), or give --config or --resume")
    prepare(sorted({g for c in configs for g in kernel_groups(c)}))
    for config in configs:
        runner.run(config, runs_dir=args.runs_dir, quick=args.quick, threads=args.threads,
                   verbose=args.verbose)
    return 0
