"""Atomic file writes: readers see the old file or the whole new one, never
half of it.

The data goes to a temporary file ``.NAME.XXXXXXXX.tmp`` in the target's
directory, is flushed and synced, gets the usual permissions (mkstemp makes it
owner-only), and replaces the target in one ``os.replace``. On any error the
temporary file is removed and an existing target is left as it was; an OS
error of that machinery names the target, never the hidden temporary file.

Orphans: a process killed in the middle of a write leaves its temporary file
behind. The next write of the same target removes such orphans. Two processes
may write the same target at once: each writer holds an exclusive ``flock`` on
its temporary file until it has been renamed, and only a temporary file whose
lock is free (its writer is gone) is removed. Where ``fcntl`` is missing
(Windows) nothing is locked and orphans are left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["atomic_write", "check_writable", "remove_orphans"]


def _default_permissions() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _check_target(target: Path, what: str) -> None:
    if target.is_dir():
        raise IsADirectoryError(f"cannot write {what}{str(target)!r}: it is a directory")
    if not target.parent.is_dir():
        raise FileNotFoundError(
            f"cannot write {what}{str(target)!r}: its directory {str(target.parent)!r} "
            "does not exist"
        )


def check_writable(path: str | os.PathLike, what: str = "output") -> Path:
    """Fail now, not after the work, if ``path`` cannot be written: its folder
    must exist and accept a new file, and ``path`` must not be a folder.
    Returns the absolute path. Nothing is left behind."""
    target = Path(os.fspath(path)).absolute()
    _check_target(target, f"the {what} ")
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


# ------------------------------------------------------------ temporary files
def _lock(fd: int) -> int | None:
    """An exclusive flock on ``fd``'s file, held by a duplicate descriptor
    (returned; close it to release) so that closing ``fd`` keeps the lock."""
    if fcntl is None:
        return None
    fcntl.flock(fd, fcntl.LOCK_EX)
    return os.dup(fd)


def _new_temp(target: Path) -> tuple[int, str, int | None]:
    """Create and lock a temporary file for ``target``: (fd, path, lock fd).

    A cleaner may remove the file in the instant between its creation and the
    lock (it looked like an orphan): then the locked inode is no longer at
    ``path`` and another one is made."""
    while True:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        lock = _lock(fd)
        try:
            if lock is None or os.stat(tmp).st_ino == os.fstat(fd).st_ino:
                return fd, tmp, lock
        except FileNotFoundError:
            pass
        os.close(fd)
        os.close(lock)


def remove_orphans(target: str | os.PathLike) -> list[str]:
    """Remove the temporary files that killed writers of ``target`` left behind
    (those whose lock is free); return their paths. Live writers are not touched."""
    if fcntl is None:
        return []
    target = Path(os.fspath(target)).absolute()
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp")
    try:
        names = [n for n in os.listdir(target.parent) if pattern.fullmatch(n)]
    except OSError:
        return []
    removed = []
    for name in names:
        path = os.path.join(target.parent, name)
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue  # already gone, or not ours to read
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.unlink(path)
            removed.append(path)
        except OSError:
            pass  # a live writer holds it (or it vanished meanwhile)
        finally:
            os.close(fd)
    return removed


def _naming_target(exc: OSError, target: Path) -> OSError:
    """The same kind of error (same errno), naming ``target`` instead of the temp file."""
    err = type(exc)(f"cannot write {str(target)!r}: {exc.strerror or exc}")
    err.errno = exc.errno
    return err


def _is_write_error(exc: BaseException, tmp: str) -> bool:
    """A builtin OS error about the temporary file (or about no file at all)."""
    return (isinstance(exc, OSError) and type(exc).__module__ == "builtins"
            and exc.filename in (None, tmp))


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb",
                 encoding: str | None = None) -> Iterator[IO]:
    """``with atomic_write(path, "w", encoding="utf-8") as fh: fh.write(...)``.

    OS errors of the writing (no permission, disk full) name ``path``; an error
    about another file, or any other exception, passes through unchanged."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write: mode must be 'w' or 'wb', got {mode!r}")
    target = Path(os.fspath(path)).absolute()
    _check_target(target, "")
    remove_orphans(target)
    try:
        fd, tmp, lock = _new_temp(target)
    except OSError as exc:
        raise _naming_target(exc, target) from None
    try:
        text = {"encoding": encoding or "utf-8", "newline": "\n"} if mode == "w" else {}
        with os.fdopen(fd, mode, **text) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _default_permissions())
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if _is_write_error(exc, tmp):
            raise _naming_target(exc, target) from None
        raise
    finally:
        if lock is not None:
            os.close(lock)
