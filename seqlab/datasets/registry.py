"""The description of one dataset in :data:`seqlab.datasets.DATASETS`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from seqlab.datasets.download import DataFile

__all__ = ["Dataset"]


@dataclass(frozen=True)
class Dataset:
    """A dataset: its files and the loader that reads them in their original format.

    Attributes:
        name: the registry key, e.g. ``"imdb"``.
        summary: one line: what it is, where it comes from, its licence.
        files: every file the loader can read (public originals with their URL
            and SHA-256, and the repackaged local copies it also accepts).
        loader: the function that reads it, e.g. :func:`seqlab.datasets.imdb.load_reviews`.
    """

    name: str
    summary: str
    files: tuple[DataFile, ...]
    loader: Callable[..., Any]

    def load(self, **kwargs: Any) -> Any:
        """``loader(**kwargs)``."""
        return self.loader(**kwargs)
