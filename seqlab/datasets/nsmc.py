"""NSMC, the Naver Sentiment Movie Corpus v1.0 (Lucy Park, CC0 1.0): Korean
movie reviews of at most 140 characters, labeled 1 (positive: rated 9–10)
or 0 (negative: rated 1–4).

Format: UTF-8, tab-separated, LF, a header ``id\\tdocument\\tlabel``, one
review per line. The files are read with quoting disabled, as their author
does (pandas ``quoting=3``): a document that contains a double quote keeps the
csv-quote artefacts of the canonical files as they are (wrapped in quotes,
inner quotes doubled, sometimes twice over). A few documents are empty (pandas
reads them as NaN); they are kept as ``""``.

Files accepted (the first found wins, see :func:`seqlab.datasets.download.locate`):

* test: ``nsmc/ratings_test.txt`` (canonical, 50,000 rows, downloaded when
  nothing else is there) or ``nsmc/ratings_test.txt.gz`` (the same bytes, gzipped);
* train: ``nsmc/ratings_train.txt`` (canonical, 150,000 rows, downloaded when
  nothing else is there; no checksum is published for it) or the project's
  ``nsmc/ratings_train_subset50k.txt.gz``: 50,000 of the 150,000 rows, not the
  canonical file (see shared/data/MANIFEST.md).
"""

from __future__ import annotations

import os

import numpy as np

from seqlab import checks
from seqlab.datasets.archives import decoded_lines, open_binary
from seqlab.datasets.download import DataFile, locate
from seqlab.datasets.errors import DataFormatError
from seqlab.datasets.registry import Dataset

__all__ = ["DATASET", "FILES", "load_nsmc"]

_URL = "https://raw.githubusercontent.com/e9t/nsmc/master/"
FILES = {
    "train": (
        DataFile("nsmc/ratings_train.txt", None, _URL + "ratings_train.txt",
                 "canonical, 150,000 rows (no published checksum)"),
        DataFile("nsmc/ratings_train_subset50k.txt.gz",
                 "aac334b61f67b2bc04510b645efa8fb860a07be643a6126903aed44c74a6de4c", None,
                 "shared/data: 50,000 of the 150,000 canonical train rows"),
    ),
    "test": (
        DataFile("nsmc/ratings_test.txt",
                 "8ac9f64052f11dbf6ae0acb5e038f03d90a76f0eda7820cfb3a92d02edfcebda",
                 _URL + "ratings_test.txt", "canonical, 50,000 rows"),
        DataFile("nsmc/ratings_test.txt.gz",
                 "09d3165d0f347ed02020d8e7bc0930ae2749d6b7204b610c597a35b9bcff983f", None,
                 "shared/data: the canonical file, gzipped"),
    ),
}
HEADER = "id\tdocument\tlabel"


def load_nsmc(split: str = "train", path: str | os.PathLike | None = None
              ) -> tuple[list[str], np.ndarray]:
    """Documents and labels (int64, 1 = positive) of ``"train"`` or ``"test"``, in
    file order. ``path``: a ``ratings_*.txt`` or ``.txt.gz`` file."""
    split = checks.choice("load_nsmc", "split", split, tuple(FILES))
    source = locate(FILES[split], path=path)
    texts: list[str] = []
    labels: list[int] = []
    with open_binary(source) as stream:
        for number, line in decoded_lines(stream, source):
            if number == 1:
                if line != HEADER:
                    raise DataFormatError(f"{source}: line 1: expected the header {HEADER!r}, "
                                          f"got {line[:80]!r}")
                continue
            fields = line.split("\t")
            if len(fields) != 3 or fields[2] not in ("0", "1"):
                raise DataFormatError(f"{source}: line {number}: expected 'id<TAB>document<TAB>"
                                      f"label' with label 0 or 1, got {line[:80]!r}")
            texts.append(fields[1])
            labels.append(int(fields[2]))
    if not texts:
        raise DataFormatError(f"{source}: the file holds no reviews (expected the header "
                              f"{HEADER!r} and one review per line)")
    return texts, np.array(labels, dtype=np.int64)


DATASET = Dataset(
    name="nsmc",
    summary="Naver Sentiment Movie Corpus v1.0: Korean movie reviews, 150k train + 50k test, "
            "labeled pos/neg (Lucy Park; CC0 1.0)",
    files=FILES["train"] + FILES["test"],
    loader=load_nsmc,
)
