"""Worker threads of the compiled kernels, and BLAS held to one thread while they run.

The kernels split work over ``numba.get_num_threads()`` Python threads that
each run compiled code with the GIL released (:func:`run`: the first job in
the calling thread, the others on one shared pool). When those threads call
BLAS themselves, BLAS must not start threads of its own, so
:func:`single_thread_blas` holds it to one (threadpoolctl; without it the
kernels that need this run on one thread).

:func:`matmul` splits one big product the same way. Why not leave it to
BLAS's threads: after a parallel call OpenBLAS's workers keep spinning for a
while, and a compiled loop that runs next on the same cores (above all one
whose threads wait for each other, :mod:`.lstm_split`) loses its cores to
them — a 256-unit LSTM's forward loop took 60–100 ms right after OpenBLAS's
two-thread input product instead of 28. With every product of a layer on
these threads, BLAS's workers stay asleep.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numba
import numpy as np

R = TypeVar("R")

#: matmul splits a product only if each thread gets at least this many rows.
MATMUL_MIN_ROWS = 64

_lock = threading.Lock()
_state: dict[str, Any] = {"pool": None, "size": 0, "controller": None}


def executor(n: int) -> ThreadPoolExecutor:
    """A shared pool with at least ``n`` workers. A smaller one is replaced, not shut
    down (another thread may still submit to it; its idle workers end with it)."""
    with _lock:
        if _state["pool"] is None or _state["size"] < n:
            _state["pool"] = ThreadPoolExecutor(max_workers=n, thread_name_prefix="seqlab")
            _state["size"] = n
        return _state["pool"]


def thread_count() -> int:
    """Numba's thread count (``numba.set_num_threads``)."""
    return int(numba.get_num_threads())


def cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def blas_controller() -> Any:
    """A cached threadpoolctl controller, or None when threadpoolctl is absent."""
    with _lock:
        if _state["controller"] is None:
            try:
                from threadpoolctl import ThreadpoolController
            except ImportError:
                _state["controller"] = False
            else:
                _state["controller"] = ThreadpoolController()
        return _state["controller"] or None


@contextlib.contextmanager
def single_thread_blas() -> Iterator[None]:
    """BLAS runs on one thread inside this block (needs threadpoolctl)."""
    with blas_controller().limit(limits=1, user_api="blas"):
        yield


def run(jobs: list[Callable[[], R]]) -> list[R]:
    """Call every job, the first in this thread and the rest on the pool, and return
    their results in order. Waits for all of them; then re-raises the first error."""
    if len(jobs) == 1:
        return [jobs[0]()]
    futures = [executor(len(jobs) - 1).submit(job) for job in jobs[1:]]
    try:
        first = jobs[0]()
    finally:
        for future in futures:
            future.exception()  # wait, whatever happened here
    return [first, *(future.result() for future in futures)]


def matmul(a: np.ndarray, b: np.ndarray, bias: np.ndarray | None = None,
           split: bool = True) -> np.ndarray:
    """a @ b (+ bias, a row added to every row), 2-D, the rows of a split over the
    threads with BLAS on one thread in each; plain a @ b (BLAS's own threads)
    when not ``split``, on one thread, for a short a, or without threadpoolctl."""
    n = min(thread_count(), cores(), a.shape[0] // MATMUL_MIN_ROWS) if split else 1
    if n < 2 or blas_controller() is None:
        out = a @ b
        if bias is not None:
            out += bias
        return out
    out = np.empty((a.shape[0], b.shape[1]), dtype=np.result_type(a, b))
    edges = [k * a.shape[0] // n for k in range(n + 1)]

    def block(r0: int, r1: int) -> Callable[[], None]:
        def job() -> None:
            np.matmul(a[r0:r1], b, out=out[r0:r1])
            if bias is not None:
                out[r0:r1] += bias
        return job

    with single_thread_blas():
        run([block(r0, r1) for r0, r1 in itertools.pairwise(edges)])
    return out
