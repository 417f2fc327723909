"""Reading seqlab's model and weights files, checked before anything big is made.

A ``.seqlab`` model file is a zip archive of stored (uncompressed) entries, as
``save_model`` writes it and as Keras writes ``.keras`` files. Reading one:

- the path must be a file: FileNotFoundError or IsADirectoryError otherwise;
- the archive must open, and every entry read must be stored, unencrypted, and
  no longer than the file itself: nothing inflates, so a file can never ask
  for more memory than its own size (a compressed entry is refused, even one
  written by another zip tool: re-create it with ``zip -0``);
- every entry's CRC-32 is checked as it is read (a changed byte);
- a safetensors blob must parse, and each tensor's shape × dtype must fill
  exactly the bytes its header gives it (safetensors checks this before it
  copies anything); weights must be floating point and name their order.

Any failure of these raises ModelFileError, a ValueError whose message starts
``file '<path>' is not a valid seqlab model: ``, followed by what is wrong.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
import zlib

import numpy as np
import safetensors.numpy as st
from safetensors import SafetensorError

__all__ = ["ModelFileError", "existing_file", "invalid", "read_entries", "read_tensors",
           "read_weights"]

ZIP_MAGIC = b"PK\x03\x04"

# What zipfile raises on damaged bytes (an unsupported "version" is a NotImplementedError,
# an "encrypted" flag a RuntimeError, a wild offset an OSError or ValueError).
_ZIP_DAMAGE = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError,
               RuntimeError, OverflowError, struct.error, zlib.error)


class ModelFileError(ValueError):
    """A file that is not a valid seqlab model or weights file: not a zip or
    safetensors file, cut short, damaged, or edited into something inconsistent."""


def invalid(path: str, reason: str, kind: str = "model") -> ModelFileError:
    """The error for ``path``: ``file '<path>' is not a valid seqlab <kind>: <reason>``."""
    return ModelFileError(f"file {path!r} is not a valid seqlab {kind}: {reason}")


def existing_file(path: str | os.PathLike, who: str) -> str:
    """``path`` as a str, if it names an existing file (not a folder)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{who}: {path!r} is a directory, not a file")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{who}: no such file {path!r}")
    return path


def _check_entry(info: zipfile.ZipInfo, file_size: int, path: str, kind: str) -> None:
    name = info.filename
    if info.compress_type != zipfile.ZIP_STORED:
        raise invalid(path, f"entry {name!r} is compressed (zip method {info.compress_type}); "
                            "seqlab reads stored entries only (zip -0, ZIP_STORED)", kind)
    if info.flag_bits & 0x1:
        raise invalid(path, f"entry {name!r} is encrypted", kind)
    if info.file_size != info.compress_size or info.header_offset + info.file_size > file_size:
        raise invalid(path, f"entry {name!r} claims {info.file_size:,} bytes "
                            f"({info.compress_size:,} stored) in a file of {file_size:,} bytes; "
                            "the file is cut short or damaged", kind)


def read_entries(path: str, required: tuple[str, ...], optional: tuple[str, ...] = (),
                 kind: str = "model") -> dict[str, bytes]:
    """The bytes of the ``required`` entries and of those ``optional`` ones the
    archive holds, each checked (see the module docstring); ``kind`` names the
    file in errors."""
    file_size = os.path.getsize(path)
    with open(path, "rb") as fh:  # a file that cannot be opened raises its own OSError
        try:
            archive = zipfile.ZipFile(fh)
        except _ZIP_DAMAGE as exc:
            raise invalid(path, f"it is not a zip archive, or it is cut short or damaged "
                                f"({exc})", kind) from None
        with archive:
            names = archive.namelist()
            missing = [n for n in required if n not in names]
            if missing:
                raise invalid(path, f"it has no {missing[0]!r} (entries: {names})", kind)
            out = {}
            for name in (*required, *(n for n in optional if n in names)):
                info = archive.getinfo(name)
                _check_entry(info, file_size, path, kind)
                try:
                    out[name] = archive.read(info)
                except _ZIP_DAMAGE as exc:
                    raise invalid(path, f"entry {name!r} is damaged ({exc})", kind) from None
    return out


def read_tensors(blob: bytes, path: str, what: str, kind: str = "model"
                 ) -> dict[str, np.ndarray]:
    """The arrays of a safetensors blob (``what`` names it in errors)."""
    try:
        return st.load(blob)
    except (SafetensorError, KeyError, ValueError, TypeError, OverflowError) as exc:
        raise invalid(path, f"{what} is not valid safetensors data ({exc})", kind) from None


def read_weights(blob: bytes, path: str, what: str, kind: str = "model"
                 ) -> list[tuple[str, np.ndarray]]:
    """The (name, array) pairs of a weights blob, in the saved order (its metadata)."""
    arrays = read_tensors(blob, path, what, kind)
    size = int.from_bytes(blob[:8], "little")  # valid: read_tensors parsed it
    meta = json.loads(blob[8:8 + size].decode("utf-8")).get("__metadata__") or {}
    try:
        order = json.loads(meta.get("order", "null"))
    except (json.JSONDecodeError, RecursionError):
        order = None
    if (not isinstance(order, list) or not all(isinstance(n, str) for n in order)
            or sorted(order) != sorted(arrays)):
        raise invalid(path, f"{what} has no valid weight order; it was not written by seqlab "
                            "or it was edited", kind)
    for name, arr in arrays.items():
        if arr.dtype.kind != "f":
            raise invalid(path, f"weight {name!r} in {what} has dtype {arr.dtype}; weights "
                                "are floating point", kind)
    return [(name, arrays[name]) for name in order]
