"""Word-vector evaluation: analogy questions and word-pair similarity.

Analogies (Mikolov et al.'s questions-words format): ``": section"`` lines
start a section; each other line ``a b c d`` asks a : b :: c : ?, expecting d.
The answer is the 3CosAdd winner — the word w maximising ŵ · m̂ with
m = b̂ + ĉ − â — among the first ``restrict_vocab`` words, excluding a, b
and c, exactly as gensim's ``evaluate_word_analogies``: with
``case_insensitive`` every word is upper-cased and a key maps to its most
frequent case variant; questions with a word outside the restricted
vocabulary are skipped (counted under ``"skipped"``) or, with
``dummy4unknown``, counted as wrong.

Word pairs (WordSim-353, SimLex-999): ``w1<TAB>w2<TAB>score`` lines, ``#``
comments. The model's cosines are compared with the human scores by Pearson's
r and Spearman's ρ (Pearson's r of the ranks, ties getting their average
rank). p-values are two-sided, from Student's t with n − 2 degrees of freedom:
t = r·sqrt((n − 2)/(1 − r²)), p = I_{(n−2)/(n−2+t²)}((n − 2)/2, 1/2), I the
regularized incomplete beta function.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from seqlab.embeddings.keyed_vectors import KeyedVectors

_BLOCK = 256


class Correlation(NamedTuple):
    statistic: float
    pvalue: float


class WordPairsResult(NamedTuple):
    """``pearson`` and ``spearman`` as (statistic, pvalue); ``oov_ratio`` in
    percent of the pairs (gensim's convention)."""

    pearson: Correlation
    spearman: Correlation
    oov_ratio: float


# --------------------------------------------------------------- statistics
def rankdata(values: np.ndarray) -> np.ndarray:
    """1-based ranks; tied values share the average of their ranks."""
    values = np.asarray(values, dtype=np.float64).ravel()
    order = np.argsort(values, kind="stable")
    sorted_vals = values[order]
    # a new group starts wherever the sorted value changes
    starts = np.flatnonzero(np.r_[True, sorted_vals[1:] != sorted_vals[:-1]])
    ends = np.r_[starts[1:], values.size]  # exclusive
    average = (starts + ends + 1) / 2.0  # mean of ranks starts+1 .. ends
    ranks = np.empty(values.size)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def _betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b) by its continued fraction (Lentz)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x > (a + 1.0) / (a + b + 2.0):  # the fraction converges fast on this side only
        return 1.0 - _betainc(b, a, 1.0 - x)
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    frac = d
    for m in range(1, 500):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            frac *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return math.exp(log_front) * frac / a


def _correlation_pvalue(r: float, n: int) -> float:
    if n < 3 or not np.isfinite(r):
        return float("nan")
    if abs(r) >= 1.0:
        return 0.0
    df = n - 2
    t2 = r * r * df / (1.0 - r * r)
    return _betainc(df / 2.0, 0.5, df / (df + t2))


def pearson(x: np.ndarray, y: np.ndarray) -> Correlation:
    """Pearson's r = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²) and its p-value."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise ValueError(f"pearson: x and y must have the same length, got {x.size} and {y.size}")
    if x.size < 2:
        return Correlation(float("nan"), float("nan"))
    dx, dy = x - x.mean(), y - y.mean()
    denom = math.sqrt(float(dx @ dx) * float(dy @ dy))
    if denom == 0.0:
        return Correlation(float("nan"), float("nan"))
    r = max(-1.0, min(1.0, float(dx @ dy) / denom))
    return Correlation(r, _correlation_pvalue(r, x.size))


def spearman(x: np.ndarray, y: np.ndarray) -> Correlation:
    """Spearman's ρ: Pearson's r of the average ranks, and its p-value."""
    return pearson(rankdata(x), rankdata(y))


# ---------------------------------------------------------------- vocabulary
def _restricted_vocab(kv: KeyedVectors, restrict_vocab: int,
                      case_insensitive: bool) -> dict[str, int]:
    keys = kv.index_to_key[:restrict_vocab]
    # reversed: when two keys fold to the same upper case, the earlier (more frequent) wins
    if case_insensitive:
        return {key.upper(): kv.key_to_index[key] for key in reversed(keys)}
    return {key: kv.key_to_index[key] for key in reversed(keys)}


def _read_lines(path: str | os.PathLike, what: str) -> list[str]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{what} file not found: {path}")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(f"{path}: line {line}, byte offset {exc.start}: not valid UTF-8") from None


# ----------------------------------------------------------------- analogies
def evaluate_word_analogies(kv: KeyedVectors, path: str | os.PathLike,
                            restrict_vocab: int = 300000, case_insensitive: bool = True,
                            dummy4unknown: bool = False) -> tuple[float, list[dict[str, Any]]]:
    """(accuracy, sections) like gensim's method.

    Each section is ``{"section": name, "correct": [(a, b, c, d), ...],
    "incorrect": [...], "skipped": n}`` and the last one, ``"Total
    accuracy"``, gathers them all. accuracy = correct / (correct + incorrect)
    over the questions not skipped (0.0 when none was answered).
    """
    ok_vocab = _restricted_vocab(kv, restrict_vocab, case_insensitive)
    sections: list[dict[str, Any]] = []
    questions: list[tuple[dict[str, Any], tuple[str, ...], tuple[int, ...]]] = []
    for line_no, line in enumerate(_read_lines(path, "analogy"), start=1):
        if line.startswith(": "):
            sections.append({"section": line[2:].strip(), "correct": [], "incorrect": [],
                             "skipped": 0})
            continue
        if not sections:
            raise ValueError(f"{path}: line {line_no}: a question comes before any ': section' "
                             "header")
        words = [w.upper() for w in line.split()] if case_insensitive else line.split()
        if len(words) != 4:
            continue  # gensim skips lines that are not four words
        if any(w not in ok_vocab for w in words):
            if dummy4unknown:
                sections[-1]["incorrect"].append(tuple(words))
            else:
                sections[-1]["skipped"] += 1
            continue
        questions.append((sections[-1], tuple(words), tuple(ok_vocab[w] for w in words)))

    unit = kv.get_normed_vectors()[:restrict_vocab]  # (Vr, E)
    for lo in range(0, len(questions), _BLOCK):
        block = questions[lo:lo + _BLOCK]
        idx = np.array([q[2] for q in block], dtype=np.int64)  # (Q, 4): a, b, c, d
        query = unit[idx[:, 1]] + unit[idx[:, 2]] - unit[idx[:, 0]]  # (Q, E)
        scores = query @ unit.T  # (Q, Vr); the norm of the query does not change the order
        k = min(8, unit.shape[0])  # topn 5 + the 3 query words, as gensim searches
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k] if k < unit.shape[0] else \
            np.tile(np.arange(k), (len(block), 1))
        for row, (section, words, ids) in enumerate(block):
            cand = top[row][np.argsort(-scores[row, top[row]], kind="stable")]
            exclude = set(ids[:3])
            predicted = None
            for index in [i for i in cand if i not in exclude][:5]:
                key = kv.index_to_key[index]
                predicted = key.upper() if case_insensitive else key
                if predicted in ok_vocab and predicted not in words[:3]:
                    break
            section["correct" if predicted == words[3] else "incorrect"].append(words)

    total = {"section": "Total accuracy",
             "correct": [q for s in sections for q in s["correct"]],
             "incorrect": [q for s in sections for q in s["incorrect"]],
             "skipped": sum(s["skipped"] for s in sections)}
    sections.append(total)
    answered = len(total["correct"]) + len(total["incorrect"])
    return (len(total["correct"]) / answered if answered else 0.0), sections


# ---------------------------------------------------------------- word pairs
def read_word_pairs(path: str | os.PathLike, delimiter: str = "\t") -> list[tuple[str, str, float]]:
    """The (word1, word2, score) rows of a word-pair file (gensim's rules: blank
    lines, ``#`` lines, lines without exactly three fields and lines whose
    score is not a number are skipped)."""
    pairs = []
    for line in _read_lines(path, "word-pair"):
        if not line or line.startswith("#"):
            continue
        fields = line.split(delimiter)
        if len(fields) != 3:
            continue
        try:
            pairs.append((fields[0], fields[1], float(fields[2])))
        except ValueError:
            continue
    return pairs


def evaluate_word_pairs(kv: KeyedVectors, path: str | os.PathLike, delimiter: str = "\t",
                        restrict_vocab: int = 300000, case_insensitive: bool = True,
                        dummy4unknown: bool = False) -> WordPairsResult:
    """Correlate cos(w1, w2) with the file's human scores (the pairs of
    :func:`read_word_pairs`; pairs with a word outside the first
    ``restrict_vocab`` words are left out, or scored 0 with ``dummy4unknown``)."""
    ok_vocab = _restricted_vocab(kv, restrict_vocab, case_insensitive)
    unit = kv.get_normed_vectors()
    gold: list[float] = []
    model: list[float] = []
    oov = 0
    for a, b, score in read_word_pairs(path, delimiter):
        if case_insensitive:
            a, b = a.upper(), b.upper()
        if a not in ok_vocab or b not in ok_vocab:
            oov += 1
            if dummy4unknown:
                gold.append(score)
                model.append(0.0)
            continue
        gold.append(score)
        model.append(float(unit[ok_vocab[a]] @ unit[ok_vocab[b]]))
    if not gold:
        raise ValueError(f"{path}: no usable word pairs: {oov} pairs have a word outside the "
                         f"first {restrict_vocab} words, and no other line holds word1, word2 "
                         f"and a score separated by {delimiter!r}")
    oov_ratio = 100.0 * oov / (len(gold) if dummy4unknown else len(gold) + oov)
    return WordPairsResult(pearson(gold, model), spearman(gold, model), oov_ratio)
