"""The data given to fit/evaluate/predict: labels the loss cannot take, NaN/inf
and ragged Python lists are refused before any work, with the sample's index."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.callbacks import Callback
from seqlab.layers.core import Dense
from seqlab.layers.embedding import Embedding
from seqlab.layers.pooling import GlobalAveragePooling1D
from seqlab.losses import BinaryCrossentropy
from seqlab.models import Sequential
from seqlab.text import pad_sequences


class BatchCounter(Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_batch_begin(self, batch, logs=None):
        self.batches += 1


def _classifier(loss="binary_crossentropy") -> Sequential:
    seqlab.set_random_seed(0)
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(4,), name="out")])
    model.compile("sgd", loss)
    return model


# ------------------------------------------------------------------ labels
@pytest.mark.parametrize("labels", [(1, 2), (-1, 1)])
def test_binary_labels_outside_zero_one_fail_before_training(blobs, labels):
    x, y = blobs
    y = np.where(y > 0, labels[1], labels[0]).astype("float32")  # (120, 1)
    model = _classifier()
    before = model.get_weights()
    counter = BatchCounter()
    outside = (y < 0) | (y > 1)
    first_bad = int(np.flatnonzero(outside)[0])
    with pytest.raises(ValueError) as info:
        model.fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[counter])
    assert str(info.value).startswith(
        f"model {model.name!r} fit(): y 'out' for binary_crossentropy must hold labels in "
        f"[0, 1], got {float(y[first_bad, 0])!r} at index ({first_bad}, 0) "
        f"({int(outside.sum())} of 120 outside)")
    assert counter.batches == 0
    for w, w0 in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, w0)


def test_bad_labels_are_found_in_evaluate_validation_and_single_batches(blobs):
    x, y = blobs
    bad = y.copy()
    bad[77] = 3.0  # far past the first batch: the index is the sample's
    model = _classifier(BinaryCrossentropy(from_logits=True))
    with pytest.raises(ValueError, match=r"evaluate\(\): y 'out' .*got 3\.0 at index \(77, 0\)"):
        model.evaluate(x, bad, verbose=0)
    with pytest.raises(ValueError, match=r"fit\(validation\)\(\): y 'out' .*index \(77, 0\)"):
        model.fit(x[:50], y[:50], validation_data=(x, bad), verbose=0)
    with pytest.raises(ValueError, match=r"train_on_batch\(\): y 'out' .*index \(77, 0\)"):
        model.train_on_batch(x, bad)


def test_soft_binary_labels_train(blobs):
    x, y = blobs
    soft = (0.1 + 0.8 * y).astype("float32")  # label smoothing
    model = _classifier()
    history = model.fit(x, soft, epochs=3, verbose=0, batch_size=16)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_nan_and_inf_anywhere_in_the_data(blobs):
    x, y = blobs
    model = _classifier()
    bad_x = x.copy()
    bad_x[90, 1] = np.inf
    with pytest.raises(ValueError, match=r"fit\(validation\)\(\): x\[0\] contains 1 NaN/inf.*"
                                         r"index \(90, 1\)"):
        model.fit(x, y, validation_data=(bad_x, y), verbose=0)
    with pytest.raises(ValueError, match=r"predict\(\): x\[0\] contains 1 NaN/inf"):
        model.predict(bad_x)
    bad_y = y.copy()
    bad_y[4] = np.nan
    with pytest.raises(ValueError, match=r"evaluate\(\): y\[0\] contains 1 NaN/inf value\(s\); "
                                         r"the first is nan at index \(4, 0\)"):
        model.evaluate(x, bad_y, verbose=0)


# ------------------------------------------------------------ ragged lists
def _text_model() -> Sequential:
    seqlab.set_random_seed(0)
    model = Sequential([Embedding(10, 2), GlobalAveragePooling1D(), Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy")
    return model


RAGGED = [[1, 2, 3], [4, 5, 6], [7, 8], [9, 1, 2, 3]]


@pytest.mark.parametrize("call", [
    lambda m, x: m.fit(x, [0, 1, 0, 1], verbose=0),
    lambda m, x: m.evaluate(x, [0, 1, 0, 1], verbose=0),
    lambda m, x: m.predict(x),
    lambda m, x: m.predict([np.array(s) for s in x]),  # a list of arrays, one per sample
])
def test_ragged_sequences_are_named_with_a_fix(call):
    model = _text_model()
    with pytest.raises(ValueError, match=r"x holds sequences of different lengths: x\[0\] has 3 "
                                         r"items, x\[2\] has 2 items\. Pad or cut them to one length "
                                         r"first, e.g\. seqlab\.text\.pad_sequences"):
        call(model, RAGGED)
    padded = pad_sequences(RAGGED)  # the fix the message gives works
    model.fit(padded, np.array([0, 1, 0, 1]), verbose=0)
    assert model.predict(padded).shape == (4, 1)


def test_a_list_of_equal_arrays_for_one_input_says_to_stack_them():
    model = _classifier("mse")
    rows = [np.ones(4) for _ in range(3)]
    with pytest.raises(ValueError, match=r"expected 1 x array\(s\) \(\['out'\]\), got 3 \(one "
                                         r"array per sample\? stack them: np\.stack\(x\)\)"):
        model.predict(rows)
    assert model.predict(np.stack(rows)).shape == (3, 1)


def test_ragged_deeper_down_and_ragged_targets():
    model = _classifier("mse")
    x = [[0.0, 1.0, 2.0, 3.0], [0.0, 1.0, 2.0]]
    with pytest.raises(ValueError, match=r"x\[0\] has 4 items, x\[1\] has 3"):
        model.predict(x)
    with pytest.raises(ValueError, match=r"y holds sequences of different lengths: y\[0\] has 1 "
                                         r"item, y\[2\] has 2 items"):
        model.fit(np.ones((3, 4)), [[0.5], [1.0], [0.0, 1.0]], verbose=0)
    seqs = [[[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0]]]
    with pytest.raises(ValueError, match=r"x\[0\]\[0\] has 2 items, x\[1\]\[1\] has 1 item\."):
        model.predict(seqs)
    with pytest.raises(ValueError, match=r"x\[0\] is a number, x\[1\] has 2 items"):
        model.predict([1.0, [2.0, 3.0]])
