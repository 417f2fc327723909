"""seqlab.datasets: the public datasets of the chapter, read in their original
formats, one module per dataset, and the registry of their files.

================  ===========================================================
``imdb``          ``load_reviews``, ``load_data``, ``get_word_index`` (Keras' encoding)
``glove``         ``load_glove``, ``embedding_matrix``
``weather``       ``load_jena``, ``load_beijing`` → :class:`Series`
``nsmc``          ``load_nsmc`` (Korean movie reviews)
``pairs``         ``load_pairs`` (``kor-eng``, ``spa-eng``, any Tatoeba pair file)
``shakespeare``   ``load_tiny_shakespeare``
``timeseries``    ``timeseries_dataset_from_array``, the book's ``generator`` (lazy windows)
================  ===========================================================

:data:`DATASETS` maps each name to a :class:`Dataset`: its files (relative
name, SHA-256, public URL) and its loader; :func:`get` looks one up. Where
files are looked for, and how they are downloaded and verified, is in
:mod:`seqlab.datasets.download`.
"""

from __future__ import annotations

from seqlab.datasets import glove, imdb, nsmc, pairs, shakespeare, timeseries, weather
from seqlab.datasets.download import DataFile, cache_dir, locate, search_dirs
from seqlab.datasets.errors import ChecksumError, DataFormatError, DatasetNotFoundError
from seqlab.datasets.glove import embedding_matrix, load_glove
from seqlab.datasets.nsmc import load_nsmc
from seqlab.datasets.pairs import load_pairs
from seqlab.datasets.registry import Dataset
from seqlab.datasets.series import ColumnError, Series
from seqlab.datasets.shakespeare import load_tiny_shakespeare
from seqlab.datasets.timeseries import generator, timeseries_dataset_from_array
from seqlab.datasets.weather import load_beijing, load_jena

__all__ = [
    "DATASETS",
    "ChecksumError",
    "ColumnError",
    "DataFile",
    "DataFormatError",
    "Dataset",
    "DatasetNotFoundError",
    "Series",
    "cache_dir",
    "embedding_matrix",
    "generator",
    "get",
    "glove",
    "imdb",
    "load_beijing",
    "load_glove",
    "load_jena",
    "load_nsmc",
    "load_pairs",
    "load_tiny_shakespeare",
    "locate",
    "nsmc",
    "pairs",
    "search_dirs",
    "shakespeare",
    "timeseries",
    "timeseries_dataset_from_array",
    "weather",
]

DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (imdb.DATASET, glove.DATASET, weather.JENA_DATASET, weather.BEIJING_DATASET,
                    nsmc.DATASET, *pairs.DATASETS, shakespeare.DATASET)
}


def get(name: str) -> Dataset:
    """The registry entry of dataset ``name``."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; the datasets are: {', '.join(DATASETS)}")
    return DATASETS[name]
