"""``seqlab compare DATA``: RNN or ConvNet? A panel of models on your own data, one budget.

    seqlab compare reviews.csv                       text + label columns detected
    seqlab compare reviews.tsv --text document --label label --tokenizer kiwi
    seqlab compare weather.csv --target T --lookback 120 --delay 24 --time date
    seqlab compare reviews.csv --quick               a small sample, one epoch: does it work?

Classification (a text and a label column): bag of words, Conv1D, GRU,
bidirectional GRU and Conv1D → GRU, beside the majority class. Forecasting
(--target): dense, GRU, Conv1D and Conv1D → GRU, beside the naive baseline
and a ridge regression on the window. Every model gets the same split,
epochs, batch size and seed; the recommendation is the fastest model whose
validation score is within --margin of the best (accuracy points, or percent
of the MAE). Everything goes into a run folder under --runs-dir: the panel
as CSV and JSON, each model, and one HTML report.
"""

from __future__ import annotations

import argparse
from typing import Any

from seqlab.experiments.recommend import DEFAULT_MARGIN


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("compare", help="RNN or ConvNet? a panel of models on your CSV",
                              description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("data", metavar="DATA", help="a CSV or TSV file with a header (.gz too)")
    p.add_argument("--sep", help="the delimiter: ',', ';', '|', 'tab' (default: sniffed from "
                                 "the header)")
    text = p.add_argument_group("classification")
    text.add_argument("--text", metavar="COL", help="the text column (default: the longest "
                                                    "cells)")
    text.add_argument("--label", metavar="COL", help="the label column (default: the fewest "
                                                     "distinct values)")
    text.add_argument("--tokenizer", default="auto",
                      choices=("auto", "word", "kiwi", "char", "jamo"),
                      help="auto (default): Kiwi morphemes for Korean (characters without "
                           "kiwipiepy), words otherwise")
    series = p.add_argument_group("forecasting")
    series.add_argument("--target", metavar="COL", help="the numeric column to forecast")
    series.add_argument("--time", metavar="COL", help="a column that only labels the rows "
                                                      "(left out of the features)")
    series.add_argument("--lookback", type=int, metavar="N",
                        help="rows in a window (default 120)")
    series.add_argument("--delay", type=int, metavar="N",
                        help="the target is N rows after the row that follows the window "
                             "(default 0)")
    series.add_argument("--step", type=int, metavar="N",
                        help="keep every N-th row of a window (default 1)")
    budget = p.add_argument_group("budget")
    budget.add_argument("--epochs", type=int, metavar="N", help="epochs per model (default 10; "
                                                                "1 with --quick)")
    budget.add_argument("--batch-size", type=int, default=128, metavar="N")
    budget.add_argument("--limit", type=int, metavar="N", help="use N rows (classification: "
                        "a random sample; forecasting: the first N)")
    budget.add_argument("--quick", action="store_true",
                        help="a smoke test: few rows, short texts, one epoch")
    budget.add_argument("--seed", type=int, default=1, metavar="N")
    budget.add_argument("--margin", type=float, default=DEFAULT_MARGIN, metavar="M",
                        help=f"a faster model within M accuracy points (or M%% of the MAE) of "
                             f"the best is recommended (default {DEFAULT_MARGIN:g})")
    budget.add_argument("--threads", type=int, metavar="N",
                        help="threads for kernels and BLAS")
    p.add_argument("--runs-dir", default="runs", metavar="DIR",
                   help="where the run folder goes (default: runs)")
    p.add_argument("--verbose", type=int, choices=(0, 1, 2), default=0,
                   help="fit's progress output per model (default 0: one line per model)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from seqlab.cli.warmup import prepare
    from seqlab.experiments.comparison import CompareOptions, compare

    options = CompareOptions(
        text=args.text, label=args.label, tokenizer=args.tokenizer, target=args.target,
        time=args.time, lookback=args.lookback, delay=args.delay, step=args.step, sep=args.sep,
        epochs=args.epochs, batch_size=args.batch_size, limit=args.limit, quick=args.quick,
        seed=args.seed, margin=args.margin, threads=args.threads, verbose=args.verbose)
    compare(args.data, options, runs_dir=args.runs_dir, prepare_kernels=prepare)
    return 0
