"""KeyedVectors: a table of word vectors with similarity queries and analogies.

``vectors`` (N, E) float32, row i belongs to ``index_to_key[i]``;
``key_to_index`` maps back. Similarities use unit vectors
``v̂ = v / ‖v‖`` (a zero vector stays zero).

* cosine:     cos(a, b) = â · b̂
* 3CosAdd:    argmax_w ŵ · m̂, m = Σ_{p∈positive} p̂ − Σ_{n∈negative} n̂
              (``most_similar``; for a : b :: c : ?, positive = [b, c], negative = [a])
* 3CosMul:    argmax_w Π_p s(w, p) / (Π_n s(w, n) + ε), s = (1 + cos) / 2, ε = 1e-6
              (``most_similar_cosmul``, Levy & Goldberg 2014)

The query words themselves are never returned (as in gensim).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from seqlab.embeddings import formats
from seqlab.random import SeedLike, make_rng

Query = str | np.ndarray | tuple[str, float]


class MissingWordsError(KeyError):
    """Query words that are not in the vocabulary; ``words`` lists them."""

    def __init__(self, words: Sequence[str], where: str = "KeyedVectors") -> None:
        self.words = list(words)
        super().__init__(f"{where}: not in the vocabulary: {', '.join(map(repr, self.words))}")

    def __str__(self) -> str:
        return str(self.args[0])


def _as_list(items: Any) -> list:
    if items is None:
        return []
    if isinstance(items, (str, np.ndarray, tuple)):
        return [items]
    return list(items)


class KeyedVectors:
    """Word vectors with gensim-style queries.

    Args:
        vectors: (N, E) array, stored as C-contiguous float32.
        index_to_key: N distinct string keys, row order.
    """

    def __init__(self, vectors: np.ndarray, index_to_key: Sequence[str]) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        keys = list(index_to_key)
        if vectors.ndim != 2:
            raise ValueError(f"KeyedVectors: vectors must be 2-D (N, E), got shape {vectors.shape}")
        if vectors.shape[0] != len(keys):
            raise ValueError(f"KeyedVectors: {len(keys)} keys but vectors has {vectors.shape[0]} "
                             "rows; they must match")
        bad = next((k for k in keys if not isinstance(k, str)), None)
        if bad is not None:
            raise TypeError(f"KeyedVectors: keys must be str, got {type(bad).__name__} {bad!r}")
        self.vectors = vectors
        self.index_to_key = keys
        self.key_to_index = {key: i for i, key in enumerate(keys)}
        if len(self.key_to_index) != len(keys):
            seen: set[str] = set()
            dupes = [k for k in keys if k in seen or seen.add(k)]
            raise ValueError(f"KeyedVectors: duplicate keys: {dupes[:5]}")
        self._normed: np.ndarray | None = None

    # ----------------------------------------------------------------- basics
    @property
    def vector_size(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.index_to_key)

    def __contains__(self, key: object) -> bool:
        return key in self.key_to_index

    def __repr__(self) -> str:
        return f"KeyedVectors({len(self)} keys, vector_size={self.vector_size})"

    def has_index_for(self, key: str) -> bool:
        return key in self.key_to_index

    def check_keys(self, keys: Iterable[str], where: str = "KeyedVectors") -> None:
        """Raise MissingWordsError naming every key not in the vocabulary."""
        missing = [k for k in keys if k not in self.key_to_index]
        if missing:
            raise MissingWordsError(missing, where)

    def get_index(self, key: str) -> int:
        self.check_keys([key])
        return self.key_to_index[key]

    def get_vector(self, key: str, norm: bool = False) -> np.ndarray:
        """The vector of ``key`` (a copy when ``norm``; unit length then)."""
        index = self.get_index(key)
        return self.get_normed_vectors()[index] if norm else self.vectors[index]

    def __getitem__(self, keys: str | Sequence[str]) -> np.ndarray:
        if isinstance(keys, str):
            return self.get_vector(keys)
        keys = list(keys)
        self.check_keys(keys)
        return self.vectors[[self.key_to_index[k] for k in keys]]

    def fill_norms(self, force: bool = False) -> None:
        """(Re)compute the unit vectors (call after changing ``vectors`` in place)."""
        if self._normed is None or force:
            norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)  # (N, 1)
            with np.errstate(invalid="ignore"):  # inf / inf: a row with inf becomes NaN
                self._normed = self.vectors / np.where(norms > 0, norms, 1.0).astype(np.float32)

    def get_normed_vectors(self) -> np.ndarray:
        """(N, E) unit vectors."""
        self.fill_norms()
        return self._normed

    # ------------------------------------------------------------ similarity
    def similarity(self, w1: str, w2: str) -> float:
        """cos(w1, w2)."""
        self.check_keys([w1, w2], "similarity")
        unit = self.get_normed_vectors()
        return float(unit[self.key_to_index[w1]] @ unit[self.key_to_index[w2]])

    def _terms(self, positive: Any, negative: Any, where: str):
        """Unit query vectors with weights, and the row indices of query words."""
        items = [(q, 1.0) for q in _as_list(positive)] + [(q, -1.0) for q in _as_list(negative)]
        if not items:
            raise ValueError(f"{where}: give at least one positive or negative word")
        words, vectors, weights = [], [], []
        for query, weight in items:
            if isinstance(query, tuple):
                query, weight = query[0], float(query[1])
            if isinstance(query, str):
                words.append(query)
            vectors.append(query)
            weights.append(weight)
        self.check_keys(words, where)
        unit = self.get_normed_vectors()
        rows = []
        for query in vectors:
            if isinstance(query, str):
                row = unit[self.key_to_index[query]]
            else:
                row = np.asarray(query, dtype=np.float32).reshape(-1)  # (E,)
                if row.shape[0] != self.vector_size:
                    raise ValueError(f"{where}: query vectors must have {self.vector_size} "
                                     f"values, got {row.shape[0]}")
                norm = float(np.linalg.norm(row))
                row = row / norm if 0 < norm < np.inf else row
            if not np.isfinite(row).all():
                what = repr(query) if isinstance(query, str) else "a query vector"
                raise ValueError(f"{where}: the vector of {what} holds NaN or infinite values, "
                                 "so every similarity with it would be NaN")
            rows.append(row)
        exclude = {self.key_to_index[w] for w in words}
        return np.stack(rows), np.asarray(weights, dtype=np.float32), exclude

    def _top(self, scores: np.ndarray, exclude: set[int], topn: int | None):
        if topn is None:
            return scores
        if topn < 1:
            return []
        k = min(topn + len(exclude), scores.shape[0])
        best = np.argpartition(-scores, k - 1)[:k] if k < scores.shape[0] else np.arange(k)
        best = best[np.argsort(-scores[best], kind="stable")]
        result = [(self.index_to_key[i], float(scores[i])) for i in best if i not in exclude]
        return result[:topn]

    def most_similar(self, positive: Any = None, negative: Any = None, topn: int | None = 10,
                     restrict_vocab: int | None = None):
        """3CosAdd: the ``topn`` (key, cosine) nearest to the mean of the unit
        query vectors (positive weight +1, negative −1, or ``(key, weight)``).

        Queries may be keys or vectors. ``restrict_vocab`` searches only the
        first rows (the most frequent words of a frequency-sorted model).
        ``topn=None`` returns the cosine of every searched row.
        """
        rows, weights, exclude = self._terms(positive, negative, "most_similar")
        mean = weights @ rows  # (E,)
        norm = float(np.linalg.norm(mean))
        mean = mean / norm if norm > 0 else mean
        unit = self.get_normed_vectors()[:restrict_vocab]
        return self._top(unit @ mean, exclude, topn)

    def most_similar_cosmul(self, positive: Any = None, negative: Any = None,
                            topn: int | None = 10, restrict_vocab: int | None = None):
        """3CosMul: rank w by Π_p (1 + cos(w, p))/2 / (Π_n (1 + cos(w, n))/2 + 1e-6)."""
        if not _as_list(positive):
            raise ValueError("most_similar_cosmul: give at least one positive word")
        rows, weights, exclude = self._terms(positive, negative, "most_similar_cosmul")
        unit = self.get_normed_vectors()[:restrict_vocab]
        shifted = (1.0 + unit @ rows.T) / 2.0  # (N, Q) cosines moved to [0, 1]
        pos = np.prod(shifted[:, weights > 0], axis=1)
        neg = np.prod(shifted[:, weights <= 0], axis=1)
        return self._top(pos / (neg + 1e-6), exclude, topn)

    def similar_by_vector(self, vector: np.ndarray, topn: int | None = 10,
                          restrict_vocab: int | None = None):
        """The ``topn`` keys nearest (cosine) to ``vector``."""
        return self.most_similar(positive=[np.asarray(vector)], topn=topn,
                                 restrict_vocab=restrict_vocab)

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word furthest (cosine) from the mean of the unit vectors of ``words``."""
        words = _as_list(words)
        if len(words) < 2:
            raise ValueError(f"doesnt_match: give at least two words, got {words}")
        self.check_keys(words, "doesnt_match")
        unit = self.get_normed_vectors()[[self.key_to_index[w] for w in words]]  # (n, E)
        mean = unit.mean(axis=0)
        mean /= max(float(np.linalg.norm(mean)), 1e-30)
        return words[int(np.argmin(unit @ mean))]

    # ------------------------------------------------------------ evaluation
    def evaluate_word_analogies(self, path: str | os.PathLike, restrict_vocab: int = 300000,
                                case_insensitive: bool = True, dummy4unknown: bool = False):
        """Analogy accuracy per section and in total; see
        :func:`seqlab.embeddings.evaluation.evaluate_word_analogies`."""
        from seqlab.embeddings.evaluation import evaluate_word_analogies

        return evaluate_word_analogies(self, path, restrict_vocab=restrict_vocab,
                                       case_insensitive=case_insensitive,
                                       dummy4unknown=dummy4unknown)

    def evaluate_word_pairs(self, path: str | os.PathLike, delimiter: str = "\t",
                            restrict_vocab: int = 300000, case_insensitive: bool = True,
                            dummy4unknown: bool = False):
        """Pearson, Spearman and OOV ratio on word-pair similarities; see
        :func:`seqlab.embeddings.evaluation.evaluate_word_pairs`."""
        from seqlab.embeddings.evaluation import evaluate_word_pairs

        return evaluate_word_pairs(self, path, delimiter=delimiter, restrict_vocab=restrict_vocab,
                                   case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)

    # ------------------------------------------------------ embedding matrix
    def embedding_matrix(self, vocabulary: Any, oov: str = "zeros",
                         seed: SeedLike = None) -> np.ndarray:
        """(V, E) float32 rows in id order for a vocabulary, to initialise an
        Embedding layer (``Embedding(V, E, weights=[matrix], trainable=False)``).

        ``vocabulary``: an object with ``get_vocabulary()`` or ``tokens`` (id →
        token), or a sequence of tokens in id order. Tokens missing here get
        zeros (``oov="zeros"``) or draws from N(0, σ²), σ the standard deviation
        of all stored vector entries (``oov="random"``, seeded by ``seed``).
        Padding — the empty-string token, and the row ``vocabulary.pad_id``
        when it has one — always gets zeros.
        """
        if oov not in ("zeros", "random"):
            raise ValueError(f"embedding_matrix: oov must be 'zeros' or 'random', got {oov!r}")
        tokens = _vocabulary_tokens(vocabulary)
        matrix = np.zeros((len(tokens), self.vector_size), dtype=np.float32)
        rows = np.array([self.key_to_index.get(t, -1) for t in tokens], dtype=np.int64)
        found = rows >= 0
        matrix[found] = self.vectors[rows[found]]
        padding = np.array([t == "" for t in tokens], dtype=bool)
        pad_id = getattr(vocabulary, "pad_id", None)
        if isinstance(pad_id, (int, np.integer)) and 0 <= pad_id < len(tokens):
            padding[pad_id] = True
        matrix[padding] = 0.0
        missing = ~found & ~padding
        if oov == "random" and missing.any():
            sigma = float(self.vectors.std()) if self.vectors.size else 1.0
            draws = make_rng(seed).normal(0.0, sigma, (int(missing.sum()), self.vector_size))
            matrix[missing] = draws.astype(np.float32)
        return matrix

    # ------------------------------------------------------------------ files
    @classmethod
    def load_word2vec_format(cls, path: str | os.PathLike, binary: bool | None = None,
                             no_header: bool | None = None, limit: int | None = None,
                             errors: str = "strict") -> KeyedVectors:
        """Load a word2vec text/binary or GloVe file (see :func:`formats.read_vectors`)."""
        keys, vectors = formats.read_vectors(path, binary=binary, no_header=no_header,
                                             limit=limit, errors=errors)
        return cls(vectors, keys)

    load = load_word2vec_format

    def save_word2vec_format(self, path: str | os.PathLike, binary: bool | None = None,
                             no_header: bool = False) -> None:
        """Save in the word2vec format: binary when ``binary`` (default: when the
        name ends in ``.bin`` or ``.bin.gz``); ``no_header=True`` writes GloVe text."""
        if binary is None:
            name = os.fspath(path)
            binary = name.endswith((".bin", ".bin.gz"))
        formats.write_vectors(path, self.index_to_key, self.vectors, binary=binary,
                              header=not no_header)

    save = save_word2vec_format


def _vocabulary_tokens(vocabulary: Any) -> list[str]:
    if hasattr(vocabulary, "get_vocabulary"):
        tokens = vocabulary.get_vocabulary()
    elif hasattr(vocabulary, "tokens"):
        tokens = vocabulary.tokens
    elif hasattr(vocabulary, "index_to_key"):
        tokens = vocabulary.index_to_key
    elif isinstance(vocabulary, dict):
        raise TypeError("embedding_matrix: pass the id → token list (or a Vocabulary), not a "
                        "dict")
    else:
        tokens = vocabulary
    if callable(tokens):
        tokens = tokens()
    tokens = list(tokens)
    bad = next((t for t in tokens if not isinstance(t, str)), None)
    if bad is not None:
        raise TypeError(f"embedding_matrix: vocabulary tokens must be str, got "
                        f"{type(bad).__name__} {bad!r}")
    return tokens
