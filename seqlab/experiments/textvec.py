"""Texts to model inputs for ``seqlab compare``: the tokenizer, id sequences and bags of words.

Tokenizer ("auto"): the texts are Korean when Hangul makes up at least
:data:`HANGUL_SHARE` of the letters of the first :data:`SNIFF_TEXTS` texts.

- Korean: Kiwi morphemes when kiwipiepy is installed (Korean glues particles
  and endings onto stems, "영화가" = "영화" + "가", so words are too many and
  too rare); without it, characters: a Hangul syllable already carries much
  of a morpheme's meaning, its vocabulary (a few thousand syllables) fits,
  and the sequences stay three times shorter than jamo, which matters for
  recurrent layers (time per step). ``jamo`` is there to be chosen.
- Otherwise: words (:class:`~seqlab.text.WordTokenizer`: lower case, ``<br />``
  removed, punctuation dropped, apostrophes kept).

Every text is tokenized once; the vocabularies are learned from the training
texts only.

- Id sequences: the :data:`MAX_TOKENS` most frequent tokens (id 0 = padding,
  1 = unknown), padded and cut *at the front* (Keras' ``pad_sequences``), so
  the text is what a recurrent layer reads last; ``maxlen`` is the 90th
  percentile of the training texts' token counts, within [8, 500].
- Bag of words: the :data:`MAX_TOKENS` most frequent unigrams and bigrams,
  multi-hot (1 where the n-gram occurs), stored as uint8 (a quarter of float32's
  memory; Dense computes in float32).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from seqlab.text import (
    CharTokenizer,
    JamoTokenizer,
    KiwiTokenizer,
    TokenizerLike,
    Vocabulary,
    WordTokenizer,
    ngrams,
    pad_sequences,
)

__all__ = ["TOKENIZERS", "Encoded", "choose_tokenizer", "encode_texts", "hangul_share", "tokenize"]

TOKENIZERS = ("auto", "word", "kiwi", "char", "jamo")
HANGUL_SHARE = 0.3
SNIFF_TEXTS = 2000
MAX_TOKENS = 10_000
MAXLEN_RANGE = (8, 500)
MAXLEN_PERCENTILE = 90


_LETTER = re.compile(r"[^\W\d_]")
# Hangul jamo, compatibility jamo, jamo extensions A and B, syllables, half-width jamo
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff\uffa0-\uffdc]")


def hangul_share(texts: Sequence[str]) -> float:
    """Share of Hangul among the letters of the first :data:`SNIFF_TEXTS` texts (0 without letters)."""
    sample = "\n".join(texts[:SNIFF_TEXTS])
    letters = len(_LETTER.findall(sample))
    return len(_HANGUL.findall(sample)) / letters if letters else 0.0


def _kiwi_installed() -> bool:
    try:
        import kiwipiepy  # noqa: F401
    except ImportError:
        return False
    return True


def choose_tokenizer(texts: Sequence[str], name: str = "auto") -> tuple[TokenizerLike, str, str]:
    """(tokenizer, its name, why it was chosen) by the rule of the module docstring."""
    if name not in TOKENIZERS:
        raise ValueError(f"--tokenizer must be one of {list(TOKENIZERS)}, got {name!r}")
    why = "chosen with --tokenizer"
    if name == "auto":
        share = hangul_share(texts)
        if share < HANGUL_SHARE:
            name, why = "word", f"{share:.0%} of the letters are Hangul: words"
        elif _kiwi_installed():
            name, why = "kiwi", (f"{share:.0%} of the letters are Hangul: Korean, split into "
                                 "morphemes with Kiwi")
        else:
            name, why = "char", (f"{share:.0%} of the letters are Hangul: Korean; kiwipiepy is "
                                 "not installed (pip install 'seqlab[ko]'), so characters "
                                 "(syllables: shorter sequences than jamo)")
    makers = {"word": WordTokenizer, "kiwi": KiwiTokenizer,
              "char": lambda: CharTokenizer(lower=True, whitespace="drop"),
              "jamo": lambda: JamoTokenizer(whitespace="drop")}
    return makers[name](), name, why


def tokenize(texts: Sequence[str], tokenizer: TokenizerLike) -> list[list[str]]:
    """Every text's tokens (one call for all texts when the tokenizer has ``tokenize_batch``);
    equal tokens share one string object, which keeps a large corpus' tokens small."""
    batch = getattr(tokenizer, "tokenize_batch", None)
    lists = batch(list(texts)) if callable(batch) else map(tokenizer, texts)
    shared: dict[str, str] = {}
    return [[shared.setdefault(t, t) for t in tokens] for tokens in lists]


@dataclass
class Encoded:
    """Model inputs per split ("train", "validation", "test") and what made them."""

    ids: dict[str, np.ndarray]  # (N, maxlen) int32, padded at the front
    bags: dict[str, np.ndarray]  # (N, V_bag) uint8 multi-hot
    maxlen: int
    sequence_vocabulary: Vocabulary
    bag_vocabulary: Vocabulary
    mean_tokens: float  # tokens per training text


def _vocabulary(counts: Counter[str], reserved: bool) -> Vocabulary:
    specials = {"pad_token": "", "oov_token": "[UNK]"} if reserved else \
        {"pad_token": None, "oov_token": None}
    n_reserved = 2 if reserved else 0
    limit = min(MAX_TOKENS, len(counts) + n_reserved)  # never more room than tokens
    return Vocabulary.from_counts(counts, max_tokens=max(limit, n_reserved + 1), **specials)


def _multi_hot(token_lists: list[list[str]], vocab: Vocabulary) -> np.ndarray:
    get = vocab.lookup_table().__getitem__  # unknown n-grams map to -1 (no OOV column)
    out = np.zeros((len(token_lists), len(vocab)), dtype=np.uint8)
    for row, tokens in zip(out, token_lists):
        row[[i for i in map(get, ngrams(tokens, 2)) if i >= 0]] = 1
    return out


def encode_texts(tokens: dict[str, list[list[str]]], maxlen_cap: int | None = None) -> Encoded:
    """Id sequences and bags of words of each split (rules in the module docstring)."""
    train = tokens["train"]
    if not any(train):
        raise ValueError("the training texts hold no tokens at all: is --text the right column?")
    lengths = np.array([len(t) for t in train])
    low, high = MAXLEN_RANGE
    maxlen = int(np.clip(np.ceil(np.percentile(lengths, MAXLEN_PERCENTILE)), low, high))
    if maxlen_cap is not None:
        maxlen = max(low, min(maxlen, maxlen_cap))
    seq_vocab = _vocabulary(Counter(itertools.chain.from_iterable(train)), reserved=True)
    bag_counts: Counter[str] = Counter()
    for t in train:
        bag_counts.update(ngrams(t, 2))  # unigrams and bigrams
    bag_vocab = _vocabulary(bag_counts, reserved=False)
    del bag_counts
    return Encoded(
        ids={s: pad_sequences([seq_vocab.encode(t) for t in lists], maxlen) for s, lists in
             tokens.items()},
        bags={s: _multi_hot(lists, bag_vocab) for s, lists in tokens.items()},
        maxlen=maxlen, sequence_vocabulary=seq_vocab, bag_vocabulary=bag_vocab,
        mean_tokens=float(lengths.mean()))
