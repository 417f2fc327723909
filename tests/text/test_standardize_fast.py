"""The fast punctuation stripping (str.translate) against its readable regex definition.

``Standardizer`` and ``strip_punctuation`` run :class:`_PunctuationStripper`;
``_strip_punctuation_regex`` is the definition written as one regular
expression over the Unicode class. They must give the same text, character
for character, and ``Standardizer.loose`` (what ``TextVectorizer`` runs
before its whitespace split) the same tokens.
"""

from __future__ import annotations

import random
import re

import pytest

from seqlab.text import TextVectorizer
from seqlab.text.charclass import _ranges, punctuation_chars, punctuation_table
from seqlab.text.standardize import (
    APOSTROPHE_MODES,
    Standardizer,
    _strip_punctuation_regex,
    strip_punctuation,
)

# Hand-picked texts: Hangul (syllables, compatibility jamo, conjoining jamo),
# accents composed and decomposed, apostrophes (' and ’) inside, around and
# doubled, emoji (non-BMP symbols, ZWJ sequences, skin-tone modifiers, flags,
# keycaps), HTML breaks, CJK and full-width punctuation, currency, math
# letters (non-BMP letters: kept), other scripts' digits and marks.
VARIED = [
    "Don't<br />STOP, café!",
    "I can't believe it's not butter... 'quoted' “double” ‘single’ rock'n'roll l’amour",
    "''twas the 'night' before—christmas' 'n' 'tis o'clock ’90s dogs’ bark’",
    "a'b a' 'b ' '' a''b a'’b a’'b 'a' ’a’ a'1 1'a _'a a'_ é'é 가'나 a' b",
    "영화...최고!! 진짜 짜증나네요ㅋㅋ ㅠㅠ 재밌었다^^ 별로임;; 10점 만점에 9점~",
    "한국어 문장입니다. 조사(가/를/는) 분리? 「인용」 『제목』 【괄호】 ・ 。、",
    "\u1112\u1161\u11ab\u1100\u1173\u11af decomposed Hangul, and 한글 composed",
    "Cafe\u0301 nai\u0308ve Åström façade coöperate résumé — Crème brûlée",
    "emoji 😀😂👍🏽 👨‍👩‍👧‍👦 🇰🇷 1️⃣ ❤️ ☺ ★☆ ♪♫ 🎬🍿 end",
    "HTML <br /><br />breaks<BR>and<br/>and< br / >and <b>bold</b> <i>it</i> a < b > c",
    "ＡＢＣ！？ full-width，punctuation：ok ％ ＄ ￥ €5 £3 ¥10 $9.99 ₩1000",
    "math 𝐀𝐁𝐂 𝑥+𝑦=𝑧 ∑∫√∞ ≤≥≠ ±×÷ ° ½ ² ³ 𝟘𝟙 (letters and digits stay)",
    "scripts: ١٢٣ ٤ ०१२ हिन्दी العربية עברית ελληνικά русский ไทย 日本語です。",
    "under_score snake_case __init__ #hashtag @user e-mail a.b.c x/y/z 50% 3:30",
    "\t tabs\nnew lines\r\n and   runs   of    spaces ,  ,  ,  ",
    "'", "’", "''", "a'", "'a", "", "   ", "!!!", "a", "...'...'...",
    "𝄞 musical 𐀀 linear-b 𝔄 fraktur 🂡 card 🀄 mahjong 𒀀 cuneiform",
]


def _reference(std: Standardizer, text: str) -> str:
    """What the Standardizer must return: its earlier steps, then the regex definition."""
    return _strip_punctuation_regex(std._prepare(text), std.apostrophes)


def _random_texts(n: int, seed: int = 0) -> list[str]:
    """Random strings over a pool that puts apostrophes next to every kind of character."""
    rng = random.Random(seed)
    pool = list("aZé가ㅋ1 \t.,!?'’\"-_()<>/") + [
        "\u0301", "\u1100", "\u11a8", "😀", "🏽", "\u200d", "𝐀", "𝟙", "١", "、", "€", "♪", "\ufe0f",
    ]
    return ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(n)]


@pytest.mark.parametrize("apostrophes", APOSTROPHE_MODES)
def test_fast_path_equals_regex_definition(
    apostrophes: str, imdb_texts: list[str], nsmc_texts: list[str]
) -> None:
    std = Standardizer(apostrophes=apostrophes)
    texts = VARIED + imdb_texts + nsmc_texts + _random_texts(3000)
    for text in texts:
        want = _reference(std, text)
        assert std(text) == want, text
        assert std.loose(text).split() == want.split(), text
        assert strip_punctuation(text, apostrophes) == _strip_punctuation_regex(text, apostrophes)


@pytest.mark.parametrize("lower", [True, False])
def test_other_standardizer_options_follow_the_definition(lower: bool) -> None:
    for kwargs in ({"normalize": "NFKC"}, {"normalize": None}, {"html_breaks": False}):
        std = Standardizer(lower=lower, **kwargs)
        for text in VARIED:
            assert std(text) == _reference(std, text), (kwargs, text)


def test_default_vectorizer_tokens_are_the_definitions(imdb_texts: list[str], nsmc_texts: list[str]) -> None:
    """TextVectorizer() (standardize + whitespace split, the defaults) gives the tokens
    of the readable definition, on real English and Korean text."""
    tv = TextVectorizer()
    analyze = tv._analyzer()
    std = Standardizer()
    for text in VARIED + imdb_texts + nsmc_texts:
        want = _reference(std, text).split()
        assert analyze(text) == want, text
        assert tv.analyze(text) == want, text
    assert analyze("Don't<br />STOP, café! 영화...최고!!") == ["don't", "stop", "café", "영화", "최고"]


def test_translate_table_is_exactly_the_regex_class() -> None:
    """Every code point of the scanned planes: replaced by the table iff the class matches it."""
    text = "".join(chr(cp) for cp in range(0x20, 0x32000) if not 0xD800 <= cp < 0xE000)
    by_regex = re.sub(f"[{punctuation_chars()}]", "\x00", text)
    table = punctuation_table("", "\x00")
    assert text.translate(table) == by_regex
    n_punct = sum(hi - lo + 1 for lo, hi in _ranges("PS"))
    assert by_regex.count("\x00") == n_punct


def test_pickles_small_and_works_after() -> None:
    import pickle

    std = Standardizer(apostrophes="drop")
    data = pickle.dumps(std)
    assert len(data) < 2000  # the translate tables are not in the pickle
    assert pickle.loads(data)("Don't STOP, 'x'") == std("Don't STOP, 'x'") == "dont stop   x "
