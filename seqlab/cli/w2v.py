"""``seqlab w2v``: train word2vec, query word vectors, evaluate them.

    seqlab w2v train corpus.txt -o vectors.bin --sg --size 100 --epochs 5
    seqlab w2v query vectors.bin king -man +woman
    seqlab w2v eval vectors.bin --questions questions-words.txt --wordsim wordsim353.tsv

Rules of the command line:

* Input files are taken as given or, when no such file exists, looked up in
  the data folders like every dataset file (``$SEQLAB_DATA``,
  ``../shared/data`` beside the repository, the cache; see
  :mod:`seqlab.datasets.download`): ``word2vec/glove.6B.50d.first2445.txt.gz``.
* Nonsense numbers (``--topn -5``), an input file that is nowhere, an
  output that cannot be written and unknown arguments are usage errors: the
  action's own usage and the reason, exit status 2, before any work.
* Bytes that are not UTF-8 are read with ``--errors backslashreplace`` by
  default, so the real GloVe files (which hold a few Windows-1252 bytes) load
  and the byte 0x96 becomes the word ``\\x96``, distinct from every other
  word ("replace" would merge such words into one).
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path

_ERRORS = ("backslashreplace", "strict", "replace", "ignore")
_EVAL_FILES = {"questions": "word2vec/questions-words.txt",
               "wordsim": "word2vec/wordsim353.tsv", "simlex": "word2vec/simlex999.txt"}
_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")  # argparse reads these as values


class _ActionParser(argparse.ArgumentParser):
    """The parser of one ``w2v`` action.

    Arguments it does not know are reported with this action's usage (plain
    argparse leaves them to the top-level parser, whose usage does not show
    the action's options). With ``signed_terms``, a token such as ``-man``
    that is not an option or a negative number is split into ``-`` and
    ``man``, so a query reads ``king -man +woman`` without ``--``.
    """

    signed_terms = False

    def parse_known_args(self, args=None, namespace=None):
        args = list(sys.argv[1:] if args is None else args)
        if self.signed_terms:
            args = [piece for arg in args for piece in self._split_term(arg)]
        namespace, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace, extras

    def _split_term(self, arg: str) -> list[str]:
        if (len(arg) > 1 and arg[0] == "-" and arg[1] != "-"
                and arg not in self._option_string_actions and not _NEGATIVE_NUMBER.match(arg)):
            return ["-", arg[1:]]
        return [arg]


# ------------------------------------------------------------ argument types
def _integer(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer >= ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
        return value
    return parse


def _number(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    """An argparse type: a number in [low, high] ((low, high] with ``low_open``)."""
    expected = f"a number in {'(' if low_open else '['}{low:g}, {high:g}]"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan  # fails both comparisons below, like a NaN given as text
        above_low = value > low if low_open else value >= low
        if not (above_low and value <= high):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value
    return parse


def _input_file(text: str) -> Path:
    """An argparse type: a file as given, else found in the data folders."""
    from seqlab.datasets import download

    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text!r} is a directory; expected a file")
    if path.is_file():
        return path
    try:
        return download.locate(text)
    except FileNotFoundError:
        folders = ", ".join(map(str, download.search_dirs()))
        raise argparse.ArgumentTypeError(
            f"file {text!r} not found, neither as given nor in the data folders ({folders}); "
            "set SEQLAB_DATA to the folder that holds it") from None


def _output_file(text: str) -> str:
    """An argparse type: a path that can be written now (checked before the work)."""
    from seqlab.atomic import check_writable

    try:
        check_writable(text, "vector file")
    except OSError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _add_errors_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--errors", choices=_ERRORS, default=_ERRORS[0],
                        help=f"how to read bytes that are not UTF-8 in the {what} (default "
                             "backslashreplace: the byte 0x96 becomes the word \\x96; strict: "
                             "stop with the line and byte offset)")


# ------------------------------------------------------------------ parsers
def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "w2v", help="word2vec: train, query and evaluate word vectors",
        description="Train word2vec (CBOW or skip-gram), query vectors with word "
                    "arithmetic, evaluate them on analogies and word similarity.")
    sub = parser.add_subparsers(dest="w2v_command", metavar="ACTION",
                                parser_class=_ActionParser)
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])
    _add_train(sub)
    _add_query(sub)
    _add_eval(sub)


def _add_train(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser(
        "train", help="train vectors on a text file (one sentence per line)",
        description="Train word2vec on CORPUS (UTF-8, one sentence or document per line, "
                    "tokens separated by white space) and save the vectors.",
        epilog="example: seqlab w2v train corpus.txt -o vectors.bin --sg --epochs 5 "
               "--workers 2")
    train.add_argument("corpus", type=_input_file, help="text file, one sentence per line")
    train.add_argument("-o", "--output", required=True, type=_output_file,
                       help="vector file; binary word2vec format when it ends in .bin, "
                            "text otherwise (checked for writing before training)")
    model = train.add_mutually_exclusive_group()
    model.add_argument("--sg", dest="sg", action="store_const", const=1, default=0,
                       help="skip-gram")
    model.add_argument("--cbow", dest="sg", action="store_const", const=0,
                       help="CBOW (the default)")
    train.add_argument("--size", type=_integer(1), default=100,
                       help="vector size E (default 100)")
    train.add_argument("--window", type=_integer(1), default=5, help="max window (default 5)")
    train.add_argument("--negative", type=_integer(1), default=5,
                       help="noise words (default 5)")
    train.add_argument("--min-count", type=_integer(1), default=5,
                       help="drop rarer words (default 5)")
    train.add_argument("--sample", type=_number(0, 1), default=1e-3,
                       help="subsampling threshold in [0, 1], 0 = off (default 1e-3)")
    train.add_argument("--alpha", type=_number(0, 1, low_open=True), default=0.025,
                       help="start learning rate in (0, 1] (default 0.025)")
    train.add_argument("--epochs", type=_integer(1), default=5, help="passes (default 5)")
    train.add_argument("--workers", type=_integer(1), default=1, help="threads (default 1)")
    train.add_argument("--seed", type=_integer(0), default=1,
                       help="random seed (default 1); the same seed gives the same vectors "
                            "only with --workers 1: several threads update the vectors in an "
                            "order that changes from run to run")
    _add_errors_option(train, "corpus")
    train.add_argument("--quiet", action="store_true", help="no progress output")
    train.set_defaults(func=run_train)


def _add_query(sub: argparse._SubParsersAction) -> None:
    query = sub.add_parser(
        "query", help="nearest words to a word or a word sum",
        description="Nearest words by cosine (3CosAdd). Words are added; a '-' before a "
                    "word subtracts it ('-man' or '- man'), a '+' adds it. Give the options "
                    "before or after the words, not between them.",
        epilog="example: seqlab w2v query word2vec/glove.6B.50d.first2445.txt.gz "
               "king -man +woman")
    query.signed_terms = True
    query.add_argument("vectors", type=_input_file, help="word2vec text/binary or GloVe file")
    query.add_argument("words", nargs="+", help="e.g. king -man +woman")
    query.add_argument("--topn", type=_integer(1), default=10, help="results (default 10)")
    query.add_argument("--cosmul", action="store_true", help="rank with 3CosMul instead")
    _add_errors_option(query, "vector file")
    query.set_defaults(func=run_query)


def _add_eval(sub: argparse._SubParsersAction) -> None:
    evaluate = sub.add_parser(
        "eval", help="analogy accuracy and word-similarity correlations",
        description="Analogy accuracy per section (3CosAdd, questions with a word outside "
                    "the first --restrict words are skipped, as in gensim) and Spearman/"
                    "Pearson correlations on word-pair files. Without file options, the "
                    f"files {', '.join(_EVAL_FILES.values())} are looked up in the data "
                    "folders.",
        epilog="example: seqlab w2v eval vectors.bin --questions questions-words.txt")
    evaluate.add_argument("vectors", type=_input_file, help="word2vec text/binary or GloVe file")
    evaluate.add_argument("--questions", type=_input_file,
                          help="analogy file (questions-words format)")
    evaluate.add_argument("--wordsim", type=_input_file,
                          help="WordSim-353 file (word1 TAB word2 TAB score)")
    evaluate.add_argument("--simlex", type=_input_file,
                          help="SimLex-999 file (word1 TAB word2 TAB score)")
    evaluate.add_argument("--restrict", type=_integer(1), default=300000,
                          help="search the first N words only (default 300000)")
    evaluate.add_argument("--case-sensitive", action="store_true",
                          help="do not upper-case words before matching")
    _add_errors_option(evaluate, "vector file")
    evaluate.set_defaults(func=run_eval, usage_error=evaluate.error)


# ------------------------------------------------------------------ actions
def run_train(args: argparse.Namespace) -> int:
    from seqlab.cli.warmup import prepare
    from seqlab.embeddings import Word2Vec

    prepare(["word2vec"])
    model = Word2Vec(vector_size=args.size, window=args.window, negative=args.negative,
                     min_count=args.min_count, sample=args.sample, alpha=args.alpha,
                     sg=args.sg, epochs=args.epochs, workers=args.workers, seed=args.seed,
                     verbose=not args.quiet, errors=args.errors)
    model.fit(corpus_file=args.corpus)
    model.save(args.output)
    kind = "skip-gram" if args.sg else "CBOW"
    print(f"{kind}: {len(model.wv):,} words x {model.vector_size} dims from "
          f"{model.corpus_words_:,} tokens; {model.train_seconds_:.1f} s, "
          f"{model.words_per_second_:,.0f} words/s; saved {args.output}")
    return 0


def parse_expression(words: list[str]) -> list[tuple[int, str]]:
    """``king - man + woman`` (or ``king -man +woman``) → [(1, "king"), (-1, "man"),
    (1, "woman")]: a lone sign applies to the next word, a sign glued to a word
    to that word, a word without a sign is added."""
    terms: list[tuple[int, str]] = []
    sign = 1
    for item in words:
        if item in ("+", "-"):
            sign = 1 if item == "+" else -1
            continue
        if len(item) > 1 and item[0] in "+-":
            sign, item = (1 if item[0] == "+" else -1), item[1:]
        terms.append((sign, item))
        sign = 1
    if not terms:
        raise ValueError("query: give at least one word, e.g. king -man +woman")
    return terms


def format_expression(terms: list[tuple[int, str]]) -> str:
    """[(1, "king"), (-1, "man")] → ``king - man``."""
    text = " ".join(("+ " if sign > 0 else "- ") + word for sign, word in terms)
    return text.removeprefix("+ ")


def run_query(args: argparse.Namespace) -> int:
    from seqlab.embeddings import KeyedVectors

    terms = parse_expression(args.words)
    positive = [word for sign, word in terms if sign > 0]
    negative = [word for sign, word in terms if sign < 0]
    kv = KeyedVectors.load_word2vec_format(args.vectors, errors=args.errors)
    if args.cosmul:
        results = kv.most_similar_cosmul(positive=positive, negative=negative, topn=args.topn)
    else:
        results = kv.most_similar(positive=positive, negative=negative, topn=args.topn)
    print(f"{format_expression(terms)}  ({'3CosMul' if args.cosmul else 'cosine'})")
    for rank, (word, score) in enumerate(results, start=1):
        print(f"{rank:>3}  {word:<24} {score:.4f}")
    return 0


def _find_data_file(relative: str) -> Path | None:
    from seqlab.datasets import download

    try:
        return download.locate(relative)
    except FileNotFoundError:
        return None


def run_eval(args: argparse.Namespace) -> int:
    from seqlab.embeddings import KeyedVectors

    files = {name: getattr(args, name) for name in _EVAL_FILES}
    if not any(files.values()):
        files = {name: _find_data_file(relative) for name, relative in _EVAL_FILES.items()}
        if not any(files.values()):
            args.usage_error("no evaluation files given or found; pass --questions/--wordsim/"
                             "--simlex, or set SEQLAB_DATA to a folder holding "
                             + ", ".join(_EVAL_FILES.values()))
    kv = KeyedVectors.load_word2vec_format(args.vectors, errors=args.errors)
    case_insensitive = not args.case_sensitive
    restrict = min(args.restrict, len(kv))
    print(f"{args.vectors}: {len(kv):,} words x {kv.vector_size} dims")
    if files["questions"]:
        _print_analogies(kv, files["questions"], restrict, case_insensitive)
    pair_files = [(label, files[name]) for label, name in
                  (("WordSim-353", "wordsim"), ("SimLex-999", "simlex")) if files[name]]
    if pair_files:
        _print_word_pairs(kv, pair_files, restrict, case_insensitive)
    sys.stdout.flush()
    return 0


def _print_analogies(kv, path: Path, restrict: int, case_insensitive: bool) -> None:
    _score, sections = kv.evaluate_word_analogies(path, restrict_vocab=restrict,
                                                 case_insensitive=case_insensitive)
    print(f"\nanalogies ({path}); questions with a word outside the first {restrict:,} words "
          "are skipped")
    print(f"{'section':<30} {'correct':>8} {'asked':>8} {'skipped':>8} {'accuracy':>9}")
    for section in sections:
        right, wrong = len(section["correct"]), len(section["incorrect"])
        asked = right + wrong
        acc = f"{100.0 * right / asked:8.1f}%" if asked else "       -"
        if section["section"] == "Total accuracy":
            print("-" * 67)
        print(f"{section['section'][:30]:<30} {right:>8} {asked:>8} "
              f"{section['skipped']:>8} {acc}")
    total = sections[-1]
    skipped = total["skipped"]
    asked = len(total["correct"]) + len(total["incorrect"])
    if skipped > asked:
        print(_coverage_note("questions", skipped, skipped + asked, restrict, "the accuracy is"))


def _print_word_pairs(kv, pair_files: list[tuple[str, Path]], restrict: int,
                      case_insensitive: bool) -> None:
    from seqlab.embeddings import read_word_pairs

    print(f"\n{'word pairs':<14} {'Spearman':>9} {'Pearson':>9} {'OOV pairs':>10}")
    notes = []
    for label, path in pair_files:
        total = len(read_word_pairs(path))
        if total == 0:
            raise ValueError(f"{path}: no word pairs (lines 'word1 TAB word2 TAB score')")
        try:
            result = kv.evaluate_word_pairs(path, restrict_vocab=restrict,
                                            case_insensitive=case_insensitive)
        except ValueError:  # the file has pairs, but none with both words in the vocabulary
            print(f"{label:<14} {'-':>9} {'-':>9} {100.0:>9.1f}%")
            oov = total
        else:
            print(f"{label:<14} {result.spearman.statistic:>9.3f} "
                  f"{result.pearson.statistic:>9.3f} {result.oov_ratio:>9.1f}%")
            oov = round(result.oov_ratio * total / 100.0)
        if 2 * oov > total:
            notes.append(_coverage_note(f"{label} pairs", oov, total, restrict,
                                        "the correlations are"))
    for note in notes:
        print(note)


def _coverage_note(items: str, missing: int, total: int, restrict: int, score_is: str) -> str:
    """The sentence under a score computed on fewer than half of the items."""
    share = f"{missing:,} of {total:,} {items} ({100.0 * missing / total:.0f}%)"
    outside = f"a word outside the first {restrict:,} words of these vectors"
    if missing == total:
        return f"note: all {share} have {outside}: there is nothing to score."
    return (f"note: {share} were left out, as they have {outside}; {score_is} measured on the "
            f"other {total - missing:,} only, which says little about the vectors.")
