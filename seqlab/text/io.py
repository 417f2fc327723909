"""Reading text files as streams of documents, and writing files atomically.

Files are read as bytes and decoded line by line, so a file of any size is
streamed, and a bad byte is reported with the file name, the **byte offset**
from the start of the file, and the line number. Files ending in ``.gz`` are
decompressed on the fly (offsets then count bytes of the decompressed text).

``errors`` is Python's codec error policy: ``"strict"`` (default) raises
:class:`TextDecodeError`; ``"replace"`` turns each undecodable byte sequence
into U+FFFD "�" and goes on; ``"ignore"`` drops it.

Documents: a text file is one document per line (line ends "\\n" or "\\r\\n"
removed); a directory is one document per file, taking every file below it
whose name ends in ``suffix`` (default ".txt"), in sorted path order.
"""

from __future__ import annotations

import codecs
import gzip
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from seqlab.atomic import atomic_write
from seqlab.text._check import describe

ERROR_POLICIES = ("strict", "replace", "ignore")
PathLike = str | os.PathLike


class TextDecodeError(UnicodeDecodeError):
    """Bytes that are not valid in the file's encoding, with where they are.

    A ``UnicodeDecodeError`` (hence a ``ValueError``) that also carries
    ``path``, ``offset`` (byte offset in the file) and ``line`` (1-based).
    """

    def __init__(self, path: str, offset: int, line: int, err: UnicodeDecodeError) -> None:
        super().__init__(err.encoding, err.object, err.start, err.end, err.reason)
        self.path = path
        self.offset = offset
        self.line = line

    def __str__(self) -> str:
        bad = self.object[self.start : self.end]
        return (
            f"{self.path}: bytes {bad!r} at byte offset {self.offset} (line {self.line}) are not "
            f"valid {self.encoding}: {self.reason}. Fix the file's encoding, or pass "
            "errors='replace' to read them as U+FFFD"
        )


def check_encoding(encoding: str, errors: str) -> str:
    """Validate ``errors`` and an ASCII-compatible ``encoding``; return the codec's name."""
    if errors not in ERROR_POLICIES:
        raise ValueError(f"errors must be one of {list(ERROR_POLICIES)}, got {errors!r}")
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(f"unknown text encoding {encoding!r}") from None
    if name.startswith(("utf-16", "utf-32")):
        raise ValueError(
            f"encoding {encoding!r} is not supported: lines are split on the byte 0x0A, which "
            "needs an ASCII-compatible encoding such as utf-8, cp949 or latin-1"
        )
    return name


def _open_binary(path: Path) -> BinaryIO:
    if path.suffix == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _check_path(owner: str, path: Any) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{owner}: expected a file path (str or pathlib.Path), got {describe(path)}")
    return Path(path)


def iter_lines(
    path: PathLike, *, encoding: str = "utf-8", errors: str = "strict"
) -> Iterator[str]:
    """Yield the lines of a text file (``.gz`` too) without their line ends, streaming."""
    codec = check_encoding(encoding, errors)
    path = _check_path("iter_lines", path)
    offset = 0
    with _open_binary(path) as f:
        for number, raw in enumerate(f, start=1):
            try:
                line = raw.decode(codec, errors)
            except UnicodeDecodeError as exc:
                raise TextDecodeError(str(path), offset + exc.start, number, exc) from None
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]  # a UTF-8 byte-order mark is not text
            offset += len(raw)
            if line.endswith("\n"):
                line = line[:-2] if line.endswith("\r\n") else line[:-1]
            yield line


def read_text(path: PathLike, *, encoding: str = "utf-8", errors: str = "strict") -> str:
    """The whole text of a file (``.gz`` too); a bad byte raises :class:`TextDecodeError`."""
    codec = check_encoding(encoding, errors)
    path = _check_path("read_text", path)
    with _open_binary(path) as f:
        data = f.read()
    try:
        text = data.decode(codec, errors)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise TextDecodeError(str(path), exc.start, line, exc) from None
    return text.removeprefix("\ufeff")


def list_files(directory: PathLike, suffix: str = ".txt") -> list[Path]:
    """Every file below ``directory`` whose name ends in ``suffix``, in sorted order."""
    directory = Path(directory)
    return sorted(p for p in directory.rglob(f"*{suffix}") if p.is_file())


def iter_documents(
    source: PathLike | Iterable[PathLike],
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
    suffix: str = ".txt",
) -> Iterator[str]:
    """Stream documents from a file (one per line), a directory (one per file) or several of those."""
    if isinstance(source, (str, os.PathLike)):
        sources: Iterable[PathLike] = [source]
    elif source is None or isinstance(source, (bytes, bytearray)) or not isinstance(source, Iterable):
        raise TypeError(
            f"iter_documents: expected a file or directory path, or a list of them, got {describe(source)}"
        )
    else:
        sources = source
    for item in sources:
        if not isinstance(item, (str, os.PathLike)):
            raise TypeError(
                f"iter_documents: expected file or directory paths (str or pathlib.Path), got "
                f"{describe(item)}"
            )
        path = Path(item)
        if path.is_dir():
            files = list_files(path, suffix)
            if not files:
                raise ValueError(f"{path}: directory holds no files ending in {suffix!r}")
            for file in files:
                yield read_text(file, encoding=encoding, errors=errors)
        elif path.exists():
            yield from iter_lines(path, encoding=encoding, errors=errors)
        else:
            raise FileNotFoundError(f"{path}: no such file or directory")


def iter_texts(
    data: Any, owner: str, *, encoding: str = "utf-8", errors: str = "strict"
) -> Iterator[str]:
    """Stream texts from ``data``: an iterable of str (bytes are decoded), a path, or paths.

    Items may mix texts and paths; a path is read with :func:`iter_documents`.
    A single str is refused (it is ambiguous: a text or a file name?), and
    so is any other item type, with ``owner`` named in the error.
    """
    if isinstance(data, str):
        raise TypeError(
            f"{owner}: expected a list of texts, got a single str {data!r:.40}; pass a list of "
            "texts ([text]) or a pathlib.Path for a file (one text per line) or a directory "
            "(one text per file)"
        )
    if isinstance(data, (bytes, bytearray)):
        raise TypeError(
            f"{owner}: expected a list of texts, got a single {type(data).__name__} "
            f"{bytes(data)!r:.40}; pass a list of texts ([text.decode()] or [raw_bytes])"
        )
    if isinstance(data, os.PathLike):
        yield from iter_documents(data, encoding=encoding, errors=errors)
        return
    if getattr(data, "ndim", 1) != 1:
        shape = data.shape
        if len(shape) == 2 and shape[1] == 1:
            data = data.reshape(-1)  # (B, 1) -> (B,)
        else:
            raise ValueError(f"{owner}: expected a 1-D array of texts, got shape {shape}")
    if not isinstance(data, Iterable):
        raise TypeError(f"{owner}: expected a list of texts or paths, got {describe(data)}")
    for i, item in enumerate(data):
        if isinstance(item, str):
            yield item
        elif isinstance(item, os.PathLike):
            yield from iter_documents(item, encoding=encoding, errors=errors)
        elif isinstance(item, (bytes, bytearray)):
            try:
                yield bytes(item).decode(encoding, errors)
            except UnicodeDecodeError as exc:
                raise TextDecodeError(f"<{owner} item {i}>", exc.start, 1, exc) from None
        else:
            raise TypeError(
                f"{owner}: item {i} must be a str (or bytes, or a path), "
                f"got {type(item).__name__}: {item!r:.60}"
            )


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the whole
    new one (:func:`seqlab.atomic.atomic_write`)."""
    with atomic_write(path, "w", encoding=encoding) as f:
        f.write(text)