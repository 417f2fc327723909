"""TextVectorizer vs scikit-learn CountVectorizer on the 25,000 IMDB training reviews.

Both sides produce the same sparse (25000, V) matrix: lower-cased text,
scikit-learn's default tokens (``\\b\\w\\w+\\b``: runs of two or more word
characters), every token kept, output ``count`` (sklearn ``binary=False``)
and ``multi_hot`` (sklearn ``binary=True``), as a ``scipy.sparse`` CSR matrix.
seqlab orders columns by frequency and scikit-learn alphabetically, so the
check maps each sklearn column to seqlab's through the two vocabularies and
requires every entry to be equal.

Timed, like for like: ``fit_transform(texts)`` on both sides (one pass over
the text each), and ``fit(texts)`` then ``transform(texts)`` on both sides
(two passes each). Medians of ``--repeats`` interleaved rounds (each round
runs every variant once), wall-clock and this process's CPU time, in the same
process, single-threaded on both sides.

Run from the repository root:
    python benchmarks/bench_vectorizer.py [--repeats 3] [--limit N]
Needs ../shared/data/imdb/aclImdb_v1_labeled.tar.gz and scikit-learn.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tarfile
import time
from pathlib import Path

import numpy as np

from seqlab.text import RegexTokenizer, TextVectorizer

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "imdb" / "aclImdb_v1_labeled.tar.gz"
SKLEARN_TOKENS = r"\b\w\w+\b"


def load_train_reviews(path: Path, limit: int | None = None) -> list[str]:
    """The train/pos and train/neg reviews of the aclImdb archive, in sorted name order."""
    texts = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            name = member.name
            if member.isfile() and name.endswith(".txt") and (
                "/train/pos/" in name or "/train/neg/" in name
            ):
                texts[name] = tar.extractfile(member).read().decode("utf-8")  # type: ignore[union-attr]
    names = sorted(texts)
    return [texts[n] for n in names[:limit]]


def interleaved_medians(fns: dict, repeats: int) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    """Run every function once per round, ``repeats`` rounds, so that a burst of load
    from other processes hits all of them alike. Returns (median wall s, median CPU s,
    last result) per name; CPU time is this process's (``time.process_time``)."""
    walls: dict = {name: [] for name in fns}  # type: ignore[type-arg]
    cpus: dict = {name: [] for name in fns}  # type: ignore[type-arg]
    results: dict = {}  # type: ignore[type-arg]
    for _ in range(repeats):
        for name, fn in fns.items():
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N reviews")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} not found (needs the shared data folder)")
        return 0
    try:
        import sklearn
        from sklearn.feature_extraction.text import CountVectorizer
    except ImportError:
        print("skipped: scikit-learn is not installed (pip install seqlab[bench])")
        return 0

    start = time.perf_counter()
    texts = load_train_reviews(DATA, args.limit)
    print(f"loaded {len(texts)} reviews ({sum(map(len, texts)) / 1e6:.1f}M chars) "
          f"in {time.perf_counter() - start:.1f} s (not timed below)")
    print(f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn "
          f"{sklearn.__version__}, {os.cpu_count()} CPUs, one thread on each side")

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
        }, args.repeats)
        sk = sk_make().fit(texts)
        vocab = make().fit(texts).get_vocabulary()
        x_sk = out["sk fit_transform"]
        ok = all(same_matrix(out[f"ours {c}"], vocab, x_sk, sk.vocabulary_)
                 for c in ("fit_transform", "fit + transform"))
        for calls in ("fit_transform", "fit + transform"):
            rows.append((mode, x_sk.shape, x_sk.nnz, calls, wall[f"sk {calls}"], wall[f"ours {calls}"],
                         cpu[f"sk {calls}"], cpu[f"ours {calls}"], ok))

    print()
    print("| output | shape | nonzeros | calls | sklearn wall s | seqlab wall s | seqlab/sklearn "
          "wall | sklearn CPU s | seqlab CPU s | seqlab/sklearn CPU | same output |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for mode, shape, nnz, calls, w_sk, w_ours, c_sk, c_ours, ok in rows:
        print(f"| {mode} | {shape[0]}x{shape[1]} | {nnz:,} | {calls} | {w_sk:.2f} | {w_ours:.2f} | "
              f"{w_ours / w_sk:.2f} | {c_sk:.2f} | {c_ours:.2f} | {c_ours / c_sk:.2f} | "
              f"{'yes' if ok else 'NO'} |")
    print(f"(medians of {args.repeats} interleaved rounds; seqlab/sklearn < 1 means seqlab is faster)")
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
