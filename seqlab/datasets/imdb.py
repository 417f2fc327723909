"""The IMDB Large Movie Review dataset (Maas et al., ACL 2011): 25,000 train and
25,000 test reviews labeled positive (1) or negative (0), and 50,000 unlabeled.

* :func:`load_reviews` — the texts and labels of one split, as in the files;
* :func:`load_data`, :func:`get_word_index` — Keras' integer encoding
  (``keras.datasets.imdb``), built from the same archive
  (:mod:`seqlab.datasets.imdb_index` says how and what differs from Keras' ``imdb.npz``).

The archive (``aclImdb_v1.tar.gz`` or the project's repackagings of it) is
found as :mod:`seqlab.datasets.imdb_archive` says.
"""

from __future__ import annotations

import os

import numpy as np

from seqlab import checks
from seqlab.datasets.imdb_archive import (
    LABELED,
    ORIGINAL,
    UNSUP,
    archive_for,
    read_archive,
    shuffled_order,
)
from seqlab.datasets.imdb_index import get_word_index, load_data, tokenize
from seqlab.datasets.registry import Dataset

__all__ = ["DATASET", "LABELED", "ORIGINAL", "UNSUP", "get_word_index", "load_data",
           "load_reviews", "tokenize"]


def load_reviews(split: str = "train", path: str | os.PathLike | None = None,
                 shuffle_seed: int | None = 113) -> tuple[list[str], np.ndarray]:
    """Texts and labels (int64) of one split: ``"train"``, ``"test"`` (25,000
    each, 1 = positive, 0 = negative) or ``"unsup"`` (50,000, label -1).

    ``path`` is the archive (by default it is found or downloaded). The order is
    shuffled with ``shuffle_seed``, as Keras does, so that "the last 20% of
    train" is a fair validation set; ``shuffle_seed=None`` keeps archive order
    (positives then negatives, each by id). The texts are as in the files,
    ``<br />`` tags included.
    """
    shuffle_seed = checks.integer("imdb.load_reviews", "shuffle_seed", shuffle_seed, 0,
                                  allow_none=True)
    archive = archive_for(split, path)
    reviews = read_archive(archive, (split,))[split]
    order = shuffled_order(len(reviews), shuffle_seed)
    texts = [reviews[i][2] for i in order]
    labels = np.array([reviews[i][0] for i in order], dtype=np.int64)
    return texts, labels


DATASET = Dataset(
    name="imdb",
    summary="IMDB Large Movie Review Dataset v1.0: 25k train + 25k test reviews labeled "
            "pos/neg and 50k unlabeled (Maas et al. 2011; cite when used)",
    files=(ORIGINAL, LABELED, UNSUP),
    loader=load_reviews,
)
