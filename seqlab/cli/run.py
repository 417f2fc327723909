"""``seqlab run``: the chapter's experiments by name, or your own config.

    seqlab run --list                    the experiments, one line each
    seqlab run imdb_lstm                 run one (or several: imdb_lstm imdb_gru …)
    seqlab run imdb_lstm --quick         tiny data, one epoch: does it all work?
    seqlab run --show imdb_lstm > my.json    its config, to copy and change
    seqlab run --config my.json          run your own config
    seqlab run --resume runs/imdb_lstm-20261203-101500    continue an interrupted run
    seqlab run translate_spa_eng         a translation experiment (as seqlab translate --train)

Every run writes a folder under ``--runs-dir`` (default ``runs``): the model,
the config, the history as CSV, metrics.json and one self-contained HTML
report. ``seqlab runs`` lists them beside the book. The translation
experiments (``translate_*``) have their own config format and write a
Markdown report and a translator (:mod:`seqlab.translate.experiment`).
"""

from __future__ import annotations

import argparse
import json
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


def _configs(args: argparse.Namespace, names: list[str]) -> list[Any]:
    from seqlab.experiments import catalog
    from seqlab.experiments.config import load_config

    configs = [catalog.get(name) for name in names]
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
    from seqlab.translate import experiment as translation

    if args.threads is not None and args.threads < 1:
        args.usage_error(f"--threads must be >= 1, got {args.threads}")
    if args.list:
        rows = catalog.describe() + [(name, translation.get(name)["description"])
                                     for name in translation.names()]
        print(render(Table("seqlab run NAME", ["experiment", "what"], rows)))
        return 0
    if args.show:
        if args.show in translation.names():
            sys.stdout.write(json.dumps(translation.get(args.show), indent=2,
                                        ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(catalog.get(args.show).to_json())
        return 0
    if args.resume:
        runner.resume(args.resume, threads=args.threads, verbose=args.verbose)
        return 0
    translating = [name for name in args.names if name in translation.names()]
    if translating and args.epochs is not None:
        args.usage_error("--epochs does not apply to translation experiments (use "
                         "seqlab translate --train NAME --minutes M for a time budget)")
    configs = _configs(args, [name for name in args.names if name not in translating])
    translations = [translation.get(name) for name in translating]
    if not configs and not translations:
        args.usage_error("name an experiment (see --list), or give --config or --resume")
    prepare(sorted({g for c in configs for g in kernel_groups(c)}))
    for config in configs:
        runner.run(config, runs_dir=args.runs_dir, quick=args.quick, threads=args.threads,
                   verbose=args.verbose)
    for spec in translations:
        with runner.thread_count(args.threads):
            folder = translation.run(spec, runs_dir=args.runs_dir, quick=args.quick,
                                     verbose=args.verbose)
        print(f"{spec['name']}: done; report: {folder.file('report.md')}")
    return 0
