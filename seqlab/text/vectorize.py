"""TextVectorizer: texts -> id sequences or one-hot / multi-hot / count / TF-IDF arrays.

The pipeline per text (Keras ``TextVectorization``, with scikit-learn's
estimator habits: ``fit`` returns self, learned state ends in ``_``):

    standardize -> split -> n-grams -> ids -> output_mode

``fit`` streams: it reads its input once, keeping only token counts (and
document frequencies for tf_idf), so an iterator or files larger than memory
are fine. Learned state: ``vocabulary_`` (a :class:`Vocabulary`; None with the
hashing trick), ``idf_`` (tf_idf only) and ``n_documents_``.

Ids. ``output_mode="int"`` reserves id 0 for padding ("") and, unless
``oov_token=None``, id 1 for unknown tokens ("[UNK]"). The other modes have
no padding id (as Keras): the OOV token is column 0. With ``oov_token=None``
there is no OOV id at all: the vocabulary is exactly the learned tokens and
unknown tokens are dropped (scikit-learn's behaviour). The talk's multi-hot
table ("We are SAI", "We are a student" -> columns We, are, SAI, a, student)
is ``TextVectorizer(standardize=None, output_mode="multi_hot", oov_token=None)``.
``max_tokens`` counts the reserved ids.

TF-IDF (Keras): X[b, v] = c[b, v] * idf[v] with idf[v] = log(1 + N / (1 + df[v])),
N the number of fitted documents and df[v] how many contained token v; the
OOV column gets the mean idf of the learned tokens.

Hashing trick: ``num_bins=M`` learns no vocabulary; a token's id is
h(token) mod M (output ``int``: 1 + h mod (M - 1), keeping 0 for padding),
with h the stable 64-bit hash of :mod:`seqlab.text.hashing`. Outputs are M
wide. Only tf_idf needs ``fit`` then (for the idf of each bin).

Tokenizing. The default standardization + whitespace split costs about as
much as scikit-learn's CountVectorizer analyzer (punctuation is stripped with
``str.translate``; see :mod:`seqlab.text.standardize`). A tokenizer with a
``tokenize_batch`` method (the batch protocol of :mod:`seqlab.text.tokenize`,
e.g. :class:`~seqlab.text.KiwiTokenizer`) is handed ``batch_size`` texts at a
time instead of one; the result is the same. A tokenizer must return a list
of str tokens for each text: a str or None is refused (counting a str would
silently count its characters).

n-grams join tokens with a space, or with nothing when ``split="character"``.
``output_sequence_length`` applies to ``int`` and ``one_hot``; without it a
batch is padded to its longest sequence. TextVectorizer pads and truncates at
the end by default (``"post"``, what Keras TextVectorization does);
:func:`pad_sequences` defaults to ``"pre"`` as Keras' function does.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.errors import NotFittedError
from seqlab.text._check import check_text, check_tokens, describe
from seqlab.text.encode import (
    BAG_MODES,
    count_matrix,
    document_frequency,
    encode_bag,
    encode_one_hot,
    finish_bag,
)
from seqlab.text.hashing import HashingLookup
from seqlab.text.io import check_encoding, iter_texts
from seqlab.text.sequences import SIDES, pad_flat
from seqlab.text.standardize import Standardizer, get_standardizer
from seqlab.text.tokenize import (
    TokenizerLike,
    _ngrams,
    batch_tokenizer,
    check_batch_output,
    get_tokenizer,
    parse_ngrams,
    whitespace_split,
)
from seqlab.text.vocab import Vocabulary, select_tokens

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class _FirstSeenIds(dict):
    """token -> provisional id; a new token gets the next id (order of first occurrence)."""

    def __missing__(self, token: str) -> int:
        idx = self[token] = len(self)
        return idx


class TextVectorizer:
    """Turn texts into numbers (see the module doc for every rule).

    Example:
        >>> tv = TextVectorizer(standardize=None, output_mode="multi_hot", oov_token=None)
        >>> tv.fit(["We are SAI", "We are a student"]).get_vocabulary()
        ['We', 'are', 'SAI', 'a', 'student']
        >>> tv.transform(["We are SAI", "We are a student"])
        array([[1., 1., 1., 0., 0.],
               [1., 1., 0., 1., 1.]], dtype=float32)
    """

    def __init__(
        self,
        max_tokens: int | None = None,
        standardize: str | Callable[[str], str] | None = "lower_and_strip_punctuation",
        split: str | TokenizerLike | None = "whitespace",
        ngrams: int | Sequence[int] | None = None,
        output_mode: str = "int",
        output_sequence_length: int | None = None,
        padding: str = "post",
        truncating: str = "post",
        pad_to_max_tokens: bool = False,
        num_bins: int | None = None,
        hash_seed: int = 0,
        min_freq: int = 1,
        vocabulary: Vocabulary | Sequence[str] | None = None,
        oov_token: str | None = "[UNK]",
        sparse: bool = False,
        encoding: str = "utf-8",
        errors: str = "strict",
        batch_size: int = 1024,
    ) -> None:
        self.output_mode = checks.choice("TextVectorizer", "output_mode", output_mode, OUTPUT_MODES)
        self.padding = checks.choice("TextVectorizer", "padding", padding, SIDES)
        self.truncating = checks.choice("TextVectorizer", "truncating", truncating, SIDES)
        self._standardize = get_standardizer(standardize, "TextVectorizer")
        self._split = get_tokenizer(split, "TextVectorizer")
        self._ngrams = parse_ngrams(ngrams, "TextVectorizer")
        self.standardize, self.split, self.ngrams = standardize, split, ngrams
        if oov_token is not None and not isinstance(oov_token, str):
            raise TypeError(f"TextVectorizer: oov_token must be a str or None, got {oov_token!r}")
        self.oov_token = oov_token
        self.pad_token = "" if output_mode == "int" else None
        n_reserved = (self.pad_token is not None) + (oov_token is not None)
        checks.integer("TextVectorizer", "max_tokens", max_tokens, n_reserved + 1, allow_none=True)
        checks.integer("TextVectorizer", "output_sequence_length", output_sequence_length, 0, allow_none=True)
        checks.integer("TextVectorizer", "num_bins", num_bins, 2 if output_mode == "int" else 1, allow_none=True)
        checks.integer("TextVectorizer", "min_freq", min_freq, 1, allow_none=True)
        self.batch_size = checks.integer("TextVectorizer", "batch_size", batch_size, 1)
        if output_sequence_length is not None and output_mode not in ("int", "one_hot"):
            raise ValueError(
                "TextVectorizer: output_sequence_length applies to output_mode 'int' or 'one_hot', "
                f"got output_mode={output_mode!r}"
            )
        if sparse and output_mode not in BAG_MODES:
            raise ValueError(
                f"TextVectorizer: sparse=True needs output_mode in {list(BAG_MODES)}, got {output_mode!r}"
            )
        if pad_to_max_tokens and (max_tokens is None or output_mode not in BAG_MODES):
            raise ValueError(
                "TextVectorizer: pad_to_max_tokens=True needs max_tokens and output_mode in "
                f"{list(BAG_MODES)}; got max_tokens={max_tokens!r}, output_mode={output_mode!r}"
            )
        if num_bins is not None and (max_tokens is not None or vocabulary is not None or min_freq != 1):
            raise ValueError(
                "TextVectorizer: num_bins (hashing trick) replaces the vocabulary; do not combine it "
                "with max_tokens, min_freq or vocabulary"
            )
        check_encoding(encoding, errors)
        self.max_tokens, self.min_freq, self.num_bins = max_tokens, min_freq, num_bins
        self.hash_seed, self.sparse, self.pad_to_max_tokens = hash_seed, bool(sparse), pad_to_max_tokens
        self.output_sequence_length = output_sequence_length
        self.encoding, self.errors = encoding, errors
        self.vocabulary = vocabulary
        self._fixed_vocab = self._make_fixed_vocabulary(vocabulary)
        if num_bins is not None:
            HashingLookup(num_bins, 0, hash_seed)  # validates the seed
        self.vocabulary_: Vocabulary | None = self._fixed_vocab
        self.idf_: np.ndarray | None = None
        self.n_documents_: int | None = None

    def _make_fixed_vocabulary(self, vocabulary: object) -> Vocabulary | None:
        if vocabulary is None:
            return None
        if isinstance(vocabulary, Vocabulary):
            tokens = vocabulary.get_vocabulary(include_special_tokens=False)
        elif isinstance(vocabulary, (list, tuple, np.ndarray)):
            reserved = [t for t in ("", "[UNK]", self.oov_token) if t is not None]
            tokens = check_tokens("TextVectorizer", vocabulary, "vocabulary= a list of str tokens")
            tokens = [str(t) for t in tokens]  # numpy.str_ -> str
            while tokens and tokens[0] in reserved:
                tokens = tokens[1:]  # a get_vocabulary() list with its reserved tokens
        else:
            raise TypeError(
                "TextVectorizer: vocabulary must be None, a Vocabulary or a list of tokens, "
                f"got {type(vocabulary).__name__}"
            )
        if not tokens:
            raise ValueError("TextVectorizer: vocabulary has no tokens")
        return Vocabulary(tokens, pad_token=self.pad_token, oov_token=self.oov_token)

    # ----------------------------------------------------------------- pipeline
    def analyze(self, text: str) -> list[str]:
        """The tokens (n-grams included) of one text: standardize -> split -> n-grams."""
        check_text("TextVectorizer.analyze", text)
        if self._standardize is not None:
            text = self._standardize(text)
        tokens = self._split(text) if self._split is not None else [text]
        tokens = self._tokens_of(tokens, "analyze")
        if self._ngrams is not None and self._ngrams != (1,):
            sep = "" if self.split == "character" else " "
            tokens = _ngrams(tokens, self._ngrams, sep)
        return tokens

    def _tokens_of(self, tokens: Any, where: str) -> list[str]:
        """A tokenizer's result as a list; a str, None or other non-list is a clear error
        (counting a str would silently count its characters)."""
        if type(tokens) is list:
            return tokens
        if isinstance(tokens, tuple):
            return list(tokens)
        raise TypeError(
            f"TextVectorizer: the tokenizer (split={self.split!r}) must return a list of tokens "
            f"(str) for each text, got {describe(tokens)} ({where})"
        )

    def _analyzer(self) -> Callable[[str], list[str]]:
        std, split = self._standardize, self._split
        if self._ngrams is None and split is not None:  # the common case, without indirection
            if std is None:
                return split
            if split is whitespace_split and isinstance(std, Standardizer):
                # the defaults: the same tokens without merging runs of spaces first
                loose = std.loose
                return lambda text: loose(text).split()
            return lambda text: split(std(text))
        return self.analyze

    def _token_lists(self, data: Any, owner: str) -> Iterator[list[str]]:
        """The tokens of each text of ``data``, in order (see :meth:`analyze`).

        A tokenizer with a ``tokenize_batch`` method (the batch protocol of
        :mod:`seqlab.text.tokenize`) gets the standardized texts ``batch_size``
        at a time; any other is called one text at a time.
        """
        texts = self._iter_texts(data, owner)
        batch = batch_tokenizer(self._split)
        if batch is None:
            return self._checked(map(self._analyzer(), texts), owner)
        return self._batched_token_lists(texts, batch, owner)

    def _checked(self, token_lists: Iterable[Any], owner: str) -> Iterator[list[str]]:
        for i, tokens in enumerate(token_lists):
            yield tokens if type(tokens) is list else self._tokens_of(tokens, f"{owner}, text {i}")

    def _batched_token_lists(self, texts: Iterator[str], batch: Callable[[list[str]], Any],
                             owner: str) -> Iterator[list[str]]:
        std, sizes = self._standardize, self._ngrams
        sep = "" if self.split == "character" else " "
        make_ngrams = sizes is not None and sizes != (1,)
        start = 0
        while chunk := list(itertools.islice(texts, self.batch_size)):
            if std is not None:
                chunk = [std(text) for text in chunk]
            token_lists = check_batch_output(self._split, batch(chunk), len(chunk))
            for i, tokens in enumerate(token_lists, start):
                if type(tokens) is not list:
                    tokens = self._tokens_of(tokens, f"{owner}, text {i}")
                yield _ngrams(tokens, sizes, sep) if make_ngrams else tokens
            start += len(chunk)

    def _iter_texts(self, data: Any, owner: str) -> Iterator[str]:
        return iter_texts(data, f"TextVectorizer.{owner}", encoding=self.encoding, errors=self.errors)

    # ---------------------------------------------------------------------- fit
    def fit(self, data: Iterable[str] | os.PathLike | Iterable[os.PathLike]) -> TextVectorizer:
        """Learn the vocabulary (and idf) from texts, an iterator, or file/directory paths."""
        tf_idf = self.output_mode == "tf_idf"
        hashing = self.num_bins is not None
        learn = not hashing and self._fixed_vocab is None
        counts: Counter[str] = Counter()
        doc_freq: Counter[Any] = Counter()
        hash_ids = self._lookup_table() if hashing else {}
        n_docs = n_tokens = 0
        for tokens in self._token_lists(data, "fit"):
            n_docs += 1
            n_tokens += len(tokens)
            if learn:
                counts.update(tokens)
            if tf_idf:
                doc_freq.update(set(map(hash_ids.__getitem__, tokens)) if hashing else set(tokens))
        self._check_corpus(n_docs, n_tokens)
        if learn:
            self.vocabulary_ = Vocabulary.from_counts(
                counts, max_tokens=self.max_tokens, min_freq=self.min_freq,
                pad_token=self.pad_token, oov_token=self.oov_token,
            )
        self.n_documents_ = n_docs
        if tf_idf:
            if hashing:
                df = np.zeros(self._width(), dtype=np.float64)
                for b, d in doc_freq.items():
                    df[b] = d
            else:
                learned = self.vocabulary_.get_vocabulary(False)  # type: ignore[union-attr]
                df = np.array([doc_freq[t] for t in learned], dtype=np.float64)
            self.idf_ = self._idf(df, n_docs)
        return self

    @staticmethod
    def _check_corpus(n_docs: int, n_tokens: int) -> None:
        if n_docs == 0:
            raise ValueError("TextVectorizer.fit: empty corpus: no documents were given")
        if n_tokens == 0:
            raise ValueError(
                f"TextVectorizer.fit: empty corpus: {n_docs} documents held no tokens after "
                "standardize/split (check those settings)"
            )

    def _idf(self, df: np.ndarray, n_docs: int) -> np.ndarray:
        """idf = log(1 + N / (1 + df)) per learned token (or bin); OOV gets their mean.

        ``df`` holds the document frequency of each learned token in id order
        (hashing: of each bin).
        """
        weights = np.log1p(n_docs / (1.0 + df))
        if self.num_bins is not None:
            return weights.astype(np.float32)
        vocab: Vocabulary = self.vocabulary_  # type: ignore[assignment]  # set by fit
        idf = np.zeros(self._width(), dtype=np.float64)
        start = vocab.num_reserved
        idf[start : start + weights.shape[0]] = weights
        if vocab.oov_id is not None and weights.shape[0]:
            idf[vocab.oov_id] = weights.mean()
        return idf.astype(np.float32)

    def fit_transform(self, data: Any) -> Any:
        """Learn from ``data`` and vectorize it, reading the text once.

        Same result as ``fit(data).transform(data)``. Each text is tokenized
        once: tokens get provisional ids in order of first occurrence while
        reading, the counts come from one ``bincount``, and the provisional ids
        are then renumbered into vocabulary ids.
        """
        if self.num_bins is not None or self._fixed_vocab is not None:
            if isinstance(data, Iterator):
                data = list(data)
            return self.fit(data).transform(data)
        first_seen = _FirstSeenIds()
        flat, lengths = self._read_ids(data, first_seen, "fit")
        self._check_corpus(lengths.shape[0], flat.shape[0])
        tokens = list(first_seen)  # provisional id -> token
        counts = np.bincount(flat, minlength=len(tokens))
        for special in (self.pad_token, self.oov_token):
            if special in first_seen:
                counts[first_seen[special]] = 0  # reserved tokens are never learned
        vocab_tmp = Vocabulary(pad_token=self.pad_token, oov_token=self.oov_token)
        n_reserved = vocab_tmp.num_reserved
        order = select_tokens(counts, max_tokens=self.max_tokens, min_freq=self.min_freq,
                              n_reserved=n_reserved, stacklevel=3)
        self.vocabulary_ = Vocabulary([tokens[i] for i in order], pad_token=self.pad_token,
                                      oov_token=self.oov_token, counts=counts[order].tolist())
        self.n_documents_ = int(lengths.shape[0])
        unknown = vocab_tmp.oov_id if self.oov_token is not None else -1
        remap = np.full(len(tokens), unknown, dtype=np.int64)  # provisional id -> vocabulary id
        remap[order] = np.arange(order.shape[0]) + n_reserved
        flat, lengths = self._drop_unknown(remap[flat], lengths)
        if self.output_mode != "tf_idf":
            return self._output(flat, lengths)
        counts_bv = count_matrix(flat, lengths, self._width(), sparse=self.sparse,
                                 owner="TextVectorizer.fit_transform")
        df = document_frequency(counts_bv)[n_reserved : n_reserved + order.shape[0]]
        self.idf_ = self._idf(df.astype(np.float64), self.n_documents_)
        return finish_bag(counts_bv, "tf_idf", self.idf_)

    # ---------------------------------------------------------------- transform
    def _check_fitted(self) -> None:
        needs_vocab = self.num_bins is None and self.vocabulary_ is None
        needs_idf = self.output_mode == "tf_idf" and self.idf_ is None
        if needs_vocab or needs_idf:
            raise NotFittedError(
                "TextVectorizer is not fitted yet: call fit(texts) before transform"
                + (" (tf_idf needs fit for the idf weights)" if needs_idf and not needs_vocab else "")
            )

    def _lookup_table(self) -> dict[str, int]:
        if self.num_bins is not None:
            offset = 1 if self.output_mode == "int" else 0
            return HashingLookup(self.num_bins - offset, offset, self.hash_seed)
        return self.vocabulary_.lookup_table()  # type: ignore[union-attr]  # _check_fitted ran

    def output_width(self) -> int:
        """Columns of the multi_hot/count/tf_idf/one_hot output (the vocabulary or num_bins)."""
        if self.num_bins is None:
            self._check_fitted()
        return self._width()

    def _width(self) -> int:
        if self.num_bins is not None:
            return self.num_bins
        if self.pad_to_max_tokens and self.max_tokens is not None:
            return self.max_tokens
        return len(self.vocabulary_)  # type: ignore[arg-type]

    def _read_ids(self, data: Any, table: dict[str, int], owner: str) -> tuple[np.ndarray, np.ndarray]:
        """Tokenize every text and look its tokens up in ``table``: (flat ids, lengths)."""
        get = table.__getitem__
        ids: list[int] = []
        lengths: list[int] = []
        for tokens in self._token_lists(data, owner):
            ids += map(get, tokens)
            lengths.append(len(tokens))
        return np.array(ids, dtype=np.int64), np.array(lengths, dtype=np.int64)

    def _drop_unknown(self, flat: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Without an OOV token, unknown tokens (id -1) are removed from their texts."""
        if self.num_bins is not None or self.oov_token is not None:
            return flat, lengths
        keep = flat >= 0
        if keep.all():
            return flat, lengths
        rows = np.repeat(np.arange(lengths.shape[0]), lengths)  # (N,) text of each id
        return flat[keep], np.bincount(rows[keep], minlength=lengths.shape[0]).astype(np.int64)

    def encode(self, data: Any) -> tuple[np.ndarray, np.ndarray]:
        """(flat ids, lengths): every text's ids back to back, and how many each text has."""
        self._check_fitted()
        return self._drop_unknown(*self._read_ids(data, self._lookup_table(), "transform"))

    def transform(self, data: Any) -> Any:
        """Vectorize texts (or paths): int32 (B, T) ids, float32 (B, T, V) one-hot,
        float32 (B, V) multi_hot/count/tf_idf, or a scipy CSR matrix with ``sparse=True``."""
        return self._output(*self.encode(data))

    def _output(self, flat: np.ndarray, lengths: np.ndarray) -> Any:
        mode = self.output_mode
        owner = "TextVectorizer.transform"
        if mode in ("int", "one_hot"):
            T = self.output_sequence_length
            if T is None:
                T = int(lengths.max()) if lengths.shape[0] else 0
            if mode == "int":
                return pad_flat(flat, lengths, T, padding=self.padding, truncating=self.truncating,
                                value=0, dtype=np.int32)
            return encode_one_hot(flat, lengths, self._width(), T, padding=self.padding,
                                  truncating=self.truncating, owner=owner)
        return encode_bag(flat, lengths, self._width(), mode, idf=self.idf_,
                          sparse=self.sparse, owner=owner)

    def __call__(self, data: Any) -> Any:
        return self.transform(data)

    # -------------------------------------------------------------- inspection
    def get_vocabulary(self, include_special_tokens: bool = True) -> list[str]:
        """The tokens in id order (Keras' name); needs a vocabulary (not the hashing trick)."""
        if self.num_bins is not None:
            raise ValueError("TextVectorizer.get_vocabulary: the hashing trick (num_bins) has no vocabulary")
        self._check_fitted()
        return self.vocabulary_.get_vocabulary(include_special_tokens)  # type: ignore[union-attr]

    def vocabulary_size(self) -> int:
        return self.output_width()

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments under their own names (callables are kept as objects)."""
        names = ("max_tokens", "standardize", "split", "ngrams", "output_mode", "output_sequence_length",
                 "padding", "truncating", "pad_to_max_tokens", "num_bins", "hash_seed", "min_freq",
                 "vocabulary", "oov_token", "sparse", "encoding", "errors", "batch_size")
        return {name: getattr(self, name) for name in names}

    def __repr__(self) -> str:
        fitted = "fitted" if self.vocabulary_ is not None or self.num_bins is not None else "not fitted"
        return (f"TextVectorizer(output_mode={self.output_mode!r}, max_tokens={self.max_tokens!r}, "
                f"num_bins={self.num_bins!r}, {fitted})")
