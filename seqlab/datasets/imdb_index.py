"""Keras' integer encoding of IMDB (``keras.datasets.imdb``), built from the raw archive.

Tokenization (:func:`tokenize`): lower case; the HTML line breaks ``<br />``
become spaces; a word is a run of letters and digits (any script), with
apostrophes inside it kept (``don't``, ``it's``); anything else separates words.

Word index (:func:`get_word_index`): the words of the 25,000 **training**
reviews ranked by count, rank 1 = the most frequent; equal counts are ranked
alphabetically.

Encoding (:func:`load_data`), with Keras' documented semantics:

* the word of rank r gets id ``r + index_from``; with the defaults 0 is
  padding, 1 = ``start_char`` starts every review, 2 = ``oov_char``, 3 unused;
* a word whose id is ``>= num_words`` or whose rank is ``<= skip_top`` becomes
  ``oov_char`` (``oov_char=None``: it is removed);
* test words that never occur in the training reviews are skipped (as Keras' note says);
* reviews longer than ``maxlen`` (counting ``start_char``, before
  ``oov_char=None`` removes anything) are dropped from train and test;
* each split comes in the order of ``load_reviews(split, shuffle_seed=seed)``:
  with ``maxlen=None``, ``x_train[i]`` encodes ``load_reviews("train")[0][i]``.

Keras' own ``imdb.npz`` cannot be reproduced (the tokenizer that made it is not
published). What differs: the tokenization, hence the words and their counts
(the npz, for one, keeps ``br`` from ``<br />`` as a frequent word); its word
index has 88,584 words, this one the training vocabulary of the tokenizer
above; the shuffle (NumPy's ``Generator`` here, ``RandomState`` over another
base order there); ``skip_top`` — Keras compares it with the offset id, so it
replaces ``skip_top - index_from`` words and also ``start_char``, where here
the ``skip_top`` most frequent words are replaced, as documented, and the
start marker is kept; ``num_words=None`` — Keras then takes the largest id as
``num_words`` and so turns that one word into ``oov_char``; here every word is kept.

Cache: tokenizing 50,000 reviews takes seconds, so the tokenized corpus (ranks
per review, labels, the vocabulary; NumPy arrays, no pickle) is kept in the
cache folder as ``imdb/corpus-<first 16 hex of the archive's sha256>-v1.npz``,
written atomically; delete it to rebuild. If the cache folder cannot be
written, the corpus is rebuilt on each call.
"""

from __future__ import annotations

import itertools
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from seqlab import checks
from seqlab.atomic import atomic_write
from seqlab.datasets.download import cache_dir, sha256_of
from seqlab.datasets.imdb_archive import archive_for, read_archive, shuffled_order

__all__ = ["get_word_index", "load_data", "tokenize"]

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_CORPUS_VERSION = 1
_LABELED_SPLITS = ("train", "test")


def tokenize(text: str) -> list[str]:
    """The words of a review, as the module docstring defines them."""
    return _WORD.findall(_BREAK.sub(" ", text.lower()))


@dataclass(frozen=True)
class _Corpus:
    """The tokenized reviews in archive order; ``ranks[split]`` is flat (all
    reviews one after the other), ``lengths[split]`` cuts it into reviews."""

    words: list[str]  # words[r - 1] has rank r
    ranks: dict[str, np.ndarray]  # int32 (total words,)
    lengths: dict[str, np.ndarray]  # int64 (reviews,)
    labels: dict[str, np.ndarray]  # int64 (reviews,)


def _build_corpus(archive: Path) -> _Corpus:
    reviews = read_archive(archive, _LABELED_SPLITS)
    docs = {split: [tokenize(text) for _, _, text in reviews[split]] for split in reviews}
    counts: Counter[str] = Counter()
    for doc in docs["train"]:
        counts.update(doc)
    words = sorted(counts, key=lambda word: (-counts[word], word))
    rank = {word: r for r, word in enumerate(words, start=1)}
    ranks, lengths, labels = {}, {}, {}
    for split in _LABELED_SPLITS:
        encoded = [[rank[w] for w in doc if w in rank] for doc in docs[split]]
        lengths[split] = np.array([len(doc) for doc in encoded], dtype=np.int64)
        ranks[split] = np.fromiter(itertools.chain.from_iterable(encoded), dtype=np.int32,
                                   count=int(lengths[split].sum()))
        labels[split] = np.array([label for label, _, _ in reviews[split]], dtype=np.int64)
    return _Corpus(words, ranks, lengths, labels)


def _save_corpus(corpus: _Corpus, target: Path) -> None:
    arrays = {"version": np.array(_CORPUS_VERSION),
              "words": np.frombuffer("\n".join(corpus.words).encode("utf-8"), dtype=np.uint8)}
    for split in _LABELED_SPLITS:
        arrays[f"{split}_ranks"] = corpus.ranks[split]
        arrays[f"{split}_lengths"] = corpus.lengths[split]
        arrays[f"{split}_labels"] = corpus.labels[split]
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(target, "wb") as out:
        np.savez(out, **arrays)


def _load_corpus(source: Path) -> _Corpus | None:
    """The cached corpus, or None when it is missing or unreadable."""
    try:
        with np.load(source, allow_pickle=False) as data:
            if int(data["version"]) != _CORPUS_VERSION:
                return None
            text = data["words"].tobytes().decode("utf-8")
            return _Corpus(
                text.split("\n") if text else [],
                {s: data[f"{s}_ranks"] for s in _LABELED_SPLITS},
                {s: data[f"{s}_lengths"] for s in _LABELED_SPLITS},
                {s: data[f"{s}_labels"] for s in _LABELED_SPLITS},
            )
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None


def _corpus(path: str | os.PathLike | None) -> _Corpus:
    archive = archive_for("train", path)
    cached = cache_dir() / "imdb" / f"corpus-{sha256_of(archive)[:16]}-v{_CORPUS_VERSION}.npz"
    corpus = _load_corpus(cached) if cached.is_file() else None
    if corpus is None:
        corpus = _build_corpus(archive)
        try:
            _save_corpus(corpus, cached)
        except OSError:
            pass  # an unwritable cache only costs the rebuild next time
    return corpus


def get_word_index(path: str | os.PathLike | None = None) -> dict[str, int]:
    """word → rank in the training reviews (1 = the most frequent), as Keras'
    ``imdb.get_word_index``: the word with rank r has id ``r + index_from`` in
    :func:`load_data`'s sequences."""
    return {word: r for r, word in enumerate(_corpus(path).words, start=1)}


def load_data(num_words: int | None = None, skip_top: int = 0, maxlen: int | None = None,
              seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2,
              index_from: int = 3, path: str | os.PathLike | None = None
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(x_train, y_train), (x_test, y_test)`` as ``keras.datasets.imdb.load_data``:
    x are object arrays of lists of int ids, y int64 arrays of 0/1 labels.

    The semantics of every argument, and what differs from Keras' ``imdb.npz``,
    are in the module docstring. ``path`` is the archive.
    """
    who = "imdb.load_data"
    num_words = checks.integer(who, "num_words", num_words, 1, allow_none=True)
    skip_top = checks.integer(who, "skip_top", skip_top, 0)
    maxlen = checks.integer(who, "maxlen", maxlen, 1, allow_none=True)
    seed = checks.integer(who, "seed", seed, 0)
    index_from = checks.integer(who, "index_from", index_from, 0)
    for name, value in (("start_char", start_char), ("oov_char", oov_char)):
        value = checks.integer(who, name, value, 0, allow_none=True)
        if value is not None and value > index_from:
            raise ValueError(f"{who}: {name}={value} collides with the word ids, which start at "
                             f"index_from + 1 = {index_from + 1}; use a value <= index_from")
    corpus = _corpus(path)
    splits = []
    for split in _LABELED_SPLITS:
        ids = corpus.ranks[split].astype(np.int64) + index_from
        kept = corpus.ranks[split] > skip_top
        if num_words is not None:
            kept &= ids < num_words
        flat = np.where(kept, ids, -1 if oov_char is None else oov_char).tolist()
        lengths = corpus.lengths[split].tolist()
        ends = np.cumsum(corpus.lengths[split]).tolist()
        marker = [] if start_char is None else [start_char]
        sequences, labels = [], []
        for i in shuffled_order(len(lengths), seed):
            if maxlen is not None and lengths[i] + len(marker) > maxlen:
                continue
            words = flat[ends[i] - lengths[i]:ends[i]]
            sequences.append(marker + (words if oov_char is not None else
                                       [w for w in words if w >= 0]))
            labels.append(corpus.labels[split][i])
        if not sequences:
            raise ValueError(f"{who}: no {split} review is at most maxlen={maxlen} long "
                             "(start_char counted); increase maxlen")
        x = np.empty(len(sequences), dtype=object)  # filled one by one: equal lengths stay lists
        for row, sequence in enumerate(sequences):
            x[row] = sequence
        splits.append((x, np.array(labels, dtype=np.int64)))
    return splits[0], splits[1]
