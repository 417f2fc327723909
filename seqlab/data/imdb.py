"""The IMDB Large Movie Review dataset (Maas et al., 2011), read from the
original ``aclImdb_v1`` archive layout: ``aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt``.

Reviews are read straight from the ``.tar.gz`` (no unpacking). Label 1 = pos,
0 = neg. The order is shuffled with a fixed seed, as Keras' loader does, so
that "the last 20% of train" is a fair validation set.
"""

from __future__ import annotations

import os
import re
import tarfile

import numpy as np

from seqlab.data.download import locate

LABELED = "imdb/aclImdb_v1_labeled.tar.gz"
LABELED_SHA256 = "fc132c2a23a4d23eec474b518907765dbc9c59e648c1e57ac8010670238ed697"
UNSUP = "imdb/aclImdb_v1_unsup.tar.gz"
UNSUP_SHA256 = "bb1011ce1a02c423829431534b4ebe7d83349544974eb5a73953f77652997d0e"

_MEMBER = re.compile(r"aclImdb/(train|test)/(pos|neg|unsup)/(\d+)_(\d+)\.txt$")
_SPLITS = ("train", "test", "unsup")


def load_imdb_reviews(split: str = "train", path: str | os.PathLike | None = None,
                      shuffle_seed: int | None = 113) -> tuple[list[str], np.ndarray]:
    """Texts and labels of one split: 'train', 'test' (25,000 each) or
    'unsup' (50,000, label -1).

    ``path`` is the archive; by default it is found by
    :func:`seqlab.data.download.locate`. ``shuffle_seed=None`` keeps archive
    order (sorted by label, then id).
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {list(_SPLITS)}, got {split!r}")
    archive = locate(UNSUP if split == "unsup" else LABELED, path=path)
    found: list[tuple[int, int, str]] = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            match = _MEMBER.match(member.name)
            if not match or match.group(1) != ("train" if split == "unsup" else split):
                continue
            kind = match.group(2)
            if (kind == "unsup") != (split == "unsup"):
                continue
            text = tar.extractfile(member).read().decode("utf-8")
            label = {"pos": 1, "neg": 0, "unsup": -1}[kind]
            found.append((label, int(match.group(3)), text))
    if not found:
        raise ValueError(f"archive {str(archive)!r} holds no reviews for split {split!r}")
    found.sort(key=lambda item: (-item[0], item[1]))
    texts = [t for _, _, t in found]
    labels = np.array([lab for lab, _, _ in found], dtype=np.int64)
    if shuffle_seed is not None:
        order = np.random.default_rng(shuffle_seed).permutation(len(texts))
        texts = [texts[i] for i in order]
        labels = labels[order]
    return texts, labels
