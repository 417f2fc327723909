"""One side of a translation: how its text becomes token ids and back.

A :class:`TextSide` is a tokenizer (``kind``) plus the vocabulary learned on
the training sentences of that side and the longest sequence the model takes:

    kind      tokens                                  ids -> text
    "word"    WordTokenizer(lower=True,               words joined by spaces, no space
              punctuation="keep")                     before . , ! ? ; : ) or after ¿ ¡ (
    "char"    CharTokenizer() (NFC, spaces kept)      characters joined
    "jamo"    JamoTokenizer() (conjoining jamo)       jamo composed back into syllables

Id layout (:class:`seqlab.text.Vocabulary` plus two tokens): 0 padding,
1 out-of-vocabulary, 2 the start token ``[start]``, 3 the end token ``[end]``,
then the learned tokens by frequency. Unknown tokens get id 1.

The **fingerprint** of a side is the SHA-256 of its kind, tokenizer settings and
token list (in id order): two sides with the same fingerprint map every text to the
same ids. A saved translator stores the fingerprints it was trained with, so a
vocabulary from another model is refused by name (:mod:`.translator`).
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from seqlab import checks
from seqlab.text import (
    CharTokenizer,
    JamoTokenizer,
    Vocabulary,
    VocabularySizeWarning,
    WordTokenizer,
)

__all__ = ["END", "KINDS", "START", "TextSide"]

START, END = "[start]", "[end]"
KINDS = ("word", "char", "jamo")
_NO_SPACE_BEFORE = re.compile(r" ([.,!?;:)\]}%»…])")
_NO_SPACE_AFTER = re.compile(r"([¿¡(\[{«]) ")


def make_tokenizer(kind: str) -> Any:
    """The tokenizer of a side of this ``kind`` (see the module docstring)."""
    checks.choice("TextSide", "kind", kind, KINDS)
    if kind == "word":
        return WordTokenizer(lower=True, punctuation="keep")
    if kind == "char":
        return CharTokenizer()
    return JamoTokenizer()


class TextSide:
    """A side's tokenizer ``kind``, its ``vocabulary`` (with [start] and [end] at ids 2
    and 3) and ``max_length``: the most tokens a sentence of this side may have."""

    def __init__(self, kind: str, vocabulary: Vocabulary, max_length: int):
        self.tokenizer = make_tokenizer(kind)
        self.kind = kind
        if not isinstance(vocabulary, Vocabulary):
            raise TypeError(f"TextSide: vocabulary must be a seqlab.text.Vocabulary, got "
                            f"{type(vocabulary).__name__}")
        got = vocabulary.get_vocabulary()[:4]
        if got != ["", "[UNK]", START, END]:
            raise ValueError(f"TextSide: the vocabulary must start with the ids 0 '', 1 '[UNK]', "
                             f"2 {START!r}, 3 {END!r}; it starts with {got}")
        self.vocabulary = vocabulary
        self.max_length = checks.positive_int("TextSide", "max_length", max_length)

    @classmethod
    def build(cls, kind: str, texts: Iterable[str], max_length: int,
              max_tokens: int | None = None) -> TextSide:
        """Learn the vocabulary of ``texts`` (at most ``max_tokens`` ids, the four
        reserved ones included)."""
        tokenizer = make_tokenizer(kind)
        with warnings.catch_warnings():  # max_tokens is an upper bound here
            warnings.simplefilter("ignore", VocabularySizeWarning)
            learned = Vocabulary.build([tokenizer(t) for t in texts], max_tokens=(
                None if max_tokens is None else max_tokens - 2))
        tokens = [START, END, *(t for t in learned.get_vocabulary(False) if t not in (START, END))]
        return cls(kind, Vocabulary(tokens), max_length)

    @property
    def start_id(self) -> int:
        return 2

    @property
    def end_id(self) -> int:
        return 3

    def __len__(self) -> int:
        return len(self.vocabulary)

    def tokenize(self, text: str) -> list[str]:
        return self.tokenizer(text)

    def encode(self, text: str) -> list[int]:
        """The ids of ``text`` (unknown tokens: 1), without start or end token."""
        return self.vocabulary.encode(self.tokenizer(text))

    def decode(self, ids: Sequence[int]) -> str:
        """The text of ``ids``, stopping at the end token; padding and start are skipped."""
        tokens = []
        for i in ids:
            if int(i) == self.end_id:
                break
            if int(i) not in (0, self.start_id):
                tokens.append(self.vocabulary.id_to_token(int(i)))
        if self.kind == "word":
            text = " ".join(tokens)
            return _NO_SPACE_AFTER.sub(r"\1", _NO_SPACE_BEFORE.sub(r"\1", text))
        if self.kind == "jamo":
            return self.tokenizer.decode(tokens)
        return "".join(tokens)

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex, first 16 digits) of the kind, the tokenizer settings and the tokens."""
        spec = {"kind": self.kind, "tokenizer": self.tokenizer.get_config(),
                "tokens": self.vocabulary.get_vocabulary()}
        blob = json.dumps(spec, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "max_length": self.max_length,
                "fingerprint": self.fingerprint, "vocabulary": self.vocabulary.to_dict()}

    @classmethod
    def from_dict(cls, data: Any, source: str) -> TextSide:
        if not isinstance(data, dict) or not {"kind", "max_length", "vocabulary"} <= set(data):
            raise ValueError(f"{source}: expected an object with kind, max_length and "
                             "vocabulary")
        try:
            return cls(data["kind"], Vocabulary.from_dict(data["vocabulary"], source),
                       data["max_length"])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{source}: {exc}") from None

    def __repr__(self) -> str:
        return (f"TextSide(kind={self.kind!r}, tokens={len(self)}, max_length={self.max_length}, "
                f"fingerprint={self.fingerprint!r})")
