"""Keras 2's ``keras.preprocessing.text``: :class:`Tokenizer` and
:func:`text_to_word_sequence`, with Keras' id scheme.

Ids (as Keras 2.2+ / keras-preprocessing 1.1):

- 0 is never a word's id (it is left for padding);
- ``oov_token``, when given, is id 1;
- then every word seen by ``fit_on_texts``, most frequent first; words that
  are equally frequent keep the order in which they were first seen.

``word_index`` holds every word seen, whatever ``num_words`` is: ``num_words``
only limits what ``texts_to_sequences`` and ``texts_to_matrix`` emit, to the
ids below ``num_words`` (the ``num_words − 1`` most frequent words, counting
the oov token); a word left out becomes the oov id, or is dropped without one.

``texts_to_matrix`` / ``sequences_to_matrix`` give one row of ``num_words``
columns per text (``len(word_index) + 1`` without ``num_words``); for id j
seen c times in a text of n kept ids, over N fitted texts of which df_j held j:

    binary  1
    count   c
    freq    c / n
    tfidf   (1 + ln c) · ln(1 + N / (1 + df_j))

A text is split as :func:`text_to_word_sequence` does: lower-cased (``lower``),
every character of ``filters`` replaced by ``split``, split on ``split``,
empty pieces dropped. With ``char_level=True`` (or for a text given as a list
of tokens) the characters (the tokens) are the words, filters are not applied.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

__all__ = ["MATRIX_MODES", "Tokenizer", "text_to_word_sequence"]

#: Keras' default ``filters``: punctuation, tab and newline.
DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'

#: The modes of ``texts_to_matrix`` (formulas in the module docstring).
MATRIX_MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(text: str, filters: str = DEFAULT_FILTERS, lower: bool = True,
                          split: str = " ") -> list[str]:
    """The words of ``text``: lower-cased, ``filters`` replaced by ``split``, split on it."""
    if not isinstance(text, str):
        raise TypeError(f"text_to_word_sequence: text must be a str, got {type(text).__name__}")
    if not isinstance(split, str) or not split:
        raise ValueError(f"text_to_word_sequence: split must be a non-empty str, got {split!r}")
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in text.split(split) if word]


class Tokenizer:
    """Texts → lists of word ids, or → one row per text (see the module docstring).

    ``fit_on_texts`` may be called more than once: counts add up and the ids
    are assigned again from all the texts seen.
    """

    def __init__(self, num_words: int | None = None, filters: str = DEFAULT_FILTERS,
                 lower: bool = True, split: str = " ", char_level: bool = False,
                 oov_token: str | None = None, document_count: int = 0):
        if num_words is not None and (isinstance(num_words, bool)
                                      or not isinstance(num_words, (int, np.integer))
                                      or num_words < 1):
            raise ValueError(f"Tokenizer: num_words must be a positive int or None, "
                             f"got {num_words!r}")
        if not isinstance(filters, str):
            raise TypeError(f"Tokenizer: filters must be a str of characters, got {filters!r}")
        if not isinstance(split, str) or not split:
            raise ValueError(f"Tokenizer: split must be a non-empty str, got {split!r}")
        if oov_token is not None and not isinstance(oov_token, str):
            raise TypeError(f"Tokenizer: oov_token must be a str or None, got {oov_token!r}")
        self.num_words = None if num_words is None else int(num_words)
        self.filters = filters
        self.lower = bool(lower)
        self.split = split
        self.char_level = bool(char_level)
        self.oov_token = oov_token
        self.document_count = int(document_count)
        self.word_counts: dict[str, int] = {}   # in the order words were first seen
        self.word_docs: dict[str, int] = {}     # word -> texts that held it
        self.index_docs: dict[int, int] = {}    # id -> texts that held it
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}

    # ------------------------------------------------------------- splitting
    def _words(self, text: Any, i: int) -> list[str]:
        if isinstance(text, list):
            return [w.lower() for w in text] if self.lower else list(text)
        if not isinstance(text, str):
            raise TypeError(f"Tokenizer: text {i} must be a str or a list of str, "
                            f"got {type(text).__name__}")
        if self.char_level:
            return list(text.lower() if self.lower else text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    @staticmethod
    def _check_texts(texts: Any, method: str) -> Iterable[Any]:
        if isinstance(texts, str):
            raise TypeError(f"Tokenizer.{method}: texts must be a list of texts, got one str "
                            f"(wrap it in a list: [{texts[:20]!r}...])")
        return texts

    # ---------------------------------------------------------------- fitting
    def fit_on_texts(self, texts: Iterable[str | list[str]]) -> None:
        """Count the words of ``texts`` and assign ids (most frequent = 1, after the oov)."""
        for i, text in enumerate(self._check_texts(texts, "fit_on_texts")):
            words = self._words(text, i)
            self.document_count += 1
            for word in words:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in set(words):
                self.word_docs[word] = self.word_docs.get(word, 0) + 1
        by_count = sorted(self.word_counts, key=self.word_counts.__getitem__, reverse=True)
        vocab = ([] if self.oov_token is None else [self.oov_token]) + by_count
        self.word_index = {word: i for i, word in enumerate(vocab, start=1)}
        self.index_word = {i: word for word, i in self.word_index.items()}
        self.index_docs = {self.word_index[w]: n for w, n in self.word_docs.items()}

    def fit_on_sequences(self, sequences: Iterable[Sequence[int]]) -> None:
        """Count in how many sequences each id occurs (what ``tfidf`` needs)."""
        for seq in sequences:
            self.document_count += 1
            for j in set(seq):
                self.index_docs[int(j)] = self.index_docs.get(int(j), 0) + 1

    # ------------------------------------------------------------- encoding
    def _kept(self, i: int | None) -> int | None:
        """The id to emit for id ``i`` (None: unknown word): itself below ``num_words``,
        else the oov id, or None (dropped) without an oov token."""
        if i is not None and (not self.num_words or i < self.num_words):
            return i
        return self.word_index.get(self.oov_token) if self.oov_token is not None else None

    def texts_to_sequences_generator(self, texts: Iterable[str | list[str]]
                                     ) -> Iterator[list[int]]:
        """Each text as the list of its words' ids (see the module docstring)."""
        for i, text in enumerate(self._check_texts(texts, "texts_to_sequences")):
            ids = (self._kept(self.word_index.get(word)) for word in self._words(text, i))
            yield [j for j in ids if j is not None]

    def texts_to_sequences(self, texts: Iterable[str | list[str]]) -> list[list[int]]:
        """Each text as the list of its words' ids (see the module docstring)."""
        return list(self.texts_to_sequences_generator(texts))

    def sequences_to_texts_generator(self, sequences: Iterable[Sequence[int]]) -> Iterator[str]:
        """Each list of ids as its words joined by spaces (unknown ids: the oov
        token, or dropped without one)."""
        for seq in sequences:
            words = []
            for j in seq:
                j = int(j)
                kept = self._kept(j if j in self.index_word else None)
                if kept is not None:
                    words.append(self.index_word[kept])
            yield " ".join(words)

    def sequences_to_texts(self, sequences: Iterable[Sequence[int]]) -> list[str]:
        """Each list of ids as its words joined by spaces."""
        return list(self.sequences_to_texts_generator(sequences))

    def texts_to_matrix(self, texts: Iterable[str | list[str]], mode: str = "binary"
                        ) -> np.ndarray:
        """One row per text, one column per id, filled by ``mode`` (module docstring)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences: Sequence[Sequence[int]], mode: str = "binary"
                            ) -> np.ndarray:
        """One row per sequence of ids, one column per id, filled by ``mode``."""
        if mode not in MATRIX_MODES:
            raise ValueError(f"Tokenizer: mode must be one of {', '.join(MATRIX_MODES)}, "
                             f"got {mode!r}")
        if self.num_words:
            width = self.num_words
        elif self.word_index:
            width = len(self.word_index) + 1
        else:
            raise ValueError("Tokenizer: give num_words, or fit_on_texts first, to know how "
                             "many columns the matrix has")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Tokenizer: tfidf needs the document counts: fit_on_texts (or "
                             "fit_on_sequences) first")
        matrix = np.zeros((len(sequences), width))
        for row, seq in enumerate(sequences):
            counts = Counter(int(j) for j in seq if int(j) < width)
            for j, c in counts.items():
                if mode == "binary":
                    matrix[row, j] = 1.0
                elif mode == "count":
                    matrix[row, j] = c
                elif mode == "freq":
                    matrix[row, j] = c / len(seq)
                else:
                    idf = np.log(1.0 + self.document_count / (1.0 + self.index_docs.get(j, 0)))
                    matrix[row, j] = (1.0 + np.log(c)) * idf
        return matrix
