"""Numba kernels for word2vec with negative sampling (CBOW and skip-gram).

One call trains on one *job*: sentences ``s0 .. s1-1`` of an encoded corpus
(``ids`` holds in-vocabulary word ids, ``starts[s]`` is where sentence ``s``
begins, so ``starts`` has one entry more than there are sentences). Kernels are
compiled with ``nogil=True`` so several Python threads can train on different
jobs at once, updating the shared matrices without locks ("Hogwild", like the
C tool and gensim).

Notation: E embedding dim, V vocabulary size, ``W_in`` = ``syn0`` (V, E) the
word vectors, ``W_out`` = ``syn1neg`` (V, E) the output vectors, σ the
logistic function, α the learning rate, N the number of negative samples.

Per kept word at position i, a reduced window b ~ U{0, .., window-1} is drawn
and the context is the kept words at positions i-(window-b) .. i+(window-b),
excluding i, within the sentence (after subsampling has removed words).

Negative-sampling step for an input vector h (E,) and a target word t with
label y (1 for the true word, 0 for the N sampled noise words)::

    x  = h · W_out[t]
    g  = (y - σ(x)) · α
    dh += g · W_out[t]          (applied to the input rows after all targets)
    W_out[t] += g · h
    loss += -log σ(x) if y = 1 else -log σ(-x)

σ is seqlab's float32 rational approximation (abs error ≲ 1e-7, see
:mod:`seqlab.kernels.fastmath`); a noise word equal to the true word is skipped.

Skip-gram (as gensim and the C tool): for each context word c of center w,
h = W_in[c] predicts w; then W_in[c] += dh.
CBOW: h = Σ_c W_in[c] (divided by the context size C when ``cbow_mean``)
predicts w; then every W_in[c] += dh (divided by C when not ``cbow_mean``,
as gensim does).

Subsampling: word v is kept when ``r32 <= sample_int[v]`` for a uniform 32-bit
random r32, so ``sample_int[v] = keep_prob(v) · (2^32 - 1)``.

Negative sampling draws r uniform in [0, cum[-1]) and returns the first v
with ``cum[v] > r`` (``cum`` is the cumulative unigram^0.75 table). A guide
table makes this O(1) on average: ``guide[r >> shift]`` is the first v whose
bucket can contain r, and a short forward scan finishes the search. Uniform
integers in [0, n) are ``(r32 · n) >> 32`` (no division).

Speed: the noise words of the next example are drawn one example ahead and
their ``W_out`` rows prefetched with write intent (``llvm.prefetch``), as are
the rows the next center word needs, so cache misses on random rows overlap
with arithmetic; the output-row update and the dh accumulation share one loop
(one pass over the row); the loss (a log per target) is measured on every 8th
example only.

Random numbers come from a 64-bit xorshift* generator whose state is passed in
and returned, so one worker and one seed give identical vectors.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from seqlab.kernels.fastmath import sigmoid_
from seqlab.kernels.jit import kernel

MAX_SENTENCE_LEN = 10000

_ONE = np.float32(1.0)
_ZERO = np.float32(0.0)
_TINY = np.float32(1e-30)
_U12 = np.uint64(12)
_U25 = np.uint64(25)
_U27 = np.uint64(27)
_U32 = np.uint64(32)
_MULT = np.uint64(0x2545F4914F6CDD1D)
_CACHE_LINE = 64
_MAX_PREFETCH_LINES = 32
_LOSS_EVERY_MASK = 7  # the loss (a log per target) is measured on every 8th example


@intrinsic
def _prefetch_row(typingctx, arr, row):
    """Hint the CPU to load row ``row`` of the C-contiguous 2-D ``arr`` into cache."""
    sig = types.void(arr, row)

    def codegen(context, builder, signature, args):
        arr_type, row_type = signature.args
        array = context.make_array(arr_type)(context, builder, args[0])
        index = context.cast(builder, args[1], row_type, types.intp)
        zero = context.get_constant(types.intp, 0)
        first = cgutils.get_item_pointer(context, builder, arr_type, array, [index, zero],
                                         wraparound=False)
        byte_ptr = ir.IntType(8).as_pointer()
        base = builder.bitcast(first, byte_ptr)
        row_bytes = builder.mul(builder.extract_value(array.shape, 1),
                                context.get_constant(types.intp, arr_type.dtype.bitwidth // 8))
        int32 = ir.IntType(32)
        fn_type = ir.FunctionType(ir.VoidType(), [byte_ptr, int32, int32, int32])
        prefetch = cgutils.get_or_insert_function(builder.module, fn_type, "llvm.prefetch.p0i8")
        for line in range(_MAX_PREFETCH_LINES):
            offset = context.get_constant(types.intp, _CACHE_LINE * line)
            with builder.if_then(builder.icmp_signed("<", offset, row_bytes), likely=True):
                # write intent (1: every prefetched row is updated), keep in all cache
                # levels (3), data cache (1)
                builder.call(prefetch, [builder.gep(base, [offset]), int32(1), int32(3),
                                        int32(1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(inline="always")
def _next_random(state):
    """xorshift64*: advance the state; return (new_state, upper 32 output bits)."""
    state ^= state >> _U12
    state ^= state << _U25
    state ^= state >> _U27
    return state, (state * _MULT) >> _U32


@njit(inline="always")
def _below(r32, n):
    """A uniform integer in [0, n) from a uniform 32-bit r32: (r32 · n) >> 32."""
    return np.int64((r32 * np.uint64(n)) >> _U32)


@njit(inline="always")
def _draw_negatives(pending, syn1neg, cum, guide, guide_shift, state):
    """Fill ``pending`` with N noise words and prefetch their output rows."""
    total = np.int64(cum[cum.shape[0] - 1])
    for d in range(pending.shape[0]):
        state, r32 = _next_random(state)
        r = _below(r32, total)
        v = guide[r >> guide_shift]
        while np.int64(cum[v]) <= r:
            v += 1
        pending[d] = v
        _prefetch_row(syn1neg, v)
    return state


@njit(inline="always")
def _negative_sampling(h, dh, syn1neg, target, pending, current, alpha, cum, guide,
                       guide_shift, state, compute_loss):
    """Add to dh the input gradient of h (E,) predicting ``target`` against the
    noise words drawn earlier (``pending``); update syn1neg rows; draw the noise
    words of the next example. Returns (state, summed loss)."""
    size = h.shape[0]
    for d in range(pending.shape[0]):
        current[d] = pending[d]
    state = _draw_negatives(pending, syn1neg, cum, guide, guide_shift, state)
    loss = _ZERO
    for d in range(current.shape[0] + 1):
        if d == 0:
            t = target
            label = _ONE
        else:
            t = current[d - 1]
            if t == target:
                continue
            label = _ZERO
        x = _ZERO
        for k in range(size):
            x += h[k] * syn1neg[t, k]
        sig = sigmoid_(x)
        g = (label - sig) * alpha
        for k in range(size):
            dh[k] += g * syn1neg[t, k]
            syn1neg[t, k] += g * h[k]
        if compute_loss:
            p = sig if d == 0 else _ONE - sig
            loss -= np.float32(math.log(max(p, _TINY)))
    return state, loss


@njit(inline="always")
def _alpha_at(alpha0, alpha1, done, total):
    """Linear decay from alpha0 to alpha1 over ``total`` words, floored at alpha1."""
    a = alpha0 - (alpha0 - alpha1) * (np.float32(done) / np.float32(total))
    return np.float32(max(a, alpha1))


@njit(inline="always")
def _subsample(ids, lo, hi, sample_int, kept, state):
    """Copy ids[lo:hi] into ``kept``, keeping word v when r32 <= sample_int[v].
    Returns (count kept, state)."""
    n = 0
    for p in range(lo, hi):
        v = ids[p]
        state, r32 = _next_random(state)
        if np.uint64(sample_int[v]) < r32:
            continue
        kept[n] = v
        n += 1
    return n, state


@kernel(error_model="python", boundscheck=None)
def train_sg_job(syn0, syn1neg, ids, starts, s0, s1, sample_int, cum, guide, guide_shift,
                 window, negative, alpha0, alpha1, words_done, total_words, state,
                 compute_loss):
    """Skip-gram with negative sampling on sentences s0..s1-1.

    Returns (words_seen, words_kept, examples, loss_sum, loss_examples, state):
    words before and after subsampling, number of (context → center)
    examples, the loss summed over every 8th example and the number of those
    examples (when ``compute_loss``), and the advanced random state.
    """
    size = syn0.shape[1]
    h = np.empty(size, dtype=np.float32)
    dh = np.empty(size, dtype=np.float32)
    kept = np.empty(MAX_SENTENCE_LEN, dtype=np.int32)
    pending = np.empty(negative, dtype=np.int64)
    current = np.empty(negative, dtype=np.int64)
    state = _draw_negatives(pending, syn1neg, cum, guide, guide_shift, state)
    seen = 0
    n_kept = 0
    examples = 0
    measured = 0
    loss = _ZERO
    for s in range(s0, s1):
        lo = starts[s]
        hi = min(starts[s + 1], lo + MAX_SENTENCE_LEN)
        n, state = _subsample(ids, lo, hi, sample_int, kept, state)
        alpha = _alpha_at(alpha0, alpha1, words_done + seen, total_words)
        seen += hi - lo
        n_kept += n
        for i in range(n):
            state, r32 = _next_random(state)
            b = _below(r32, window)
            j0 = max(0, i - window + b)
            j1 = min(n, i + window + 1 - b)
            center = kept[i]
            if i + 1 < n:
                _prefetch_row(syn1neg, kept[i + 1])
            if i + window + 1 < n:
                _prefetch_row(syn0, kept[i + window + 1])
            for j in range(j0, j1):
                if j == i:
                    continue
                w = kept[j]
                for k in range(size):
                    h[k] = syn0[w, k]
                dh[:] = _ZERO
                measure = compute_loss and (examples & _LOSS_EVERY_MASK) == 0
                state, pair_loss = _negative_sampling(h, dh, syn1neg, center, pending, current,
                                                      alpha, cum, guide, guide_shift, state,
                                                      measure)
                for k in range(size):
                    syn0[w, k] += dh[k]
                loss += pair_loss
                measured += measure
                examples += 1
    return seen, n_kept, examples, loss, measured, state


@kernel(error_model="python", boundscheck=None)
def train_cbow_job(syn0, syn1neg, ids, starts, s0, s1, sample_int, cum, guide, guide_shift,
                   window, negative, alpha0, alpha1, words_done, total_words, state,
                   compute_loss, cbow_mean):
    """CBOW with negative sampling on sentences s0..s1-1 (same returns as
    :func:`train_sg_job`; an example is one center word with its context)."""
    size = syn0.shape[1]
    h = np.empty(size, dtype=np.float32)
    dh = np.empty(size, dtype=np.float32)
    kept = np.empty(MAX_SENTENCE_LEN, dtype=np.int32)
    pending = np.empty(negative, dtype=np.int64)
    current = np.empty(negative, dtype=np.int64)
    state = _draw_negatives(pending, syn1neg, cum, guide, guide_shift, state)
    seen = 0
    n_kept = 0
    examples = 0
    measured = 0
    loss = _ZERO
    for s in range(s0, s1):
        lo = starts[s]
        hi = min(starts[s + 1], lo + MAX_SENTENCE_LEN)
        n, state = _subsample(ids, lo, hi, sample_int, kept, state)
        alpha = _alpha_at(alpha0, alpha1, words_done + seen, total_words)
        seen += hi - lo
        n_kept += n
        for i in range(n):
            state, r32 = _next_random(state)
            b = _below(r32, window)
            j0 = max(0, i - window + b)
            j1 = min(n, i + window + 1 - b)
            count = j1 - j0 - 1
            if i + 1 < n:
                _prefetch_row(syn1neg, kept[i + 1])
            if i + window + 1 < n:
                _prefetch_row(syn0, kept[i + window + 1])
            if count <= 0:
                continue
            h[:] = _ZERO
            for j in range(j0, j1):
                if j == i:
                    continue
                w = kept[j]
                for k in range(size):
                    h[k] += syn0[w, k]
            inv = _ONE / np.float32(count)
            if cbow_mean:
                for k in range(size):
                    h[k] *= inv
            dh[:] = _ZERO
            measure = compute_loss and (examples & _LOSS_EVERY_MASK) == 0
            state, ex_loss = _negative_sampling(h, dh, syn1neg, kept[i], pending, current,
                                                alpha, cum, guide, guide_shift, state,
                                                measure)
            if not cbow_mean:
                for k in range(size):
                    dh[k] *= inv
            for j in range(j0, j1):
                if j == i:
                    continue
                w = kept[j]
                for k in range(size):
                    syn0[w, k] += dh[k]
            loss += ex_loss
            measured += measure
            examples += 1
    return seen, n_kept, examples, loss, measured, state


def train_job(syn0, syn1neg, ids, starts, s0, s1, sample_int, noise, window, negative, alpha0,
              alpha1, words_done, total_words, state, compute_loss, sg, cbow_mean=True):
    """Same arguments and results as :func:`seqlab.functional.word2vec.train_job`:
    :func:`train_sg_job` or :func:`train_cbow_job` on the noise table's guide."""
    head = (syn0, syn1neg, ids, starts, s0, s1, sample_int, noise.cum, noise.guide, noise.shift,
            window, negative, alpha0, alpha1, words_done, total_words, state, compute_loss)
    if sg:
        return train_sg_job(*head)
    return train_cbow_job(*head, bool(cbow_mean))
