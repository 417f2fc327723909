"""``seqlab.keras.datasets.imdb``: Keras 2's ``load_data`` and ``get_word_index``,
seqlab's own (:mod:`seqlab.datasets.imdb_index` says how they are built from the
review archive and how they differ from Keras' ``imdb.npz``)."""

from seqlab.datasets.imdb import get_word_index, load_data

__all__ = ["get_word_index", "load_data"]
