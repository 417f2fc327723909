"""seqlab.embeddings: word vectors (KeyedVectors), their file formats and
evaluation, and word2vec training (CBOW and skip-gram)."""

from seqlab.embeddings.evaluation import (
    Correlation,
    WordPairsResult,
    evaluate_word_analogies,
    evaluate_word_pairs,
    pearson,
    rankdata,
    read_word_pairs,
    spearman,
)
from seqlab.embeddings.formats import read_vectors, write_vectors
from seqlab.embeddings.keyed_vectors import KeyedVectors, MissingWordsError
from seqlab.embeddings.word2vec import Word2Vec
from seqlab.errors import NotFittedError

__all__ = [
    "Correlation",
    "KeyedVectors",
    "MissingWordsError",
    "NotFittedError",
    "Word2Vec",
    "WordPairsResult",
    "evaluate_word_analogies",
    "evaluate_word_pairs",
    "pearson",
    "rankdata",
    "read_vectors",
    "read_word_pairs",
    "spearman",
    "write_vectors",
]
