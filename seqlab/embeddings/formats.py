"""Word-vector files: the word2vec text and binary formats and GloVe text.

* word2vec text: a header line ``"N E"``, then N lines ``word v1 ... vE``.
* word2vec binary (the C tool's format): the header line ``"N E\\n"``, then
  for each word its UTF-8 bytes, one space, E little-endian float32 (4·E
  bytes) and an optional ``"\\n"``.
* GloVe text: like word2vec text without the header line.

Files ending in ``.gz`` are read and written through gzip. Writes are atomic:
the data go to a temporary file in the target's folder, which then replaces
the target, so a crash never leaves a half-written file under the real name.
Every parse error names the file and the line (text) or entry and byte offset
(binary) and what was wrong.

Format detection: a first line of exactly two integers is the word2vec header
``"N E"``; anything else starts a GloVe file. A GloVe file of 1-dimensional
vectors whose first line is ``"<integer word> <integer value>"`` is the one
file that reads like a header, and its second line then holds 1 value, not
E: that error says so and points to ``no_header=True``. The other way round,
``no_header=True`` on a file whose second line disagrees with a first line of
two integers is told that line 1 looks like a header.

NaN and infinite values (and text values beyond float32's range, which read
as infinite) are loaded as they are, as gensim does, with a warning that
counts them and names the first one's line (text) or entry (binary) and word.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import os
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import numpy as np

from seqlab import checks
from seqlab.atomic import atomic_write

_CHUNK_ROWS = 2048


@contextlib.contextmanager
def open_vectors_for_write(path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """A binary handle that replaces ``path`` atomically on success
    (:func:`seqlab.atomic.atomic_write`), gzip-compressed for ``.gz`` names."""
    with atomic_write(path, "wb") as raw:
        if Path(path).suffix == ".gz":
            with gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as handle:
                yield handle
        else:
            yield raw


def _open_read(path: Path) -> IO[bytes]:
    if not path.exists():
        raise FileNotFoundError(f"vector file not found: {path}")
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    return open(path, "rb")


def _check_keys(keys: Sequence[str]) -> None:
    for key in keys:
        if not isinstance(key, str) or not key or any(ch.isspace() for ch in key):
            raise ValueError("word2vec/GloVe files need non-empty keys without white space, "
                             f"got {key!r}")


def write_vectors(path: str | os.PathLike, keys: Sequence[str], vectors: np.ndarray,
                  binary: bool = False, header: bool = True) -> None:
    """Write ``vectors`` (N, E) for ``keys`` (N) in the word2vec text or binary
    format (``header=False`` with text gives GloVe's format)."""
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or vectors.shape[0] != len(keys):
        raise ValueError(f"write_vectors: vectors must have shape (len(keys)={len(keys)}, E), "
                         f"got {vectors.shape}")
    if binary and not header:
        raise ValueError("write_vectors: the binary format always has a header (header=False "
                         "is only for GloVe text)")
    _check_keys(keys)
    n, dim = vectors.shape
    with open_vectors_for_write(path) as out:
        if header:
            out.write(f"{n} {dim}\n".encode())
        for lo in range(0, n, _CHUNK_ROWS):
            block = vectors[lo:lo + _CHUNK_ROWS].astype(np.float32)
            words = keys[lo:lo + _CHUNK_ROWS]
            if binary:
                little = block.astype("<f4")
                out.write(b"".join(w.encode("utf-8") + b" " + row.tobytes() + b"\n"
                                   for w, row in zip(words, little)))
            else:
                text = block.astype(str)  # (rows, E) shortest strings that round-trip float32
                out.write("".join(w + " " + " ".join(row) + "\n"
                                  for w, row in zip(words, text.tolist())).encode("utf-8"))


def _two_ints(line: bytes) -> tuple[int, int] | None:
    parts = line.split()
    if len(parts) != 2:
        return None
    try:
        return int(parts[0]), int(parts[1])
    except ValueError:
        return None


def _parse_header(line: bytes, path: Path) -> tuple[int, int] | None:
    header = _two_ints(line)
    if header is not None and (header[0] < 0 or header[1] <= 0):
        raise ValueError(f"{path}: line 1: header must be 'N E' with N >= 0 and E > 0, "
                         f"got {_show(line)}")
    return header


def _show(line: bytes) -> str:
    """The start of a line, quoted, for messages."""
    return repr(line[:80].decode("utf-8", "replace").strip())


def _vector_width(line: bytes) -> int | None:
    """E when ``line`` reads as a text vector ``word v1 ... vE`` (the word may be
    any bytes), None otherwise (e.g. a binary entry)."""
    parts = line.rstrip().split(b" ")
    if len(parts) < 2:
        return None
    try:
        np.array(parts[1:], dtype=np.float32)
    except ValueError:
        return None
    return len(parts) - 1


def read_vectors(path: str | os.PathLike, binary: bool | None = None,
                 no_header: bool | None = None, limit: int | None = None,
                 errors: str = "strict") -> tuple[list[str], np.ndarray]:
    """Read (keys, vectors (N, E) float32) from a word2vec text/binary or GloVe file.

    ``binary=None`` detects the format from the first entry; ``no_header=None``
    treats a first line of two integers as a header and anything else as GloVe
    (``no_header=True`` forces GloVe, ``False`` demands a header). ``limit``
    reads only the first ``limit`` vectors. ``errors`` is the UTF-8 decoding
    policy for words ("strict" raises with the position; "backslashreplace"
    keeps every word distinct, e.g. the byte 0x96 becomes the word ``\\x96``).
    """
    path = Path(path)
    limit = checks.integer("read_vectors", "limit", limit, 0, allow_none=True)
    try:
        codecs.lookup_error(errors)
    except (LookupError, TypeError):
        raise ValueError("read_vectors: errors must be a codec error handler such as 'strict', "
                         f"'replace', 'ignore' or 'backslashreplace', got {errors!r}") from None
    # text values beyond float32's range read as inf (no RuntimeWarning); they are counted
    # with the NaN and infinite values by _warn_non_finite
    with _open_read(path) as handle, np.errstate(over="ignore"):
        first = handle.readline()
        if not first:
            raise ValueError(f"{path}: the file is empty; expected word vectors")
        header = None if no_header else _parse_header(first, path)
        if header is None and no_header is False:
            width = _vector_width(first)
            glove = (f"; it looks like a GloVe file (a word and {width} values, no header): "
                     "load it with no_header=True, or None to detect the format") if width else ""
            raise ValueError(f"{path}: line 1: expected a header 'N E' (two integers), got "
                             f"{_show(first)}{glove}")
        if header is None:
            if binary:
                raise ValueError(f"{path}: binary word2vec files start with a header 'N E'; "
                                 "line 1 is not one")
            hint = (f"line 1 ({_show(first)}) looks like a word2vec header 'N E', which GloVe "
                    "files do not have: load the file with no_header=None or False"
                    if _two_ints(first) else "")
            return _read_text(handle, path, first, None, limit, errors, hint)
        hint = (f"line 1 ({_show(first)}) was read as a word2vec header 'N E'; if this is a "
                "GloVe file whose first word is a number, load it with no_header=True"
                if no_header is None else "")
        if binary is None:
            peek = handle.readline()
            binary = bool(peek) and _vector_width(peek) is None
            if not binary:
                return _read_text(handle, path, peek, header, limit, errors, hint)
            data = peek + handle.read()
        else:
            data = handle.read() if binary else None
        if binary:
            return _read_binary(data, path, len(first), header, limit, errors)
        return _read_text(handle, path, None, header, limit, errors, hint)


def _decode(raw: bytes, path: Path, where: str, offset: int, errors: str) -> str:
    try:
        return raw.decode("utf-8", errors=errors)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: {where}, byte offset {offset + exc.start}: bytes "
                         f"{raw[exc.start:exc.end]!r} are not valid UTF-8 (errors="
                         "'backslashreplace' reads such a word with escapes, e.g. '\\x96')"
                         ) from None


def _parse_values(parts: list[str], path: Path, line_no: int, dim: int | None,
                  hint: str) -> np.ndarray:
    if dim is not None and len(parts) - 1 != dim:
        raise ValueError(f"{path}: line {line_no}: expected a word and {dim} values, got "
                         f"{len(parts) - 1} values (word {parts[0]!r})"
                         + (f"; {hint}" if hint else ""))
    try:
        return np.array(parts[1:], dtype=np.float32)
    except ValueError:
        for field, value in enumerate(parts[1:], start=2):
            try:
                float(value)
            except ValueError:
                raise ValueError(f"{path}: line {line_no}: field {field} ({value!r}) of word "
                                 f"{parts[0]!r} is not a number") from None
        raise


def _warn_non_finite(path: Path, keys: list[str], vectors: np.ndarray, unit: str,
                     positions: Sequence[int]) -> None:
    """Warn when values are NaN or infinite; ``positions[i]`` is row i's line or entry."""
    with np.errstate(over="ignore", invalid="ignore"):
        suspects = np.flatnonzero(~np.isfinite(vectors.sum(axis=1)))  # a superset, cheaply
    bad = ~np.isfinite(vectors[suspects])  # (S, E)
    hits = np.flatnonzero(bad.any(axis=1))  # indices into suspects
    if hits.size == 0:
        return
    first = int(suspects[hits[0]])
    column = int(np.argmax(bad[hits[0]]))
    warnings.warn(f"{path}: {int(bad.sum())} values in {hits.size} vectors are NaN or infinite "
                  f"(text values beyond float32's range read as infinite); the first is value "
                  f"{column + 1} of word {keys[first]!r} at {unit} {positions[first]}. They are "
                  "kept as read: similarities with these words are NaN, and querying them "
                  "raises an error", UserWarning, stacklevel=4)


def _read_text(handle: IO[bytes], path: Path, pending: bytes | None,
               header: tuple[int, int] | None, limit: int | None,
               errors: str, hint: str) -> tuple[list[str], np.ndarray]:
    """Text lines; ``pending`` is an already-read line (the first data line);
    ``hint`` is added to a wrong value count on line 2."""
    dim = header[1] if header else None
    line_no = 1 if header is None else 2
    offset = 0
    keys: list[str] = []
    rows: list[np.ndarray] = []
    row_lines: list[int] = []
    seen: set[str] = set()
    entries = 0

    def lines() -> Iterator[bytes]:
        if pending is not None:
            yield pending
        yield from handle

    for raw in lines():
        if limit is not None and len(rows) >= limit:
            break
        text = _decode(raw, path, f"line {line_no}", offset, errors).rstrip()
        if text:
            parts = text.split(" ")
            if dim is None:
                dim = len(parts) - 1
                if dim <= 0:
                    raise ValueError(f"{path}: line {line_no}: expected a word followed by "
                                     f"numbers, got {text[:80]!r}")
            values = _parse_values(parts, path, line_no, dim, hint if line_no == 2 else "")
            entries += 1
            if parts[0] in seen:
                warnings.warn(f"{path}: line {line_no}: duplicate word {parts[0]!r}, keeping "
                              "the first vector", UserWarning, stacklevel=3)
            else:
                seen.add(parts[0])
                keys.append(parts[0])
                rows.append(values)
                row_lines.append(line_no)
        line_no += 1
        offset += len(raw)
    if header is not None and limit is None and entries != header[0]:
        raise ValueError(f"{path}: the header announces {header[0]} vectors but the file holds "
                         f"{entries}")
    vectors = np.stack(rows) if rows else np.zeros((0, dim or 0), dtype=np.float32)
    _warn_non_finite(path, keys, vectors, "line", row_lines)
    return keys, vectors


def _read_binary(data: bytes, path: Path, start: int, header: tuple[int, int],
                 limit: int | None, errors: str) -> tuple[list[str], np.ndarray]:
    n, dim = header
    count = n if limit is None else min(n, limit)
    width = 4 * dim
    vectors = np.empty((count, dim), dtype=np.float32)
    keys: list[str] = []
    row_entries: list[int] = []
    seen: set[str] = set()
    pos = 0  # offsets in ``data``; ``start`` converts them to file offsets
    row = 0
    for entry in range(1, count + 1):
        while pos < len(data) and data[pos] in b"\n\r":
            pos += 1
        space = data.find(b" ", pos)
        if space < 0 or space == pos:
            problem = "the file ends" if pos >= len(data) else "no word followed by a space"
            raise ValueError(f"{path}: entry {entry} of {n} at byte offset {start + pos}: "
                             f"{problem}; expected '<word> <{dim} float32>'")
        word = _decode(data[pos:space], path, f"entry {entry}", start + pos, errors)
        if space + 1 + width > len(data):
            raise ValueError(f"{path}: entry {entry} of {n} ({word!r}) at byte offset "
                             f"{start + space + 1}: expected {width} bytes of float32 but the "
                             f"file ends after {len(data) - space - 1}")
        values = np.frombuffer(data, dtype="<f4", count=dim, offset=space + 1)
        pos = space + 1 + width
        if word in seen:
            warnings.warn(f"{path}: entry {entry}: duplicate word {word!r}, keeping the first "
                          "vector", UserWarning, stacklevel=3)
            continue
        seen.add(word)
        keys.append(word)
        row_entries.append(entry)
        vectors[row] = values
        row += 1
    if limit is None and data[pos:].strip():
        raise ValueError(f"{path}: {len(data) - pos} bytes follow the {n} vectors the header "
                         f"announces (byte offset {start + pos}); is the header wrong?")
    _warn_non_finite(path, keys, vectors[:row], "entry", row_entries)
    return keys, vectors[:row]
