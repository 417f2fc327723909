"""Tiny Shakespeare (Karpathy's char-rnn corpus): 40,000 lines, 1,115,394
characters of Shakespeare's plays (public domain) in one UTF-8 text file.

Files accepted (the first found wins, see :func:`seqlab.datasets.download.locate`):
``tinyshakespeare/input.txt`` (downloaded from the char-rnn repository when
nothing else is there) or ``tinyshakespeare/input.txt.gz`` (the same text, gzipped).
"""

from __future__ import annotations

import os

from seqlab.datasets.archives import open_binary
from seqlab.datasets.download import DataFile, locate
from seqlab.datasets.errors import DataFormatError
from seqlab.datasets.registry import Dataset

__all__ = ["DATASET", "FILES", "load_tiny_shakespeare"]

FILES = (
    DataFile("tinyshakespeare/input.txt",
             "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
             "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/"
             "input.txt", "the char-rnn file"),
    DataFile("tinyshakespeare/input.txt.gz",
             "bed00f18e91cda6838950656f0a95e07e0f4dbe8649a4b959f7602a7e53fbc6e", None,
             "shared/data: the same file, gzipped"),
)


def load_tiny_shakespeare(path: str | os.PathLike | None = None) -> str:
    """The whole text, line ends included. ``path``: ``input.txt`` or ``.txt.gz``."""
    source = locate(FILES, path=path)
    with open_binary(source) as stream:
        raw = stream.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DataFormatError(f"{source}: line {line}: bytes {raw[exc.start:exc.end]!r} are not "
                              "valid UTF-8") from None
    if not text:
        raise DataFormatError(f"{source}: the file is empty; expected text")
    return text


DATASET = Dataset(
    name="tinyshakespeare",
    summary="Tiny Shakespeare, 1.1M characters of Shakespeare's plays (char-rnn; public domain)",
    files=FILES,
    loader=load_tiny_shakespeare,
)
