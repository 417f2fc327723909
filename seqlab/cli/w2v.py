"""``seqlab w2v``: train word2vec, query word vectors, evaluate them.

    seqlab w2v train corpus.txt -o vectors.bin --sg --size 100 --epochs 5
    seqlab w2v query vectors.bin king - man + woman
    seqlab w2v eval vectors.bin --questions questions-words.txt --wordsim wordsim353.tsv
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

_DATA_HINT = ("pass --questions/--wordsim/--simlex, or set SEQLAB_DATA to a folder holding "
              "word2vec/questions-words.txt, word2vec/wordsim353.tsv, word2vec/simlex999.txt")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "w2v", help="word2vec: train, query and evaluate word vectors",
        description="Train word2vec (CBOW or skip-gram), query vectors with word "
                    "arithmetic, evaluate them on analogies and word similarity.")
    sub = parser.add_subparsers(dest="w2v_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])

    train = sub.add_parser(
        "train", help="train vectors on a text file (one sentence per line)",
        description="Train word2vec on CORPUS (UTF-8, one sentence or document per line, "
                    "tokens separated by white space) and save the vectors.",
        epilog="example: seqlab w2v train corpus.txt -o vectors.bin --sg --epochs 5 "
               "--workers 2")
    train.add_argument("corpus", help="text file, one sentence per line")
    train.add_argument("-o", "--output", required=True,
                       help="vector file; binary word2vec format when it ends in .bin, "
                            "text otherwise")
    model = train.add_mutually_exclusive_group()
    model.add_argument("--sg", dest="sg", action="store_const", const=1, default=0,
                       help="skip-gram")
    model.add_argument("--cbow", dest="sg", action="store_const", const=0,
                       help="CBOW (the default)")
    train.add_argument("--size", type=int, default=100, help="vector size E (default 100)")
    train.add_argument("--window", type=int, default=5, help="max window (default 5)")
    train.add_argument("--negative", type=int, default=5, help="noise words (default 5)")
    train.add_argument("--min-count", type=int, default=5,
                       help="drop rarer words (default 5)")
    train.add_argument("--sample", type=float, default=1e-3,
                       help="subsampling threshold, 0 = off (default 1e-3)")
    train.add_argument("--alpha", type=float, default=0.025, help="start learning rate")
    train.add_argument("--epochs", type=int, default=5, help="passes (default 5)")
    train.add_argument("--workers", type=int, default=1, help="threads (default 1)")
    train.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    train.add_argument("--quiet", action="store_true", help="no progress output")
    train.set_defaults(func=run_train)

    query = sub.add_parser(
        "query", help="nearest words to a word or a word sum",
        description="Nearest words by cosine (3CosAdd). Words are added; a '-' before a "
                    "word subtracts it: write '- man' with a space, or put '--' before the "
                    "words to write '-man'.",
        epilog="example: seqlab w2v query vectors.bin king - man + woman "
               "(or: seqlab w2v query vectors.bin -- king -man +woman)")
    query.add_argument("vectors", help="word2vec text/binary or GloVe file")
    query.add_argument("words", nargs="+", help="e.g. king - man + woman")
    query.add_argument("--topn", type=int, default=10, help="results (default 10)")
    query.add_argument("--cosmul", action="store_true", help="rank with 3CosMul instead")
    query.set_defaults(func=run_query)

    evaluate = sub.add_parser(
        "eval", help="analogy accuracy and word-similarity correlations",
        description="Analogy accuracy per section (3CosAdd, questions with a word outside "
                    "the first --restrict words are skipped, as in gensim) and Spearman/"
                    "Pearson correlations on word-pair files.",
        epilog="example: seqlab w2v eval vectors.bin --questions questions-words.txt")
    evaluate.add_argument("vectors", help="word2vec text/binary or GloVe file")
    evaluate.add_argument("--questions", help="analogy file (questions-words format)")
    evaluate.add_argument("--wordsim", help="WordSim-353 file (word1 TAB word2 TAB score)")
    evaluate.add_argument("--simlex", help="SimLex-999 file (word1 TAB word2 TAB score)")
    evaluate.add_argument("--restrict", type=int, default=300000,
                          help="search the first N words only (default 300000)")
    evaluate.add_argument("--case-sensitive", action="store_true",
                          help="do not upper-case words before matching")
    evaluate.set_defaults(func=run_eval)


def run_train(args: argparse.Namespace) -> int:
    from seqlab.embeddings import Word2Vec

    model = Word2Vec(vector_size=args.size, window=args.window, negative=args.negative,
                     min_count=args.min_count, sample=args.sample, alpha=args.alpha,
                     sg=args.sg, epochs=args.epochs, workers=args.workers, seed=args.seed,
                     verbose=not args.quiet)
    model.fit(corpus_file=args.corpus)
    model.save(args.output)
    kind = "skip-gram" if args.sg else "CBOW"
    print(f"{kind}: {len(model.wv):,} words x {model.vector_size} dims from "
          f"{model.corpus_words_:,} tokens; {model.train_seconds_:.1f} s, "
          f"{model.words_per_second_:,.0f} words/s; saved {args.output}")
    return 0


def parse_expression(words: list[str]) -> tuple[list[str], list[str]]:
    """``king - man + woman`` → (["king", "woman"], ["man"]); ``-man`` also works."""
    positive: list[str] = []
    negative: list[str] = []
    sign = 1
    for item in words:
        if item in ("+", "-"):
            sign = 1 if item == "+" else -1
            continue
        if len(item) > 1 and item[0] in "+-":
            sign, item = (1 if item[0] == "+" else -1), item[1:]
        (positive if sign > 0 else negative).append(item)
        sign = 1
    if not positive and not negative:
        raise ValueError("query: give at least one word, e.g. king - man + woman")
    return positive, negative


def run_query(args: argparse.Namespace) -> int:
    from seqlab.embeddings import KeyedVectors

    positive, negative = parse_expression(args.words)
    kv = KeyedVectors.load_word2vec_format(args.vectors)
    if args.cosmul:
        results = kv.most_similar_cosmul(positive=positive, negative=negative, topn=args.topn)
    else:
        results = kv.most_similar(positive=positive, negative=negative, topn=args.topn)
    label = " ".join(args.words)
    print(f"{label}  ({'3CosMul' if args.cosmul else 'cosine'})")
    for rank, (word, score) in enumerate(results, start=1):
        print(f"{rank:>3}  {word:<24} {score:.4f}")
    return 0


def _default_data_file(name: str) -> Path | None:
    roots = [os.environ.get("SEQLAB_DATA"), "shared/data", "../shared/data"]
    for root in roots:
        if root and (Path(root) / "word2vec" / name).exists():
            return Path(root) / "word2vec" / name
    return None


def run_eval(args: argparse.Namespace) -> int:
    from seqlab.embeddings import KeyedVectors

    questions, wordsim, simlex = args.questions, args.wordsim, args.simlex
    if not (questions or wordsim or simlex):
        questions = _default_data_file("questions-words.txt")
        wordsim = _default_data_file("wordsim353.tsv")
        simlex = _default_data_file("simlex999.txt")
        if not (questions or wordsim or simlex):
            raise ValueError(f"eval: no evaluation files given or found; {_DATA_HINT}")
    kv = KeyedVectors.load_word2vec_format(args.vectors)
    case_insensitive = not args.case_sensitive
    print(f"{args.vectors}: {len(kv):,} words x {kv.vector_size} dims")
    if questions:
        _score, sections = kv.evaluate_word_analogies(questions, restrict_vocab=args.restrict,
                                                     case_insensitive=case_insensitive)
        print(f"\nanalogies ({questions}); questions with a word outside the first "
              f"{min(args.restrict, len(kv)):,} words are skipped")
        print(f"{'section':<30} {'correct':>8} {'asked':>8} {'skipped':>8} {'accuracy':>9}")
        for section in sections:
            right, wrong = len(section["correct"]), len(section["incorrect"])
            asked = right + wrong
            acc = f"{100.0 * right / asked:8.1f}%" if asked else "       -"
            if section["section"] == "Total accuracy":
                print("-" * 67)
            print(f"{section['section'][:30]:<30} {right:>8} {asked:>8} "
                  f"{section['skipped']:>8} {acc}")
    pairs = [("WordSim-353", wordsim), ("SimLex-999", simlex)]
    if wordsim or simlex:
        print(f"\n{'word pairs':<14} {'Spearman':>9} {'Pearson':>9} {'OOV pairs':>10}")
        for name, path in pairs:
            if not path:
                continue
            result = kv.evaluate_word_pairs(path, restrict_vocab=args.restrict,
                                            case_insensitive=case_insensitive)
            print(f"{name:<14} {result.spearman.statistic:>9.3f} "
                  f"{result.pearson.statistic:>9.3f} {result.oov_ratio:>9.1f}%")
    sys.stdout.flush()
    return 0
