"""Reading the IMDB archive (``aclImdb_v1``): its files, its layout, the shuffle.

Layout of the original archive::

    aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt   25,000 labeled reviews per split
    aclImdb/train/unsup/<id>_0.txt                      50,000 unlabeled reviews

Files accepted for a split (the first found wins, see
:func:`seqlab.datasets.download.locate`): the project's repackagings
``imdb/aclImdb_v1_labeled.tar.gz`` (train + test) and
``imdb/aclImdb_v1_unsup.tar.gz`` (train/unsup), whose inner files are the
original ones, then the public ``imdb/aclImdb_v1.tar.gz`` (downloaded when
neither is on disk).
"""

from __future__ import annotations

import os
import re
import tarfile
from pathlib import Path

import numpy as np

from seqlab import checks
from seqlab.datasets.archives import reading
from seqlab.datasets.download import DataFile, locate
from seqlab.datasets.errors import DataFormatError

__all__ = ["LABELED", "ORIGINAL", "SPLITS", "UNSUP", "archive_for", "read_archive",
           "shuffled_order"]

ORIGINAL = DataFile(
    "imdb/aclImdb_v1.tar.gz",
    "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
    "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
    "the public archive (84,125,825 bytes): train (pos, neg, unsup) and test",
)
LABELED = DataFile(
    "imdb/aclImdb_v1_labeled.tar.gz",
    "fc132c2a23a4d23eec474b518907765dbc9c59e648c1e57ac8010670238ed697",
    None,
    "shared/data repackaging: aclImdb_v1 without train/unsup (inner files unchanged)",
)
UNSUP = DataFile(
    "imdb/aclImdb_v1_unsup.tar.gz",
    "bb1011ce1a02c423829431534b4ebe7d83349544974eb5a73953f77652997d0e",
    None,
    "shared/data repackaging: only aclImdb/train/unsup of aclImdb_v1",
)

SPLITS = ("train", "test", "unsup")
_MEMBER = re.compile(r"(?:^|/)aclImdb/(train|test)/(pos|neg|unsup)/(\d+)_(\d+)\.txt$")
_LABELS = {"pos": 1, "neg": 0, "unsup": -1}

Review = tuple[int, int, str]  # (label, id, text)


def archive_for(split: str, path: str | os.PathLike | None = None) -> Path:
    """The archive that holds ``split`` (found or downloaded), or ``path``."""
    split = checks.choice("imdb", "split", split, SPLITS)
    return locate([UNSUP if split == "unsup" else LABELED, ORIGINAL], path=path)


def read_archive(archive: str | os.PathLike, splits: tuple[str, ...]) -> dict[str, list[Review]]:
    """The reviews of ``splits`` in one pass over the archive, each split in
    archive order: label descending (pos, neg; unsup alone), then numeric id."""
    found: dict[str, list[Review]] = {split: [] for split in splits}
    with reading(archive), tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            match = _MEMBER.search(member.name)
            if not match:
                continue
            folder, kind = match.group(1), match.group(2)
            split = "unsup" if kind == "unsup" else folder
            if split not in found:
                continue
            raw = tar.extractfile(member).read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataFormatError(f"{archive}: member {member.name}: bytes "
                                      f"{raw[exc.start:exc.end]!r} are not valid UTF-8") from None
            found[split].append((_LABELS[kind], int(match.group(3)), text))
    for split, reviews in found.items():
        if not reviews:
            folder = "train/unsup" if split == "unsup" else f"{split}/{{pos,neg}}"
            raise DataFormatError(f"{archive}: the archive holds no reviews for split {split!r} "
                                  f"(expected members aclImdb/{folder}/<id>_<rating>.txt)")
        reviews.sort(key=lambda review: (-review[0], review[1]))
    return found


def shuffled_order(n: int, seed: int | None) -> np.ndarray:
    """The permutation that :func:`load_reviews` and :func:`load_data` apply to
    ``n`` reviews in archive order (the identity for ``seed=None``)."""
    if seed is None:
        return np.arange(n)
    return np.random.default_rng(seed).permutation(n)
