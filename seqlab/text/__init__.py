"""seqlab.text: text to numbers — standardize, tokenize, vocabularies, vectorize, pad.

Tokenizers are plain callables ``str -> list[str]``; pass your own anywhere
one is accepted. This package imports no neural code, and kiwipiepy only when
a :class:`KiwiTokenizer` is made.
"""

from seqlab.errors import NotFittedError
from seqlab.text.encode import encode_bag, encode_one_hot
from seqlab.text.hashing import hash_bucket, stable_hash
from seqlab.text.io import TextDecodeError, iter_documents, iter_lines, read_text
from seqlab.text.jamo import JamoTokenizer, compose, decompose, split_syllable, to_compatibility
from seqlab.text.kiwi import KiwiTokenizer
from seqlab.text.sequences import pad_sequences
from seqlab.text.standardize import (
    Standardizer,
    normalize_unicode,
    remove_html_breaks,
    strip_punctuation,
)
from seqlab.text.teacher_forcing import shift_targets
from seqlab.text.tokenize import (
    CharTokenizer,
    NgramTokenizer,
    RegexTokenizer,
    TokenizerLike,
    WordTokenizer,
    char_ngrams,
    ngrams,
    whitespace_split,
)
from seqlab.text.vectorize import TextVectorizer
from seqlab.text.vocab import Vocabulary, VocabularySizeWarning

__all__ = [
    "CharTokenizer",
    "JamoTokenizer",
    "KiwiTokenizer",
    "NgramTokenizer",
    "NotFittedError",
    "RegexTokenizer",
    "Standardizer",
    "TextDecodeError",
    "TextVectorizer",
    "TokenizerLike",
    "Vocabulary",
    "VocabularySizeWarning",
    "WordTokenizer",
    "char_ngrams",
    "compose",
    "decompose",
    "encode_bag",
    "encode_one_hot",
    "hash_bucket",
    "iter_documents",
    "iter_lines",
    "ngrams",
    "normalize_unicode",
    "pad_sequences",
    "read_text",
    "remove_html_breaks",
    "shift_targets",
    "split_syllable",
    "stable_hash",
    "strip_punctuation",
    "to_compatibility",
    "whitespace_split",
]
