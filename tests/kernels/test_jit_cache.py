"""Numba's on-disk cache cannot run stale code: an edit to a helper in another file of a
followed package recompiles every cached kernel that inlines it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from seqlab.kernels import jit

REPO = Path(__file__).resolve().parents[2]


def _run(folder: Path) -> tuple[int, int, int]:
    """(value, cache hits, cache misses) of pkg.caller.f() in a fresh process."""
    code = "from pkg.caller import f; print(f(), sum(f.stats.cache_hits.values()), " \
           "sum(f.stats.cache_misses.values()))"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(folder), str(REPO)]))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return tuple(int(v) for v in out.stdout.split())


@pytest.mark.skipif(not jit.STAMPED, reason="this Numba's cache layout is not the one followed")
def test_an_edited_helper_recompiles_the_cached_caller(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helper.py").write_text(textwrap.dedent("""
        from numba import njit

        @njit(inline="always")
        def value():
            return 1
    """))
    (pkg / "caller.py").write_text(textwrap.dedent("""
        from pathlib import Path

        from seqlab.kernels.jit import follow_sources, kernel

        follow_sources(Path(__file__).parent)
        from pkg.helper import value

        @kernel
        def f():
            return value()
    """))
    assert _run(tmp_path) == (1, 0, 1)  # compiled and cached
    assert _run(tmp_path) == (1, 1, 0)  # loaded from the cache
    helper = pkg / "helper.py"
    helper.write_text(helper.read_text().replace("return 1", "return 2"))
    assert _run(tmp_path) == (2, 0, 1)  # the caller's file is unchanged, yet it recompiles
    assert _run(tmp_path) == (2, 1, 0)


def test_the_digest_covers_every_source_file(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "b.py").write_text("y = 1\n")
    first = jit.sources_digest.__wrapped__(tmp_path)
    (tmp_path / "b.py").write_text("y = 2\n")
    assert jit.sources_digest.__wrapped__(tmp_path) != first
    assert jit.OPTIONS["cache"] is jit.STAMPED  # never a cache that cannot follow its sources
