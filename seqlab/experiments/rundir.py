"""A run folder: everything one run of an experiment leaves behind, never half-written.

    runs/imdb_lstm-20261203-101500/
        config.json        the config that ran (after --quick and overrides)
        status.json        "running", "interrupted", "failed" or "done", and how to resume
        history.csv        one row per finished epoch (CSVLogger)
        checkpoint.seqlab  the model and optimizer after the last finished epoch
        model.seqlab       the final model (trained runs)
        metrics.json       final and best metrics, test metrics, the book's number, wall
                           time, threads, seed, versions
        report.html        one self-contained page: curves, metrics beside the book, facts

Every file is written atomically (a reader sees the old file or the new one),
so a killed run keeps its last checkpoint and the rows of the epochs it
finished; ``seqlab run --resume FOLDER`` continues it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from seqlab.atomic import atomic_write, check_writable

__all__ = ["RunFolder"]

FILES = ("config.json", "status.json", "history.csv", "checkpoint.seqlab", "model.seqlab",
         "metrics.json", "report.html")


class RunFolder:
    """The folder of one run (see the module docstring)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)

    @classmethod
    def create(cls, root: str | os.PathLike, name: str) -> RunFolder:
        """A new folder ``root/name-YYYYmmdd-HHMMSS`` (``-2``, ``-3`` … if taken)."""
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for k in range(1, 1000):
            path = root / (f"{name}-{stamp}" if k == 1 else f"{name}-{stamp}-{k}")
            try:
                path.mkdir()
            except FileExistsError:
                continue
            return cls(path)
        raise FileExistsError(f"cannot make a new run folder for {name!r} in {str(root)!r}")

    @staticmethod
    def check_root(root: str | os.PathLike) -> Path:
        """Fail now, before any work, if run folders cannot be made in ``root``: it is
        created when missing, and must be a folder that accepts new entries."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise NotADirectoryError(f"cannot write run folders in {str(root)!r}: it is a file, "
                                     "not a folder")
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PermissionError(f"cannot write run folders in {str(root)!r}: "
                                  f"{exc.strerror or exc}") from None
        check_writable(root / "run", "runs folder entry")
        return root

    @classmethod
    def open(cls, path: str | os.PathLike) -> RunFolder:
        """An existing run folder (to resume or report); it must hold config.json."""
        folder = cls(path)
        if not folder.path.is_dir():
            raise FileNotFoundError(f"run folder {str(folder.path)!r} does not exist")
        if not folder.file("config.json").is_file():
            raise FileNotFoundError(f"{str(folder.path)!r} is not a run folder: it has no "
                                    "config.json")
        return folder

    def file(self, name: str) -> Path:
        return self.path / name

    def write_json(self, name: str, value: Any) -> None:
        with atomic_write(self.file(name), "w") as fh:
            json.dump(value, fh, indent=2, ensure_ascii=False, default=_plain)
            fh.write("\n")

    def read_json(self, name: str) -> Any:
        with open(self.file(name), encoding="utf-8") as fh:
            return json.load(fh)

    def write_text(self, name: str, text: str) -> None:
        with atomic_write(self.file(name), "w") as fh:
            fh.write(text)

    def set_status(self, state: str, **info: Any) -> None:
        self.write_json("status.json", {"state": state, "time": time.strftime("%Y-%m-%d %H:%M:%S"),
                                        **info})

    def status(self) -> dict[str, Any]:
        try:
            return self.read_json("status.json")
        except (OSError, ValueError):
            return {"state": "unknown"}

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"


def _plain(value: Any) -> Any:
    """numpy scalars and arrays as JSON numbers and lists."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
