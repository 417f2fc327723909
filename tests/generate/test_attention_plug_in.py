"""A query layer (attention over the encoder outputs) plugs into the stepper:
each step reads its query step and the whole of the encoder outputs, which the
stepper keeps as constants and reorders with the beams."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import seqlab
from seqlab.generate import Decoder, Stepper, register_step_kind, split_model
from seqlab.layers import LSTM, Dense, Embedding, Input, Layer
from seqlab.models import Model
from tests.generate.conftest import END, START, teacher_forced_log_prob


class DotAttentionForTest(Layer):
    """context_t = Σ_s softmax_s(q_t · v_s) v_s for inputs [query (B, Tq, H), values (B, Tv, H)]."""

    def call(self, inputs: Any, training: bool = False, mask: Any = None, **kwargs: Any):
        query, values = inputs
        scores = query @ np.swapaxes(values, 1, 2)  # (B, Tq, Tv)
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        return (weights / weights.sum(-1, keepdims=True)) @ values

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape[0]

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None


register_step_kind(DotAttentionForTest, "query")


def _attention_model(vocabulary=7, seed=40):
    seqlab.set_random_seed(seed)
    source = Input((None,), dtype="int64", name="source")
    target = Input((None,), dtype="int64", name="target")
    encoded, h, c = LSTM(8, return_sequences=True, return_state=True)(
        Embedding(vocabulary, 6)(source))
    decoded = LSTM(8, return_sequences=True)(Embedding(vocabulary, 6)(target),
                                             initial_state=[h, c])
    context = DotAttentionForTest()([decoded, encoded])
    output = Dense(vocabulary, activation="softmax")
    model = Model([source, target], output(context))
    output.kernel.assign(output.kernel.value * 4)
    return model


def test_stepping_through_attention_equals_the_full_forward():
    model = _attention_model()
    rng = np.random.default_rng(41)
    source, target = rng.integers(0, 7, size=(3, 5)), rng.integers(0, 7, size=(3, 6))
    expected = np.log(np.asarray(model.predict([source, target]), dtype=np.float64))
    stepper = Stepper(split_model(model))
    stepper.start([source], 3)
    for t in range(6):
        z = stepper.advance(target[:, t:t + 1])[:, 0].astype(np.float64)
        log_p = z - z.max(1, keepdims=True)
        log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
        np.testing.assert_allclose(log_p, expected[:, t], atol=1e-5)


def test_beam_search_through_attention_scores_its_beams_as_the_model_does():
    model = _attention_model(seed=42)
    sources = np.random.default_rng(43).integers(0, 7, size=(2, 4))
    results = Decoder(model, start_token=START, end_token=END).beam_search(
        sources, width=3, max_length=6, num_return_sequences=3)
    for source, found in zip(sources, results):
        for h in found:
            log_prob = teacher_forced_log_prob(model, list(h.tokens), source=source)
            np.testing.assert_allclose(h.log_prob, log_prob, atol=1e-4)


def _luong_model(attention, vocabulary=7, seed=44, mask_zero=False, causal=False):
    """seq2seq with attention: the decoder LSTM's outputs attend to the encoder's;
    [context, decoder outputs] → Dense(V, softmax) (Luong et al.'s attentional layer)."""
    from seqlab.layers import Concatenate

    seqlab.set_random_seed(seed)
    source = Input((None,), dtype="int64", name="source")
    target = Input((None,), dtype="int64", name="target")
    encoded, h, c = LSTM(8, return_sequences=True, return_state=True)(
        Embedding(vocabulary, 6, mask_zero=mask_zero)(source))
    decoded = LSTM(8, return_sequences=True)(Embedding(vocabulary, 6)(target),
                                             initial_state=[h, c])
    options = {"use_causal_mask": True} if causal else {}
    context = attention([decoded, encoded], **options)
    output = Dense(vocabulary, activation="softmax")
    model = Model([source, target], output(Concatenate()([context, decoded])))
    output.kernel.assign(output.kernel.value * 4)
    return model


@pytest.mark.parametrize("make", ["Attention", "AdditiveAttention"])
def test_seqlab_attention_is_stepped_as_the_full_forward(make):
    from seqlab import layers

    model = _luong_model(getattr(layers, make)(), mask_zero=True)
    rng = np.random.default_rng(45)
    source, target = rng.integers(1, 7, size=(3, 5)), rng.integers(0, 7, size=(3, 6))
    source[0, 3:] = 0  # padding: the value mask leaves it out
    expected = np.log(np.asarray(model.predict([source, target]), dtype=np.float64))
    stepper = Stepper(split_model(model))
    stepper.start([source], 3)
    stepper.select([2, 0, 1, 0])  # as beams do: the encoder outputs and their mask follow
    for t in range(6):
        z = stepper.advance(target[[2, 0, 1, 0], t:t + 1])[:, 0].astype(np.float64)
        log_p = z - z.max(1, keepdims=True)
        log_p -= np.log(np.exp(log_p).sum(1, keepdims=True))
        np.testing.assert_allclose(log_p, expected[[2, 0, 1, 0], t], atol=1e-5)


def test_greedy_search_through_attention_follows_the_full_forward():
    from seqlab.layers import Attention

    model = _luong_model(Attention(), seed=46)
    sources = np.random.default_rng(47).integers(0, 7, size=(4, 5))
    found = Decoder(model, start_token=START, end_token=END).greedy(sources, max_length=7)
    for source, h in zip(sources, found):
        fed = np.array([[START, *h.tokens[:-1]]])
        probs = model.predict([source[None], fed])[0]
        assert list(probs.argmax(axis=1)) == list(h.tokens)


def test_a_causal_mask_in_the_decoder_is_refused():
    from seqlab.generate import NotSteppableError
    from seqlab.layers import Attention

    model = _luong_model(Attention(), causal=True)
    with pytest.raises(NotSteppableError, match="use_causal_mask=True"):
        Decoder(model, feedback="target")
