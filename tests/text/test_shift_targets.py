"""shift_targets: decoder input starts with the start id, decoder target ends with the end id,
both padded alike."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.text import pad_sequences, shift_targets

START, END = 1, 2


def test_ragged_targets_are_shifted_and_padded():
    dec_in, dec_out = shift_targets([[5, 6, 7], [8], []], START, END)
    assert dec_in.tolist() == [[1, 5, 6, 7], [1, 8, 0, 0], [1, 0, 0, 0]]
    assert dec_out.tolist() == [[5, 6, 7, 2], [8, 2, 0, 0], [2, 0, 0, 0]]
    assert dec_in.dtype == dec_out.dtype == np.int64


def test_padding_of_input_and_target_is_the_same_positions():
    targets = pad_sequences([[3, 4, 5, 6], [7, 8], [9]], padding="post", maxlen=5)
    dec_in, dec_out = shift_targets(targets, START, END)
    assert dec_in.shape == dec_out.shape == (3, 6)
    np.testing.assert_array_equal(dec_in != 0, dec_out != 0)
    # teacher forcing: the input at step t+1 is the target at step t
    np.testing.assert_array_equal(dec_in[:, 1:][dec_out[:, :-1] != END],
                                  dec_out[:, :-1][dec_out[:, :-1] != END])


def test_another_padding_id():
    dec_in, dec_out = shift_targets(np.array([[4, 9, 9]]), 0, 1, pad_id=9)
    assert dec_in.tolist() == [[0, 4, 9, 9]] and dec_out.tolist() == [[4, 1, 9, 9]]


def test_bad_input():
    with pytest.raises(ValueError, match=r"padded at the end.*row 1.*\[0, 0, 5\]"):
        shift_targets(np.array([[3, 4, 0], [0, 0, 5]]), START, END)
    with pytest.raises(ValueError, match="must differ from pad_id"):
        shift_targets([[3]], 0, END)
    with pytest.raises(TypeError, match="integer token ids, got dtype float64"):
        shift_targets(np.array([[1.5]]), START, END)
    with pytest.raises(TypeError, match="integer token ids"):
        shift_targets([[1.5, 2.0]], START, END)
    with pytest.raises(ValueError, match=r"\(batch, steps\) token ids, got shape \(3,\)"):
        shift_targets(np.array([3, 4, 5]), START, END)
    with pytest.raises(TypeError, match="end_id must be a token id"):
        shift_targets([[3]], START, "end")
