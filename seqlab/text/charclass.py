"""Regex character classes built from Unicode general categories.

Python's ``re`` has no ``\\p{P}``; these helpers scan the Unicode database once
(lazily, about 50 ms) and return a ``[...]`` class body of code-point ranges.

- ``word_chars()``: letters (L*), marks (M*) and numbers (N*) — Hangul
  syllables and jamo, accented Latin (also when decomposed: the combining
  accent is a mark), digits of every script. Unlike ``\\w`` it leaves out the
  underscore and keeps combining marks (Devanagari vowel signs, for example).
- ``punctuation_chars()``: punctuation (P*) and symbols (S*): ``.,!?"#$%&*+<=>@^`|~``,
  CJK and full-width punctuation, currency signs, emoji.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

# Planes 0-3 hold every assigned letter, mark, number, punctuation and symbol
# except the tags and variation selectors of plane 14, scanned separately.
_SCAN_RANGES = ((0, 0x32000), (0xE0000, 0xE0200))


@functools.cache
def _category_letters() -> tuple[tuple[int, str], ...]:
    """For each scanned block: (first code point, one category letter per code point)."""
    category = unicodedata.category
    stop_max = sys.maxunicode + 1
    return tuple(
        (start, "".join([category(chr(cp))[0] for cp in range(start, min(stop, stop_max))]))
        for start, stop in _SCAN_RANGES
    )


def _ranges(prefixes: str) -> list[tuple[int, int]]:
    """Maximal runs [lo, hi] of code points whose category starts with one of ``prefixes``."""
    run = re.compile(f"[{prefixes}]+")
    return [
        (start + m.start(), start + m.end() - 1)
        for start, letters in _category_letters()
        for m in run.finditer(letters)
    ]


def _class_body(ranges: list[tuple[int, int]], exclude: str = "") -> str:
    """The inside of a regex ``[...]`` for ``ranges`` minus the characters in ``exclude``."""
    skip = sorted({ord(c) for c in exclude})
    parts = []
    for lo, hi in ranges:
        start = lo
        for s in skip:
            if lo <= s <= hi:
                if start <= s - 1:
                    parts.append(_span(start, s - 1))
                start = s + 1
        if start <= hi:
            parts.append(_span(start, hi))
    return "".join(parts)


def _span(lo: int, hi: int) -> str:
    return _escape(lo) if lo == hi else f"{_escape(lo)}-{_escape(hi)}"


def _escape(cp: int) -> str:
    return f"\\U{cp:08x}"


@functools.cache
def word_chars() -> str:
    """Class body (no brackets) of word characters: Unicode letters, marks, numbers."""
    return _class_body(_ranges("LMN"))


@functools.cache
def punctuation_chars(exclude: str = "") -> str:
    """Class body (no brackets) of punctuation and symbols, minus ``exclude``."""
    return _class_body(_ranges("PS"), exclude)


@functools.cache
def punctuation_table(exclude: str = "", replacement: str = " ") -> str:
    """``str.translate`` table: every punctuation/symbol character (the class of
    :func:`punctuation_chars`, minus ``exclude``) -> ``replacement``.

    Built from the same code-point ranges as the regex class, so
    ``text.translate(table)`` replaces exactly the characters that
    ``[punctuation_chars(exclude)]`` matches, at a fraction of the cost:
    Python's ``re`` tests a character against a class with non-BMP ranges by
    walking those ranges one by one (about 1 µs per character here), while
    ``str.translate`` does one lookup per character (cached for ASCII text).

    The table is a str, not a dict (about twice as fast on non-ASCII text):
    position ``cp`` holds ``replacement`` for a punctuation code point and
    ``chr(cp)`` otherwise, up to the last punctuation code point; later code
    points raise IndexError, which ``str.translate`` reads as "leave alone".
    """
    if len(replacement) != 1:
        raise ValueError(f"punctuation_table: replacement must be one character, got {replacement!r}")
    ranges = _ranges("PS")
    table = [chr(cp) for cp in range(ranges[-1][1] + 1)]
    skip = {ord(c) for c in exclude}
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            if cp not in skip:
                table[cp] = replacement
    return "".join(table)


APOSTROPHES = "'\u2019"
"""Characters treated as an apostrophe inside words: ASCII ' and U+2019 ’."""
