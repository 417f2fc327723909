"""Compile the kernels a command needs before it starts, and say so the first time.

Numba compiles a kernel on its first call and keeps the machine code on disk
(:mod:`seqlab.kernels.jit`), so a first run in a fresh install spends most of its time
compiling, silently. :func:`prepare` calls each group of kernels once on
tiny inputs first. When a group has not been compiled for these sources on
this machine yet, it prints to ``out`` (stderr)::

    Compiling seqlab's kernels for this machine (first run only; cached afterwards):
      [1/4] LSTM float32 ............ 21.4 s

and records the group in a small file beside Numba's cache, so later runs
only load the cached code, in silence.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

import numba
import numpy as np

from seqlab.kernels import jit

HEADER = "Compiling seqlab's kernels for this machine (first run only; cached afterwards):"


def _recurrent(cell: str, dtype: str, **options: object) -> Callable[[], None]:
    def run() -> None:
        from seqlab import layers

        layer = getattr(layers, cell)(2, dtype=dtype, seed=0, **options)
        x = np.zeros((3, 4, 2), dtype=dtype)
        out = layer(x, mask=np.ones((3, 4), dtype=bool), training=True)
        layer.backward(np.ones_like(out))
    return run


def _conv(dtype: str) -> Callable[[], None]:
    def run() -> None:
        from seqlab.layers import Conv1D

        layer = Conv1D(2, 2, dtype=dtype, seed=0)
        out = layer(np.zeros((2, 5, 3), dtype=dtype))
        layer.backward(np.ones_like(out))
    return run


def _word2vec() -> None:
    from seqlab.embeddings import Word2Vec

    for sg in (0, 1):
        Word2Vec([["a", "b", "c", "a"]] * 4, vector_size=4, min_count=1, sg=sg, epochs=1)


#: Groups of kernels by name: what one tiny call compiles.
GROUPS: dict[str, Callable[[], None]] = {
    **{f"{cell} {dtype}": _recurrent(cell, dtype) for cell in ("SimpleRNN", "LSTM", "GRU")
       for dtype in ("float32", "float64")},
    **{f"GRU reset_before {dtype}": _recurrent("GRU", dtype, reset_after=False)
       for dtype in ("float32", "float64")},
    **{f"Conv1D {dtype}": _conv(dtype) for dtype in ("float32", "float64")},
    "word2vec": _word2vec,
}


def _marker() -> Path:
    """The file that lists the groups compiled for these sources, Numba and Python."""
    kernels = Path(jit.__file__).resolve().parent
    folder = kernels / "__pycache__"
    if not (folder.is_dir() and os.access(folder, os.W_OK)) and not os.access(kernels, os.W_OK):
        folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "seqlab"
    key = f"{jit.sources_digest(kernels)[:16]}-numba{numba.__version__}-py{sys.version_info[0]}" \
          f"{sys.version_info[1]}"
    return folder / f"seqlab-compiled-{key}.json"


def _compiled(marker: Path) -> set[str]:
    try:
        return set(json.loads(marker.read_text()))
    except (OSError, ValueError, TypeError):
        return set()


def _record(marker: Path, names: set[str]) -> None:
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        tmp = marker.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(sorted(names)))
        os.replace(tmp, marker)
    except OSError:  # a read-only install: it only means the message shows again
        pass


def prepare(groups: Sequence[str], out: IO[str] | None = None) -> list[str]:
    """Run each named group of :data:`GROUPS` once; announce and time the ones not
    compiled before (see the module docstring). Returns the names compiled now."""
    unknown = [g for g in groups if g not in GROUPS]
    if unknown:
        raise ValueError(f"prepare: unknown kernel groups {unknown}; known: {list(GROUPS)}")
    out = sys.stderr if out is None else out
    marker = _marker()
    done = _compiled(marker)
    todo = [g for g in groups if g not in done]
    for g in groups:
        if g in done:
            GROUPS[g]()  # loads the cached code: milliseconds
    if todo:
        print(HEADER, file=out, flush=True)
    for k, name in enumerate(todo, 1):
        print(f"  [{k}/{len(todo)}] {name} ", end="", file=out, flush=True)
        start = time.perf_counter()
        GROUPS[name]()
        print(f"{time.perf_counter() - start:.1f} s", file=out, flush=True)
        done.add(name)
        _record(marker, done)
    return todo
