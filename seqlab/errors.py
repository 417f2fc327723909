"""Exceptions shared across seqlab's packages."""


class NotFittedError(ValueError, AttributeError):
    """An estimator (TextVectorizer, Word2Vec, ...) was used before ``fit``.
    Both a ValueError and an AttributeError, as scikit-learn's."""
