"""Tokenizers: plain callables ``str -> list[str]``.

Anything with that signature is a tokenizer (the type :data:`TokenizerLike`),
so users can pass their own function wherever seqlab takes one. The classes
here only carry options:

- :class:`WordTokenizer` — Unicode words (letters, marks and digits of every
  script: Hangul, accented Latin, ...), with its own standardization options.
- :class:`CharTokenizer` — one token per character (code point after NFC).
- :class:`RegexTokenizer` — every match of a pattern (e.g. scikit-learn's
  ``r"\\b\\w\\w+\\b"``).
- :class:`NgramTokenizer` — n-grams over any other tokenizer's tokens;
  :func:`ngrams` does it for a list of tokens.

n-gram spec (``ngrams=``), as in Keras: an int N means every n in 1..N; a tuple
of ints lists the n values to make, so ``(1, 2)`` is unigrams + bigrams and
``(2, 3)`` bigrams + trigrams. The n-grams come grouped by n, each group in
text order: for tokens t_1..t_T and n, the grams are t_i..t_{i+n-1} for
i = 1..T-n+1 joined by ``separator``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from seqlab import checks
from seqlab.text._check import check_text, check_tokens
from seqlab.text.charclass import APOSTROPHES, punctuation_chars, word_chars
from seqlab.text.standardize import (
    APOSTROPHE_MODES,
    NORMAL_FORMS,
    Standardizer,
)

TokenizerLike = Callable[[str], list[str]]
"""The tokenizer protocol: a callable taking one text and returning its tokens.

Batch protocol (optional): a tokenizer may also have a method
``tokenize_batch(texts: list[str]) -> list[list[str]]`` that returns, for each
text, exactly what calling the tokenizer on it returns, in order. Tokenizers
whose library works faster on many texts at once (kiwipiepy: one call for a
list of texts instead of one per text) provide it, and
:class:`~seqlab.text.TextVectorizer` then hands them a list of texts at a time.
"""

SPLIT_MODES = ("whitespace", "word", "character")


def whitespace_split(text: str) -> list[str]:
    """Split on runs of whitespace (``str.split()``), as Keras ``split="whitespace"``."""
    return check_text("whitespace_split", text).split()


def batch_tokenizer(tokenizer: object) -> Callable[[list[str]], Any] | None:
    """The ``tokenize_batch`` method of ``tokenizer`` (the batch protocol), or None."""
    method = getattr(tokenizer, "tokenize_batch", None)
    return method if callable(method) else None


def check_batch_output(tokenizer: object, token_lists: Any, n_texts: int) -> Sequence[list[str]]:
    """``token_lists`` if it is a list (or tuple) of ``n_texts`` token lists; else a clear error."""
    who = f"{type(tokenizer).__name__}.tokenize_batch"
    if not isinstance(token_lists, (list, tuple)) or len(token_lists) != n_texts:
        got = (f"{len(token_lists)} items" if isinstance(token_lists, (list, tuple))
               else type(token_lists).__name__)
        raise TypeError(f"{who}: expected a list of {n_texts} token lists (one per text), got {got}")
    return token_lists


def _check_tokenizer(owner: str, tokenizer: object) -> TokenizerLike:
    if not callable(tokenizer):
        raise TypeError(
            f"{owner}: tokenizer must be a callable str -> list[str], got {type(tokenizer).__name__}"
        )
    return tokenizer  # type: ignore[return-value]


class WordTokenizer:
    """Split text into Unicode words, standardizing it first.

    A word is a run of letters, marks and digits (Unicode categories L, M, N);
    with ``apostrophes="keep"`` an apostrophe (' or ’) between two such runs
    stays inside the word ("don't"). Everything else separates words.

    Args:
        lower: lower-case first.
        normalize: Unicode normal form ("NFC", "NFKC", "NFD", "NFKD") or None.
        html_breaks: treat ``<br />`` as a space (IMDB).
        punctuation: "drop" (default) or "keep" — with "keep", each run of
            punctuation/symbol characters is a token of its own.
        apostrophes: "keep" ("don't"), "drop" ("dont") or "split" ("don", "t").
        min_length: drop word tokens shorter than this many characters.

    Example:
        >>> WordTokenizer()("Don't<br />stop: 영화가 최고!")
        ["don't", 'stop', '영화가', '최고']
    """

    def __init__(
        self,
        *,
        lower: bool = True,
        normalize: str | None = "NFC",
        html_breaks: bool = True,
        punctuation: str = "drop",
        apostrophes: str = "keep",
        min_length: int = 1,
    ) -> None:
        self.punctuation = checks.choice("WordTokenizer", "punctuation", punctuation, ("drop", "keep"))
        self.apostrophes = checks.choice("WordTokenizer", "apostrophes", apostrophes, APOSTROPHE_MODES)
        if not isinstance(min_length, int) or isinstance(min_length, bool) or min_length < 1:
            raise ValueError(f"WordTokenizer: min_length must be an int >= 1, got {min_length!r}")
        self.min_length = min_length
        self._standardize = Standardizer(
            lower=lower,
            strip_punctuation=False,
            html_breaks=html_breaks,
            normalize=normalize,
        )
        w, a = word_chars(), APOSTROPHES
        word = f"[{w}]+" if apostrophes == "split" else f"[{w}]+(?:[{a}][{w}]+)*"
        if punctuation == "keep":
            word = f"{word}|[{punctuation_chars()}]+"
        self._pattern = re.compile(word)
        self._drop_apostrophes = re.compile(f"[{a}]") if apostrophes == "drop" else None
        self._punct_start = re.compile(f"[{punctuation_chars()}]") if punctuation == "keep" else None

    @property
    def lower(self) -> bool:
        return self._standardize.lower

    @property
    def normalize(self) -> str | None:
        return self._standardize.normalize

    @property
    def html_breaks(self) -> bool:
        return self._standardize.html_breaks

    def __call__(self, text: str) -> list[str]:
        check_text("WordTokenizer", text)
        tokens = self._pattern.findall(self._standardize(text))
        if self._drop_apostrophes is not None:
            tokens = [self._drop_apostrophes.sub("", t) for t in tokens]
        if self.min_length > 1:
            keep = self._punct_start
            tokens = [
                t for t in tokens
                if len(t) >= self.min_length or (keep is not None and keep.match(t))
            ]
        return tokens

    def get_config(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "normalize": self.normalize,
            "html_breaks": self.html_breaks,
            "punctuation": self.punctuation,
            "apostrophes": self.apostrophes,
            "min_length": self.min_length,
        }

    def __repr__(self) -> str:
        return f"WordTokenizer({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class CharTokenizer:
    """One token per character (Unicode code point, after ``normalize``).

    Args:
        lower: lower-case first.
        normalize: Unicode normal form or None. The default NFC keeps "é" one
            character and a Hangul syllable one character.
        whitespace: "keep" (each space is a token, as Keras ``split="character"``)
            or "drop".

    Example:
        >>> CharTokenizer(whitespace="drop")("난 널")
        ['난', '널']
    """

    def __init__(
        self, *, lower: bool = False, normalize: str | None = "NFC", whitespace: str = "keep"
    ) -> None:
        self.lower = bool(lower)
        self.normalize = checks.choice("CharTokenizer", "normalize", normalize, (*NORMAL_FORMS, None))
        self.whitespace = checks.choice("CharTokenizer", "whitespace", whitespace, ("keep", "drop"))

    def __call__(self, text: str) -> list[str]:
        check_text("CharTokenizer", text)
        if self.normalize is not None and not text.isascii():
            text = unicodedata.normalize(self.normalize, text)
        if self.lower:
            text = text.lower()
        if self.whitespace == "drop":
            return [c for c in text if not c.isspace()]
        return list(text)

    def get_config(self) -> dict[str, Any]:
        return {"lower": self.lower, "normalize": self.normalize, "whitespace": self.whitespace}

    def __repr__(self) -> str:
        return f"CharTokenizer({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class RegexTokenizer:
    """Every match of ``pattern`` is a token (``re.findall``), optionally lower-cased first.

    ``RegexTokenizer(r"\\b\\w\\w+\\b", lower=True)`` reproduces scikit-learn's
    ``CountVectorizer`` default tokenization. The pattern must not have
    capturing groups (use ``(?:...)``), so that each match is the whole token.
    """

    def __init__(self, pattern: str | re.Pattern[str], *, lower: bool = False) -> None:
        if not isinstance(pattern, (str, re.Pattern)):
            raise TypeError(
                f"RegexTokenizer: pattern must be a str or re.Pattern, got {type(pattern).__name__}"
            )
        compiled = re.compile(pattern)
        if compiled.groups:
            raise ValueError(
                f"RegexTokenizer: pattern {compiled.pattern!r} has {compiled.groups} capturing "
                "group(s); write groups as (?:...) so that each match is a whole token"
            )
        self._pattern = compiled
        self.pattern = compiled.pattern
        self.lower = bool(lower)

    def __call__(self, text: str) -> list[str]:
        check_text("RegexTokenizer", text)
        return self._pattern.findall(text.lower() if self.lower else text)

    def get_config(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "lower": self.lower}

    def __repr__(self) -> str:
        return f"RegexTokenizer({self.pattern!r}, lower={self.lower!r})"


def parse_ngrams(spec: int | Sequence[int] | None, owner: str = "ngrams") -> tuple[int, ...] | None:
    """Normalize an n-gram spec: N -> (1, ..., N); a tuple of ints -> sorted unique; None -> None."""
    if spec is None:
        return None
    if isinstance(spec, int) and not isinstance(spec, bool):
        if spec < 1:
            raise ValueError(f"{owner}: ngrams must be >= 1, got {spec}")
        return tuple(range(1, spec + 1))
    if isinstance(spec, (tuple, list)) and spec and all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in spec
    ):
        return tuple(sorted(set(spec)))
    raise ValueError(
        f"{owner}: ngrams must be None, an int N >= 1 (meaning 1..N) or a non-empty tuple of "
        f"ints >= 1 (the n values to make), got {spec!r}"
    )


def ngrams(tokens: Sequence[str], n: int | Sequence[int], separator: str = " ") -> list[str]:
    """The n-grams of ``tokens`` for each n of the spec (see the module doc), grouped by n.

    Example:
        >>> ngrams(["we", "are", "sai"], 2)
        ['we', 'are', 'sai', 'we are', 'are sai']
    """
    return _ngrams(check_tokens("ngrams", tokens), parse_ngrams(n), separator)


def _ngrams(tokens: Sequence[str], sizes: tuple[int, ...] | None, separator: str) -> list[str]:
    """:func:`ngrams` without the checks (``sizes`` already parsed)."""
    out: list[str] = []
    T = len(tokens)
    for k in sizes or ():
        if k == 1:
            out.extend(tokens)
        else:
            out.extend(separator.join(tokens[i : i + k]) for i in range(T - k + 1))
    return out


class NgramTokenizer:
    """n-grams over the tokens of ``tokenizer``.

    Word bigrams: ``NgramTokenizer(WordTokenizer(), (1, 2))``; character
    trigrams: ``NgramTokenizer(CharTokenizer(), (3,), separator="")``.
    """

    def __init__(
        self, tokenizer: TokenizerLike, ngrams: int | Sequence[int], separator: str = " "
    ) -> None:
        self.tokenizer = _check_tokenizer("NgramTokenizer", tokenizer)
        self.ngrams = parse_ngrams(ngrams, "NgramTokenizer")
        if not isinstance(separator, str):
            raise TypeError(f"NgramTokenizer: separator must be a str, got {type(separator).__name__}")
        self.separator = separator

    def __call__(self, text: str) -> list[str]:
        check_text("NgramTokenizer", text)
        return _ngrams(self.tokenizer(text), self.ngrams, self.separator)

    def __repr__(self) -> str:
        return f"NgramTokenizer({self.tokenizer!r}, {self.ngrams!r}, separator={self.separator!r})"


def char_ngrams(text: str, n: int | Sequence[int], *, whitespace: str = "keep") -> list[str]:
    """Character n-grams of ``text`` (joined without a separator).

    Example:
        >>> char_ngrams("sai", (2,))
        ['sa', 'ai']
    """
    return ngrams(CharTokenizer(whitespace=whitespace)(text), n, separator="")


def get_tokenizer(spec: str | TokenizerLike | None,
                  owner: str = "split") -> TokenizerLike | None:
    """Resolve a ``split=`` argument: "whitespace", "word", "character", a callable, or None.

    The named splitters do no standardization of their own (that is the
    ``standardize=`` step's job): "word" is a :class:`WordTokenizer` with
    lower-casing, normalization and ``<br />`` removal off; "character" keeps
    spaces, as Keras does.
    """
    if spec is None or callable(spec):
        return spec
    checks.choice(owner, "split", spec, SPLIT_MODES)
    if spec == "whitespace":
        return whitespace_split
    if spec == "word":
        return WordTokenizer(lower=False, normalize=None, html_breaks=False)
    return CharTokenizer(normalize=None)
