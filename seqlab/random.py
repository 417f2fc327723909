"""Seeds. Every random draw in seqlab goes through a ``np.random.Generator``.

A layer or function that takes ``seed=`` uses ``make_rng(seed)``. With no seed,
it draws a child seed from the global generator, which
``set_random_seed(n)`` resets: the same seed and the same order of calls give
bit-identical weights, dropout masks and shuffles.
"""

from __future__ import annotations

import numpy as np

_global = {"rng": np.random.default_rng()}

SeedLike = int | np.random.Generator | None


def set_random_seed(seed: int) -> None:
    """Reset the global generator that seeds every layer created without ``seed=``."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    _global["rng"] = np.random.default_rng(int(seed))


def make_rng(seed: SeedLike = None) -> np.random.Generator:
    """A generator for ``seed``: a Generator passes through, an int seeds a new
    one, None draws a fresh seed from the global generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng(int(_global["rng"].integers(0, 2**63 - 1)))
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return np.random.default_rng(int(seed))
    raise ValueError(f"seed must be None, a non-negative int or a np.random.Generator, got {seed!r}")
