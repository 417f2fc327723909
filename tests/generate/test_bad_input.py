"""Bad input: a clear message naming what was expected and what came."""

from __future__ import annotations

import pytest

from seqlab.generate import Decoder, NotSteppableError
from seqlab.layers import LSTM, Dense, Embedding
from seqlab.models import Sequential
from tests.generate.conftest import END, START, encoder_decoder, language_model


@pytest.fixture
def decoder():
    return Decoder(encoder_decoder(vocabulary=6, seed=30), start_token=START, end_token=END)


def test_an_empty_source_gives_just_the_end_token(decoder):
    (alone,) = decoder.greedy([])
    assert alone.tokens == (END,) and alone.ended and alone.log_prob == 0.0
    results = decoder.beam_search([[3, 4], [], [5, 0]], width=2, max_length=4)
    assert results[1][0].tokens == (END,)
    assert results[0] == decoder.beam_search([3, 4], width=2, max_length=4)[0]
    sampled = decoder.sample([[], [3, 4]], max_length=4, seed=0)
    assert sampled[0].tokens == (END,) and len(sampled[1].tokens) >= 1


def test_a_source_longer_than_the_models_maximum_is_refused():
    decoder = Decoder(encoder_decoder(vocabulary=6, source_length=4), start_token=START,
                      end_token=END)
    with pytest.raises(ValueError, match="source for input 'source': a source has 5 steps, "
                                         "longer than the model's maximum of 4"):
        decoder.greedy([1, 2, 3, 4, 5])


@pytest.mark.parametrize(("width", "message"), [
    (0, "width must be a positive integer, got 0"),
    (-1, "width must be a positive integer, got -1"),
    (7, "width must be at most the vocabulary size 6, got 7"),
])
def test_beam_width_outside_one_to_the_vocabulary(decoder, width, message):
    with pytest.raises(ValueError, match=message):
        decoder.beam_search([1, 2], width=width)


@pytest.mark.parametrize(("options", "message"), [
    ({"temperature": 0}, "temperature must be a number > 0, got 0"),
    ({"temperature": -0.5}, "temperature must be a number > 0, got -0.5"),
    ({"top_p": 0.0}, r"top_p must be in \(0, 1\], got 0.0"),
    ({"top_p": 1.5}, r"top_p must be in \(0, 1\], got 1.5"),
    ({"top_k": 0}, "top_k must be a positive integer, got 0"),
    ({"top_k": 2.5}, "top_k must be a positive integer, got 2.5"),
])
def test_sampling_options_out_of_range(decoder, options, message):
    with pytest.raises(ValueError, match=message):
        decoder.sample([1, 2], seed=0, **options)


def test_other_options_out_of_range(decoder):
    with pytest.raises(ValueError, match="max_length must be a positive integer, got 0"):
        decoder.greedy([1, 2], max_length=0)
    with pytest.raises(ValueError, match="num_return_sequences must be at most width=2, got 3"):
        decoder.beam_search([1, 2], width=2, num_return_sequences=3)
    with pytest.raises(ValueError, match=r"early_stopping must be one of \[True, False, "):
        decoder.beam_search([1, 2], early_stopping="sometimes")
    with pytest.raises(ValueError, match=r"end_token must be a token id in \[0, 6\), got 6"):
        Decoder(encoder_decoder(vocabulary=6), end_token=6)


def test_tokens_and_shapes_that_do_not_fit(decoder):
    with pytest.raises(ValueError, match=r"id 9 at position \(0, 1\) is out of range"):
        decoder.greedy([1, 9])
    with pytest.raises(ValueError, match="pad them as the model was trained"):
        decoder.greedy([[1, 2, 3], [1, 2]])
    with pytest.raises(ValueError, match="give source="):
        decoder.greedy()
    with pytest.raises(TypeError, match="turn text into ids first"):
        decoder.greedy(["a", "b"])
    lm = Decoder(language_model(vocabulary=6), end_token=END)
    with pytest.raises(ValueError, match="nothing to feed first"):
        lm.greedy()
    with pytest.raises(ValueError, match="give a prompt instead of a source"):
        lm.greedy([1, 2])


def test_models_that_cannot_be_decoded():
    with pytest.raises(TypeError, match="expected a seqlab Sequential or functional Model"):
        Decoder(object())
    unbuilt = Sequential([LSTM(4, return_sequences=True), Dense(5)])  # feature size unknown
    with pytest.raises(ValueError, match="is not built"):
        Decoder(unbuilt)
    sigmoid = Sequential([Embedding(5, 3), LSTM(4, return_sequences=True),
                          Dense(5, activation="sigmoid")])
    sigmoid.build((None, None))
    with pytest.raises(NotSteppableError, match="got activation 'sigmoid'"):
        Decoder(sigmoid)
    wider = Sequential([Embedding(5, 3), LSTM(4, return_sequences=True),
                        Dense(7, activation="softmax")])
    wider.build((None, None))
    with pytest.raises(ValueError, match=r"outputs 7 classes.*tokens in \[0, 5\)"):
        Decoder(wider)


def test_feedback_names_the_input_that_reads_the_previous_tokens():
    model = encoder_decoder(vocabulary=6, seed=31)
    source = [[1, 2, 3]]
    expected = Decoder(model, start_token=START).greedy(source, max_length=3)
    assert Decoder(model, feedback="target", start_token=START).greedy(
        source, max_length=3) == expected
    assert Decoder(model, feedback=1, start_token=START).greedy(
        source, max_length=3) == expected
    with pytest.raises(NotSteppableError, match="feeding back input 'source'.*return_sequences=False"):
        Decoder(model, feedback="source")
    with pytest.raises(ValueError, match=r"feedback must name a model input "
                                         r"\['source', 'target'\] or be its index, got 'c'"):
        Decoder(model, feedback="c")
