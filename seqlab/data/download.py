"""Finding, downloading and verifying dataset files.

A dataset file is looked for, in order: an explicit path; the folders in the
``SEQLAB_DATA`` environment variable (``os.pathsep``-separated); the project's
offline copy ``../shared/data`` beside the repository; the cache
``~/.cache/seqlab``. If it is nowhere and a URL is known, it is downloaded
into the cache: to a temporary file first, checked against its SHA-256, then
renamed — a failed or corrupt download never leaves a file behind.
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from seqlab.atomic import atomic_write


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_dir() -> Path:
    return Path(os.environ.get("SEQLAB_CACHE", Path.home() / ".cache" / "seqlab"))


def search_dirs() -> list[Path]:
    """Where dataset files are looked for, in order."""
    dirs = [Path(p) for p in os.environ.get("SEQLAB_DATA", "").split(os.pathsep) if p]
    repo_root = Path(__file__).resolve().parents[2]
    dirs.append(repo_root.parent / "shared" / "data")
    dirs.append(cache_dir())
    return dirs


def locate(relative: str, sha256: str | None = None, url: str | None = None,
           path: str | os.PathLike | None = None, dirs: Iterable[Path] | None = None) -> Path:
    """The local path of dataset file ``relative`` (e.g. ``"imdb/x.tar.gz"``).

    Raises FileNotFoundError listing every place looked at when it is missing
    and cannot be downloaded; ValueError when a checksum does not match.
    """
    if path is not None:
        found = Path(path)
        if not found.is_file():
            raise FileNotFoundError(f"dataset file {str(found)!r} does not exist")
        return found
    looked = []
    for folder in dirs if dirs is not None else search_dirs():
        candidate = Path(folder) / relative
        looked.append(str(candidate))
        if candidate.is_file():
            return candidate
    if url is None:
        raise FileNotFoundError(
            f"dataset file {relative!r} not found; looked in: {looked}. "
            "Set SEQLAB_DATA to the folder that holds it, or pass path="
        )
    return download(url, cache_dir() / relative, sha256)


def download(url: str, target: Path, sha256: str | None) -> Path:
    """Download ``url`` to ``target`` atomically, verifying ``sha256`` before
    the file appears."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(target, "wb") as out, urllib.request.urlopen(url, timeout=60) as resp:
        digest = hashlib.sha256()
        for block in iter(lambda: resp.read(1 << 20), b""):
            digest.update(block)
            out.write(block)
        if sha256 is not None and digest.hexdigest() != sha256:
            raise ValueError(f"checksum mismatch for {url}: expected sha256 {sha256}, "
                             f"got {digest.hexdigest()}")
    return target
