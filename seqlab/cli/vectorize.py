"""``seqlab vectorize``: show how sentences become one-hot / multi-hot / count vectors."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXAMPLE = """\
example (the talk's table: lower-casing is off by default, so "We" stays "We"):

  $ seqlab vectorize "We are SAI" "We are a student"
  Document1 : We are SAI
  Document2 : We are a student
  ┏━━━━━━━━━━━┳━━━━┳━━━━━┳━━━━━┳━━━┳━━━━━━━━━┓
  ┃           ┃ We ┃ are ┃ SAI ┃ a ┃ student ┃
  ┡━━━━━━━━━━━╇━━━━╇━━━━━╇━━━━━╇━━━╇━━━━━━━━━┩
  │ Document1 │  1 │   1 │   1 │ 0 │       0 │
  │ Document2 │  1 │   1 │   0 │ 1 │       1 │
  └───────────┴────┴─────┴─────┴───┴─────────┘

more:
  seqlab vectorize --mode one_hot "I love you"       one vector per word
  seqlab vectorize --mode count --lower --file reviews.txt
  seqlab vectorize --split character --ngrams 2 "love"
  seqlab vectorize --split jamo "난 널 사랑해"          Hangul jamo as tokens
"""

MODES = ("one_hot", "multi_hot", "count", "tf_idf", "int")
SPLITS = ("whitespace", "word", "character", "jamo", "morpheme")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "vectorize",
        help="show the one-hot / multi-hot / count table of sentences",
        description="Tokenize sentences and print their one-hot, multi-hot, count, TF-IDF or\n"
        "integer-id table. The vocabulary is every token, most frequent first, ties in\n"
        "order of first appearance.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sentences", nargs="*", metavar="SENTENCE", help="one document per argument")
    p.add_argument("--file", type=Path, help="read documents from a UTF-8 file, one per line")
    p.add_argument("--mode", choices=MODES, default="multi_hot", help="output (default multi_hot)")
    p.add_argument("--lower", action=argparse.BooleanOptionalAction, default=False,
                   help="lower-case first (default: off)")
    p.add_argument("--strip-punctuation", action=argparse.BooleanOptionalAction, default=False,
                   help="turn punctuation into spaces first (default: off)")
    p.add_argument("--split", choices=SPLITS, default="whitespace",
                   help="how to cut text into tokens (default whitespace); morpheme needs kiwipiepy")
    p.add_argument("--ngrams", type=int, default=None, metavar="N", help="add n-grams for n = 2..N")
    p.add_argument("--max-tokens", type=int, default=None, metavar="N",
                   help="keep only the N most frequent tokens")
    p.add_argument("--oov", action="store_true", help="add an [UNK] column/id for unknown tokens")
    p.set_defaults(func=run)


def _tokenizer(split: str) -> Any:
    from seqlab.text import JamoTokenizer, KiwiTokenizer

    if split == "jamo":
        return JamoTokenizer(compatibility=True, whitespace="drop")
    if split == "morpheme":
        return KiwiTokenizer()
    return split


def _documents(args: argparse.Namespace) -> list[str]:
    from seqlab.text import iter_lines

    docs = list(args.sentences)
    if args.file is not None:
        if not args.file.is_file():
            raise FileNotFoundError(f"--file {args.file}: no such file")
        docs += [line for line in iter_lines(args.file) if line.strip()]
    if not docs:
        raise ValueError("give sentences as arguments or --file PATH (see seqlab vectorize --help)")
    return docs


def _cell(value: float, mode: str) -> str:
    return f"{value:.3f}" if mode == "tf_idf" else str(int(value))


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from seqlab.text import TextVectorizer

    docs = _documents(args)
    steps = []
    if args.lower:
        steps.append("lower")
    if args.strip_punctuation:
        steps.append("strip_punctuation")
    standardize = None if not steps else (
        "lower_and_strip_punctuation" if len(steps) == 2 else steps[0]
    )
    try:
        split = _tokenizer(args.split)
    except ImportError as exc:
        print(f"seqlab vectorize: error: {exc}", file=sys.stderr)
        return 1
    if args.ngrams is not None and args.ngrams < 1:
        raise ValueError(f"--ngrams must be >= 1, got {args.ngrams}")
    tv = TextVectorizer(
        max_tokens=args.max_tokens,
        standardize=standardize,
        split=split,
        ngrams=args.ngrams,
        output_mode=args.mode,
        oov_token="[UNK]" if args.oov else None,
    )
    table_data = tv.fit_transform(docs)
    vocab = tv.get_vocabulary()
    labels = [f"Document{i + 1}" for i in range(len(docs))]
    tables = []
    if args.mode == "one_hot":
        for label, doc, rows in zip(labels, docs, table_data):
            tokens = [vocab[int(r.argmax())] for r in rows if r.any()]
            tables.append(_table(Table, f"{label} : {doc}", vocab, tokens, rows[: len(tokens)], args.mode))
    elif args.mode == "int":
        columns = [str(t + 1) for t in range(table_data.shape[1])]
        tables.append(_table(Table, "ids (0 = padding)", columns, labels, table_data, args.mode))
    else:
        tables.append(_table(Table, None, vocab, labels, table_data, args.mode))
    # wide enough that no table is squeezed; rich tables take only the width they need
    console = Console(file=sys.stdout, width=4096, highlight=False)
    if args.mode != "one_hot":
        for label, doc in zip(labels, docs):
            console.print(f"{label} : {doc}", markup=False)
    if args.mode == "int":
        console.print("vocabulary: " + ", ".join(f"{i}={t!r}" for i, t in enumerate(vocab)), markup=False)
    for table in tables:
        console.print(table)
    return 0


def _table(table_cls: Any, title: str | None, columns: list[str], row_labels: list[str],
           values: Any, mode: str) -> Any:
    from rich.text import Text  # Text, not markup: tokens such as "[UNK]" print as they are

    table = table_cls(title=Text(title) if title else None, title_justify="left")
    table.add_column("")
    for name in columns:
        table.add_column(Text(name), justify="right")
    for label, row in zip(row_labels, values):
        table.add_row(Text(label), *(_cell(v, mode) for v in row))
    return table
