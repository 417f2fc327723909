"""Vocabulary: the two-way map token <-> integer id.

Id layout (as Keras ``StringLookup``): the reserved tokens come first —
padding ``pad_token`` ("" by default) at id 0, then the out-of-vocabulary
token ``oov_token`` ("[UNK]") — then the learned tokens. Either reserved
token can be switched off with None; the learned tokens then start earlier
(with both off, the first learned token has id 0).

Order of the learned tokens (decision): by frequency, most frequent first;
**ties are broken by first occurrence** in the token stream. This is
deterministic and, unlike an alphabetical tie-break, keeps the reading order
of small examples: "We are SAI" + "We are a student" gives We, are, SAI, a,
student (Keras breaks ties by reverse lexicographic order, scikit-learn sorts
its whole vocabulary alphabetically).

``max_tokens`` counts the reserved ids too (as Keras): with both reserved
tokens, at most ``max_tokens - 2`` learned tokens are kept. ``min_freq`` drops
tokens seen fewer times. When fewer tokens qualify than ``max_tokens`` asks
for, a :class:`VocabularySizeWarning` says so and the smaller vocabulary is
used.

Unknown tokens map to the OOV id; without an OOV token, :meth:`encode` drops
them (as scikit-learn's ``CountVectorizer`` does) and ``vocab[token]`` raises
a KeyError that names the token.
"""

from __future__ import annotations

import json
import numbers
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.text._check import check_collection, check_tokens, describe
from seqlab.text.io import PathLike, atomic_write_text

FORMAT = "seqlab.Vocabulary"
FORMAT_VERSION = 1


class VocabularySizeWarning(UserWarning):
    """Fewer tokens qualified than ``max_tokens`` asked for."""


def _check_token_list(tokens: Any, n: int) -> None:
    """Refuse an item of ``Vocabulary.build``'s input that is not a list of tokens."""
    if tokens is None or isinstance(tokens, (str, bytes, bytearray)) or not isinstance(tokens, Iterable):
        hint = " (tokenize the text first)" if isinstance(tokens, str) else ""
        raise TypeError(
            f"Vocabulary.build: expected a list of token lists; item {n} is {describe(tokens)}{hint}"
        )
    ndim = getattr(tokens, "ndim", 1)
    if ndim != 1:
        raise TypeError(
            f"Vocabulary.build: expected a list of token lists; item {n} is an array of shape "
            f"{tokens.shape} (a token list is 1-D)"
        )


class IdLookup(dict):
    """token -> id dict whose missing tokens map to ``default`` (the OOV id, or -1 = drop)."""

    def __init__(self, mapping: Mapping[str, int], default: int) -> None:
        super().__init__(mapping)
        self.default = default

    def __missing__(self, token: str) -> int:
        return self.default


def select_tokens(
    counts: np.ndarray, *, max_tokens: int | None, min_freq: int, n_reserved: int,
    stacklevel: int = 4,
) -> np.ndarray:
    """Indices of the tokens to keep, most frequent first, ties by index (= first occurrence).

    ``counts[i]`` is the frequency of token i (tokens numbered in order of first
    occurrence). Keeps tokens with ``counts >= min_freq``, at most
    ``max_tokens - n_reserved`` of them; warns when fewer qualify (``stacklevel``
    is passed to ``warnings.warn`` so that the warning points at the user's call).
    """
    checks.integer("Vocabulary", "min_freq", min_freq, 1)
    checks.integer("Vocabulary", "max_tokens", max_tokens, n_reserved + 1, allow_none=True)
    order = np.argsort(-counts, kind="stable")  # stable: ties keep first-occurrence order
    order = order[counts[order] >= min_freq]
    if max_tokens is not None:
        room = max_tokens - n_reserved
        if order.shape[0] < room:
            warnings.warn(
                VocabularySizeWarning(
                    f"Vocabulary: max_tokens={max_tokens} asked for {room} learned tokens "
                    f"(+{n_reserved} reserved), but only {order.shape[0]} distinct tokens have "
                    f"frequency >= {min_freq}; the vocabulary has {order.shape[0] + n_reserved} "
                    "entries"
                ),
                stacklevel=stacklevel,
            )
        order = order[:room]
    return order


class Vocabulary:
    """Tokens and their ids, both ways.

    Args:
        tokens: the learned tokens in id order (without the reserved tokens; a
            list that starts with exactly the reserved tokens, as
            :meth:`get_vocabulary` returns it, is accepted too).
        pad_token: token of id 0, or None for no padding id.
        oov_token: token of unknown words, or None to drop unknown words.
        counts: optional frequency of each learned token (kept for inspection).

    Example:
        >>> v = Vocabulary.build([["we", "are", "sai"], ["we", "are", "a", "student"]])
        >>> v.get_vocabulary()
        ['', '[UNK]', 'we', 'are', 'sai', 'a', 'student']
        >>> v.encode(["we", "love", "sai"])
        [2, 1, 4]
    """

    def __init__(
        self,
        tokens: Iterable[str] = (),
        *,
        pad_token: str | None = "",
        oov_token: str | None = "[UNK]",
        counts: Sequence[int] | None = None,
    ) -> None:
        for name, tok in (("pad_token", pad_token), ("oov_token", oov_token)):
            if tok is not None and not isinstance(tok, str):
                raise TypeError(f"Vocabulary: {name} must be a str or None, got {type(tok).__name__}")
        if pad_token is not None and pad_token == oov_token:
            raise ValueError(f"Vocabulary: pad_token and oov_token must differ, both are {pad_token!r}")
        self.pad_token = pad_token
        self.oov_token = oov_token
        reserved = [t for t in (pad_token, oov_token) if t is not None]
        check_collection("Vocabulary", tokens, "a list of tokens (str)")
        tokens = list(tokens)
        for i, tok in enumerate(tokens):
            if type(tok) is not str:
                if not isinstance(tok, str):
                    raise TypeError(
                        f"Vocabulary: tokens must be str; token {i} is {describe(tok)}"
                    )
                tokens[i] = str(tok)  # numpy.str_ and other str subclasses -> plain str
        if tokens[: len(reserved)] == reserved and reserved:
            tokens = tokens[len(reserved) :]
        index: dict[str, int] = {tok: i for i, tok in enumerate(reserved)}
        for tok in tokens:
            if tok in index:
                what = "a reserved token" if tok in reserved else "a duplicate"
                raise ValueError(f"Vocabulary: token {tok!r} is {what} (tokens must be unique)")
            index[tok] = len(index)
        if counts is not None:
            check_collection("Vocabulary", counts, "counts: a list of ints")
            counts = list(counts)
            for i, c in enumerate(counts):
                if not isinstance(c, numbers.Integral) or isinstance(c, bool):
                    raise TypeError(f"Vocabulary: counts must be ints; count {i} is {describe(c)}")
            counts = [int(c) for c in counts]
            if len(counts) != len(tokens):
                raise ValueError(
                    f"Vocabulary: counts must have one entry per token ({len(tokens)}), got {len(counts)}"
                )
        self._index = index
        self._tokens = reserved + tokens
        self._counts = counts

    # ----------------------------------------------------------------- building
    @classmethod
    def from_counts(
        cls,
        counts: Mapping[str, int],
        *,
        max_tokens: int | None = None,
        min_freq: int = 1,
        pad_token: str | None = "",
        oov_token: str | None = "[UNK]",
    ) -> Vocabulary:
        """Keep the most frequent tokens of ``counts``; ties keep the mapping's order.

        ``counts`` should iterate in first-occurrence order (a ``Counter`` filled
        while reading does). Reserved tokens found in ``counts`` are ignored.
        """
        if not isinstance(counts, Mapping):
            raise TypeError(
                "Vocabulary.from_counts: expected a mapping token -> count (a dict or "
                f"collections.Counter), got {describe(counts)}"
            )
        reserved = {pad_token, oov_token}
        tokens = [t for t in counts if t not in reserved]
        for t in tokens:
            c = counts[t]
            if not isinstance(t, str):
                raise TypeError(f"Vocabulary.from_counts: tokens must be str, got {describe(t)}")
            if not isinstance(c, numbers.Integral) or isinstance(c, bool):
                raise TypeError(
                    f"Vocabulary.from_counts: counts must be ints; token {t!r} has {describe(c)}"
                )
        freq = np.fromiter((counts[t] for t in tokens), dtype=np.int64, count=len(tokens))
        n_reserved = (pad_token is not None) + (oov_token is not None)
        order = select_tokens(freq, max_tokens=max_tokens, min_freq=min_freq, n_reserved=n_reserved)
        return cls(
            [tokens[i] for i in order],
            pad_token=pad_token,
            oov_token=oov_token,
            counts=freq[order].tolist(),
        )

    @classmethod
    def build(
        cls,
        token_lists: Iterable[Iterable[str]],
        *,
        max_tokens: int | None = None,
        min_freq: int = 1,
        pad_token: str | None = "",
        oov_token: str | None = "[UNK]",
    ) -> Vocabulary:
        """Count tokens over a stream of token lists (one pass, memory ~ distinct tokens).

        ``token_lists`` is an iterable of token lists (lists, tuples or 1-D
        arrays of str), e.g. ``[tokenizer(text) for text in texts]``. A single
        str, None, bytes, or an item that is not a token list (a text not yet
        tokenized, None, a number) raise a TypeError that names the item.
        """
        check_collection("Vocabulary.build", token_lists, "a list of token lists")
        counter: Counter[str] = Counter()
        n = 0
        for tokens in token_lists:
            if type(tokens) is not list:
                _check_token_list(tokens, n)
            counter.update(tokens)
            n += 1
        for token in counter:  # each distinct token once, not each occurrence
            if not isinstance(token, str):
                raise TypeError(
                    "Vocabulary.build: expected a list of token lists whose tokens are str; "
                    f"found the token {describe(token)}"
                )
        if not counter:
            raise ValueError(f"Vocabulary.build: empty corpus: {n} token lists held no tokens")
        return cls.from_counts(
            counter, max_tokens=max_tokens, min_freq=min_freq, pad_token=pad_token, oov_token=oov_token
        )

    # ------------------------------------------------------------------ lookups
    @property
    def num_reserved(self) -> int:
        """How many reserved ids come first (0, 1 or 2)."""
        return (self.pad_token is not None) + (self.oov_token is not None)

    @property
    def pad_id(self) -> int | None:
        return 0 if self.pad_token is not None else None

    @property
    def oov_id(self) -> int | None:
        return self._index[self.oov_token] if self.oov_token is not None else None

    @property
    def counts(self) -> list[int] | None:
        """Frequency of each learned token, in id order (None if unknown)."""
        return None if self._counts is None else list(self._counts)

    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        """All tokens in id order (Keras' name); without the reserved ones if asked."""
        return list(self._tokens if include_special_tokens else self._tokens[self.num_reserved :])

    def __len__(self) -> int:
        return len(self._tokens)

    def __iter__(self) -> Iterator[str]:
        return iter(self._tokens)

    def __contains__(self, token: object) -> bool:
        return token in self._index

    def __getitem__(self, token: str) -> int:
        return self.token_to_id(token)

    def token_to_id(self, token: str) -> int:
        """The id of ``token``: the OOV id if unknown, or a KeyError naming it without OOV."""
        idx = self._index.get(token)
        if idx is not None:
            return idx
        if self.oov_token is None:
            raise KeyError(f"Vocabulary: token {token!r} is not in the vocabulary (no oov_token)")
        return self._index[self.oov_token]

    def id_to_token(self, idx: int) -> str:
        """The token of id ``idx`` (an IndexError names the valid range)."""
        if not isinstance(idx, (int,)) and not hasattr(idx, "__index__"):
            raise TypeError(f"Vocabulary.id_to_token: expected an int id, got {type(idx).__name__}")
        i = int(idx)
        if not 0 <= i < len(self._tokens):
            raise IndexError(f"Vocabulary.id_to_token: id {i} is out of range [0, {len(self._tokens)})")
        return self._tokens[i]

    def lookup_table(self) -> IdLookup:
        """A dict token -> id whose unknown tokens give the OOV id, or -1 without one."""
        default = self.oov_id if self.oov_token is not None else -1
        return IdLookup(self._index, default)

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Ids of ``tokens`` (one text's list of str tokens); unknown tokens get the OOV id,
        or are dropped without one. A str, None or a non-str token is a TypeError."""
        tokens = check_tokens("Vocabulary.encode", tokens)
        table = self.lookup_table()
        ids = [table[t] for t in tokens]
        return ids if self.oov_token is not None else [i for i in ids if i >= 0]

    def decode(self, ids: Iterable[int], skip_padding: bool = True) -> list[str]:
        """Tokens of ``ids`` (a list or 1-D array of ints); padding ids are left out unless
        ``skip_padding=False``."""
        check_collection("Vocabulary.decode", ids, "a list of int ids")
        out = []
        for n, i in enumerate(ids):
            if not isinstance(i, numbers.Integral) or isinstance(i, bool):
                raise TypeError(f"Vocabulary.decode: expected a list of int ids; item {n} is {describe(i)}")
            if skip_padding and self.pad_token is not None and int(i) == 0:
                continue
            out.append(self.id_to_token(i))
        return out

    # -------------------------------------------------------------------- saving
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "pad_token": self.pad_token,
            "oov_token": self.oov_token,
            "tokens": self.get_vocabulary(include_special_tokens=False),
            "counts": self._counts,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "Vocabulary.from_dict") -> Vocabulary:
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise ValueError(f"{source}: not a {FORMAT} document (missing or wrong 'format' field)")
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(
                f"{source}: {FORMAT} version {data.get('version')!r} is not supported "
                f"(expected {FORMAT_VERSION})"
            )
        if not isinstance(data.get("tokens"), list):
            raise ValueError(f"{source}: field 'tokens' must be a list of strings")  # noqa: TRY004
        try:
            return cls(
                data["tokens"],
                pad_token=data.get("pad_token"),
                oov_token=data.get("oov_token"),
                counts=data.get("counts"),
            )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{source}: {exc}") from None

    def save(self, path: PathLike) -> None:
        """Write the vocabulary as UTF-8 JSON (atomically: never a half-written file)."""
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1)
        atomic_write_text(path, text + "\n")

    @classmethod
    def load(cls, path: PathLike) -> Vocabulary:
        """Read a vocabulary written by :meth:`save`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON: {exc}") from None
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: not UTF-8 text at byte offset {exc.start}") from None
        return cls.from_dict(data, source=str(path))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return (self._tokens, self.pad_token, self.oov_token) == (
            other._tokens,
            other.pad_token,
            other.oov_token,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        head = ", ".join(repr(t) for t in self._tokens[:6])
        more = ", ..." if len(self._tokens) > 6 else ""
        return f"Vocabulary(size={len(self)}, tokens=[{head}{more}])"
