"""Word2Vec: CBOW and skip-gram with negative sampling, trained by Numba kernels.

The model (Mikolov et al., 2013) as in the C tool and gensim: word vectors
``W_in`` (V, E) start uniform in [-0.5/E, 0.5/E], output vectors ``W_out``
(V, E) start at zero; frequent words are subsampled, every kept word draws a
reduced window, and each (input, target) example is trained with N negative
words from the unigram^0.75 distribution. The learning rate falls linearly
from ``alpha`` to ``min_alpha`` over all in-vocabulary words of all epochs.
See :mod:`seqlab.kernels.word2vec` for the update equations and
:mod:`seqlab.embeddings.sampling` for the tables. Under
``seqlab.use_kernels("numpy")`` the readable (slow) reference
:mod:`seqlab.functional.word2vec` trains instead, drawing the same random
numbers.

Usage::

    model = Word2Vec(corpus_file="corpus.txt", vector_size=100, sg=1, workers=2)
    model.wv.most_similar(positive=["king", "woman"], negative=["man"])
    model.save("vectors.bin")

The scan that builds the vocabulary also keeps the corpus in memory as int32
ids (4 bytes per token, ``cache_corpus=True``), so the epochs run without
re-reading or re-tokenizing; with ``cache_corpus=False`` every epoch streams
the corpus again (a file, or an iterable that can be iterated repeatedly).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.embeddings import corpus as corpus_mod
from seqlab.embeddings import sampling
from seqlab.embeddings.keyed_vectors import KeyedVectors
from seqlab.embeddings.progress import TrainingProgress
from seqlab.embeddings.training import Job, JobResult, cached_jobs, job_state, run_jobs
from seqlab.errors import NotFittedError
from seqlab.functional.word2vec import NoiseTable
from seqlab.kernels import chosen
from seqlab.random import make_rng

Sentences = Iterable[Sequence[str]]


def _check_float(name: str, value: Any, low: float, high: float = float("inf")) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not (low <= float(value) <= high):
        raise ValueError(f"Word2Vec: {name} must be a number in [{low}, {high}], got {value!r}")
    return float(value)


class Word2Vec:
    """Word2vec with negative sampling; ``sg=1`` skip-gram, ``sg=0`` CBOW.

    Arguments follow gensim's. When ``sentences`` (an iterable of token lists)
    or ``corpus_file`` (one sentence per line) is given, the vocabulary is
    built and the model trained at once; otherwise call :meth:`fit` or
    :meth:`build_vocab` then :meth:`train`.

    Reproducibility: with ``workers=1`` (the default) a ``seed`` gives the
    same vectors on every run. With several workers it does not: the threads
    update the shared vectors without locks, in an order that depends on
    thread timing, so two runs with the same seed can give different vectors
    (of the same quality). Use ``workers=1`` when results must repeat.

    Differences from gensim: only negative sampling (no hierarchical
    softmax); ``max_vocab_size`` caps the final vocabulary (the most frequent
    words after ``min_count``) instead of pruning while counting; ties in
    frequency keep the order of first appearance (gensim puts the word seen
    last first); the logistic function is computed (not looked up in a
    table) and examples with |h·W_out[t]| >= 6 still update.

    Learned state: ``wv`` (:class:`KeyedVectors`, the word vectors),
    ``syn1neg`` (output vectors), ``counts_`` (word frequencies in ``wv``
    order), ``corpus_words_`` and ``corpus_sentences_`` (raw tokens and
    sentences scanned), ``loss_history_`` (for each epoch, the mean loss of
    an example, measured on every 8th example when ``compute_loss``),
    and of the last :meth:`train`: ``examples_``, ``trained_words_`` (words
    left after subsampling), ``train_seconds_`` and ``words_per_second_``
    (in-vocabulary words read per second).
    """

    def __init__(self, sentences: Sentences | None = None,
                 corpus_file: str | os.PathLike | None = None, vector_size: int = 100,
                 window: int = 5, min_count: int = 5, sg: int = 0, negative: int = 5,
                 ns_exponent: float = 0.75, sample: float = 1e-3, alpha: float = 0.025,
                 min_alpha: float = 0.0001, epochs: int = 5, workers: int = 1, seed: int = 1,
                 max_vocab_size: int | None = None, batch_words: int = 10000,
                 cbow_mean: int = 1, compute_loss: bool = True, verbose: bool = False,
                 cache_corpus: bool = True, errors: str = "strict") -> None:
        self.vector_size = checks.integer("Word2Vec", "vector_size", vector_size, 1)
        self.window = checks.integer("Word2Vec", "window", window, 1)
        self.min_count = checks.integer("Word2Vec", "min_count", min_count, 1)
        if sg not in (0, 1):
            raise ValueError(f"Word2Vec: sg must be 0 (CBOW) or 1 (skip-gram), got {sg!r}")
        self.sg = int(sg)
        self.negative = checks.integer("Word2Vec", "negative", negative, 1)
        self.ns_exponent = _check_float("ns_exponent", ns_exponent, -10.0, 10.0)
        self.sample = _check_float("sample", sample, 0.0, 1.0)
        self.alpha = _check_float("alpha", alpha, 0.0)
        if self.alpha == 0:
            raise ValueError("Word2Vec: alpha must be > 0, got 0")
        self.min_alpha = _check_float("min_alpha", min_alpha, 0.0, self.alpha)
        self.epochs = checks.integer("Word2Vec", "epochs", epochs, 1)
        self.workers = checks.integer("Word2Vec", "workers", workers, 1)
        self.seed = checks.integer("Word2Vec", "seed", seed, 0)
        self.max_vocab_size = (None if max_vocab_size is None
                               else checks.integer("Word2Vec", "max_vocab_size", max_vocab_size, 1))
        self.batch_words = checks.integer("Word2Vec", "batch_words", batch_words, 1)
        if cbow_mean not in (0, 1, True, False):
            raise ValueError(f"Word2Vec: cbow_mean must be 0 or 1, got {cbow_mean!r}")
        self.cbow_mean = int(cbow_mean)
        self.compute_loss = bool(compute_loss)
        self.verbose = bool(verbose)
        self.cache_corpus = bool(cache_corpus)
        self.errors = errors
        self._wv: KeyedVectors | None = None
        self._ids: np.ndarray | None = None
        self._starts: np.ndarray | None = None
        self._source: tuple[Sentences | None, str | os.PathLike | None] = (None, None)
        self._epochs_trained = 0
        self.loss_history_: list[float] = []
        if sentences is not None or corpus_file is not None:
            self.fit(sentences=sentences, corpus_file=corpus_file)

    # ------------------------------------------------------------------ state
    @property
    def wv(self) -> KeyedVectors:
        """The word vectors (raises NotFittedError before :meth:`build_vocab`)."""
        if self._wv is None:
            raise NotFittedError("Word2Vec is not fitted yet: call fit(), or build_vocab() "
                                 "then train(), or pass sentences= / corpus_file=")
        return self._wv

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments (without the corpus), JSON-serialisable."""
        names = ("vector_size", "window", "min_count", "sg", "negative", "ns_exponent",
                 "sample", "alpha", "min_alpha", "epochs", "workers", "seed",
                 "max_vocab_size", "batch_words", "cbow_mean", "compute_loss", "verbose",
                 "cache_corpus", "errors")
        return {name: getattr(self, name) for name in names}

    def __repr__(self) -> str:
        fitted = f"vocab={len(self._wv)}" if self._wv is not None else "not fitted"
        kind = "skip-gram" if self.sg else "CBOW"
        return f"Word2Vec({kind}, vector_size={self.vector_size}, {fitted})"

    # ------------------------------------------------------------ vocabulary
    def build_vocab(self, sentences: Sentences | None = None,
                    corpus_file: str | os.PathLike | None = None) -> Word2Vec:
        """Scan the corpus, keep words with count >= min_count, build the
        sampling tables and initialise the weights. Returns self."""
        stream = corpus_mod.open_corpus(sentences, corpus_file, errors=self.errors)
        scan = corpus_mod.scan_corpus(stream, keep=self.cache_corpus)
        if scan.n_tokens == 0:
            where = f"corpus_file {corpus_file}" if corpus_file is not None else "sentences"
            raise ValueError(f"Word2Vec: the corpus is empty: {where} holds no tokens")
        order = sampling.vocabulary_order(scan.counts, self.min_count, self.max_vocab_size)
        if order.size == 0:
            raise ValueError(
                f"Word2Vec: no word occurs at least min_count={self.min_count} times in a "
                f"corpus of {scan.n_tokens} tokens (most frequent: {int(scan.counts.max())}); "
                "lower min_count")
        counts = scan.counts[order]
        keys = [scan.words[p] for p in order]
        if scan.ids is not None:
            mapping = np.full(len(scan.words), -1, dtype=np.int32)
            mapping[order] = np.arange(order.size, dtype=np.int32)
            self._ids, self._starts = corpus_mod.remap_corpus(scan.ids, scan.starts, mapping)
        else:
            self._ids = self._starts = None
        self._source = (sentences, corpus_file)
        self.counts_ = counts
        self.corpus_words_ = scan.n_tokens
        self.corpus_sentences_ = scan.n_sentences
        self.effective_words_ = int(counts.sum())  # in-vocabulary tokens per epoch
        self._sample_int = sampling.sample_ints(counts, self.sample)
        cum = sampling.cumulative_table(counts, self.ns_exponent)
        self._noise = NoiseTable(cum, *sampling.guide_table(cum))
        rng = make_rng(self.seed)
        scale = 0.5 / self.vector_size
        vectors = rng.uniform(-scale, scale, (order.size, self.vector_size)).astype(np.float32)
        self._state_seed = int(rng.integers(0, 2**62))
        self._wv = KeyedVectors(vectors, keys)
        self.syn1neg = np.zeros((order.size, self.vector_size), dtype=np.float32)
        self._epochs_trained = 0
        self.loss_history_ = []
        return self

    # -------------------------------------------------------------- training
    def fit(self, sentences: Sentences | None = None,
            corpus_file: str | os.PathLike | None = None) -> Word2Vec:
        """build_vocab + train on the same corpus. Returns self."""
        self.build_vocab(sentences=sentences, corpus_file=corpus_file)
        return self.train()

    def train(self, sentences: Sentences | None = None,
              corpus_file: str | os.PathLike | None = None,
              epochs: int | None = None) -> Word2Vec:
        """Train for ``epochs`` (default: the constructor's) over the corpus.

        With no corpus argument, trains on the corpus given to
        :meth:`build_vocab` (from memory when it was cached). Words missing
        from the vocabulary are ignored. Returns self.
        """
        wv = self.wv
        epochs = self.epochs if epochs is None else checks.integer("Word2Vec", "epochs", epochs, 1)
        source = None
        if sentences is not None or corpus_file is not None:
            corpus_mod.open_corpus(sentences, corpus_file)  # argument check only
            source = (sentences, corpus_file)
        elif self._ids is None:
            source = self._source
        per_epoch = self.effective_words_
        progress = TrainingProgress(per_epoch * epochs, self.verbose,
                                    "skip-gram" if self.sg else "CBOW")
        epoch_loss = np.zeros(epochs)
        epoch_examples = np.zeros(epochs, dtype=np.int64)
        epoch_measured = np.zeros(epochs, dtype=np.int64)
        job_epoch: dict[int, int] = {}
        kept = [0]

        def jobs():
            number = self._epochs_trained * 1_000_000_007
            for epoch in range(epochs):
                start = number
                if source is None:
                    stream = cached_jobs(self._ids, self._starts, self.batch_words, epoch, number)
                else:
                    stream = self._streamed_jobs(source, epoch, per_epoch, number)
                for job in stream:
                    job_epoch[job.number] = epoch
                    number = job.number + 1
                    yield job
                if number == start:
                    raise ValueError("Word2Vec.train: the corpus yielded no sentences in epoch "
                                     f"{epoch + 1}; a one-shot iterator cannot be re-read: pass "
                                     "a list, a restartable iterable or corpus_file=")

        total = per_epoch * epochs

        def train_job(job: Job) -> JobResult:
            return self._train_job(job, total)

        def on_result(job: Job, result: JobResult) -> None:
            epoch = job_epoch.pop(job.number)
            epoch_loss[epoch] += result.loss
            epoch_measured[epoch] += result.loss_examples
            epoch_examples[epoch] += result.examples
            kept[0] += result.kept
            progress.update(result.words, result.loss_examples, result.loss)

        tic = time.perf_counter()
        try:
            run_jobs(jobs(), train_job, self.workers, on_result)
        finally:
            progress.close()
        self.train_seconds_ = time.perf_counter() - tic
        self.words_per_second_ = progress.words / max(self.train_seconds_, 1e-12)
        self.examples_ = int(epoch_examples.sum())
        self.trained_words_ = kept[0]
        if self.compute_loss:
            self.loss_history_ += [float(x) for x in epoch_loss / np.maximum(epoch_measured, 1)]
        self._epochs_trained += epochs
        wv.fill_norms(force=True)
        return self

    def _streamed_jobs(self, source, epoch: int, per_epoch: int, number: int):
        """Jobs encoded on the fly from a re-read corpus (cache_corpus=False)."""
        sentences, corpus_file = source
        stream = corpus_mod.open_corpus(sentences, corpus_file, errors=self.errors)
        done = epoch * per_epoch
        key_to_index = self.wv.key_to_index
        for ids, starts, _raw in corpus_mod.encode_batches(stream, key_to_index,
                                                           self.batch_words):
            yield Job(ids, starts, 0, starts.shape[0] - 1, done, number)
            done += ids.shape[0]
            number += 1

    def _train_job(self, job: Job, total_words: int) -> JobResult:
        args = (self.wv.vectors, self.syn1neg, job.ids, job.starts, job.s0, job.s1,
                self._sample_int, self._noise)
        rates = (self.window, self.negative, np.float32(self.alpha), np.float32(self.min_alpha),
                 job.words_done, max(total_words, 1), job_state(self._state_seed, job.number),
                 self.compute_loss)
        out = chosen("word2vec_train_job")(*args, *rates, bool(self.sg), bool(self.cbow_mean))
        seen, kept, examples, loss, measured, _ = out
        return JobResult(int(seen), int(kept), int(examples), float(loss), int(measured))

    # ---------------------------------------------------------------- saving
    def save(self, path: str | os.PathLike, binary: bool | None = None) -> None:
        """Save the word vectors in the word2vec format (binary when ``binary``
        or, by default, when the name ends in ``.bin``)."""
        self.wv.save_word2vec_format(path, binary=binary)
