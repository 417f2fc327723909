"""``seqlab.keras.datasets``: Keras 2's dataset modules that the book's chapter uses."""

from seqlab.keras.datasets import imdb

__all__ = ["imdb"]
