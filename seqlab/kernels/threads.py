"""Worker threads of the compiled kernels, and BLAS held to one thread while they run.

The kernels split work over ``numba.get_num_threads()`` Python threads (set
it with ``numba.set_num_threads``) that each run compiled code with the GIL
released: :func:`run` calls a list of jobs, the first in the calling thread
(so a first call compiles there while the others wait on Numba's compile
lock), the others on one shared pool; :func:`run_rows` cuts a batch into one
block of rows per thread. When those threads call BLAS themselves (conv1d,
:func:`blas_blocks`), BLAS must not start threads of its own:
:func:`single_thread_blas` holds it to one (threadpoolctl; without it those
products run on one thread).

Why seqlab's products never use BLAS's own threads while its threads are on:
OpenBLAS's workers keep spinning for a while after each threaded call and
take the cores from the compiled time loops that run next on seqlab's
threads (measurements in ``benchmarks/results/kernel_design_notes.md``).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import numba

from seqlab.kernels.bundles import Rows

R = TypeVar("R")

#: Products below this many multiply-adds stay one call: OpenBLAS runs them on one thread itself.
SPLIT_MIN_WORK = 1 << 18

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


def run_rows(loop: Callable[[Any], R], B: int, one_block: bool = False) -> list[R]:
    """``loop(Rows(b0, b1, one_block))`` for contiguous blocks of the batch rows, one
    per thread (at most one per row; a single block with ``one_block``, for loops
    whose products BLAS runs, at one thread: ``step_products.use_blas``). Returns
    each block's result."""
    n = 1 if one_block else max(1, min(thread_count(), B))
    edges = [k * B // n for k in range(n + 1)]
    return run([functools.partial(loop, Rows(b0, b1, one_block))
                for b0, b1 in itertools.pairwise(edges)])


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


def blas_blocks(job: Callable[[int, int], R], size: int, work: int) -> list[R]:
    """``job(i0, i1)`` on contiguous blocks of ``range(size)`` (rows or columns), one per
    thread, for a product of ``work`` multiply-adds whose job calls BLAS. Several blocks
    run with BLAS held to one thread; one block (one thread, small work, or no
    threadpoolctl) runs here as it is. Returns each block's result."""
    n = min(thread_count(), size)
    if n <= 1 or work < SPLIT_MIN_WORK or blas_controller() is None:
        return [job(0, size)]
    edges = [k * size // n for k in range(n + 1)]
    with single_thread_blas():
        return run([functools.partial(job, i0, i1) for i0, i1 in itertools.pairwise(edges)])
