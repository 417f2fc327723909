"""Corpora for word2vec: token lists from an iterable or a text file, and their
encoding into one flat id array.

A corpus is a sequence of sentences, each a list of string tokens. A file
corpus has one sentence (or document) per line, tokens separated by white
space, read as UTF-8 and streamed (like gensim's ``LineSentence``). Sentences
longer than ``MAX_WORDS`` (10,000) tokens are cut into chunks of that length,
as gensim does, so a whole document on one line trains like consecutive
sentences.

The encoded form is ``ids`` (int32, all tokens of all sentences one after the
other) and ``starts`` (int64, S + 1 offsets: sentence s is
``ids[starts[s]:starts[s + 1]]``).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_WORDS = 10000


def iter_file_sentences(path: str | os.PathLike, errors: str = "strict",
                        max_words: int = MAX_WORDS) -> Iterator[list[str]]:
    """Yield the white-space separated tokens of each non-empty line of ``path``.

    The file is decoded as UTF-8; with ``errors="strict"`` a byte sequence that
    is not UTF-8 raises ValueError naming the file, line and byte offset
    (``errors="replace"`` or ``"ignore"`` are passed to ``bytes.decode``).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"corpus file not found: {path}")
    if path.is_dir():
        raise ValueError(f"corpus_file must be a text file, got a directory: {path}")
    offset = 0
    with open(path, "rb") as handle:
        for line_no, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8", errors=errors)
            except UnicodeDecodeError as exc:
                raise ValueError(
                    f"{path}: line {line_no}, byte offset {offset + exc.start}: bytes "
                    f"{raw[exc.start:exc.end]!r} are not valid UTF-8 (pass errors='replace' "
                    f"or 'ignore' to decode anyway)") from None
            offset += len(raw)
            tokens = line.split()
            for lo in range(0, len(tokens), max_words):
                yield tokens[lo:lo + max_words]


def iter_token_lists(sentences: Iterable[Sequence[str]],
                     max_words: int = MAX_WORDS) -> Iterator[list[str] | Sequence[str]]:
    """Check that ``sentences`` holds token lists and cut long ones into chunks."""
    if isinstance(sentences, (str, bytes)):
        raise TypeError("sentences must be an iterable of token lists, got a single "
                        f"{type(sentences).__name__}; pass corpus_file= for a file path")
    for number, sentence in enumerate(sentences):
        if isinstance(sentence, (str, bytes)):
            raise TypeError(
                f"sentences must be an iterable of token lists, but sentence {number} is a "
                f"{type(sentence).__name__} ({str(sentence)[:40]!r}); split it into tokens "
                "first, e.g. line.split()")
        if not isinstance(sentence, (list, tuple)):
            sentence = list(sentence)
        if sentence and not isinstance(sentence[0], str):
            raise TypeError(f"tokens must be str, but sentence {number} starts with a "
                            f"{type(sentence[0]).__name__} ({sentence[0]!r})")
        if len(sentence) > max_words:
            for lo in range(0, len(sentence), max_words):
                yield sentence[lo:lo + max_words]
        elif sentence:
            yield sentence


def open_corpus(sentences: Iterable[Sequence[str]] | None, corpus_file: str | os.PathLike | None,
                errors: str = "strict") -> Iterator[Sequence[str]]:
    """An iterator of token lists from exactly one of ``sentences`` / ``corpus_file``."""
    if (sentences is None) == (corpus_file is None):
        raise ValueError("pass exactly one of sentences= (token lists) or corpus_file= "
                         f"(path); got sentences={type(sentences).__name__}, "
                         f"corpus_file={corpus_file!r}")
    if corpus_file is not None:
        return iter_file_sentences(corpus_file, errors=errors)
    return iter_token_lists(sentences)


@dataclass
class RawScan:
    """Result of one pass over a corpus: provisional ids in first-seen order.

    ``words[p]`` is the token with provisional id p, ``counts[p]`` its
    frequency; ``ids``/``starts`` is the encoded corpus (provisional ids) or
    None when it was not kept.
    """

    words: list[str]
    counts: np.ndarray
    n_sentences: int
    n_tokens: int
    ids: np.ndarray | None
    starts: np.ndarray | None


def scan_corpus(corpus: Iterable[Sequence[str]], keep: bool) -> RawScan:
    """Count tokens (first-seen order) and, when ``keep``, encode the corpus."""
    index: dict[str, int] = {}
    setdefault = index.setdefault
    flat = array("i")
    starts = array("q", [0])
    pending = array("i")  # ids not yet counted, when the corpus is not kept
    counts = np.zeros(0, dtype=np.int64)
    n_sentences = 0
    n_tokens = 0
    for sentence in corpus:
        ids = [setdefault(token, len(index)) for token in sentence]
        n_sentences += 1
        n_tokens += len(ids)
        if keep:
            flat.extend(ids)
            starts.append(len(flat))
        else:
            pending.extend(ids)
            if len(pending) >= 1 << 22:
                counts = _add_counts(counts, pending, len(index))
                pending = array("i")
    if keep:
        ids_arr = np.frombuffer(flat, dtype=np.int32)
        counts = np.bincount(ids_arr, minlength=len(index)).astype(np.int64)
        return RawScan(list(index), counts, n_sentences, n_tokens, ids_arr,
                       np.frombuffer(starts, dtype=np.int64))
    counts = _add_counts(counts, pending, len(index))
    return RawScan(list(index), counts, n_sentences, n_tokens, None, None)


def _add_counts(counts: np.ndarray, ids: array, size: int) -> np.ndarray:
    grown = np.zeros(size, dtype=np.int64)
    grown[: counts.shape[0]] = counts
    if len(ids):
        grown += np.bincount(np.frombuffer(ids, dtype=np.int32), minlength=size)
    return grown


def remap_corpus(ids: np.ndarray, starts: np.ndarray,
                 mapping: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Replace provisional ids by vocabulary ids, dropping words mapped to -1.

    Sentence boundaries move with the dropped words; sentences that become
    empty stay as empty ranges (the kernels skip them).
    """
    new = mapping[ids]  # (N,) vocabulary id or -1
    keep = new >= 0
    kept_before = np.zeros(ids.shape[0] + 1, dtype=np.int64)
    np.cumsum(keep, out=kept_before[1:])
    return np.ascontiguousarray(new[keep], dtype=np.int32), kept_before[starts]


def encode_batches(corpus: Iterable[Sequence[str]], key_to_index: dict[str, int],
                   batch_words: int) -> Iterator[tuple[np.ndarray, np.ndarray, int]]:
    """Stream ``corpus`` as (ids, starts, raw_tokens) batches of about
    ``batch_words`` in-vocabulary words (out-of-vocabulary tokens dropped)."""
    get = key_to_index.get
    flat: list[int] = []
    starts = [0]
    raw = 0
    for sentence in corpus:
        raw += len(sentence)
        flat.extend(i for i in map(get, sentence) if i is not None)
        starts.append(len(flat))
        if len(flat) >= batch_words:
            yield np.asarray(flat, dtype=np.int32), np.asarray(starts, dtype=np.int64), raw
            flat, starts, raw = [], [0], 0
    if len(starts) > 1:
        yield np.asarray(flat, dtype=np.int32), np.asarray(starts, dtype=np.int64), raw
