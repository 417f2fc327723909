"""Finding, downloading and verifying dataset files.

A :class:`DataFile` names one file: its path relative to a data folder
(``"imdb/aclImdb_v1.tar.gz"``), the SHA-256 of the published file and the
public URL it comes from. :func:`locate` finds the first of several
alternatives (the public original, or a repackaged copy of the same data):

1. an explicit ``path=``, used as it is;
2. the data folders, in this order: each folder in ``$SEQLAB_DATA``
   (``os.pathsep``-separated), ``../shared/data`` beside the repository,
   the cache ``$SEQLAB_CACHE`` (default ``~/.cache/seqlab``). An earlier
   folder wins; within one folder the alternatives are tried in order;
3. a download of the first alternative that has a URL, into the cache
   under the same relative path, with a progress bar on stderr.

Files found on disk are used as they are (tests put small samples under the
same names). A download is verified before it appears: it goes to a
temporary file, its SHA-256 is compared with the published one, and only
then is it renamed; a failed, cut-off or wrong download leaves no file.
Where no checksum is published (``sha256=None``) the download is kept and
its SHA-256 printed, so that it can be pinned.
"""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from seqlab.atomic import atomic_write
from seqlab.datasets.errors import ChecksumError, DatasetNotFoundError

__all__ = ["DataFile", "cache_dir", "download", "locate", "search_dirs", "sha256_of"]

_BLOCK = 1 << 20


@dataclass(frozen=True)
class DataFile:
    """One dataset file.

    Attributes:
        relative: its path under a data folder, e.g. ``"nsmc/ratings_test.txt"``.
        sha256: the published file's SHA-256 (checked on download), or None
            where none is published.
        url: where the public file is downloaded from; None for a file that
            is only distributed as a local copy (e.g. ``shared/data``'s repackagings).
        note: what this file is, e.g. how a local copy differs from the original.
    """

    relative: str
    sha256: str | None = None
    url: str | None = None
    note: str = ""


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def cache_dir() -> Path:
    """``$SEQLAB_CACHE``, default ``~/.cache/seqlab``: downloads and derived files."""
    return Path(os.environ.get("SEQLAB_CACHE") or Path.home() / ".cache" / "seqlab")


def search_dirs() -> list[Path]:
    """The data folders, in the order they are searched."""
    dirs = [Path(p) for p in os.environ.get("SEQLAB_DATA", "").split(os.pathsep) if p]
    repo_root = Path(__file__).resolve().parents[2]
    dirs.append(repo_root.parent / "shared" / "data")
    dirs.append(cache_dir())
    return dirs


def locate(files: str | DataFile | Sequence[DataFile], path: str | os.PathLike | None = None,
           dirs: Iterable[Path] | None = None) -> Path:
    """The local path of the first of ``files`` found (see the module docstring),
    downloading it when it is nowhere on disk.

    ``files`` is a relative path, a :class:`DataFile` or alternatives in order of
    preference. Raises :class:`DatasetNotFoundError` saying which file to put
    where, and :class:`ChecksumError` for a download with the wrong checksum.
    """
    if path is not None:
        found = Path(path)
        if found.is_dir():
            raise IsADirectoryError(f"dataset path {str(found)!r} is a directory; expected a file")
        if not found.is_file():
            raise DatasetNotFoundError(f"dataset file {str(found)!r} does not exist")
        return found
    alternatives = _as_files(files)
    folders = list(dirs) if dirs is not None else search_dirs()
    for folder in folders:
        for file in alternatives:
            candidate = Path(folder) / file.relative
            if candidate.is_file():
                return candidate
    public = next((f for f in alternatives if f.url), None)
    if public is None:
        raise _not_found(alternatives, folders, None)
    try:
        return download(public.url, cache_dir() / public.relative, public.sha256)
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        raise _not_found(alternatives, folders, f"downloading {public.url} failed: {exc}") from exc


def _as_files(files: str | DataFile | Sequence[DataFile]) -> list[DataFile]:
    if isinstance(files, str):
        return [DataFile(files)]
    if isinstance(files, DataFile):
        return [files]
    alternatives = list(files)
    if not alternatives or not all(isinstance(f, DataFile) for f in alternatives):
        raise TypeError(f"locate: expected a relative path, a DataFile or a non-empty sequence "
                        f"of DataFile, got {files!r}")
    return alternatives


def _not_found(files: list[DataFile], folders: list[Path], failure: str | None
               ) -> DatasetNotFoundError:
    names = " or ".join(repr(f.relative) for f in files)
    env = os.environ.get("SEQLAB_DATA")
    env_state = f"SEQLAB_DATA={env!r}" if env else "SEQLAB_DATA is not set"
    sources = "; ".join(f"{f.relative} is published at {f.url}" for f in files if f.url)
    example = (folders[0] if folders else Path(".")) / files[0].relative
    return DatasetNotFoundError(
        f"dataset file {names} not found. Looked in these folders ({env_state}): "
        f"{', '.join(map(str, folders))}. Put the file under one of them with that relative "
        f"path (e.g. {example}), or set SEQLAB_DATA to a folder that holds it, or pass path=."
        + (f" {sources}." if sources else "")
        + (f" ({failure})" if failure else "")
    )


def download(url: str, target: str | os.PathLike, sha256: str | None = None) -> Path:
    """Download ``url`` to ``target`` atomically, with a progress bar on stderr;
    the file appears only after its SHA-256 matched ``sha256`` (None: not
    checked; the digest is printed)."""
    target = Path(target)
    print(f"seqlab: downloading {url} to {target}", file=sys.stderr)
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=60) as response:
        target.parent.mkdir(parents=True, exist_ok=True)
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        received = 0
        with atomic_write(target, "wb") as out:
            with _progress_bar() as bar:
                task = bar.add_task(target.name, total=total)
                for block in iter(lambda: response.read(_BLOCK), b""):
                    digest.update(block)
                    out.write(block)
                    received += len(block)
                    bar.update(task, advance=len(block))
            if total is not None and received != total:
                raise ConnectionError(f"the download of {url} was cut off after {received} of "
                                      f"{total} bytes")
            if sha256 is not None and digest.hexdigest() != sha256:
                raise ChecksumError(f"checksum mismatch for {url}: expected sha256 {sha256}, "
                                    f"got {digest.hexdigest()}; the download was discarded")
    if sha256 is None:
        print(f"seqlab: no published checksum for {url}; its sha256 is {digest.hexdigest()}",
              file=sys.stderr)
    return target


def _progress_bar():  # -> rich.progress.Progress (rich is imported only when downloading)
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    return Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                    TransferSpeedColumn(), TimeRemainingColumn(), console=Console(stderr=True))
