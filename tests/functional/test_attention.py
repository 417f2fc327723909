"""Attention kernels: float64 gradient checks of every backward, and the masked softmax."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.functional.attention import (
    additive_scores,
    additive_scores_backward,
    attend,
    attend_backward,
    dot_scores,
    dot_scores_backward,
    masked_softmax,
    score_mask,
)
from seqlab.testing.gradcheck import check_function, compare, numerical_gradient

B, TQ, TV, D, DV = 2, 3, 4, 5, 3


def arrays(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) for s in shapes]


def value_mask() -> np.ndarray:
    """Sample 0 has two padded steps at the end, sample 1 none."""
    mask = np.ones((B, TV), dtype=bool)
    mask[0, 2:] = False
    return mask


@pytest.mark.parametrize("scaled", [False, True])
def test_dot_scores_gradients(scaled):
    q, k = arrays(0, (B, TQ, D), (B, TV, D))
    inputs = [q, k] + ([np.array(0.7)] if scaled else [])
    grads = check_function(dot_scores, lambda d, c: dot_scores_backward(d, c)[:len(inputs)],
                           inputs)
    assert grads[0].shape == q.shape and grads[1].shape == k.shape


@pytest.mark.parametrize("weight_shape", [None, (), (D,)])
@pytest.mark.parametrize("scaled", [False, True])
def test_additive_scores_gradients(weight_shape, scaled):
    q, k = arrays(1, (B, TQ, D), (B, TV, D))
    rng = np.random.default_rng(2)
    weight = None if weight_shape is None else rng.standard_normal(weight_shape)
    scale = np.array(0.6) if scaled else None

    def forward(q, k, weight, scale):
        return additive_scores(q, k, weight, scale)

    differentiable = [0, 1] + [i for i, a in ((2, weight), (3, scale)) if a is not None]
    check_function(forward, additive_scores_backward, [q, k, weight, scale],
                   differentiable=differentiable)


def test_additive_scores_match_the_formula():
    q, k, w = arrays(3, (B, TQ, D), (B, TV, D), (D,))
    scores, _ = additive_scores(q, k, w, np.array(0.5))
    i, j, b = 2, 1, 1
    assert scores[b, i, j] == pytest.approx(np.sum(w * np.tanh(0.5 * (q[b, i] + k[b, j]))))


@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("dropped", [False, True])
def test_attend_gradients_with_context_and_weights(masked, dropped):
    """Both outputs (context and weights) get an upstream gradient."""
    scores, value = arrays(4, (B, TQ, TV), (B, TV, DV))
    mask = score_mask(value_mask(), TQ, TV, causal=False) if masked else None
    rng = np.random.default_rng(5)
    drop = (rng.random((B, TQ, TV)) > 0.3) / 0.7 if dropped else None
    dcontext, dweights = arrays(6, (B, TQ, DV), (B, TQ, TV))

    def loss(s, v):
        (c, a), _ = attend(s, v, mask, drop)
        return float(np.sum(c * dcontext) + np.sum(a * dweights))

    _, cache = attend(scores, value, mask, drop)
    dscores, dvalue = attend_backward((dcontext, dweights), cache)
    compare("dscores", dscores, numerical_gradient(lambda: loss(scores, value), scores))
    compare("dvalue", dvalue, numerical_gradient(lambda: loss(scores, value), value))
    if masked:  # a padded step's score does not matter
        assert np.all(dscores[0, :, 2:] == 0)


def test_attend_gradient_of_the_context_alone():
    scores, value = arrays(7, (B, TQ, TV), (B, TV, DV))
    mask = score_mask(value_mask(), TQ, TV, causal=True)

    def forward(s, v):
        (c, _), cache = attend(s, v, mask)
        return c, cache

    check_function(forward, lambda d, c: attend_backward((d, None), c), [scores, value])


def test_masked_positions_get_exactly_zero_weight():
    scores = arrays(8, (B, TQ, TV))[0] * 50  # large scores: a shifted softmax is needed
    weights = masked_softmax(scores, score_mask(value_mask(), TQ, TV, causal=False))
    assert np.all(weights[0, :, 2:] == 0.0)
    np.testing.assert_allclose(weights.sum(-1), 1.0)
    expected = np.exp(scores[0, :, :2] - scores[0, :, :2].max(-1, keepdims=True))
    np.testing.assert_allclose(weights[0, :, :2], expected / expected.sum(-1, keepdims=True))


def test_a_fully_masked_row_gives_zero_weights_and_context_without_nan():
    scores, value = arrays(9, (B, TQ, TV), (B, TV, DV))
    mask = value_mask()
    mask[1] = False  # sample 1: nothing to attend to
    (context, weights), cache = attend(scores, value, score_mask(mask, TQ, TV, causal=False))
    assert np.all(weights[1] == 0) and np.all(context[1] == 0)
    dscores, dvalue = attend_backward((np.ones_like(context), np.ones_like(weights)), cache)
    assert np.all(np.isfinite(dscores)) and np.all(dscores[1] == 0)
    assert np.all(dvalue[1] == 0)


def test_causal_mask_combines_with_the_value_mask():
    mask = score_mask(value_mask(), TQ, TV, causal=True)
    assert mask.shape == (B, TQ, TV)
    assert mask[1].tolist() == np.tril(np.ones((TQ, TV), dtype=bool)).tolist()
    assert not mask[0, 2, 2]  # allowed by causality, but padded
