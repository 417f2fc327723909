"""Data for the sequence-output experiments: targets with a time axis, (B, T).

    {"dataset": "tinyshakespeare", "seq_len": 100, "split": 0.9}
        a character language model (many-to-many, in step): the vocabulary is
        every character of the whole text (sorted; 65 for Tiny Shakespeare);
        the first ``split`` of the text (by position) trains, the rest
        validates. Each part is cut into windows of ``seq_len + 1`` characters
        with a stride of ``seq_len``: inputs the first ``seq_len`` ids, targets
        the last ``seq_len`` (the next character at every step).
    {"dataset": "korean_spacing", "sources": ["nsmc", "kor-eng"], "maxlen": 100,
     "min_count": 2, "test_fraction": 0.1, "validation_fraction": 0.1, "batch_size": 128}
        Korean word spacing (many-to-many, in step): each NSMC review and each
        Korean sentence of the kor-eng pairs, runs of white space made one
        space; sentences with Hangul and at least one space are kept. Each
        non-space character ("syllable") is tagged 1 when a space follows it,
        else 0; the spaces are removed. Ids: 0 padding (at the end), 1 a
        syllable seen fewer than ``min_count`` times in training, then the
        syllables by frequency. Sentences are shuffled with the seed; the last
        ``test_fraction`` are held out (the evaluation restores their spaces),
        the ``validation_fraction`` before them validate. Each part is a
        :class:`LengthBuckets` of ``batch_size`` (so the config's ``fit`` gives
        no batch_size or validation_split); targets (B, T, 1). ``limit`` keeps
        the first sentences of each source.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from seqlab.experiments.config import ConfigError
from seqlab.experiments.data import Prepared, _take

__all__ = ["LengthBuckets", "char_windows", "korean_spacing", "space_tags", "tiny_shakespeare"]

_HANGUL = re.compile("[\uac00-\ud7a3]")
_SPACES = re.compile(r"\s+")


def char_windows(ids: np.ndarray, seq_len: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows of ``seq_len + 1`` ids, stride ``seq_len``: inputs (N, T), next ids (N, T)."""
    n = (len(ids) - 1) // seq_len
    if n < 1:
        raise ConfigError(f"data: {len(ids)} characters cannot make one window of "
                          f"seq_len {seq_len} + 1")
    x = ids[:n * seq_len].reshape(n, seq_len)  # (N, T)
    y = ids[1:n * seq_len + 1].reshape(n, seq_len)  # (N, T)
    return x, y


def tiny_shakespeare(spec: dict[str, Any], seed: int) -> Prepared:
    from seqlab.datasets.shakespeare import load_tiny_shakespeare

    seq_len, split = _take(spec, "seq_len", 100), _take(spec, "split", 0.9)
    if not 0 < split < 1:
        raise ConfigError(f"data: split must lie strictly between 0 and 1, got {split!r}")
    text = load_tiny_shakespeare(_take(spec, "path"))
    if _take(spec, "limit") is not None:
        text = text[:spec["limit"]]
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    ids = np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))
    cut = int(split * len(ids))
    x, y = char_windows(ids[:cut], seq_len)
    x_val, y_val = char_windows(ids[cut:], seq_len)
    info = {"characters": len(text), "vocabulary": len(chars), "seq_len": seq_len,
            "train_windows": len(x), "validation_windows": len(x_val),
            "split": f"first {split:.0%} trains, the rest validates (by position)"}
    return Prepared(x, y, (seq_len,), validation=(x_val, y_val), vocabulary_size=len(chars),
                    info=info, extras={"characters": chars, "validation_text": text[cut:]})


# ------------------------------------------------------------ word spacing
def space_tags(sentence: str) -> tuple[str, np.ndarray]:
    """``"나는 간다"`` → (``"나는간다"``, [0, 1, 0, 0]): the syllables without spaces and,
    per syllable, 1 when a space followed it."""
    words = sentence.split(" ")
    tags = np.zeros(sum(len(w) for w in words), dtype=np.int8)
    end = 0
    for word in words[:-1]:
        end += len(word)
        tags[end - 1] = 1
    return "".join(words), tags


def _spacing_sentences(spec: dict[str, Any]) -> list[str]:
    from seqlab.datasets.nsmc import load_nsmc
    from seqlab.datasets.pairs import load_pairs

    limit, found = _take(spec, "limit"), []
    for source in _take(spec, "sources", ["nsmc", "kor-eng"]):
        if source == "nsmc":
            texts = load_nsmc("train", path=_take(spec, "nsmc_path"))[0]
        elif source == "kor-eng":
            texts = [korean for _, korean in load_pairs("kor-eng", path=_take(spec, "pairs_path"))]
        else:
            raise ConfigError(f"data: unknown spacing source {source!r}; known: "
                              "['nsmc', 'kor-eng']")
        texts = [_SPACES.sub(" ", t).strip() for t in texts[:limit]]
        found += [t for t in texts if " " in t and _HANGUL.search(t)]
    return found


class LengthBuckets:
    """Batches of sentences of similar length, each cut to its longest sentence (a Sequence
    for fit/evaluate: ``len()`` batches, ``[i]`` → (x (B, T_i), y (B, T_i, 1))).

    Sentences are ordered by length (ties in a seeded random order) and cut into
    batches of ``batch_size``, so a batch holds little padding and the recurrent
    layers spend almost no steps on it (an Embedding with ``mask_zero`` also keeps
    the padded steps out of the loss). fit's ``shuffle`` reorders the batches
    every epoch."""

    def __init__(self, x: np.ndarray, y: np.ndarray, batch_size: int, seed: int):
        lengths = np.count_nonzero(x, axis=1)  # (N,): ids > 0 are real syllables
        tie = np.random.default_rng(seed).permutation(len(x))
        order = np.lexsort((tie, lengths))
        self.batches = [order[i:i + batch_size] for i in range(0, len(x), batch_size)]
        self.x, self.y, self.lengths = x, y, lengths

    def __len__(self) -> int:
        return len(self.batches)

    def __getitem__(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        rows = self.batches[i]
        steps = max(1, int(self.lengths[rows].max()))
        return self.x[rows, :steps], self.y[rows, :steps]


def korean_spacing(spec: dict[str, Any], seed: int) -> Prepared:
    from collections import Counter

    maxlen, min_count = _take(spec, "maxlen", 100), _take(spec, "min_count", 2)
    test_fraction = _take(spec, "test_fraction", 0.1)
    validation_fraction = _take(spec, "validation_fraction", 0.1)
    batch_size = _take(spec, "batch_size", 128)
    sentences = _spacing_sentences(spec)
    order = np.random.default_rng(seed).permutation(len(sentences))
    sentences = [sentences[i] for i in order]
    n_test = max(1, round(test_fraction * len(sentences)))
    n_val = max(1, round(validation_fraction * len(sentences)))
    if len(sentences) - n_test - n_val < 1:
        raise ConfigError(f"data: korean_spacing found {len(sentences)} sentences with Hangul "
                          "and a space; it needs at least 3 (training, validation, held out)")
    joined = [space_tags(s) for s in sentences]
    train = joined[:-n_test - n_val]
    counts = Counter(c for syllables, _ in train for c in syllables)
    vocabulary = ["", "[UNK]"] + [c for c, n in counts.most_common() if n >= min_count]
    index = {c: i for i, c in enumerate(vocabulary) if i > 1}

    def encode(pairs: list[tuple[str, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        x = np.zeros((len(pairs), maxlen), dtype=np.int64)  # (N, T)
        y = np.zeros((len(pairs), maxlen, 1), dtype=np.float32)  # (N, T, 1)
        for row, (syllables, tags) in enumerate(pairs):
            n = min(len(syllables), maxlen)
            x[row, :n] = [index.get(c, 1) for c in syllables[:n]]
            y[row, :n, 0] = tags[:n]
        return x, y

    x, y = encode(train)
    x_val, y_val = encode(joined[-n_test - n_val:-n_test])
    x_test, y_test = encode(joined[-n_test:])
    lengths = np.array([len(s) for s, _ in joined])
    info = {"sentences": len(sentences), "train": len(train), "validation": n_val,
            "held_out": n_test, "maxlen": maxlen, "vocabulary": len(vocabulary),
            "batches": "by length, padded to each batch's longest sentence",
            "cut_to_maxlen": float(np.mean(lengths > maxlen)),
            "space_share": float(y[x > 0].mean()) if np.any(x > 0) else 0.0}

    def buckets(xs: np.ndarray, ys: np.ndarray) -> LengthBuckets:
        return LengthBuckets(xs, ys, batch_size, seed)

    return Prepared(buckets(x, y), None, (None,), validation=buckets(x_val, y_val),
                    test=(buckets(x_test, y_test),), vocabulary_size=len(vocabulary), info=info,
                    extras={"vocabulary": vocabulary, "tagged": (x_test, y_test),
                            "held_out": [s for s, _ in joined[-n_test:]]})
