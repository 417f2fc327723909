"""Hangul syllables <-> jamo (initial consonant, vowel, optional final consonant).

Every modern Hangul syllable (U+AC00..U+D7A3, 11,172 of them) is built by
arithmetic from three indices, choseong L (19 initials), jungseong V (21
vowels) and jongseong T (28: 0 means no final, 1..27 the finals):

    S = 0xAC00 + (L * 21 + V) * 28 + T
    L = (S - 0xAC00) // 588,  V = (S - 0xAC00) % 588 // 28,  T = (S - 0xAC00) % 28

**Decision: the jamo are written as conjoining jamo** (Hangul Jamo block,
U+1100..U+11FF): initials U+1100 + L, vowels U+1161 + V, finals U+11A7 + T.
Conjoining jamo know their position, so an initial ㄱ (U+1100) and a final ㄱ
(U+11A8) are different characters and :func:`compose` can put syllables back
together without guessing: ``compose(decompose(text)) == text`` for every text
that does not itself contain Hangul Jamo block characters (ordinary Korean
text does not; the compatibility jamo people type, such as "ㅋㅋ" U+314B, are
left alone and survive the round trip). This is also what Unicode NFD produces
for Hangul, but NFD would decompose accented Latin letters too; these
functions touch Hangul syllables only.

Conjoining jamo render as the whole syllable in many fonts; for display,
:func:`to_compatibility` maps them to the compatibility jamo (U+3131..U+3163)
people read ("한" -> "ㅎㅏㄴ"). That mapping is one-way: "ㄱ" could be an
initial or a final.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from seqlab import checks
from seqlab.text._check import check_text, check_tokens, describe

SYLLABLE_FIRST = 0xAC00
SYLLABLE_LAST = 0xD7A3
L_BASE, V_BASE, T_BASE = 0x1100, 0x1161, 0x11A7
L_COUNT, V_COUNT, T_COUNT = 19, 21, 28
N_COUNT = V_COUNT * T_COUNT  # 588 syllables per initial

# Compatibility jamo for each conjoining initial / vowel / final, in index order.
_COMPAT_L = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_COMPAT_V = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
_COMPAT_T = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"

_COMPOSABLE = re.compile(
    f"([{chr(L_BASE)}-{chr(L_BASE + L_COUNT - 1)}])"
    f"([{chr(V_BASE)}-{chr(V_BASE + V_COUNT - 1)}])"
    f"([{chr(T_BASE + 1)}-{chr(T_BASE + T_COUNT - 1)}])?"
)


def is_syllable(char: str) -> bool:
    """True for one precomposed modern Hangul syllable (가..힣)."""
    return len(char) == 1 and SYLLABLE_FIRST <= ord(char) <= SYLLABLE_LAST


def split_syllable(char: str) -> tuple[str, str, str]:
    """(initial, vowel, final) conjoining jamo of one syllable; final is "" when there is none.

    Example:
        >>> [hex(ord(j)) for j in split_syllable("한")]
        ['0x1112', '0x1161', '0x11ab']
    """
    if not isinstance(char, str):
        raise TypeError(f"split_syllable: expected one Hangul syllable (a str), got {describe(char)}")
    if not is_syllable(char):
        raise ValueError(f"split_syllable: expected one Hangul syllable (가..힣), got {char!r}")
    s = ord(char) - SYLLABLE_FIRST
    l_idx, v_idx, t_idx = s // N_COUNT, s % N_COUNT // T_COUNT, s % T_COUNT
    final = chr(T_BASE + t_idx) if t_idx else ""
    return chr(L_BASE + l_idx), chr(V_BASE + v_idx), final


def join_jamo(initial: str, vowel: str, final: str = "") -> str:
    """The syllable made of conjoining jamo ``initial`` + ``vowel`` (+ ``final``)."""
    l_idx = ord(initial) - L_BASE if len(initial) == 1 else -1
    v_idx = ord(vowel) - V_BASE if len(vowel) == 1 else -1
    t_idx = ord(final) - T_BASE if len(final) == 1 else (0 if final == "" else -1)
    if not (0 <= l_idx < L_COUNT and 0 <= v_idx < V_COUNT and (t_idx == 0 or 1 <= t_idx < T_COUNT)):
        raise ValueError(
            "join_jamo: expected a conjoining initial (U+1100..U+1112), vowel (U+1161..U+1175) and "
            f"optional final (U+11A8..U+11C2), got {initial!r}, {vowel!r}, {final!r}"
        )
    return chr(SYLLABLE_FIRST + (l_idx * V_COUNT + v_idx) * T_COUNT + t_idx)


@functools.cache
def _decompose_table() -> dict[int, str]:
    table = {}
    for cp in range(SYLLABLE_FIRST, SYLLABLE_LAST + 1):
        table[cp] = "".join(split_syllable(chr(cp)))
    return table


@functools.cache
def _compat_table() -> dict[int, str]:
    table = {L_BASE + i: c for i, c in enumerate(_COMPAT_L)}
    table.update({V_BASE + i: c for i, c in enumerate(_COMPAT_V)})
    table.update({T_BASE + 1 + i: c for i, c in enumerate(_COMPAT_T)})
    return table


def decompose(text: str) -> str:
    """Replace every Hangul syllable by its conjoining jamo; other characters stay.

    Example:
        >>> len(decompose("한국"))  # ᄒ ᅡ ᆫ ᄀ ᅮ ᆨ
        6
    """
    return check_text("decompose", text).translate(_decompose_table())


def _join_match(m: re.Match[str]) -> str:
    return join_jamo(m.group(1), m.group(2), m.group(3) or "")


def compose(text: str) -> str:
    """Join each conjoining initial + vowel (+ final) into its syllable; the inverse of :func:`decompose`."""
    return _COMPOSABLE.sub(_join_match, check_text("compose", text))


def to_compatibility(text: str) -> str:
    """Map conjoining jamo to the compatibility jamo people read ("ᄒ ᅡ ᆫ" -> "ㅎㅏㄴ"); one-way."""
    return check_text("to_compatibility", text).translate(_compat_table())


class JamoTokenizer:
    """One token per jamo: syllables are decomposed, other characters are tokens as they are.

    Args:
        compatibility: emit compatibility jamo (readable, but not reversible)
            instead of conjoining jamo (reversible with :meth:`decode`).
        whitespace: "keep" (spaces are tokens, so :meth:`decode` restores the
            text exactly) or "drop".

    Example:
        >>> JamoTokenizer(compatibility=True)("한 글")
        ['ㅎ', 'ㅏ', 'ㄴ', ' ', 'ㄱ', 'ㅡ', 'ㄹ']
    """

    def __init__(self, *, compatibility: bool = False, whitespace: str = "keep") -> None:
        self.compatibility = bool(compatibility)
        self.whitespace = checks.choice("JamoTokenizer", "whitespace", whitespace, ("keep", "drop"))

    def __call__(self, text: str) -> list[str]:
        jamo = decompose(check_text("JamoTokenizer", text))
        if self.compatibility:
            jamo = to_compatibility(jamo)
        if self.whitespace == "drop":
            return [c for c in jamo if not c.isspace()]
        return list(jamo)

    def decode(self, tokens: list[str]) -> str:
        """Text from conjoining-jamo tokens: ``decode(tokenizer(text)) == text`` with the defaults."""
        if self.compatibility:
            raise ValueError(
                "JamoTokenizer.decode: compatibility jamo cannot be composed back unambiguously; "
                "tokenize with compatibility=False to decode"
            )
        return compose("".join(check_tokens("JamoTokenizer.decode", tokens)))

    def get_config(self) -> dict[str, Any]:
        return {"compatibility": self.compatibility, "whitespace": self.whitespace}

    def __repr__(self) -> str:
        return f"JamoTokenizer(compatibility={self.compatibility!r}, whitespace={self.whitespace!r})"
