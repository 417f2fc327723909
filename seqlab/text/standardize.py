"""Standardization: the text -> text step before splitting into tokens.

Each step is a plain function ``str -> str``; :class:`Standardizer` chains them
in a fixed order and is itself a callable, so it can be passed anywhere a
standardize function is accepted:

1. Unicode normalization (``"NFC"``, ``"NFKC"``, ``"NFD"``, ``"NFKD"`` or None).
   NFC joins a letter and its combining accent into one code point, so
   "café" typed either way becomes the same token; NFKC also folds
   compatibility forms (full-width "ＡＢＣ" -> "ABC", "①" -> "1").
2. HTML line breaks (``<br />``, ``<br>``, ``<BR/>`` ...) -> a space. IMDB
   reviews are full of them.
3. Lower-casing (``str.lower``).
4. Punctuation stripping: every punctuation or symbol character (Unicode
   categories P* and S*) becomes a space. An apostrophe between two word
   characters ("don't", "l'amour") follows ``apostrophes``:
   ``"keep"`` leaves it, ``"drop"`` deletes it ("dont"), ``"split"`` makes it a
   space ("don t"). Apostrophes elsewhere ('quoted') are stripped.

Speed: step 4 is defined by one regular expression over the Unicode class
(``_strip_punctuation_regex``, the readable definition), which Python's ``re``
runs at about 1 µs per character (it walks the class's non-BMP ranges for
every character). The code runs the same rule with ``str.translate`` and a
precomputed table instead (``_PunctuationStripper``), about 20x faster on
English text; the tests compare the two, character for character, on English,
Korean, accents, apostrophes, emoji and HTML.

Named modes, as in Keras ``TextVectorization(standardize=...)``:
``"lower_and_strip_punctuation"``, ``"lower"``, ``"strip_punctuation"``.
Two deliberate differences from Keras: punctuation becomes a space instead of
being deleted ("good,bad" -> "good bad", not "goodbad"; "영화...최고" keeps two
words), and the named modes that strip punctuation also remove ``<br />``
(otherwise its letters survive as the junk token "br").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from seqlab import checks
from seqlab.text._check import check_text
from seqlab.text.charclass import APOSTROPHES, punctuation_chars, punctuation_table, word_chars

NORMAL_FORMS = ("NFC", "NFKC", "NFD", "NFKD")
APOSTROPHE_MODES = ("keep", "drop", "split")
STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")

_HTML_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)


def normalize_unicode(text: str, form: str | None = "NFC") -> str:
    """Unicode normalization ``form`` (NFC, NFKC, NFD, NFKD) of ``text``; None returns it as is."""
    check_text("normalize_unicode", text)
    if form is None:
        return text
    checks.choice("normalize_unicode", "form", form, NORMAL_FORMS)
    return unicodedata.normalize(form, text)


def remove_html_breaks(text: str) -> str:
    """Replace every HTML line break (``<br />``, ``<br>``, any case) by a space."""
    check_text("remove_html_breaks", text)
    return _HTML_BREAK.sub(" ", text) if "<" in text else text


@functools.cache
def _punctuation_regex(apostrophes: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """The readable definition: (pattern of punctuation to turn into spaces, pattern of
    inner apostrophes to delete). Slow (about 1 µs per character: ``re`` walks the
    class's non-BMP ranges for every character); :class:`_PunctuationStripper` gives
    the same output fast, and the tests hold it to this definition."""
    w = word_chars()
    a = APOSTROPHES
    if apostrophes == "split":
        return re.compile(f"[{punctuation_chars()}]+"), None
    # an apostrophe survives only with a word character on both sides
    stray = f"(?<![{w}])[{a}]|[{a}](?![{w}])"
    pattern = re.compile(f"(?:[{punctuation_chars(a)}]|{stray})+")
    inner = re.compile(f"[{a}]") if apostrophes == "drop" else None
    return pattern, inner


def _strip_punctuation_regex(text: str, apostrophes: str = "keep") -> str:
    """:func:`strip_punctuation` by its readable definition (the reference for tests)."""
    pattern, inner = _punctuation_regex(apostrophes)
    text = pattern.sub(" ", text)
    return inner.sub("", text) if inner is not None else text


# The fast path marks every character to strip with "!" (itself punctuation, so a
# "!" after the translation always stands for a stripped character), then turns
# each run of marks into one space, as the definition's ``(...)+`` does.
_MARK = "!"
_MARK_RUNS = re.compile("!+")


class _PunctuationStripper:
    """:func:`strip_punctuation` without a regex over the big character class.

    1. ``str.translate`` maps every punctuation/symbol character (apostrophes
       aside, unless ``apostrophes="split"``) to a mark. Word characters (L, M,
       N) are untouched and no other character becomes one, so "is a word
       character" reads the same before and after.
    2. An apostrophe without a word character on both sides becomes a mark (a
       small regex that only starts at apostrophes).
    3. Each run of marks becomes one space; with ``"drop"`` the apostrophes left
       (all inside words) are deleted.

    :meth:`loose` skips the run merging by mapping straight to spaces: its text
    differs only in how many spaces stand between tokens, so ``loose(t).split()
    == strip(t).split()``; ``TextVectorizer`` uses it before a whitespace split.
    """

    def __init__(self, apostrophes: str) -> None:
        self.apostrophes = apostrophes
        split = apostrophes == "split"
        exclude = "" if split else APOSTROPHES
        self._table = punctuation_table(exclude, _MARK)
        self._loose_table = punctuation_table(exclude, " ")
        w = word_chars()
        # One pattern per apostrophe, so that each starts with a literal (re then
        # scans for it quickly); (?<![w]') looks behind the apostrophe just matched.
        self._stray = () if split else tuple(
            (a, re.compile(f"{a}(?:(?<![{w}]{a})|(?![{w}]))")) for a in APOSTROPHES
        )
        self._drop = str.maketrans("", "", APOSTROPHES) if apostrophes == "drop" else None

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # pickled by name: the tables (about 0.5 MB each) are rebuilt, or taken from the cache
        return _punctuation_stripper, (self.apostrophes,)

    def _apostrophes(self, text: str, replacement: str) -> str:
        """Apostrophes without a word character on both sides -> ``replacement``."""
        for a, stray in self._stray:
            if a in text:
                text = stray.sub(replacement, text)
        return text

    def strip(self, text: str) -> str:
        text = self._apostrophes(text.translate(self._table), _MARK)
        if _MARK in text:
            text = _MARK_RUNS.sub(" ", text)
        return text.translate(self._drop) if self._drop is not None else text

    def loose(self, text: str) -> str:
        text = self._apostrophes(text.translate(self._loose_table), " ")
        return text.translate(self._drop) if self._drop is not None else text


@functools.cache
def _punctuation_stripper(apostrophes: str) -> _PunctuationStripper:
    return _PunctuationStripper(apostrophes)


def strip_punctuation(text: str, apostrophes: str = "keep") -> str:
    """Turn punctuation and symbols into spaces; ``apostrophes`` decides "don't".

    ``"keep"``: "don't" stays; ``"drop"``: "dont"; ``"split"``: "don t".
    Each run of punctuation becomes one space.
    """
    checks.choice("strip_punctuation", "apostrophes", apostrophes, APOSTROPHE_MODES)
    check_text("strip_punctuation", text)
    return _punctuation_stripper(apostrophes).strip(text)


class Standardizer:
    """A configured text -> text standardization (a plain callable).

    Args:
        lower: lower-case with ``str.lower``.
        strip_punctuation: punctuation and symbols become spaces.
        html_breaks: ``<br />`` and friends become spaces.
        normalize: Unicode normal form ("NFC", "NFKC", "NFD", "NFKD") or None.
        apostrophes: "keep", "drop" or "split" (see :func:`strip_punctuation`).

    Example:
        >>> Standardizer()("Don't<br />STOP, café!")
        "don't stop  café "
    """

    def __init__(
        self,
        *,
        lower: bool = True,
        strip_punctuation: bool = True,
        html_breaks: bool = True,
        normalize: str | None = "NFC",
        apostrophes: str = "keep",
    ) -> None:
        self.lower = bool(lower)
        self.strip_punctuation = bool(strip_punctuation)
        self.html_breaks = bool(html_breaks)
        self.normalize = checks.choice("Standardizer", "normalize", normalize, (*NORMAL_FORMS, None))
        self.apostrophes = checks.choice("Standardizer", "apostrophes", apostrophes, APOSTROPHE_MODES)
        self._punct = _punctuation_stripper(apostrophes) if self.strip_punctuation else None

    def _prepare(self, text: str) -> str:
        """Normalization, <br /> and lower-casing: everything before the punctuation."""
        if not isinstance(text, str):
            check_text("Standardizer", text)
        if self.normalize is not None and not text.isascii():
            text = unicodedata.normalize(self.normalize, text)
        if self.html_breaks and "<" in text:
            text = _HTML_BREAK.sub(" ", text)
        if self.lower:
            text = text.lower()
        return text

    def __call__(self, text: str) -> str:
        text = self._prepare(text)
        return self._punct.strip(text) if self._punct is not None else text

    def loose(self, text: str) -> str:
        """Text with the same whitespace-separated tokens as ``self(text)``, faster.

        Punctuation becomes spaces without merging each run into one space,
        so only the number of spaces between tokens can differ:
        ``loose(t).split() == self(t).split()`` for every text ``t``.
        """
        text = self._prepare(text)
        return self._punct.loose(text) if self._punct is not None else text

    def get_config(self) -> dict[str, Any]:
        return {
            "lower": self.lower,
            "strip_punctuation": self.strip_punctuation,
            "html_breaks": self.html_breaks,
            "normalize": self.normalize,
            "apostrophes": self.apostrophes,
        }

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"Standardizer({args})"


def _lower(text: str) -> str:
    return text.lower()


def get_standardizer(spec: str | Callable[[str], str] | None, owner: str = "standardize"
                     ) -> Callable[[str], str] | None:
    """Resolve a ``standardize=`` argument: a named mode, a callable, or None.

    ``"lower"`` is exactly ``str.lower``; ``"lower_and_strip_punctuation"`` and
    ``"strip_punctuation"`` are :class:`Standardizer` with NFC normalization and
    ``<br />`` removal.
    """
    if spec is None or callable(spec):
        return spec
    checks.choice(owner, "standardize", spec, STANDARDIZE_MODES)
    if spec == "lower":
        return _lower
    return Standardizer(lower=spec == "lower_and_strip_punctuation")
