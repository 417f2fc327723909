"""Padding-aware sequence losses and token accuracy: the masked reduction, ignore_class,
and the output mask of a model through compile / fit / evaluate."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab import losses, metrics
from seqlab.functional.masked_loss import masked_value_and_grad
from seqlab.layers import LSTM, Dense, Embedding, Input, TimeDistributed
from seqlab.models import Model, Sequential
from seqlab.testing.gradcheck import compare, numerical_gradient

B, T, V = 3, 5, 4


def batch(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids (B, T) padded with 0 at the end, logits (B, T, V), mask = ids != 0)."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(1, V, (B, T))
    ids[0, 3:] = 0
    ids[2, 1:] = 0
    return ids, rng.standard_normal((B, T, V)) * 2, ids != 0


def token_losses(ids: np.ndarray, logits: np.ndarray) -> np.ndarray:
    """ℓ_p = −log softmax(z_p)[y_p], (B, T)."""
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -np.take_along_axis(logp, np.maximum(ids, 0)[..., None], -1)[..., 0]


SCCE_LOGITS = losses.SparseCategoricalCrossentropy(from_logits=True)


# ------------------------------------------------------------------ the reduction
def test_value_is_the_mean_over_real_tokens_weighted():
    ids, logits, mask = batch()
    weight = np.array([1.0, 0.5, 2.0])
    value, _ = masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids, logits, mask, weight)
    ell = token_losses(ids, logits)
    assert value == pytest.approx(np.sum(weight[:, None] * mask * ell) / mask.sum())
    plain, _ = masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids, logits, mask)
    # a padded batch has the loss of its real tokens laid end to end
    assert plain == pytest.approx(SCCE_LOGITS(ids[mask], logits[mask]))


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("from_logits", [False, True])
def test_gradient_float64(weighted, from_logits):
    ids, logits, mask = batch(1)
    loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    y_pred = logits if from_logits else np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    weight = np.array([0.3, 1.0, 2.0]) if weighted else None

    def value() -> float:
        return masked_value_and_grad(loss.value_and_grad, ids, y_pred, mask, weight)[0]

    _, grad = masked_value_and_grad(loss.value_and_grad, ids, y_pred, mask, weight)
    compare("dL/dy_pred", grad, numerical_gradient(value, y_pred))
    assert np.all(grad[~mask] == 0)


def test_padded_positions_do_not_matter():
    ids, logits, mask = batch(2)
    other_ids, other_logits = ids.copy(), logits.copy()
    other_ids[~mask] = 3
    other_logits[~mask] = 100.0
    a = masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids, logits, mask)
    b = masked_value_and_grad(SCCE_LOGITS.value_and_grad, other_ids, other_logits, mask)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])


def test_an_all_padding_batch_gives_zero_not_nan():
    ids, logits, _ = batch(3)
    value, grad = masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids, logits,
                                        np.zeros((B, T), bool))
    assert value == 0.0 and np.all(grad == 0)


def test_bad_masks_and_weights_say_expected_and_got():
    ids, logits, mask = batch(4)
    with pytest.raises(ValueError, match=r"mask of shape \(3, 4\).*expected the leading axes, "
                                         r"e.g. \(3, 5\)"):
        masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids, logits, mask[:, :4])
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(3,\), got \(2,\)"):
        masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids, logits, mask, np.ones(2))
    with pytest.raises(ValueError, match=r"y_true of shape \(3, 4\) does not match"):
        masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids[:, :4], logits, mask)
    with pytest.raises(TypeError, match="mask must be booleans"):
        masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids, logits, mask.astype(str))


# ------------------------------------------------------------------ ignore_class
def test_ignore_class_leaves_the_padding_id_out():
    ids, logits, mask = batch(5)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    value, grad = loss.value_and_grad(ids, logits)
    assert value == pytest.approx(token_losses(ids, logits)[mask].mean())
    assert loss(ids, logits) == pytest.approx(value)
    want = masked_value_and_grad(SCCE_LOGITS.value_and_grad, ids, logits, mask)[1]
    np.testing.assert_allclose(grad, want)
    ids[0, 0] = -1  # ignore_class=-1 need not be a valid class
    minus = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    assert minus(ids, logits) == pytest.approx(token_losses(ids, logits)[ids != -1].mean())


def test_ignore_class_config_and_bad_value():
    loss = losses.SparseCategoricalCrossentropy(ignore_class=0)
    copy = losses.deserialize(losses.serialize(loss))
    assert copy.ignore_class == 0 and "ignore_class=0" in repr(copy)
    with pytest.raises(TypeError, match="ignore_class must be an int"):
        losses.SparseCategoricalCrossentropy(ignore_class=0.5)


# ------------------------------------------------------------------ token accuracy
def test_accuracy_with_a_mask_counts_real_tokens_only():
    ids, logits, mask = batch(6)
    acc = metrics.SparseCategoricalAccuracy()
    acc.update_state(ids, logits, sample_weight=mask)
    acc.update_state(ids[:1], logits[:1], sample_weight=mask[:1])
    hits = logits.argmax(-1) == ids
    want = (hits[mask].sum() + hits[:1][mask[:1]].sum()) / (mask.sum() + mask[:1].sum())
    assert acc.result() == pytest.approx(want)
    with pytest.raises(ValueError, match=r"sample_weight of shape \(3, 4\) does not match"):
        acc.update_state(ids, logits, sample_weight=mask[:, :4])


# ------------------------------------------------------------------ through fit / evaluate
def tagger(kind: str) -> seqlab.models.training.BaseModel:
    """Token tagging: ids (B, T) -> a distribution over V per step."""
    seqlab.set_random_seed(0)
    if kind == "sequential":
        model = Sequential([Embedding(V, 6, mask_zero=True, input_shape=(T,)),
                            LSTM(5, return_sequences=True),
                            TimeDistributed(Dense(V, activation="softmax"))])
    else:
        ids = Input((T,), dtype="int64")
        x = LSTM(5, return_sequences=True)(Embedding(V, 6, mask_zero=True)(ids))
        model = Model(ids, Dense(V, activation="softmax")(x))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_evaluate_and_fit_leave_the_output_mask_out(kind):
    rng = np.random.default_rng(7)
    x = rng.integers(1, V, (8, T))
    x[:, 3:] = 0
    x[5, 1:] = 0
    y = rng.integers(1, V, (8, T))
    model = tagger(kind)
    probs = model.predict(x)
    mask = x != 0
    ell = -np.log(np.take_along_axis(probs, y[..., None], -1)[..., 0])
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert logs["loss"] == pytest.approx(ell[mask].mean(), rel=1e-5)
    hits = probs.argmax(-1) == y
    assert logs["accuracy"] == pytest.approx(hits[mask].mean())
    y_other = y.copy()
    y_other[~mask] = 0  # labels under padding are not read
    again = model.evaluate(x, y_other, batch_size=8, verbose=0, return_dict=True)
    assert again == pytest.approx(logs)
    before = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)["loss"]
    model.fit(x, y, epochs=20, batch_size=4, verbose=0)
    assert model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)["loss"] < before


def test_ignore_class_also_drops_those_steps_from_the_metrics():
    """Without a mask on the output, the loss's ignore_class decides what the accuracy counts."""
    seqlab.set_random_seed(0)
    model = Sequential([Embedding(V, 6, input_shape=(T,)), LSTM(5, return_sequences=True),
                        Dense(V, activation="softmax")])
    model.compile(optimizer="adam",
                  loss=losses.SparseCategoricalCrossentropy(ignore_class=0),
                  metrics=["accuracy"])
    x, _, _ = batch(8)
    y = x.copy()
    probs = model.predict(x)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx((probs.argmax(-1) == y)[y != 0].mean())
