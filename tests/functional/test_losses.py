"""Loss kernels: values against direct formulas, gradient checks, Keras reduction
and shape rules, clipping, stability, errors, and parity with torch."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional import losses as F
from seqlab.testing import check_function

EPS = 1e-7
B, C = 4, 3


def _rng(seed=0):
    return np.random.default_rng(seed)


def _binary(seed=0, shape=(B, 1)):
    rng = _rng(seed)
    y = (rng.random(shape) > 0.5).astype(float)
    p = rng.uniform(0.05, 0.95, shape)
    return y, p


def _onehot(labels, n=C):
    return np.eye(n)[labels]


def _categorical(seed=0, shape=(B,)):
    rng = _rng(seed)
    labels = rng.integers(0, C, shape)
    z = rng.standard_normal((*shape, C))
    p = rng.uniform(0.1, 1.0, (*shape, C))  # positive, not normalised: Keras divides by Σ
    return labels, z, p


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# ------------------------------------------------------------ values
def test_values_match_direct_formulas():
    y, p = _binary()
    assert F.binary_crossentropy(y, p)[0] == pytest.approx(
        np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))), rel=1e-12)
    z = np.log(p / (1 - p))
    assert F.binary_crossentropy(y, z, from_logits=True)[0] == pytest.approx(
        np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))), rel=1e-10)
    labels, z, q = _categorical()
    q_norm = q / q.sum(axis=-1, keepdims=True)
    direct = np.mean(-np.log(q_norm[np.arange(B), labels]))
    assert F.categorical_crossentropy(_onehot(labels), q)[0] == pytest.approx(direct, rel=1e-12)
    assert F.sparse_categorical_crossentropy(labels, q)[0] == pytest.approx(direct, rel=1e-12)
    direct_logits = np.mean(-np.log(_softmax(z)[np.arange(B), labels]))
    assert F.categorical_crossentropy(_onehot(labels), z, True)[0] == pytest.approx(
        direct_logits, rel=1e-12)
    assert F.sparse_categorical_crossentropy(labels, z, True)[0] == pytest.approx(
        direct_logits, rel=1e-12)
    a, b = _rng(1).standard_normal((2, B, 2))
    assert F.mean_squared_error(a, b)[0] == pytest.approx(np.mean((b - a) ** 2), rel=1e-12)
    assert F.mean_absolute_error(a, b)[0] == pytest.approx(np.mean(np.abs(b - a)), rel=1e-12)


def test_sequence_outputs_average_over_batch_and_steps():
    rng = _rng(2)
    labels = rng.integers(0, C, (2, 5))
    z = rng.standard_normal((2, 5, C))
    per_position = -np.log(_softmax(z)[np.arange(2)[:, None], np.arange(5), labels])
    assert F.sparse_categorical_crossentropy(labels, z, True)[0] == pytest.approx(
        per_position.mean(), rel=1e-12)
    a, b = rng.standard_normal((2, 2, 5, 3))
    per_sample = np.mean((b - a) ** 2, axis=-1)  # Keras: mean over the last axis first
    assert F.mean_squared_error(a, b)[0] == pytest.approx(per_sample.mean(), rel=1e-12)


# ----------------------------------------------------- gradient checks
LOSS_CASES = {
    "bce": (F.binary_crossentropy, F.binary_crossentropy_backward, False),
    "bce_logits": (F.binary_crossentropy, F.binary_crossentropy_backward, True),
    "cce": (F.categorical_crossentropy, F.categorical_crossentropy_backward, False),
    "cce_logits": (F.categorical_crossentropy, F.categorical_crossentropy_backward, True),
    "scce": (F.sparse_categorical_crossentropy, F.sparse_categorical_crossentropy_backward, False),
    "scce_logits": (F.sparse_categorical_crossentropy,
                    F.sparse_categorical_crossentropy_backward, True),
}


def _inputs(case, seed=0):
    labels, z, p = _categorical(seed, shape=(B, 2))
    if case.startswith("bce"):
        y, pb = _binary(seed, shape=(B, 2))
        return [y, np.log(pb / (1 - pb)) if case.endswith("logits") else pb]
    pred = z if case.endswith("logits") else p
    return [labels if case.startswith("scce") else _onehot(labels), pred]


@pytest.mark.parametrize("case", sorted(LOSS_CASES))
def test_gradcheck_cross_entropies(case):
    forward, backward, logits = LOSS_CASES[case]
    check_function(lambda yt, yp: forward(yt, yp, logits), backward, _inputs(case),
                   differentiable=[1])


@pytest.mark.parametrize("pair", [(F.mean_squared_error, F.mean_squared_error_backward),
                                  (F.mean_absolute_error, F.mean_absolute_error_backward)])
def test_gradcheck_regression_losses(pair):
    a, b = _rng(3).standard_normal((2, 3, 2, 2))
    check_function(*pair, [a, b], differentiable=[1])


def test_softmax_then_cross_entropy_gradient_is_p_minus_y():
    labels, z, _ = _categorical(4)
    p = _softmax(z)
    _, cache = F.categorical_crossentropy(_onehot(labels), p)
    _, dp = F.categorical_crossentropy_backward(1.0, cache)
    dz = p * (dp - np.sum(dp * p, axis=-1, keepdims=True))  # back through softmax
    np.testing.assert_allclose(dz, (p - _onehot(labels)) / B, atol=1e-12)


# ------------------------------------------- clipping and stability
def test_probabilities_are_clipped_like_keras():
    y = np.array([[1.0], [0.0]])
    p = np.array([[0.0], [1.0]])  # confidently wrong
    value, cache = F.binary_crossentropy(y, p)
    assert value == pytest.approx(-np.log(EPS), rel=1e-6)
    np.testing.assert_array_equal(F.binary_crossentropy_backward(1.0, cache)[1], 0.0)


def test_logits_are_stable_for_huge_values():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    z = np.array([-1000.0, 1000.0, 1000.0, -1000.0])
    with np.errstate(over="raise"):
        value, cache = F.binary_crossentropy(y, z, from_logits=True)
        _, dz = F.binary_crossentropy_backward(1.0, cache)
    assert value == pytest.approx(500.0)
    np.testing.assert_allclose(dz, [-0.25, 0.25, 0.0, 0.0])
    big = np.array([[1000.0, 0.0, -1000.0]])
    assert F.sparse_categorical_crossentropy([0], big, True)[0] == pytest.approx(0.0, abs=1e-12)
    assert F.sparse_categorical_crossentropy([1], big, True)[0] == pytest.approx(1000.0)


def test_dtype_of_the_gradient_follows_y_pred():
    y, p = _binary()
    for forward, backward in [(F.binary_crossentropy, F.binary_crossentropy_backward),
                              (F.mean_squared_error, F.mean_squared_error_backward)]:
        _, cache = forward(y, p.astype(np.float32))
        assert backward(1.0, cache)[1].dtype == np.float32


# ----------------------------------------------------- shape rules
def test_labels_without_the_trailing_unit_axis_are_accepted():
    y, p = _binary()
    full = F.binary_crossentropy(y, p)[0]
    assert F.binary_crossentropy(y[:, 0], p)[0] == pytest.approx(full, rel=1e-14)
    assert F.mean_squared_error(y, p[:, 0])[0] == pytest.approx(
        F.mean_squared_error(y, p)[0], rel=1e-14)
    labels, _, q = _categorical()
    assert F.sparse_categorical_crossentropy(labels[:, None], q)[0] == pytest.approx(
        F.sparse_categorical_crossentropy(labels, q)[0], rel=1e-14)
    assert F.sparse_categorical_crossentropy(labels.astype(float), q)[0] == pytest.approx(
        F.sparse_categorical_crossentropy(labels, q)[0], rel=1e-14)


def test_batch_and_shape_mismatches_are_clear():
    with pytest.raises(ValueError, match=r"batch size mismatch: y_true has 3 samples.*y_pred has 4"):
        F.binary_crossentropy(np.ones(3), np.full((4, 1), 0.5))
    with pytest.raises(ValueError, match=r"y_true of shape \(4, 2\) does not match.*\(4, 3\)"):
        F.mean_squared_error(np.ones((4, 2)), np.ones((4, 3)))
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        F.categorical_crossentropy(np.zeros(4, dtype=int), np.full((4, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"batch size mismatch.*y_true has 2 samples"):
        F.sparse_categorical_crossentropy(np.zeros(2, dtype=int), np.ones((4, 3)))


def test_bad_labels_and_predictions():
    p = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match=r"label 3 is out of range.*\[0, 3\)"):
        F.sparse_categorical_crossentropy([0, 3], p)
    with pytest.raises(ValueError, match=r"label -1 is out of range"):
        F.sparse_categorical_crossentropy([-1, 0], p)
    with pytest.raises(ValueError, match=r"whole numbers, got 1\.5"):
        F.sparse_categorical_crossentropy([0.0, 1.5], p)
    with pytest.raises(ValueError, match="empty"):
        F.mean_absolute_error(np.ones((0, 1)), np.ones((0, 1)))
    with pytest.raises(ValueError, match="at least rank 1"):
        F.mean_squared_error(1.0, 2.0)
    with pytest.raises(TypeError, match="y_true must be a numeric array"):
        F.binary_crossentropy(np.array(["a", "b"]), np.full(2, 0.5))
    with pytest.raises(TypeError, match="y_pred must be a numeric array"):
        F.mean_squared_error(np.ones(2), np.array(["a", "b"]))


@pytest.mark.parametrize("labels, bad, index, count", [
    ([[1.0], [2.0], [1.0], [2.0]], 2.0, (1, 0), 2),  # classes 1/2
    ([-1.0, 1.0, 1.0, -1.0], -1.0, (0,), 2),  # -1/1, without the unit axis
    ([0.0, 1.0, np.nan, 1.0], "nan", (2,), 1),
    ([0.0, 1.0, 1.0 + 1e-6, 0.0], 1.000001, (2,), 1),
])
@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_labels_outside_zero_one_are_refused(labels, bad, index, count, from_logits):
    with pytest.raises(ValueError) as info:
        F.binary_crossentropy(np.array(labels), np.full((4, 1), 0.5), from_logits=from_logits)
    message = str(info.value)
    assert message.startswith("binary_crossentropy: y_true must hold labels in [0, 1], got ")
    assert f"got {bad} at index {index} ({count} of 4 outside)" in message
    assert "(y + 1) / 2" in message


def test_soft_and_boolean_binary_labels_are_accepted():
    p = np.array([[0.2], [0.7], [0.5]])
    soft = np.array([[0.0], [0.3], [1.0]])
    value, _ = F.binary_crossentropy(soft, p)
    direct = -np.mean(soft * np.log(p) + (1 - soft) * np.log(1 - p))
    assert value == pytest.approx(direct)
    value, _ = F.binary_crossentropy(np.array([[False], [True], [True]]), p)
    assert value == pytest.approx(-np.mean(np.log([0.8, 0.7, 0.5])))


def test_categorical_labels_outside_zero_one_are_refused():
    p = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError, match=r"categorical_crossentropy: y_true must hold labels in "
                                         r"\[0, 1\], got -1\.0 at index \(1, 2\) \(1 of 6 "
                                         r"outside\); one-hot or soft labels"):
        F.categorical_crossentropy(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, -1.0]]), p)
    value, _ = F.categorical_crossentropy([[0.1, 0.8, 0.1]], [[0.2, 0.5, 0.3]])
    assert value == pytest.approx(-(0.1 * np.log(0.2) + 0.8 * np.log(0.5) + 0.1 * np.log(0.3)))


# ----------------------------------------------------- torch parity
def _torch_case(torch, name, seed=5):
    """(our forward, our backward, kwargs, inputs, torch loss of a tensor y_pred)."""
    tf = torch.nn.functional
    labels, z, p = _categorical(seed)
    y, pb = _binary(seed)
    t = torch.tensor
    if name == "binary_cross_entropy":
        return F.binary_crossentropy, False, [y, pb], lambda yp: tf.binary_cross_entropy(yp, t(y))
    if name == "binary_cross_entropy_with_logits":
        zb = np.log(pb / (1 - pb))
        return (F.binary_crossentropy, True, [y, zb],
                lambda yp: tf.binary_cross_entropy_with_logits(yp, t(y)))
    if name == "cross_entropy":
        return (F.categorical_crossentropy, True, [_onehot(labels), z],
                lambda yp: tf.cross_entropy(yp, t(_onehot(labels))))
    if name == "cross_entropy_sparse":
        return (F.sparse_categorical_crossentropy, True, [labels, z],
                lambda yp: tf.cross_entropy(yp, t(labels)))
    if name == "nll":
        return (F.categorical_crossentropy, False, [_onehot(labels), p],
                lambda yp: tf.nll_loss(torch.log(yp / yp.sum(-1, keepdim=True)), t(labels)))
    if name == "nll_sparse":
        return (F.sparse_categorical_crossentropy, False, [labels, p],
                lambda yp: tf.nll_loss(torch.log(yp / yp.sum(-1, keepdim=True)), t(labels)))
    a, b = _rng(seed).standard_normal((2, B, 3))
    if name == "mse_loss":
        return F.mean_squared_error, None, [a, b], lambda yp: tf.mse_loss(yp, t(a))
    return F.mean_absolute_error, None, [a, b], lambda yp: tf.l1_loss(yp, t(a))


BACKWARD = {
    F.binary_crossentropy: F.binary_crossentropy_backward,
    F.categorical_crossentropy: F.categorical_crossentropy_backward,
    F.sparse_categorical_crossentropy: F.sparse_categorical_crossentropy_backward,
    F.mean_squared_error: F.mean_squared_error_backward,
    F.mean_absolute_error: F.mean_absolute_error_backward,
}


@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "cross_entropy", "cross_entropy_sparse", "nll", "nll_sparse",
                                  "mse_loss", "l1_loss"])
def test_matches_torch_values_and_gradients(name):
    torch = pytest.importorskip("torch")
    forward, logits, (yt, yp), torch_loss = _torch_case(torch, name)
    value, cache = forward(yt, yp) if logits is None else forward(yt, yp, logits)
    _, grad = BACKWARD[forward](1.0, cache)
    tp = torch.tensor(yp, requires_grad=True)
    tl = torch_loss(tp)
    tl.backward()
    assert value == pytest.approx(tl.item(), rel=1e-6)
    np.testing.assert_allclose(grad, tp.grad.numpy(), rtol=1e-6, atol=1e-12)


def test_sequence_cross_entropy_matches_torch():
    torch = pytest.importorskip("torch")
    rng = _rng(6)
    labels = rng.integers(0, C, (2, 5))
    z = rng.standard_normal((2, 5, C))
    value, cache = F.sparse_categorical_crossentropy(labels, z, True)
    _, dz = F.sparse_categorical_crossentropy_backward(1.0, cache)
    tz = torch.tensor(z, requires_grad=True)
    tl = torch.nn.functional.cross_entropy(tz.permute(0, 2, 1), torch.tensor(labels))
    tl.backward()
    assert value == pytest.approx(tl.item(), rel=1e-6)
    np.testing.assert_allclose(dz, tz.grad.numpy(), rtol=1e-6, atol=1e-12)
