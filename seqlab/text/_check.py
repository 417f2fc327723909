"""Input checks shared by the public entry points of seqlab.text.

Each raises a TypeError (or ValueError) that names the caller, what it
expected and what came, e.g.
``Vocabulary.build: expected a list of token lists, got str 'hello'`` —
instead of an AttributeError from deep inside, a numpy error, or a silent
walk over the characters of a string.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def describe(value: Any) -> str:
    """A value's type and a short repr, for error messages: ``str 'hello'``."""
    text = " ".join(repr(value).split())  # one line, also for arrays
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def check_text(owner: str, text: Any) -> str:
    """``text`` if it is a str; otherwise a TypeError."""
    if not isinstance(text, str):
        raise TypeError(f"{owner}: expected a str (one text), got {describe(text)}")
    return text


def check_collection(owner: str, value: Any, expected: str) -> None:
    """Refuse None, a str/bytes and non-iterables where a collection of ``expected`` is due."""
    if value is None or isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Iterable):
        raise TypeError(f"{owner}: expected {expected}, got {describe(value)}")
    ndim = getattr(value, "ndim", None)
    if ndim is not None and ndim != 1:
        raise TypeError(f"{owner}: expected {expected} (1-D), got an array of shape {value.shape}")


def check_texts(owner: str, texts: Any) -> list[str]:
    """``texts`` as a list of str, or a TypeError naming what was expected and what came.

    Any iterable of str is fine (a list, a tuple, a generator, a 1-D numpy
    array of str or objects); None, a single str or bytes (which would be read
    one character at a time), and any item that is not a str are refused.
    """
    check_collection(owner, texts, "a list of texts (str)")
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"{owner}: expected a list of texts (str); item {i} is {describe(text)}")
    return out


def check_tokens(owner: str, tokens: Any, what: str = "a list of tokens (str)") -> list[str]:
    """``tokens`` as a list of str (one text's tokens), or a TypeError."""
    check_collection(owner, tokens, what)
    out = list(tokens)
    for i, token in enumerate(out):
        if not isinstance(token, str):
            raise TypeError(f"{owner}: expected {what}; item {i} is {describe(token)}")
    return out
