"""Korean morpheme tokenizer on top of kiwipiepy (optional: ``pip install seqlab[ko]``).

Korean words glue endings and particles onto stems ("영화가", "영화를",
"영화는" are one noun and three particles), so a word-level vocabulary for
Korean is large and sparse; splitting into morphemes ("영화" + "가") is the
usual remedy. kiwipiepy is imported only when a :class:`KiwiTokenizer` is
created, so ``import seqlab.text`` works without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from seqlab import checks
from seqlab.text._check import check_text, check_texts

INSTALL_HINT = "pip install seqlab[ko]  (or: pip install kiwipiepy)"


def import_kiwipiepy() -> Any:
    """Import and return the ``kiwipiepy`` module, or raise ImportError with the install command."""
    try:
        import kiwipiepy
    except ImportError as exc:
        raise ImportError(
            f"KiwiTokenizer needs the optional package kiwipiepy, which is not installed: {INSTALL_HINT}"
        ) from exc
    return kiwipiepy


class KiwiTokenizer:
    """Split Korean text into morphemes with kiwipiepy's ``Kiwi.tokenize``.

    Args:
        tags: "none" returns forms ("영화"); "suffix" returns form/TAG
            ("영화/NNG"), which keeps homographs with different parts of
            speech apart.
        drop_tags: Sejong tags (or tag prefixes, e.g. "S" for all symbols) whose
            morphemes are left out, e.g. ``("SF", "SP")`` to drop sentence
            punctuation.
        normalize_coda: kiwipiepy's option that splits a final consonant typed
            on the previous syllable ("먹었닼ㅋㅋ").
        kiwi: an existing ``kiwipiepy.Kiwi`` to reuse (loading the model takes
            about a second); by default one is created.

    Example:
        >>> KiwiTokenizer()("진짜 짜증나네요")  # doctest: +SKIP
        ['진짜', '짜증', '나', '네요']
    """

    def __init__(
        self,
        *,
        tags: str = "none",
        drop_tags: Iterable[str] = (),
        normalize_coda: bool = False,
        kiwi: Any = None,
    ) -> None:
        self.tags = checks.choice("KiwiTokenizer", "tags", tags, ("none", "suffix"))
        drop = tuple(drop_tags)
        if not all(isinstance(t, str) and t for t in drop):
            raise TypeError(f"KiwiTokenizer: drop_tags must be non-empty strings, got {drop!r}")
        self.drop_tags = drop
        self.normalize_coda = bool(normalize_coda)
        if kiwi is None:
            kiwi = import_kiwipiepy().Kiwi()
        elif not hasattr(kiwi, "tokenize"):
            raise TypeError(
                f"KiwiTokenizer: kiwi must be a kiwipiepy.Kiwi, got {type(kiwi).__name__}"
            )
        self._kiwi = kiwi

    def _keep(self, tag: str) -> bool:
        return not any(tag.startswith(d) for d in self.drop_tags)

    def _forms(self, tokens: Iterable[Any]) -> list[str]:
        if self.tags == "suffix":
            return [f"{t.form}/{t.tag}" for t in tokens if self._keep(t.tag)]
        return [t.form for t in tokens if self._keep(t.tag)]

    def __call__(self, text: str) -> list[str]:
        check_text("KiwiTokenizer", text)
        return self._forms(self._kiwi.tokenize(text, normalize_coda=self.normalize_coda))

    def tokenize_batch(self, texts: Iterable[str]) -> list[list[str]]:
        """Morphemes of many texts in one kiwipiepy call: ``[self(t) for t in texts]``, faster.

        The batch protocol of :mod:`seqlab.text.tokenize`: ``TextVectorizer``
        calls it with lists of texts. kiwipiepy spreads a list over its worker
        threads (``Kiwi(num_workers=...)``; by default every core).
        """
        texts = check_texts("KiwiTokenizer.tokenize_batch", texts)
        if not texts:
            return []
        results = self._kiwi.tokenize(texts, normalize_coda=self.normalize_coda)
        return [self._forms(tokens) for tokens in results]

    def tokenize_many(self, texts: Iterable[str]) -> list[list[str]]:
        """The same as :meth:`tokenize_batch` (its earlier name)."""
        return self.tokenize_batch(texts)

    def get_config(self) -> dict[str, Any]:
        return {"tags": self.tags, "drop_tags": list(self.drop_tags), "normalize_coda": self.normalize_coda}

    def __repr__(self) -> str:
        return (
            f"KiwiTokenizer(tags={self.tags!r}, drop_tags={self.drop_tags!r}, "
            f"normalize_coda={self.normalize_coda!r})"
        )
