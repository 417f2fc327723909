"""Attention and AdditiveAttention layers: gradients (float64), masks, shapes, config,
and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.layers import AdditiveAttention, Attention, deserialize, serialize
from seqlab.testing.gradcheck import check_layer

B, TQ, TV, D, DV = 2, 3, 4, 5, 3


def inputs(seed: int = 0, with_key: bool = False) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    q, v = rng.standard_normal((B, TQ, D)), rng.standard_normal((B, TV, DV))
    if not with_key:
        v = rng.standard_normal((B, TV, D))  # the value is the key: same features
    return [q, v, rng.standard_normal((B, TV, D))] if with_key else [q, v]


def masks() -> list[np.ndarray]:
    query_mask = np.ones((B, TQ), dtype=bool)
    query_mask[1, 2] = False
    value_mask = np.ones((B, TV), dtype=bool)
    value_mask[0, 2:] = False
    return [query_mask, value_mask]


def set_score_weights(layer, seed: int = 3) -> None:
    rng = np.random.default_rng(seed)
    for p in layer.weights:  # away from their initial values (scale 1 is special)
        p.assign(rng.uniform(0.5, 1.5, p.shape))


LAYERS = {
    "dot": lambda: Attention(dtype="float64"),
    "dot_scaled": lambda: Attention(use_scale=True, dtype="float64"),
    "concat": lambda: Attention(score_mode="concat", dtype="float64"),
    "concat_scaled": lambda: Attention(score_mode="concat", use_scale=True, dtype="float64"),
    "additive": lambda: AdditiveAttention(dtype="float64"),
    "additive_unscaled": lambda: AdditiveAttention(use_scale=False, dtype="float64"),
}


@pytest.mark.parametrize("kind", sorted(LAYERS))
@pytest.mark.parametrize("with_key", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_gradients(kind, with_key, masked):
    layer = LAYERS[kind]()
    xs = inputs(1, with_key)
    layer.build([x.shape for x in xs])
    set_score_weights(layer)
    grads = check_layer(layer, xs, mask=masks() if masked else None)
    if masked:  # a padded query step gets no gradient; nor does a padded value step
        assert np.all(grads["input[0]"][1, 2] == 0)
        assert np.all(grads["input[1]"][0, 2:] == 0)


@pytest.mark.parametrize("kind", ["dot_scaled", "additive"])
def test_gradients_with_scores_returned_causal_and_dropout(kind):
    layer = LAYERS[kind]()
    layer.dropout = 0.3
    xs = inputs(2)
    layer.build([x.shape for x in xs])
    set_score_weights(layer)
    check_layer(layer, xs, mask=masks(), training=True,
                call_kwargs={"return_attention_scores": True, "use_causal_mask": True})


def test_dot_attention_is_softmax_of_q_k_times_v():
    q, v, k = inputs(4, with_key=True)
    out, weights = Attention()([q, v, k], return_attention_scores=True)
    e = q @ k.transpose(0, 2, 1)
    a = np.exp(e - e.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    np.testing.assert_allclose(weights, a, rtol=1e-5)
    np.testing.assert_allclose(out, a @ v, rtol=1e-5, atol=1e-6)


def test_padding_gets_zero_weight_and_padded_queries_a_zero_output():
    xs = inputs(5)
    layer = Attention(dtype="float64")
    out, weights = layer(xs, mask=masks(), return_attention_scores=True)
    assert np.all(weights[0, :, 2:] == 0)
    np.testing.assert_allclose(weights.sum(-1), 1.0)
    assert np.all(out[1, 2] == 0) and np.all(out[1, :2] != 0)
    # padded value steps change nothing, whatever they hold
    changed = [xs[0], xs[1].copy()]
    changed[1][0, 2:] = 1e3
    np.testing.assert_array_equal(layer(changed, mask=masks()), out)
    assert np.array_equal(layer.compute_mask(xs, masks()), masks()[0])


def test_a_query_with_nothing_to_attend_to_gets_zeros_not_nan():
    xs = inputs(6)
    query_mask, value_mask = masks()
    value_mask[1] = False
    out, weights = Attention(dtype="float64")(xs, mask=[query_mask, value_mask],
                                              return_attention_scores=True)
    assert np.all(out[1] == 0) and np.all(weights[1] == 0)
    assert np.all(np.isfinite(out))


def test_dropout_only_in_training_and_seeded():
    xs = inputs(7)
    layer = Attention(dropout=0.5, seed=3, dtype="float64")
    plain = layer(xs)
    _, dropped = layer(xs, training=True, return_attention_scores=True)
    assert np.any(dropped == 0)
    np.testing.assert_array_equal(layer(xs, training=False), plain)
    again = Attention(dropout=0.5, seed=3, dtype="float64")
    np.testing.assert_array_equal(again(xs, training=True, return_attention_scores=True)[1],
                                  dropped)


def test_weights_and_config_round_trip():
    layer = AdditiveAttention(dropout=0.1, name="att")
    layer.build([(None, TQ, D), (None, TV, D)])
    assert [p.name for p in layer.weights] == ["att/scale"] and layer.scale.shape == (D,)
    copy = deserialize(serialize(layer))
    assert isinstance(copy, AdditiveAttention)
    assert (copy.use_scale, copy.dropout) == (True, 0.1)
    dot = deserialize(serialize(Attention(use_scale=True, score_mode="concat")))
    assert (dot.use_scale, dot.score_mode) == (True, "concat")
    dot.build([(None, TQ, D), (None, TV, D)])
    assert [p.shape for p in dot.weights] == [(), ()]


def test_output_shape():
    layer = Attention()
    assert layer.compute_output_shape([(None, TQ, D), (None, TV, DV), (None, TV, D)]) \
        == (None, TQ, DV)


# ------------------------------------------------------------------ bad input
def test_query_and_key_features_must_match():
    q, v = inputs(8)
    with pytest.raises(ValueError, match=r"same last dimension.*query \(2, 3, 5\).*key "
                                         r"\(2, 4, 4\)"):
        Attention()([q, v[..., :4]])


def test_value_and_key_steps_must_match():
    q, v, k = inputs(9, with_key=True)
    with pytest.raises(ValueError, match="same number of steps"):
        Attention()([q, v, k[:, :3]])


def test_rank_and_list_checked():
    q, v = inputs(10)
    with pytest.raises(ValueError, match=r"query must have rank 3.*\(2, 5\)"):
        Attention()([q[:, 0], v])
    with pytest.raises(TypeError, match="list of inputs"):
        Attention()(q)
    with pytest.raises(ValueError, match="expected 2 to 3 inputs"):
        Attention()([q])


def test_masks_of_the_wrong_shape_say_expected_and_got():
    xs = inputs(11)
    query_mask, value_mask = masks()
    with pytest.raises(ValueError, match=r"value_mask must have shape \(2, 4\).*got \(2, 3\)"):
        Attention()(xs, mask=[query_mask, value_mask[:, :3]])
    with pytest.raises(ValueError, match=r"query_mask must have shape \(2, 3\).*got \(2, 4\)"):
        Attention()(xs, mask=[value_mask, value_mask])
    with pytest.raises(ValueError, match=r"mask must be a list \[query_mask, value_mask\]"):
        Attention()(xs, mask=value_mask)


def test_bad_arguments():
    with pytest.raises(ValueError, match="score_mode"):
        Attention(score_mode="general")
    with pytest.raises(TypeError, match="use_scale must be True or False"):
        Attention(use_scale="yes")
    with pytest.raises(TypeError, match="no score_mode"):
        AdditiveAttention(score_mode="dot")
    with pytest.raises(TypeError, match=r"unknown call argument\(s\) \['causal'\]"):
        Attention()(inputs(12), causal=True)
