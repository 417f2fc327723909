"""The errors of dataset loading. Each message names the file concerned.

* :class:`DatasetNotFoundError` — no local copy and no download: the message
  says which file to put in which folder (a ``FileNotFoundError``).
* :class:`ChecksumError` — a download's SHA-256 is not the published one
  (a ``ValueError``); the bad download is not kept.
* :class:`DataFormatError` — a file is truncated, corrupt, or not in the
  documented format; the message names the file and, for text, the line
  (a ``ValueError``).
"""

from __future__ import annotations

__all__ = ["ChecksumError", "DataFormatError", "DatasetNotFoundError"]


class DatasetNotFoundError(FileNotFoundError):
    """A dataset file is neither on disk nor downloadable."""


class ChecksumError(ValueError):
    """A downloaded file does not have the expected SHA-256."""


class DataFormatError(ValueError):
    """A dataset file is truncated, corrupt or not in its documented format."""
