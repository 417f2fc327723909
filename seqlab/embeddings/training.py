"""The word2vec training driver: jobs, worker threads and random states.

A *job* is a run of whole sentences holding about ``batch_words`` words. With
one worker the jobs run in order on the calling thread, so a seed gives the
same vectors every time. With W workers, W Python threads take jobs from a
queue and call the ``nogil`` Numba kernels, which update the shared matrices
without locks (Hogwild, like gensim and the C tool); the result then depends
on thread timing.

Every job gets its own random state, derived from (seed, job number), so the
subsampling, windows and negative samples of a job do not depend on which
thread runs it.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

_MASK64 = (1 << 64) - 1


def job_state(seed: int, job: int) -> np.uint64:
    """A non-zero 64-bit generator state from (seed, job) by SplitMix64 mixing."""
    z = (seed * 0x9E3779B97F4A7C15 + (job + 1) * 0xD1B54A32D192ED03) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    z ^= z >> 31
    return np.uint64(z or 1)


@dataclass
class Job:
    """Sentences s0..s1-1 of (ids, starts); ``words_done`` = in-vocabulary
    words trained before this job in the learning-rate schedule."""

    ids: np.ndarray
    starts: np.ndarray
    s0: int
    s1: int
    words_done: int
    number: int


@dataclass
class JobResult:
    """In-vocabulary words read and kept after subsampling, training examples,
    and the loss summed over ``loss_examples`` of them (a sample)."""

    words: int
    kept: int
    examples: int
    loss: float
    loss_examples: int


def split_jobs(starts: np.ndarray, batch_words: int) -> np.ndarray:
    """Sentence indices where jobs begin and end: a job takes sentences until it
    holds at least ``batch_words`` words (the same rule as streamed batches)."""
    n_sent = starts.shape[0] - 1
    bounds = [0]
    while bounds[-1] < n_sent:
        s0 = bounds[-1]
        # first sentence boundary at least batch_words words after s0
        cut = int(np.searchsorted(starts, starts[s0] + batch_words, side="left"))
        bounds.append(min(max(cut, s0 + 1), n_sent))
    return np.asarray(bounds, dtype=np.int64)


def cached_jobs(ids: np.ndarray, starts: np.ndarray, batch_words: int, epoch: int,
                first_number: int) -> Iterator[Job]:
    """Jobs over an encoded corpus held in memory, for one epoch."""
    bounds = split_jobs(starts, batch_words)
    per_epoch = int(starts[-1])
    for n, (s0, s1) in enumerate(itertools.pairwise(bounds)):
        yield Job(ids, starts, int(s0), int(s1), epoch * per_epoch + int(starts[s0]),
                  first_number + n)


def run_jobs(jobs: Iterator[Job], train_job: Callable[[Job], JobResult], workers: int,
             on_result: Callable[[Job, JobResult], None]) -> None:
    """Run ``train_job`` on every job, on this thread (workers=1) or on
    ``workers`` threads; ``on_result`` is always called on this thread."""
    if workers == 1:
        for job in jobs:
            on_result(job, train_job(job))
        return
    todo: queue.Queue = queue.Queue(maxsize=2 * workers)
    done: queue.Queue = queue.Queue()
    stop = object()

    def worker() -> None:
        while True:
            job = todo.get()
            if job is stop:
                done.put(stop)
                return
            try:
                done.put((job, train_job(job)))
            except Exception as exc:  # noqa: BLE001 - re-raised on the calling thread
                done.put((job, exc))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    finished = 0
    failure: Exception | None = None

    def drain(block: bool) -> None:
        nonlocal finished, failure
        while True:
            try:
                item = done.get(block=block, timeout=None)
            except queue.Empty:
                return
            if item is stop:
                finished += 1
            elif isinstance(item[1], Exception):
                failure = failure or item[1]
            else:
                on_result(*item)
            if block:
                return

    try:
        for job in jobs:
            while True:
                try:
                    todo.put(job, timeout=0.05)
                    break
                except queue.Full:
                    drain(block=False)
            drain(block=False)
            if failure is not None:
                break
    finally:
        for _ in threads:
            todo.put(stop)
        while finished < workers:
            drain(block=True)
        for thread in threads:
            thread.join()
    if failure is not None:
        raise failure
