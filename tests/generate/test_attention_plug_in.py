"""A query layer (attention over the encoder outputs) plugs into the stepper:
each step reads its query step and the whole of the encoder outputs, which the
stepper keeps as constants and reorders with the beams."""

from __future__ import annotations

from typing import Any

import numpy as np

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
