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
from seqlab.text.charclass import APOSTROPHES, punctuation_chars, word_chars

NORMAL_FORMS = ("NFC", "NFKC", "NFD", "NFKD")
APOSTROPHE_MODES = ("keep", "drop", "split")
STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")

_HTML_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)


def normalize_unicode(text: str, form: str | None = "NFC") -> str:
    """Unicode normalization ``form`` (NFC, NFKC, NFD, NFKD) of ``text``; None returns it as is."""
    if form is None:
        return text
    checks.choice("normalize_unicode", "form", form, NORMAL_FORMS)
    return unicodedata.normalize(form, text)


def remove_html_breaks(text: str) -> str:
    """Replace every HTML line break (``<br />``, ``<br>``, any case) by a space."""
    return _HTML_BREAK.sub(" ", text) if "<" in text else text


@functools.cache
def _punctuation_regex(apostrophes: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """(pattern of punctuation to turn into spaces, pattern of inner apostrophes to delete)."""
    w = word_chars()
    a = APOSTROPHES
    if apostrophes == "split":
        return re.compile(f"[{punctuation_chars()}]+"), None
    # an apostrophe survives only with a word character on both sides
    stray = f"(?<![{w}])[{a}]|[{a}](?![{w}])"
    pattern = re.compile(f"(?:[{punctuation_chars(a)}]|{stray})+")
    inner = re.compile(f"[{a}]") if apostrophes == "drop" else None
    return pattern, inner


def strip_punctuation(text: str, apostrophes: str = "keep") -> str:
    """Turn punctuation and symbols into spaces; ``apostrophes`` decides "don't".

    ``"keep"``: "don't" stays; ``"drop"``: "dont"; ``"split"``: "don t".
    """
    checks.choice("strip_punctuation", "apostrophes", apostrophes, APOSTROPHE_MODES)
    pattern, inner = _punctuation_regex(apostrophes)
    text = pattern.sub(" ", text)
    return inner.sub("", text) if inner is not None else text


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
        self._punct = _punctuation_regex(apostrophes) if self.strip_punctuation else None

    def __call__(self, text: str) -> str:
        if self.normalize is not None and not text.isascii():
            text = unicodedata.normalize(self.normalize, text)
        if self.html_breaks and "<" in text:
            text = _HTML_BREAK.sub(" ", text)
        if self.lower:
            text = text.lower()
        if self._punct is not None:
            pattern, inner = self._punct
            text = pattern.sub(" ", text)
            if inner is not None:
                text = inner.sub("", text)
        return text

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
