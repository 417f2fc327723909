"""``seqlab translate``: translate with a trained translator, or train one.

    seqlab translate MODEL "¿Dónde está la estación?"        beam search, width 5
    seqlab translate MODEL "…" "…" --greedy                  greedy search
    seqlab translate --beam 10 MODEL < sentences.txt          one sentence per line
    seqlab translate --list                                   the translation experiments
    seqlab translate --show translate_spa_eng > my.json       a config to copy
    seqlab translate --train translate_kor_eng [--quick] [--minutes 5]
    seqlab translate --train my.json

MODEL is a translator folder (``model.translator`` in a run folder, or one
written by ``Translator.save``). With no sentence on the command line, the
sentences are read from standard input, one per line; each translation is
printed on its own line. Options go before MODEL or after the last sentence
(argparse cannot take them in between). A sentence longer than the model's
maximum is refused (with the counts), not cut.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("translate", help="translate with a trained model, or train one",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", nargs="?", metavar="MODEL", help="a translator folder")
    p.add_argument("sentences", nargs="*", metavar="SENTENCE",
                   help="sentences to translate (default: one per line from stdin)")
    search = p.add_mutually_exclusive_group()
    search.add_argument("--beam", type=int, default=5, metavar="N",
                        help="beam search of width N (default 5)")
    search.add_argument("--greedy", action="store_true", help="greedy search")
    p.add_argument("--list", action="store_true", help="list the translation experiments")
    p.add_argument("--show", metavar="NAME", help="print an experiment's JSON config")
    p.add_argument("--train", metavar="NAME_OR_FILE",
                   help="run a translation experiment (a name from --list or a JSON config)")
    p.add_argument("--quick", action="store_true", help="with --train: tiny data, one epoch")
    p.add_argument("--minutes", type=float, metavar="M",
                   help="with --train: stop training after M minutes")
    p.add_argument("--runs-dir", default="runs", metavar="DIR",
                   help="with --train: where run folders go (default: runs)")
    p.set_defaults(func=run, usage_error=p.error)


def _train(args: argparse.Namespace) -> int:
    from seqlab.translate import experiment

    if args.minutes is not None and not args.minutes > 0:
        args.usage_error(f"--minutes must be > 0, got {args.minutes}")
    spec = args.train
    config = experiment.load(spec) if Path(spec).suffix == ".json" else experiment.get(spec)
    folder = experiment.run(config, runs_dir=args.runs_dir, quick=args.quick,
                            minutes=args.minutes)
    print(f"{config['name']}: done; report: {folder.file('report.md')}; translate with: "
          f"seqlab translate {folder.file('model.translator')} \"…\"")
    return 0


def run(args: argparse.Namespace) -> int:
    from seqlab.translate import experiment

    if args.list:
        for name in experiment.names():
            print(f"{name}: {experiment.get(name)['description']}")
        return 0
    if args.show:
        sys.stdout.write(json.dumps(experiment.get(args.show), indent=2, ensure_ascii=False)
                         + "\n")
        return 0
    if not args.train and (args.quick or args.minutes is not None):
        args.usage_error("--quick and --minutes go with --train")
    if args.train:
        if args.model is not None:
            args.usage_error("--train takes no MODEL or sentences")
        return _train(args)
    if args.model is None:
        args.usage_error("give a translator folder and sentences (or --list, --show, --train)")
    if args.beam < 1:
        args.usage_error(f"--beam must be >= 1, got {args.beam}")
    from seqlab.translate import Translator

    translator = Translator.load(args.model)
    sentences = args.sentences or [line.rstrip("\n") for line in sys.stdin]
    for translation in translator.translate(sentences, beam=None if args.greedy else args.beam):
        print(translation)
    return 0
