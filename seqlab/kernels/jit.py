"""How seqlab compiles its kernels: one decorator, one set of options, a cache that follows the sources.

    @kernel                      # = numba.njit(**OPTIONS)
    def lstm_forward_loop(...):

OPTIONS: cached on disk, the GIL released (row blocks run in Python
threads), LLVM fast-math flags ``contract, reassoc, nsz, arcp`` only — never
``nnan``/``ninf``, so a NaN entering a loop comes out as NaN —, NumPy's error
model (no zero-division branch, which would stop vectorisation) and no
bounds checks.

**The on-disk cache cannot run stale code.** Numba checks a cached function
against its own source file only, but the loops inline helpers from other
modules (activations, products, row operations): after an edit to a helper,
the caller's cache would still load the old machine code. Here every
compiled function of a registered package (:func:`follow_sources`; seqlab's
kernels are registered below) carries a digest of *all* that package's
``.py`` files in its cache stamp, so an edit to any of them makes every
cached kernel of the package miss and compile again. This hooks a locator
class in front of Numba's own (``numba.core.caching.CacheImpl``); if a future Numba
lays out its caching differently, :data:`STAMPED` is False and the kernels
are compiled in every process instead (always correct, slower to start).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from numba import njit

#: LLVM fast-math flags of every compiled loop (see the module docstring).
FASTMATH = {"contract", "reassoc", "nsz", "arcp"}

_FOLLOWED: list[Path] = []  # package folders whose sources stamp their cached kernels


def follow_sources(folder: str | Path) -> None:
    """Stamp the cache of every kernel defined under ``folder`` with a digest of
    all ``.py`` files there (see the module docstring)."""
    path = Path(folder).resolve()
    if path not in _FOLLOWED:
        _FOLLOWED.append(path)


@functools.cache
def sources_digest(folder: Path) -> str:
    """SHA-256 over the names and contents of the ``.py`` files under ``folder``."""
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*.py")):
        digest.update(file.relative_to(folder).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _followed_folder(py_file: str) -> Path | None:
    path = Path(py_file).resolve()
    return next((f for f in _FOLLOWED if f in path.parents), None)


def _install_locator() -> bool:
    """Put the package-stamping locator in front of Numba's own; False if Numba's
    caching is not laid out as expected."""
    try:
        from numba.core import caching
        impl = getattr(caching, "CacheImpl", None) or caching._CacheImpl  # name before 0.61
        locators = impl._locator_classes
        base = caching._CacheLocator
    except (ImportError, AttributeError):
        return False

    class PackageStampedLocator(base):  # type: ignore[misc, valid-type]
        """Numba's usual locator for the file, with the package digest in its stamp."""

        def __init__(self, inner: Any, folder: Path):
            self._inner = inner
            self._folder = folder

        def ensure_cache_path(self) -> None:
            self._inner.ensure_cache_path()

        def get_cache_path(self) -> str:
            return self._inner.get_cache_path()

        def get_source_stamp(self) -> Any:
            return (self._inner.get_source_stamp(), sources_digest(self._folder))

        def get_disambiguator(self) -> str:
            return self._inner.get_disambiguator()

        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            folder = _followed_folder(py_file)
            if folder is None:
                return None
            for other in locators:
                if other is not cls:
                    inner = other.from_function(py_func, py_file)
                    if inner is not None:
                        return cls(inner, folder)
            return None

    if not any(getattr(c, "__name__", "") == "PackageStampedLocator" for c in locators):
        locators.insert(0, PackageStampedLocator)
    return True


#: Whether cached kernels carry their package's digest (else they are not cached).
STAMPED = _install_locator()

#: Options of every compiled kernel (see the module docstring).
OPTIONS: dict[str, Any] = {"cache": STAMPED, "nogil": True, "fastmath": FASTMATH,
                           "error_model": "numpy", "boundscheck": False}


def kernel(fn: Callable[..., Any] | None = None, **overrides: Any) -> Any:
    """``numba.njit`` with :data:`OPTIONS` (``overrides`` replace single options)."""
    options = {**OPTIONS, **overrides}
    if fn is None:
        return njit(**options)
    return njit(**options)(fn)


follow_sources(Path(__file__).parent)
