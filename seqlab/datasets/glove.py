"""GloVe pretrained word vectors (Pennington, Socher & Manning, 2014; PDDL)
and the book's embedding matrix.

GloVe text format: one word per line, ``word v1 ... vE`` separated by single
spaces, no header, ordered by corpus frequency. The 6B files
(``glove.6B.{50,100,200,300}d.txt``, 400,000 words, lower case) hold a few
words that are not UTF-8 (e.g. the single byte ``0x96``); with the default
``errors="backslashreplace"`` such a word reads as ``"\\x96"``.

Files accepted for ``load_glove(dim)`` (the first found wins, see
:func:`seqlab.datasets.download.locate`): ``glove/glove.6B.{dim}d.txt``
(unpacked), ``glove/glove.6B.zip`` (the public archive, 862,182,613 bytes,
downloaded when nothing else is there; the member is extracted into the
cache once), and for ``dim=50`` the project's subset
``word2vec/glove.6B.50d.first2445.txt.gz`` (the 2,445 most frequent words only).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from seqlab import checks
from seqlab.datasets.archives import extract_member, reading
from seqlab.datasets.download import DataFile, cache_dir, locate
from seqlab.datasets.errors import DataFormatError
from seqlab.datasets.registry import Dataset
from seqlab.embeddings.formats import read_vectors
from seqlab.embeddings.keyed_vectors import KeyedVectors

__all__ = ["ARCHIVE", "DATASET", "DIMS", "SUBSET_50D", "embedding_matrix", "load_glove"]

DIMS = (50, 100, 200, 300)
ARCHIVE = DataFile(
    "glove/glove.6B.zip",
    "617afb2fe6cbd085c235baf7a465b96f4112bd7f7ccb2b2cbd649fed9cbcf2fb",
    "https://nlp.stanford.edu/data/glove.6B.zip",
    "the public archive: glove.6B.{50,100,200,300}d.txt",
)
SUBSET_50D = DataFile(
    "word2vec/glove.6B.50d.first2445.txt.gz",
    "19da92d4ab353dfa22b031b4152270bc4064d13fa938be47956c70cd4a82ffeb",
    None,
    "shared/data subset: the first 2,445 lines (most frequent words) of glove.6B.50d.txt",
)


def _member(dim: int) -> str:
    return f"glove.6B.{dim}d.txt"


def _unpacked(dim: int) -> DataFile:
    # no checksum: the unpacked members' SHA-256 are not published
    return DataFile(f"glove/{_member(dim)}", note=f"{_member(dim)} unpacked from glove.6B.zip")


def _vector_file(dim: int, path: str | os.PathLike | None) -> Path:
    """The text file of ``dim``-d vectors: found, or extracted from the zip into the cache."""
    if path is None and dim not in DIMS:
        raise ValueError(f"load_glove: dim must be one of {list(DIMS)} (the glove.6B files), got "
                         f"{dim}; pass path= for a GloVe file of another dimension")
    alternatives = [_unpacked(dim), ARCHIVE] + ([SUBSET_50D] if dim == 50 else [])
    found = locate(alternatives, path=path)
    if found.suffix != ".zip":
        return found
    extracted = cache_dir() / _unpacked(dim).relative
    if not extracted.is_file():
        extract_member(found, _member(dim), extracted)
    return extracted


def load_glove(dim: int = 50, path: str | os.PathLike | None = None,
               errors: str = "backslashreplace") -> KeyedVectors:
    """GloVe vectors of dimension ``dim`` as :class:`~seqlab.embeddings.KeyedVectors`.

    ``path``: a GloVe text file (``.txt`` or ``.txt.gz``, any dimension) or
    ``glove.6B.zip``; its vectors must have ``dim`` values. ``errors``: how
    words that are not UTF-8 are decoded (see the module docstring).
    """
    dim = checks.positive_int("load_glove", "dim", dim)
    source = _vector_file(dim, path)
    with reading(source):
        words, vectors = read_vectors(source, no_header=True, errors=errors)
    if vectors.shape[1] != dim:
        raise DataFormatError(f"{source}: holds {vectors.shape[1]}-d vectors, but dim={dim} was "
                              "asked for")
    return KeyedVectors(vectors, words)


def embedding_matrix(word_index: Mapping[str, int],
                     vectors: KeyedVectors | Mapping[str, np.ndarray], num_words: int,
                     return_found: bool = False) -> np.ndarray | tuple[np.ndarray, int]:
    """The book's pretrained ``Embedding`` weights: a float32 (num_words, E)
    matrix whose row i is the vector of the word with index i in ``word_index``;
    rows of words without a vector stay zero, words with index >= num_words are
    left out, and row 0 (padding) stays zero as Keras' word indexes start at 1.

    ``vectors``: KeyedVectors (e.g. from :func:`load_glove`) or a dict word → vector.
    ``return_found=True`` also returns how many rows got a vector. For
    :func:`seqlab.datasets.imdb.load_data`'s ids, shift the index first:
    ``{w: r + index_from for w, r in get_word_index().items()}``.
    """
    num_words = checks.positive_int("embedding_matrix", "num_words", num_words)
    if isinstance(vectors, KeyedVectors):
        lookup, dim = vectors.key_to_index, vectors.vector_size
        table = vectors.vectors
    else:
        lookup = {word: row for row, word in enumerate(vectors)}
        rows = [np.asarray(v, dtype=np.float32) for v in vectors.values()]
        shapes = sorted({row.shape for row in rows})
        if len(shapes) > 1 or shapes and len(shapes[0]) != 1:
            raise ValueError(f"embedding_matrix: the vectors must be 1-D and of one length, got "
                             f"shapes {shapes[:5]}")
        table = np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
        dim = table.shape[1]
    matrix = np.zeros((num_words, dim), dtype=np.float32)
    found = 0
    for word, index in word_index.items():
        index = checks.integer("embedding_matrix", f"word_index[{word!r}]", index, 0)
        row = lookup.get(word)
        if index < num_words and row is not None:
            matrix[index] = table[row]
            found += 1
    return (matrix, found) if return_found else matrix


DATASET = Dataset(
    name="glove",
    summary="GloVe 6B word vectors, 50/100/200/300 dimensions, 400k words (Wikipedia 2014 + "
            "Gigaword 5; Pennington et al. 2014; PDDL)",
    files=tuple(_unpacked(dim) for dim in DIMS) + (ARCHIVE, SUBSET_50D),
    loader=load_glove,
)
