"""One-to-many data: a number 0–9999 as one vector, its English words as the output sequence.

    {"dataset": "spelled_numbers", "validation": 1000, "test": 1000}

The number's vector is its four decimal digits, each one-hot (40 values,
thousands first). Its words follow American usage without "and", tens and
units as two words: 7305 → "seven thousand three hundred five", 40 → "forty",
0 → "zero". Token ids: 0 padding, 1 ``<start>``, 2 ``<end>``, then the words
(:data:`WORDS`). The numbers are shuffled with the seed; the first ones
train, then ``validation`` and ``test`` numbers are held out.

Teacher forcing: the decoder reads ``<start> w1 … wn`` and is trained to
output ``w1 … wn <end>`` (padded with 0 to :data:`MAX_WORDS` + 1 steps: a
loss with ``ignore_class=0`` leaves the padding out). The model's
inputs are ``[digits (N, 40), decoder tokens (N, T)]``. ``limit`` keeps the
first ``limit`` training numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlab.experiments.config import ConfigError
from seqlab.experiments.data import Prepared, _take

__all__ = ["MAX_WORDS", "WORDS", "digits_vector", "spell", "spelled_numbers"]

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
#: the output vocabulary after padding (0), <start> (1) and <end> (2)
WORDS = ["<pad>", "<start>", "<end>", *_UNITS, *_TENS[2:], "hundred", "thousand"]
#: the longest spelling: "seven thousand seven hundred seventy seven"
MAX_WORDS = 6
_ID = {w: i for i, w in enumerate(WORDS)}


def _below_hundred(n: int) -> list[str]:
    if n < 20:
        return [_UNITS[n]]
    return [_TENS[n // 10]] + ([_UNITS[n % 10]] if n % 10 else [])


def spell(n: int) -> list[str]:
    """The English words of ``n`` (0 ≤ n ≤ 9999), e.g. 2014 → ['two', 'thousand', 'fourteen']."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= 9999:
        raise ValueError(f"spell: expected an int from 0 to 9999, got {n!r}")
    if n == 0:
        return ["zero"]
    words: list[str] = []
    thousands, hundreds, rest = n // 1000, n // 100 % 10, n % 100
    if thousands:
        words += [_UNITS[thousands], "thousand"]
    if hundreds:
        words += [_UNITS[hundreds], "hundred"]
    if rest:
        words += _below_hundred(rest)
    return words


def digits_vector(numbers: np.ndarray) -> np.ndarray:
    """(N,) numbers → (N, 40): four one-hot digits, thousands first."""
    numbers = np.asarray(numbers)
    out = np.zeros((len(numbers), 40), dtype=np.float32)  # (N, 4 digits · 10)
    for place in range(4):
        digit = numbers // 10 ** (3 - place) % 10
        out[np.arange(len(numbers)), place * 10 + digit] = 1.0
    return out


def _teacher_forcing(numbers: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    steps = MAX_WORDS + 1
    decoder_in = np.zeros((len(numbers), steps), dtype=np.int64)  # (N, T)
    target = np.zeros((len(numbers), steps), dtype=np.int64)  # (N, T)
    for row, n in enumerate(numbers):
        ids = [_ID[w] for w in spell(int(n))]
        decoder_in[row, :len(ids) + 1] = [_ID["<start>"], *ids]
        target[row, :len(ids) + 1] = [*ids, _ID["<end>"]]
    return [digits_vector(numbers), decoder_in], target


def spelled_numbers(spec: dict[str, Any], seed: int) -> Prepared:
    n_val, n_test = _take(spec, "validation", 1000), _take(spec, "test", 1000)
    if n_val < 1 or n_test < 1 or n_val + n_test >= 10000:
        raise ConfigError(f"data: spelled_numbers needs validation >= 1, test >= 1 and "
                          f"validation + test < 10000, got {n_val} and {n_test}")
    numbers = np.random.default_rng(seed).permutation(10000)
    test, val = numbers[-n_test:], numbers[-n_test - n_val:-n_test]
    train = numbers[:-n_test - n_val][:_take(spec, "limit")]
    x, y = _teacher_forcing(train)
    info = {"train": len(train), "validation": n_val, "test": n_test,
            "vocabulary": len(WORDS), "steps": MAX_WORDS + 1}
    return Prepared(x, y, (40,), validation=_teacher_forcing(val), test=_teacher_forcing(test),
                    vocabulary_size=len(WORDS), info=info,
                    extras={"words": WORDS, "test_numbers": test})
