"""Reading dataset files in their packagings: plain, ``.gz``, ``.zip`` and ``.tar.gz``.

Every reader turns the errors of a truncated or corrupt file (``EOFError``,
``zlib.error``, ``BadGzipFile``, ``BadZipFile``, ``TarError``) into a
:class:`~seqlab.datasets.errors.DataFormatError` that names the file, and
text lines that are not UTF-8 into one that names the file and the line.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import shutil
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from seqlab.atomic import atomic_write
from seqlab.datasets.errors import DataFormatError

__all__ = ["decoded_lines", "extract_member", "open_binary", "reading", "zip_member"]

_CORRUPT = (EOFError, zlib.error, gzip.BadGzipFile, zipfile.BadZipFile, tarfile.TarError)


@contextlib.contextmanager
def reading(path: str | os.PathLike) -> Iterator[None]:
    """Within this block, a truncated or corrupt file raises a DataFormatError naming ``path``."""
    try:
        yield
    except _CORRUPT as exc:
        raise DataFormatError(
            f"{path}: the file is truncated or corrupt ({type(exc).__name__}: {exc}); "
            "replace it with a complete copy (delete it to have it downloaded again)"
        ) from None


def zip_member(archive: zipfile.ZipFile, path: str | os.PathLike, pattern: str) -> str:
    """The name of the one member of ``archive`` whose path matches ``pattern``
    (a regular expression, searched)."""
    names = [n for n in archive.namelist() if not n.endswith("/") and re.search(pattern, n)]
    if len(names) != 1:
        found = f"found {names}" if names else "found none"
        raise DataFormatError(f"{path}: expected one member matching {pattern!r}, {found}; "
                              f"the archive holds {archive.namelist()[:10]}")
    return names[0]


@contextlib.contextmanager
def open_binary(path: str | os.PathLike, member: str | None = None) -> Iterator[IO[bytes]]:
    """The bytes of a data file: a plain file, a ``.gz`` file, or the one member of
    a ``.zip`` whose path matches the regular expression ``member``."""
    path = Path(path)
    with reading(path):
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                name = zip_member(archive, path, member or r".")
                with archive.open(name) as stream:
                    yield stream
        elif path.suffix == ".gz":
            with gzip.open(path, "rb") as stream:
                yield stream
        else:
            with open(path, "rb") as stream:
                yield stream


def decoded_lines(stream: IO[bytes], source: str | os.PathLike) -> Iterator[tuple[int, str]]:
    """(line number from 1, line without its ``\\n`` / ``\\r\\n``), decoded as strict UTF-8."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataFormatError(f"{source}: line {number}: bytes {raw[exc.start:exc.end]!r} "
                                  "are not valid UTF-8") from None
        yield number, text.rstrip("\r\n")


def extract_member(archive_path: str | os.PathLike, member: str,
                   target: str | os.PathLike) -> Path:
    """Copy ``member`` of the zip ``archive_path`` to ``target``, atomically."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with reading(archive_path), zipfile.ZipFile(archive_path) as archive:
        if member not in archive.namelist():
            raise DataFormatError(f"{archive_path}: the archive has no member {member!r}; it "
                                  f"holds {archive.namelist()[:10]}")
        with archive.open(member) as source, atomic_write(target, "wb") as out:
            shutil.copyfileobj(source, out, 1 << 20)
    return target
