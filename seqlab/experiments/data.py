"""The data of an experiment, from its config's ``data`` section.

    {"dataset": "imdb", "num_words": 10000, "maxlen": 500, "reverse": false}
        Keras' id scheme (seqlab.datasets.imdb.load_data); every review padded or
        cut at the front to ``maxlen`` ids, as pad_sequences does (with
        ``"multi_hot": true`` instead, one vector per review: 1 at each id it
        holds, ``num_words`` long, as section 3.4 of the book encodes it; with
        ``reverse``, reversed first, as listing 6.42 does: the padding stays in front); validation by
        the fit's validation_split (the last 20% of train, as the book); the test
        split is evaluated at the end.
    {"dataset": "imdb_text", "max_words": 10000, "maxlen": 100, "training_samples": 200,
     "validation_samples": 10000, "glove": {"dim": 50}}
        raw reviews → TextVectorizer → ids padded at the front (section 6.1.3); the
        first Embedding starts from GloVe vectors when ``glove`` is given.
    {"dataset": "beijing" | "jena", "target": "TEMP", "lookback": 240, "step": 1,
     "delay": 24, "batch_size": 128, "split": [0.5, 0.75], "station": "Aotizhongxin"}
        an hourly (Beijing) or 10-minute (Jena) series, normalised with the mean
        and std of its training part (the book's recipe); the book's window
        generator gives shuffled training batches and sequential validation and
        test batches; the target is ``target`` ``delay`` steps after the window.
    {"dataset": "nsmc", "tokenizer": "kiwi", "min_count": 2, "maxlen": 60,
     "word2vec": {"vector_size": 128, "window": 5, "sg": 1, "epochs": 10}}
        Korean movie reviews (NSMC): the training file (the 50k-row subset here),
        tokenized into Kiwi morphemes ("kiwi"), characters ("character") or
        Hangul jamo ("jamo"); the vocabulary is every token seen ``min_count``
        times in training (an Embedding with ``"input_dim": null`` gets its
        size); ids padded at the end and masked (Embedding with mask_zero=True);
        with ``word2vec``, vectors trained on the training texts alone start
        the first Embedding; the test file is evaluated at the end.
    {"dataset": "npz", "path": "my.npz"}
        your own arrays: x_train, y_train and optionally x_val, y_val, x_test, y_test.
    {"dataset": "tinyshakespeare" | "korean_spacing", ...}, {"dataset": "spelled_numbers"}
        sequence outputs, targets (B, T): see :mod:`.seqdata` and :mod:`.numbers`.

``limit`` (IMDB, npz) keeps the first examples of each split and
``limit_hours`` (weather) the first hours of the series: ``--quick`` runs use them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqlab.experiments.config import ConfigError

__all__ = ["Prepared", "WindowedSeries", "prepare"]


@dataclass
class WindowedSeries:
    """A normalised series and where its splits lie (for the computed baselines)."""

    values: np.ndarray  # (N, F) normalised
    target: int  # column of the target
    lookback: int
    step: int
    delay: int
    batch_size: int
    train: tuple[int, int]  # first and last row a training window may end at
    validation: tuple[int, int]
    test: tuple[int, int]
    target_std: float  # to turn a normalised error back into the target's unit


@dataclass
class Prepared:
    """What the runner feeds to fit/evaluate (see the module docstring)."""

    train_x: Any
    train_y: Any
    input_shape: tuple[int | None, ...]
    validation: Any = None
    test: tuple | None = None
    test_options: dict[str, Any] = field(default_factory=dict)
    fit_options: dict[str, Any] = field(default_factory=dict)
    embedding_matrix: np.ndarray | None = None
    vocabulary_size: int | None = None
    series: WindowedSeries | None = None
    info: dict[str, Any] = field(default_factory=dict)
    #: what an evaluation hook needs besides the arrays (vocabularies, held-out texts)
    extras: dict[str, Any] = field(default_factory=dict)


def _take(spec: dict[str, Any], key: str, default: Any = None, required: bool = False) -> Any:
    if key not in spec:
        if required:
            raise ConfigError(f"data of dataset {spec.get('dataset')!r} needs {key!r}")
        return default
    return spec[key]


def _limited(n: Any, *arrays: Any) -> list[Any]:
    return [a if n is None else a[:n] for a in arrays]


# ------------------------------------------------------------------- IMDB
def _imdb(spec: dict[str, Any], seed: int) -> Prepared:
    from seqlab.datasets import imdb
    from seqlab.text import pad_sequences

    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=_take(spec, "num_words"))
    limit = _take(spec, "limit")
    x_train, y_train, x_test, y_test = _limited(limit, x_train, y_train, x_test, y_test)
    if _take(spec, "multi_hot", False):
        return _imdb_multi_hot(spec, x_train, y_train, x_test, y_test)
    maxlen = _take(spec, "maxlen", required=True)
    if _take(spec, "reverse", False):  # listing 6.42: each review reversed, then padded
        x_train, x_test = [s[::-1] for s in x_train], [s[::-1] for s in x_test]
    x_train, x_test = pad_sequences(list(x_train), maxlen), pad_sequences(list(x_test), maxlen)
    info = {"train": len(y_train), "test": len(y_test), "maxlen": maxlen,
            "num_words": _take(spec, "num_words"), "reverse": bool(_take(spec, "reverse"))}
    return Prepared(x_train, np.asarray(y_train), (maxlen,), test=(x_test, np.asarray(y_test)),
                    info=info)


def _imdb_multi_hot(spec: dict[str, Any], x_train: Any, y_train: Any, x_test: Any,
                    y_test: Any) -> Prepared:
    size = _take(spec, "num_words", required=True)

    def encode(reviews: Any) -> np.ndarray:
        out = np.zeros((len(reviews), size), dtype=np.float32)  # (N, num_words)
        for row, ids in enumerate(reviews):
            out[row, ids] = 1.0
        return out

    info = {"train": len(y_train), "test": len(y_test), "num_words": size,
            "encoding": "multi-hot (one vector per review)"}
    return Prepared(encode(x_train), np.asarray(y_train), (size,),
                    test=(encode(x_test), np.asarray(y_test)), info=info)


def _imdb_text(spec: dict[str, Any], seed: int) -> Prepared:
    from seqlab.datasets import imdb
    from seqlab.text import TextVectorizer

    max_words, maxlen = _take(spec, "max_words", 10000), _take(spec, "maxlen", required=True)
    n_train = _take(spec, "training_samples", required=True)
    n_val = _take(spec, "validation_samples", required=True)
    texts, labels = imdb.load_reviews("train", shuffle_seed=seed)
    if n_train + n_val > len(texts):
        raise ConfigError(f"imdb_text: training_samples + validation_samples = "
                          f"{n_train + n_val}, but the training split has {len(texts)} reviews")
    vectorizer = TextVectorizer(max_tokens=max_words, output_sequence_length=maxlen,
                                padding="pre", truncating="pre")
    vectorizer.fit(texts[:n_train + n_val])
    x = vectorizer.transform(texts[:n_train + n_val])
    y = np.asarray(labels[:n_train + n_val])
    matrix, info = None, {"train": n_train, "validation": n_val, "maxlen": maxlen}
    glove = _take(spec, "glove")
    if glove is not None:
        from seqlab.datasets.glove import embedding_matrix, load_glove

        vocabulary = vectorizer.get_vocabulary()
        vectors = load_glove(dim=glove.get("dim", 50), path=glove.get("path"))
        matrix = embedding_matrix({w: i for i, w in enumerate(vocabulary) if i > 1}, vectors,
                                  max_words)
        info["glove_words_found"] = int(np.count_nonzero(np.any(matrix != 0, axis=1)))
    return Prepared(x[:n_train], y[:n_train], (maxlen,), validation=(x[n_train:], y[n_train:]),
                    embedding_matrix=matrix, vocabulary_size=max_words, info=info)


# ---------------------------------------------------------------- weather
def _weather(spec: dict[str, Any], seed: int) -> Prepared:
    from seqlab.datasets import weather
    from seqlab.datasets.timeseries import generator

    if spec["dataset"] == "jena":
        series = weather.load_jena(path=_take(spec, "path"))
    else:
        series = weather.load_beijing(station=_take(spec, "station", "Aotizhongxin"),
                                      path=_take(spec, "path"))
    values = series.values
    if _take(spec, "limit_hours") is not None:
        values = values[:spec["limit_hours"]]
    target_name = _take(spec, "target", required=True)
    if target_name not in series.columns:
        raise ConfigError(f"data: target column {target_name!r} is not in {series.name!r}; "
                          f"its columns: {series.columns}")
    target = series.columns.index(target_name)
    lookback, step = _take(spec, "lookback", required=True), _take(spec, "step", 1)
    delay, batch = _take(spec, "delay", required=True), _take(spec, "batch_size", 128)
    n = values.shape[0]
    train_end, val_end = (int(f * n) for f in _take(spec, "split", [0.5, 0.75]))
    mean = values[:train_end].mean(axis=0)
    std = values[:train_end].std(axis=0)
    std[std == 0] = 1.0
    values = ((values - mean) / std).astype(np.float32)
    ranges = {"train": (0, train_end), "validation": (train_end + 1, val_end),
              "test": (val_end + 1, n - delay - 1)}
    for name, (lo, hi) in ranges.items():
        if hi - (lo + lookback) < batch:
            raise ConfigError(f"data: the {name} part (rows {lo}–{hi}) is too short for "
                              f"lookback {lookback} and a batch of {batch}")

    def gen(part: str, shuffle: bool) -> Any:
        lo, hi = ranges[part]
        return generator(values, lookback, delay, lo, hi, shuffle=shuffle, batch_size=batch,
                         step=step, target_column=target, seed=seed)

    def steps(part: str) -> int:
        lo, hi = ranges[part]
        return (hi - lo - lookback) // batch

    windowed = WindowedSeries(values, target, lookback, step, delay, batch, ranges["train"],
                              ranges["validation"], ranges["test"], float(std[target]))
    info = {"series": series.name, "rows": n, "features": len(series.columns),
            "columns": series.columns, "target": target_name, "lookback": lookback,
            "step": step, "delay": delay, "missing_filled": series.missing,
            "target_std": float(std[target])}
    return Prepared(gen("train", True), None, (lookback // step, values.shape[1]),
                    validation=gen("validation", False), test=(gen("test", False),),
                    test_options={"steps": steps("test")},
                    fit_options={"validation_steps": steps("validation")}, series=windowed,
                    info=info)


# ------------------------------------------------------------------- NSMC
def _tokenizer(name: str) -> Any:
    from seqlab.text import CharTokenizer, JamoTokenizer

    if name == "kiwi":
        from seqlab.text.kiwi import KiwiTokenizer

        return KiwiTokenizer()
    if name == "character":
        return CharTokenizer()
    if name == "jamo":
        return JamoTokenizer()
    raise ConfigError(f"data: unknown tokenizer {name!r}; known: ['kiwi', 'character', 'jamo']")


def _nsmc(spec: dict[str, Any], seed: int) -> Prepared:
    from seqlab.datasets.nsmc import load_nsmc
    from seqlab.text import TextVectorizer

    maxlen = _take(spec, "maxlen", required=True)
    texts, labels = load_nsmc("train", path=_take(spec, "path"))
    test_texts, test_labels = load_nsmc("test", path=_take(spec, "test_path"))
    limit = _take(spec, "limit")
    texts, labels, test_texts, test_labels = _limited(limit, texts, labels, test_texts,
                                                      test_labels)
    name = _take(spec, "tokenizer", "kiwi")
    tokenizer = _tokenizer(name)
    vectorizer = TextVectorizer(standardize=None, split=tokenizer,
                                min_freq=_take(spec, "min_count", 2),
                                output_sequence_length=maxlen)
    x = vectorizer.fit(texts).transform(texts)
    x_test = vectorizer.transform(test_texts)
    info = {"train": len(labels), "test": len(test_labels), "tokenizer": name, "maxlen": maxlen,
            "vocabulary": vectorizer.vocabulary_size(),
            "cut_to_maxlen": float(np.mean(x[:, -1] != 0))}
    matrix = None
    if _take(spec, "word2vec") is not None:
        matrix = _word2vec_matrix(vectorizer, tokenizer, texts, spec["word2vec"], seed)
        info["word2vec"] = spec["word2vec"]
    return Prepared(x, np.asarray(labels), (maxlen,), test=(x_test, np.asarray(test_labels)),
                    embedding_matrix=matrix, vocabulary_size=vectorizer.vocabulary_size(),
                    info=info)


def _word2vec_matrix(vectorizer: Any, tokenizer: Any, texts: list[str],
                     options: dict[str, Any], seed: int) -> np.ndarray:
    """Word2Vec trained on the tokens of the training texts; row i = the vector of
    vocabulary id i (the rest keep Embedding's uniform start, scaled alike)."""
    from seqlab.embeddings import Word2Vec

    vocabulary = vectorizer.get_vocabulary()
    batch = getattr(tokenizer, "tokenize_batch", None)
    sentences = batch(texts) if batch is not None else [tokenizer(t) for t in texts]
    vectors = Word2Vec(sentences, seed=seed, min_count=1, **options).wv
    rng = np.random.default_rng(seed)
    dim = vectors.vector_size
    matrix = rng.uniform(-0.05, 0.05, (len(vocabulary), dim)).astype(np.float32)
    for i, word in enumerate(vocabulary):
        if word in vectors.key_to_index:
            matrix[i] = vectors[word]
    return matrix


# -------------------------------------------------------------------- npz
def _npz(spec: dict[str, Any], seed: int) -> Prepared:
    path = _take(spec, "path", required=True)
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    missing = [k for k in ("x_train", "y_train") if k not in arrays]
    if missing:
        raise ConfigError(f"data: {path!r} lacks {missing}; it has {sorted(arrays)}")
    limit = _take(spec, "limit")

    def pair(split: str) -> tuple | None:
        if f"x_{split}" not in arrays:
            return None
        return tuple(_limited(limit, arrays[f"x_{split}"], arrays[f"y_{split}"]))

    x, y = pair("train")
    return Prepared(x, y, x.shape[1:], validation=pair("val"), test=pair("test"),
                    info={"path": str(path), "train": len(y)})


def _elsewhere(module: str, builder: str) -> Any:
    """The builder ``builder`` of ``seqlab.experiments.<module>``, imported when first used."""
    def build(spec: dict[str, Any], seed: int) -> Prepared:
        found = importlib.import_module(f"seqlab.experiments.{module}")
        return getattr(found, builder)(spec, seed)
    return build


BUILDERS = {"imdb": _imdb, "imdb_text": _imdb_text, "beijing": _weather, "jena": _weather,
            "nsmc": _nsmc, "npz": _npz,
            "tinyshakespeare": _elsewhere("seqdata", "tiny_shakespeare"),
            "korean_spacing": _elsewhere("seqdata", "korean_spacing"),
            "spelled_numbers": _elsewhere("numbers", "spelled_numbers")}


def prepare(spec: dict[str, Any], seed: int = 1) -> Prepared:
    """The Prepared data for a config's ``data`` section (see the module docstring)."""
    kind = spec.get("dataset")
    if kind not in BUILDERS:
        raise ConfigError(f"data: unknown dataset {kind!r}; known: {sorted(BUILDERS)}")
    return BUILDERS[kind](spec, seed)
