"""word2vec side by side: seqlab vs gensim, same corpus, same settings, one run.

Corpus: all 100,000 IMDB reviews of ../shared/data/imdb (labeled + unsup),
lower-cased, ``<br />`` dropped, tokens ``[a-z0-9']+`` (about 23.3M tokens),
tokenized once and cached as a text file (see ``w2v_corpus.py``). Settings:
100 dims, window 5, negative 5, min_count 5, sample 1e-3, 5 epochs, seed 1.

For CBOW and skip-gram at 1 and 2 workers it trains both libraries and
reports the training time and words/s (corpus tokens × epochs / training
seconds, the same numerator for both), the analogy accuracy on
questions-words.txt (restrict_vocab=300000, case-insensitive, questions with
unknown words skipped) by seqlab's evaluator and by gensim's
``evaluate_word_analogies`` on the same vectors, the rank of "queen" for
king − man + woman, and Spearman's ρ on WordSim-353 and SimLex-999.

    python benchmarks/bench_word2vec.py                      # the full run (long)
    python benchmarks/bench_word2vec.py --max-tokens 2000000 --epochs 1 --only sg

The table is written (and rewritten after every run) to --output.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import w2v_corpus

from seqlab.embeddings import KeyedVectors, Word2Vec

SHARED_W2V = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "word2vec"
SETTINGS = {"vector_size": 100, "window": 5, "negative": 5, "min_count": 5, "sample": 1e-3,
            "alpha": 0.025, "min_alpha": 0.0001, "seed": 1}


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def train_seqlab(path: Path, sg: int, workers: int, epochs: int):
    model = Word2Vec(sg=sg, workers=workers, epochs=epochs, **SETTINGS)
    tic = time.perf_counter()
    model.build_vocab(corpus_file=path)
    vocab_s = time.perf_counter() - tic
    model.train()
    return model.wv, vocab_s, model.train_seconds_, model.corpus_words_


def train_gensim(path: Path, sg: int, workers: int, epochs: int):
    from gensim.models import Word2Vec as GensimWord2Vec
    from gensim.models.word2vec import LineSentence

    model = GensimWord2Vec(sg=sg, workers=workers, epochs=epochs, **SETTINGS)
    tic = time.perf_counter()
    model.build_vocab(corpus_iterable=LineSentence(str(path)))
    vocab_s = time.perf_counter() - tic
    tic = time.perf_counter()
    model.train(corpus_iterable=LineSentence(str(path)), total_examples=model.corpus_count,
                epochs=epochs)
    train_s = time.perf_counter() - tic
    kv = KeyedVectors(model.wv.vectors, model.wv.index_to_key)
    return kv, vocab_s, train_s, model.corpus_total_words


def as_gensim(kv: KeyedVectors):
    from gensim.models import KeyedVectors as GensimKeyedVectors

    g = GensimKeyedVectors(kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    return g


def queen_rank(kv: KeyedVectors) -> str:
    if not all(w in kv for w in ("king", "man", "woman", "queen")):
        return "oov"
    scores = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=None)
    for idx in (kv.key_to_index[w] for w in ("king", "man", "woman")):
        scores[idx] = -np.inf
    return str(int((scores > scores[kv.key_to_index["queen"]]).sum()) + 1)


def evaluate(kv: KeyedVectors, gensim_eval: bool) -> dict[str, str]:
    out = {"queen": queen_rank(kv), "ours": "-", "gensim_eval": "-", "ws": "-", "sl": "-",
           "asked": "-"}
    questions = SHARED_W2V / "questions-words.txt"
    if questions.exists():
        score, sections = kv.evaluate_word_analogies(questions)
        total = sections[-1]
        out["ours"] = f"{100 * score:.2f}%"
        out["asked"] = f"{len(total['correct']) + len(total['incorrect'])}"
        if gensim_eval:
            theirs, _ = as_gensim(kv).evaluate_word_analogies(str(questions))
            out["gensim_eval"] = f"{100 * theirs:.2f}%"
    for key, name in (("ws", "wordsim353.tsv"), ("sl", "simlex999.txt")):
        if (SHARED_W2V / name).exists():
            out[key] = f"{kv.evaluate_word_pairs(SHARED_W2V / name).spearman.statistic:.3f}"
    return out


def write_report(path: Path, header: list[str], rows: list[dict]) -> None:
    lines = header + [
        ("| model | workers | library | vocab s | train s | words/s | vs gensim | analogies "
         "(seqlab eval) | analogies (gensim eval) | questions asked | queen rank | WS-353 ρ | "
         "SimLex ρ | load avg |"),
        ("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
         "---: | ---: |")]
    for r in rows:
        lines.append(
            f"| {r['model']} | {r['workers']} | {r['lib']} | {r['vocab_s']:.1f} | "
            f"{r['train_s']:.1f} | {r['wps'] / 1e6:.3f}M | {r['ratio']} | {r['ours']} | "
            f"{r['gensim_eval']} | {r['asked']} | {r['queen']} | {r['ws']} | {r['sl']} | "
            f"{r['load']} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-tokens", type=int, default=None,
                        help="train on the first reviews holding about this many tokens")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--only", choices=["sg", "cbow"], default=None)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    parser.add_argument("--skip-gensim", action="store_true")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--output", type=Path,
                        default=Path(__file__).resolve().parent / "results" / "word2vec.md")
    args = parser.parse_args(argv)

    corpus = w2v_corpus.imdb_token_file(args.cache_dir)
    if args.max_tokens:
        corpus = w2v_corpus.head_file(corpus, args.max_tokens)
    kinds = [("CBOW", 0), ("skip-gram", 1)]
    if args.only:
        kinds = [k for k in kinds if (k[1] == 1) == (args.only == "sg")]
    workers = [int(w) for w in args.workers.split(",")]
    libs = ["seqlab"] if args.skip_gensim else ["gensim", "seqlab"]
    versions = {"numpy": np.__version__}
    import numba

    versions["numba"] = numba.__version__
    if not args.skip_gensim:
        import gensim

        versions["gensim"] = gensim.__version__
    header = [
        "# word2vec: seqlab vs gensim",
        "",
        f"Run {datetime.datetime.now().isoformat(timespec='seconds')} on {cpu_name()}, "
        f"{os.cpu_count()} logical CPUs shared with other jobs (load average at start: "
        f"{os.getloadavg()[0]:.2f}); Python {platform.python_version()}, "
        + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        "",
        f"Corpus: `{corpus.name}` (IMDB, all 100,000 reviews"
        + (f", first ~{args.max_tokens:,} tokens" if args.max_tokens else "") + "). Settings: "
        + ", ".join(f"{k}={v}" for k, v in SETTINGS.items()) + f", epochs={args.epochs}.",
        ("words/s = corpus tokens × epochs / training seconds (same numerator for both "
         "libraries; vocabulary building is timed separately). Analogies: questions-words.txt, "
         "restrict_vocab=300000, case-insensitive, questions with out-of-vocabulary words "
         "skipped. queen rank: position of 'queen' for king − man + woman (1 = top)."),
        "",
    ]
    rows: list[dict] = []
    for model_name, sg in kinds:
        for w in workers:
            gensim_wps = None
            for lib in libs:
                load = f"{os.getloadavg()[0]:.2f}"
                trainer = train_gensim if lib == "gensim" else train_seqlab
                kv, vocab_s, train_s, tokens = trainer(corpus, sg, w, args.epochs)
                wps = tokens * args.epochs / train_s
                if lib == "gensim":
                    gensim_wps = wps
                ratio = f"{wps / gensim_wps:.2f}x" if gensim_wps and lib == "seqlab" else "-"
                row = {"model": model_name, "workers": w, "lib": lib, "vocab_s": vocab_s,
                       "train_s": train_s, "wps": wps, "ratio": ratio, "load": load,
                       **evaluate(kv, gensim_eval=not args.skip_gensim and w == workers[0])}
                rows.append(row)
                print(f"{model_name:9} workers={w} {lib:6} vocab {vocab_s:6.1f}s train "
                      f"{train_s:7.1f}s {wps / 1e6:6.3f}M words/s {ratio:>6} analogies "
                      f"{row['ours']} (gensim eval {row['gensim_eval']}) queen rank "
                      f"{row['queen']} ws {row['ws']} sl {row['sl']} load {load}", flush=True)
                write_report(args.output, header, rows)
    print(f"table written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
