"""word2vec by SGD with negative sampling: the readable reference of the training kernel.

One example at a time, for an input h (skip-gram: one context word's vector;
CBOW: the sum or mean of the context's vectors) and a target word o with
noise words n ~ count^0.75:

    L = −log σ(h·v'_o) − Σ_n log σ(−h·v'_n)
    for each word w in {o} ∪ noise:  g = (y_w − σ(h·v'_w))·α,  dh += g·v'_w,  v'_w += g·h
    then each input word's vector += dh            (y_o = 1, y_n = 0)

(``use_kernels("numpy")`` runs it.) The same algorithm as
:mod:`seqlab.kernels.word2vec`, written for reading:
one example at a time, with NumPy vector operations, the exact logistic
function and a binary search (``np.searchsorted``) for the noise words instead
of the guide table. It draws the same random numbers in the same order, so
with the same state it trains the same vectors (up to float32 rounding) —
about 50x slower.

Order of random draws in a job (the kernels' contract): N noise words for the
first example; then per sentence one 32-bit draw per word (subsampling); per
kept word one draw for the reduced window; per example the N noise words of
the *next* example (skip-gram: one example per (context, center) pair; CBOW:
one per center word with a non-empty context).
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

#: The noise distribution: ``cum`` the cumulative table of count^0.75
#: (integers; word v is drawn for r in [cum[v−1], cum[v])), and the fast
#: path's lookup index into it, ``guide`` and ``shift``
#: (:func:`seqlab.embeddings.sampling.guide_table`; the reference searches ``cum``).
NoiseTable = namedtuple("NoiseTable", "cum guide shift")

_MASK64 = (1 << 64) - 1
_MULT = 0x2545F4914F6CDD1D
MAX_SENTENCE_LEN = 10000
LOSS_EVERY = 8


class _Random:
    """xorshift64*, upper 32 output bits (the kernels' generator)."""

    def __init__(self, state: int) -> None:
        self.state = int(state) & _MASK64

    def next32(self) -> int:
        s = self.state
        s ^= s >> 12
        s ^= (s << 25) & _MASK64
        s ^= s >> 27
        self.state = s
        return ((s * _MULT) & _MASK64) >> 32

    def below(self, n: int) -> int:
        """Uniform in [0, n): (r32 · n) >> 32."""
        return (self.next32() * int(n)) >> 32


def _draw(rng: _Random, cum: np.ndarray, n: int) -> list[int]:
    """n noise words: the first v with cum[v] > r, r uniform in [0, cum[-1])."""
    total = int(cum[-1])
    return [int(np.searchsorted(cum, rng.below(total), side="right")) for _ in range(n)]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _example(h: np.ndarray, target: int, noise: list[int], syn1neg: np.ndarray,
             alpha: np.float32, measure: bool) -> tuple[np.ndarray, float]:
    """dh for input h predicting target against noise; updates syn1neg rows.

    x = h·W_out[t], g = (y − σ(x))·α, dh += g·W_out[t], W_out[t] += g·h.
    """
    dh = np.zeros_like(h)
    loss = 0.0
    for t, label in [(target, 1.0)] + [(t, 0.0) for t in noise if t != target]:
        sig = _sigmoid(float(np.dot(h, syn1neg[t])))
        g = np.float32((label - sig) * alpha)
        dh += g * syn1neg[t]
        syn1neg[t] += g * h
        if measure:
            loss -= math.log(max(sig if label else 1.0 - sig, 1e-30))
    return dh, loss


def train_job(syn0: np.ndarray, syn1neg: np.ndarray, ids: np.ndarray, starts: np.ndarray,
              s0: int, s1: int, sample_int: np.ndarray, noise: NoiseTable, window: int,
              negative: int, alpha0: float, alpha1: float, words_done: int, total_words: int,
              state: int, compute_loss: bool, sg: bool, cbow_mean: bool = True
              ) -> tuple[int, int, int, float, int, int]:
    """Train one job in place; returns the kernels' tuple (words_seen, words_kept,
    examples, loss_sum, loss_examples, state)."""
    rng = _Random(state)
    cum = noise.cum
    pending = _draw(rng, cum, negative)
    seen = n_kept = examples = measured = 0
    loss = 0.0
    for s in range(s0, s1):
        lo = int(starts[s])
        hi = min(int(starts[s + 1]), lo + MAX_SENTENCE_LEN)
        kept = [int(v) for v in ids[lo:hi] if rng.next32() <= int(sample_int[v])]
        a = alpha0 - (alpha0 - alpha1) * ((words_done + seen) / total_words)
        alpha = np.float32(max(a, alpha1))
        seen += hi - lo
        n_kept += len(kept)
        n = len(kept)
        for i in range(n):
            b = rng.below(window)
            context = [kept[j] for j in range(max(0, i - window + b), min(n, i + window + 1 - b))
                       if j != i]
            pairs = [[c] for c in context] if sg else ([context] if context else [])
            for inputs in pairs:
                noise_words, pending = pending, _draw(rng, cum, negative)
                h = syn0[inputs].sum(axis=0)  # (E,)
                if not sg and cbow_mean:
                    h = h / np.float32(len(inputs))
                measure = compute_loss and examples % LOSS_EVERY == 0
                dh, ex_loss = _example(h.astype(np.float32), kept[i], noise_words, syn1neg, alpha,
                                       measure)
                if not sg and not cbow_mean:
                    dh = dh / np.float32(len(inputs))
                for c in inputs:  # a word twice in the context gets dh twice
                    syn0[c] += dh
                loss += ex_loss
                measured += measure
                examples += 1
    return seen, n_kept, examples, loss, measured, rng.state
