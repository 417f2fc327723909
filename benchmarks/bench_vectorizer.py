"""TextVectorizer vs scikit-learn CountVectorizer on the 25,000 IMDB training
reviews, and Kiwi's batch tokenization on NSMC.

Three parts (``--part``, default all):

``defaults`` — what a user gets without options: ``TextVectorizer()`` (NFC,
``<br />`` removal, lower-casing, punctuation stripped, whitespace split,
``output_mode="int"``: a padded (25000, T) int32 id matrix) against
``CountVectorizer()`` (lower-casing, tokens ``\\b\\w\\w+\\b``, a sparse count
matrix). The outputs differ in kind; this is the time each library takes to
turn the reviews into numbers with its defaults. Timed: ``fit(texts)`` then
``transform(texts)``, and ``fit_transform(texts)``.

``like-for-like`` — both sides produce the same sparse (25000, V) matrix:
lower-cased text, scikit-learn's default tokens, every token kept, output
``count`` (sklearn ``binary=False``) and ``multi_hot`` (sklearn
``binary=True``). seqlab orders columns by frequency and scikit-learn
alphabetically, so the check maps each sklearn column to seqlab's through the
two vocabularies and requires every entry to be equal.

``kiwi`` — Korean morphemes with kiwipiepy on the first ``--kiwi-docs`` NSMC
reviews: ``KiwiTokenizer`` called one text at a time against its
``tokenize_batch`` (one kiwipiepy call for a list), and
``TextVectorizer(split=kiwi).fit_transform`` with the batch protocol against
the same tokenizer hidden behind a plain function (one call per text).
kiwipiepy runs a list on ``--kiwi-workers`` threads (its default: every core).

Timings are medians of ``--repeats`` interleaved rounds (each round runs every
variant once), wall-clock and this process's CPU time, in one process. BLAS
pools are limited to one thread (neither side of the IMDB parts uses BLAS, and
both run their Python on one thread).

Run from the repository root (the script imports seqlab from its own checkout):
    python benchmarks/bench_vectorizer.py [--repeats 5] [--limit N] [--part defaults]
Needs ../shared/data/imdb/aclImdb_v1_labeled.tar.gz and scikit-learn; the kiwi
part ../shared/data/nsmc/ratings_train_subset50k.txt.gz and kiwipiepy.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # time this checkout's seqlab, whatever is installed

import numpy as np

from seqlab.datasets.imdb import load_reviews
from seqlab.text import RegexTokenizer, TextVectorizer

SHARED = ROOT / ".." / "shared" / "data"
DATA = SHARED / "imdb" / "aclImdb_v1_labeled.tar.gz"
NSMC = SHARED / "nsmc" / "ratings_train_subset50k.txt.gz"
SKLEARN_TOKENS = r"\b\w\w+\b"
PARTS = ("defaults", "like-for-like", "kiwi")


def machine_info() -> str:
    """CPU model, cores, Python/numpy versions and the BLAS that threadpoolctl sees."""
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        from threadpoolctl import threadpool_info
        blas = "; ".join(
            f"{os.path.basename(i['filepath'])}: {i['internal_api']} {i.get('version', '?')}, "
            f"kernel {i.get('architecture', '?')}, {i['num_threads']} thread(s)"
            for i in threadpool_info() if i["user_api"] == "blas"
        ) or "none loaded"
    except ImportError:
        blas = "threadpoolctl not installed"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (f"CPU {cpu}, {os.cpu_count()} cores, load average {load}; python "
            f"{platform.python_version()}, numpy {np.__version__}; BLAS {blas}")


def interleaved_medians(fns: dict, repeats: int) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    """Run every function once per round, ``repeats`` rounds, so that a burst of load
    from other processes hits all of them alike. Returns (median wall s, median CPU s,
    last result) per name; CPU time is this process's (``time.process_time``)."""
    walls: dict = {name: [] for name in fns}  # type: ignore[type-arg]
    cpus: dict = {name: [] for name in fns}  # type: ignore[type-arg]
    results: dict = {}  # type: ignore[type-arg]
    for _ in range(repeats):
        for name, fn in fns.items():
            results.pop(name, None)  # free the last round's output before timing again
            wall, cpu = time.perf_counter(), time.process_time()
            results[name] = fn()
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    med = statistics.median
    return ({n: med(v) for n, v in walls.items()}, {n: med(v) for n, v in cpus.items()}, results)


def same_matrix(ours, our_vocab: list[str], theirs, their_vocab: dict[str, int]) -> bool:  # type: ignore[no-untyped-def]
    """True if both (B, V) matrices hold the same value for every (text, token)."""
    if set(our_vocab) != set(their_vocab) or ours.shape != theirs.shape:
        return False
    our_col = {tok: i for i, tok in enumerate(our_vocab)}
    perm = np.empty(len(their_vocab), dtype=np.int64)
    for tok, j in their_vocab.items():
        perm[j] = our_col[tok]
    reordered = ours[:, perm]  # columns in scikit-learn's order
    return (reordered != theirs.astype(np.float32)).nnz == 0


def describe(x) -> str:  # type: ignore[no-untyped-def]
    kind = "sparse" if hasattr(x, "nnz") else str(x.dtype)
    return f"{x.shape[0]}x{x.shape[1]} {kind}"


def part_defaults(texts: list[str], repeats: int) -> bool:
    from sklearn.feature_extraction.text import CountVectorizer

    wall, cpu, out = interleaved_medians({
        "sk fit + transform": lambda: CountVectorizer().fit(texts).transform(texts),
        "ours fit + transform": lambda: TextVectorizer().fit(texts).transform(texts),
        "sk fit_transform": lambda: CountVectorizer().fit_transform(texts),
        "ours fit_transform": lambda: TextVectorizer().fit_transform(texts),
    }, repeats)
    print("\n### Defaults: `TextVectorizer()` vs `CountVectorizer()`\n")
    print("| calls | scikit-learn output | seqlab output | sklearn wall s | seqlab wall s | "
          "seqlab/sklearn wall | sklearn CPU s | seqlab CPU s | seqlab/sklearn CPU |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for calls in ("fit + transform", "fit_transform"):
        sk, ours = f"sk {calls}", f"ours {calls}"
        print(f"| {calls} | {describe(out[sk])} | {describe(out[ours])} | {wall[sk]:.2f} | "
              f"{wall[ours]:.2f} | {wall[ours] / wall[sk]:.2f} | {cpu[sk]:.2f} | {cpu[ours]:.2f} | "
              f"{cpu[ours] / cpu[sk]:.2f} |")
    ours_ok = np.array_equal(out["ours fit + transform"], out["ours fit_transform"])
    print(f"\n(medians of {repeats} interleaved rounds; seqlab/sklearn < 1 means seqlab is faster; "
          f"seqlab's fit + transform and fit_transform outputs equal: {'yes' if ours_ok else 'NO'})")
    return ours_ok


def part_like_for_like(texts: list[str], repeats: int) -> bool:
    from sklearn.feature_extraction.text import CountVectorizer

    rows = []
    for mode, binary in (("count", False), ("multi_hot", True)):
        def make(mode: str = mode) -> TextVectorizer:
            return TextVectorizer(standardize="lower", split=RegexTokenizer(SKLEARN_TOKENS),
                                  output_mode=mode, oov_token=None, sparse=True)

        def sk_make(binary: bool = binary) -> CountVectorizer:
            return CountVectorizer(binary=binary, dtype=np.float32)

        wall, cpu, out = interleaved_medians({
            "sk fit_transform": lambda: sk_make().fit_transform(texts),
            "ours fit_transform": lambda: make().fit_transform(texts),
            "sk fit + transform": lambda: sk_make().fit(texts).transform(texts),
            "ours fit + transform": lambda: make().fit(texts).transform(texts),
        }, repeats)
        sk = sk_make().fit(texts)
        vocab = make().fit(texts).get_vocabulary()
        x_sk = out["sk fit_transform"]
        ok = all(same_matrix(out[f"ours {c}"], vocab, x_sk, sk.vocabulary_)
                 for c in ("fit_transform", "fit + transform"))
        for calls in ("fit_transform", "fit + transform"):
            rows.append((mode, x_sk.shape, x_sk.nnz, calls, wall[f"sk {calls}"], wall[f"ours {calls}"],
                         cpu[f"sk {calls}"], cpu[f"ours {calls}"], ok))

    print("\n### Like for like: the same sparse matrix on both sides\n")
    print("| output | shape | nonzeros | calls | sklearn wall s | seqlab wall s | seqlab/sklearn "
          "wall | sklearn CPU s | seqlab CPU s | seqlab/sklearn CPU | same output |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for mode, shape, nnz, calls, w_sk, w_ours, c_sk, c_ours, ok in rows:
        print(f"| {mode} | {shape[0]}x{shape[1]} | {nnz:,} | {calls} | {w_sk:.2f} | {w_ours:.2f} | "
              f"{w_ours / w_sk:.2f} | {c_sk:.2f} | {c_ours:.2f} | {c_ours / c_sk:.2f} | "
              f"{'yes' if ok else 'NO'} |")
    print(f"\n(medians of {repeats} interleaved rounds; seqlab/sklearn < 1 means seqlab is faster)")
    return all(r[-1] for r in rows)


def load_nsmc(path: Path, limit: int) -> list[str]:
    """The review column of an NSMC file (id TAB document TAB label, one header line)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()[1:]
    return [line.split("\t")[1] for line in lines[:limit]]


def part_kiwi(repeats: int, n_docs: int, workers: int | None) -> bool:
    try:
        from kiwipiepy import Kiwi
    except ImportError:
        print("\nkiwi part skipped: kiwipiepy is not installed (pip install seqlab[ko])")
        return True
    if not NSMC.exists():
        print(f"\nkiwi part skipped: {NSMC} not found")
        return True
    from seqlab.text import KiwiTokenizer

    docs = load_nsmc(NSMC, n_docs)
    kiwi = KiwiTokenizer(kiwi=Kiwi(num_workers=workers) if workers is not None else None)
    kiwi("모델을 미리 불러온다")  # the model loads lazily: not timed

    def one_text_at_a_time(text: str) -> list[str]:  # no tokenize_batch: called per text
        return kiwi(text)

    wall, cpu, out = interleaved_medians({
        "tokenizer, one text at a time": lambda: [kiwi(t) for t in docs],
        "tokenizer, tokenize_batch": lambda: kiwi.tokenize_batch(docs),
        "TextVectorizer, one text at a time":
            lambda: TextVectorizer(split=one_text_at_a_time).fit_transform(docs),
        "TextVectorizer, batches (default)": lambda: TextVectorizer(split=kiwi).fit_transform(docs),
    }, repeats)
    same_tokens = out["tokenizer, one text at a time"] == out["tokenizer, tokenize_batch"]
    same_ids = np.array_equal(out["TextVectorizer, one text at a time"],
                              out["TextVectorizer, batches (default)"])
    threads = "kiwipiepy's default, every core" if workers is None else f"num_workers={workers}"
    print(f"\n### Kiwi on NSMC: {len(docs):,} reviews ({sum(map(len, docs)):,} characters), "
          f"Kiwi threads: {threads}\n")
    print("| what | wall s | CPU s | speed-up (wall) |")
    print("|---|---:|---:|---:|")
    pairs = (("tokenizer, one text at a time", "tokenizer, tokenize_batch"),
             ("TextVectorizer, one text at a time", "TextVectorizer, batches (default)"))
    for slow, fast in pairs:
        print(f"| {slow} | {wall[slow]:.2f} | {cpu[slow]:.2f} | |")
        print(f"| {fast} | {wall[fast]:.2f} | {cpu[fast]:.2f} | {wall[slow] / wall[fast]:.2f}x |")
    print(f"\n(medians of {repeats} interleaved rounds; CPU s counts every thread of this process; "
          f"same morphemes: {'yes' if same_tokens else 'NO'}, same ids: {'yes' if same_ids else 'NO'})")
    return same_tokens and same_ids


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N reviews")
    parser.add_argument("--part", choices=PARTS, nargs="+", default=list(PARTS))
    parser.add_argument("--kiwi-docs", type=int, default=10_000)
    parser.add_argument("--kiwi-workers", type=int, default=None,
                        help="Kiwi(num_workers=...); default: kiwipiepy's (every core)")
    args = parser.parse_args()
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    except ImportError:
        pass
    import seqlab

    print(machine_info())
    print(f"seqlab from {Path(seqlab.__file__).parent}")
    ok = True
    imdb_parts = [p for p in args.part if p != "kiwi"]
    if imdb_parts:
        if not DATA.exists():
            print(f"skipped: {DATA} not found (needs the shared data folder)")
            return 0
        try:
            import sklearn
        except ImportError:
            print("skipped: scikit-learn is not installed (pip install seqlab[bench])")
            return 0
        start = time.perf_counter()
        texts, _ = load_reviews("train", path=DATA, shuffle_seed=None)
        texts = texts[: args.limit]
        print(f"loaded {len(texts)} reviews ({sum(map(len, texts)) / 1e6:.1f}M chars) in "
              f"{time.perf_counter() - start:.1f} s (not timed); scikit-learn {sklearn.__version__}, "
              "one thread on each side")
        if "defaults" in imdb_parts:
            ok &= part_defaults(texts, args.repeats)
        if "like-for-like" in imdb_parts:
            ok &= part_like_for_like(texts, args.repeats)
    if "kiwi" in args.part:
        ok &= part_kiwi(args.repeats, args.kiwi_docs, args.kiwi_workers)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
