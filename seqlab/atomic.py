"""Atomic file writes: readers see the old file or the whole new one, never
half of it.

The data goes to a temporary file in the target's directory, is flushed and
synced, gets the usual permissions (mkstemp makes it owner-only), and replaces
the target in one ``os.replace``. On any error the temporary file is removed
and an existing target is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def _default_permissions() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def check_writable(path: str | os.PathLike, what: str = "output") -> Path:
    """Fail now, not after the work, if ``path`` cannot be written: its folder
    must exist and accept a new file, and ``path`` must not be a folder.
    Returns the absolute path. Nothing is left behind."""
    target = Path(os.fspath(path)).absolute()
    if target.is_dir():
        raise IsADirectoryError(f"cannot write the {what} {str(target)!r}: it is a directory")
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write the {what} {str(target)!r}: its directory {str(target.parent)!r} "
            "does not exist"
        )
    try:
        fd, probe = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".probe")
    except OSError as exc:
        raise PermissionError(
            f"cannot write the {what} {str(target)!r}: its directory does not accept new files "
            f"({exc.strerror or exc})"
        ) from None
    os.close(fd)
    os.unlink(probe)
    if target.exists() and not os.access(target, os.W_OK):
        raise PermissionError(f"cannot write the {what} {str(target)!r}: the file is read-only")
    return target


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb",
                 encoding: str | None = None) -> Iterator[IO]:
    """``with atomic_write(path, "w", encoding="utf-8") as fh: fh.write(...)``."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write: mode must be 'w' or 'wb', got {mode!r}")
    target = Path(os.fspath(path)).absolute()
    if target.is_dir():
        raise IsADirectoryError(f"cannot write {str(target)!r}: it is a directory")
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write {str(target)!r}: its directory {str(target.parent)!r} does not exist"
        )
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        text = {"encoding": encoding or "utf-8", "newline": "\n"} if mode == "w" else {}
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_permissions())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
