"""IMDB as the book prepares it: the shared preprocessing of the learning
script and the epoch benchmark.

Lower case, drop ``<br />``, split on non-letters, keep the 10,000 most
frequent training words (id 0 = padding, 1 = out-of-vocabulary, 2.. by
frequency), pad/truncate at the front to ``maxlen``.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from seqlab.datasets.imdb import load_reviews

_NON_LETTERS = re.compile(r"[^a-z]+")


def simple_tokens(text: str) -> list[str]:
    return [t for t in _NON_LETTERS.split(text.lower().replace("<br />", " ")) if t]


def encode(docs: list[list[str]], index: dict[str, int], maxlen: int) -> np.ndarray:
    out = np.zeros((len(docs), maxlen), dtype=np.int64)
    for row, tokens in enumerate(docs):
        ids = [index.get(t, 1) for t in tokens][-maxlen:]  # truncate at the front
        if ids:
            out[row, maxlen - len(ids):] = ids  # pad at the front
    return out


def load_imdb_ids(num_words: int = 10_000, maxlen: int = 500):
    """(x_train, y_train, x_test, y_test) as int id matrices and 0/1 labels."""
    train_texts, y_train = load_reviews("train")
    test_texts, y_test = load_reviews("test")
    train_docs = [simple_tokens(t) for t in train_texts]
    counts = Counter(t for doc in train_docs for t in doc)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: num_words - 2]
    index = {word: i + 2 for i, (word, _) in enumerate(ranked)}
    x_train = encode(train_docs, index, maxlen)
    x_test = encode([simple_tokens(t) for t in test_texts], index, maxlen)
    return x_train, y_train.astype(np.float32), x_test, y_test.astype(np.float32)
