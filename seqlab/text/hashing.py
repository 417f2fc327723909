"""A stable string hash for the hashing trick.

Python's built-in ``hash()`` of a str is salted per process (PYTHONHASHSEED),
so the same token would land in a different bin on every run; never use it
for features. Here

    h(token) = int.from_bytes(blake2b(utf8(token), digest_size=8, key=k), "little")

an unsigned 64-bit integer that is the same on every run, machine and Python
version (blake2b is in hashlib everywhere). ``seed`` picks another, equally
stable hash function (the key ``k`` is the seed's 8 little-endian bytes; seed 0
means no key). A token's bin among ``num_bins`` is ``h(token) mod num_bins``.
"""

from __future__ import annotations

import hashlib

_MAX_SEED = 2**64 - 1


def _key(seed: int) -> bytes:
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= _MAX_SEED:
        raise ValueError(f"stable_hash: seed must be an int in [0, 2**64), got {seed!r}")
    return seed.to_bytes(8, "little") if seed else b""


def stable_hash(token: str, seed: int = 0) -> int:
    """Unsigned 64-bit blake2b hash of the UTF-8 bytes of ``token`` (stable across runs)."""
    if not isinstance(token, str):
        raise TypeError(f"stable_hash: token must be a str, got {type(token).__name__}")
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8, key=_key(seed)).digest()
    return int.from_bytes(digest, "little")


def hash_bucket(token: str, num_bins: int, seed: int = 0) -> int:
    """The bin of ``token`` among ``num_bins``: ``stable_hash(token, seed) % num_bins``."""
    if not isinstance(num_bins, int) or isinstance(num_bins, bool) or num_bins < 1:
        raise ValueError(f"hash_bucket: num_bins must be an int >= 1, got {num_bins!r}")
    return stable_hash(token, seed) % num_bins


class HashingLookup(dict):
    """token -> ``offset + stable_hash(token) % num_bins``, memoized.

    A dict whose missing keys are hashed on first use, so a corpus with V
    distinct tokens costs V hashes however many times each token occurs;
    ``lookup[token]`` is the id.
    """

    def __init__(self, num_bins: int, offset: int = 0, seed: int = 0) -> None:
        super().__init__()
        if not isinstance(num_bins, int) or isinstance(num_bins, bool) or num_bins < 1:
            raise ValueError(f"HashingLookup: num_bins must be an int >= 1, got {num_bins!r}")
        self.num_bins = num_bins
        self.offset = offset
        self._key = _key(seed)

    def __missing__(self, token: str) -> int:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8, key=self._key).digest()
        value = self.offset + int.from_bytes(digest, "little") % self.num_bins
        self[token] = value
        return value
