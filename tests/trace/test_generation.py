"""record_generation: what it records while a Decoder decodes is what the model computes,
step by step, checked against full teacher-forced forward passes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import seqlab
from seqlab import trace_hook
from seqlab.generate import Decoder
from seqlab.layers import LSTM, Attention, Concatenate, Dense, Embedding, Input
from seqlab.models import Model
from seqlab.report.document import Document
from seqlab.trace import GenerationTape, TraceError, record, record_generation
from seqlab.trace.generation import attention_weights
from tests.generate.conftest import END, START, encoder_decoder, teacher_forced_log_prob

V = 9  # target and source vocabulary; 0 pads the source


def luong_model(seed: int = 3) -> Model:
    """Encoder–decoder with dot attention over the encoder outputs, source padding masked,
    scaled so that attention and next-token distributions are far from uniform (as
    after training)."""
    seqlab.set_random_seed(seed)
    source = Input((None,), dtype="int64", name="source")
    target = Input((None,), dtype="int64", name="target")
    encoded, h, c = LSTM(8, return_sequences=True, return_state=True)(
        Embedding(V, 6, mask_zero=True)(source))
    decoded = LSTM(8, return_sequences=True)(Embedding(V, 6)(target), initial_state=[h, c])
    attention = Attention(use_scale=True, name="att")
    context = attention([decoded, encoded])
    output = Dense(V, activation="softmax")
    model = Model([source, target], output(Concatenate()([context, decoded])))
    for layer in model.layers:  # larger inputs, states and logits: peaked distributions
        if isinstance(layer, Embedding):
            layer.embeddings.assign(layer.embeddings.value * 30)
    output.kernel.assign(output.kernel.value * 6)
    attention.scale.assign(np.full_like(attention.scale.value, 20.0))
    return model


SOURCES = [np.array([3, 4, 5, 6]), np.array([7, 3]), np.array([5, 8, 4])]


@pytest.fixture(scope="module")
def model():
    return luong_model()


def next_probabilities(model: Model, source: np.ndarray, prefix: tuple[int, ...]) -> np.ndarray:
    """p(next token | prefix, source) from one full forward pass (float64)."""
    fed = np.array([[START, *prefix]])
    return np.asarray(model.predict([source[None], fed]), dtype=np.float64)[0, -1]


@pytest.mark.parametrize("search", ["greedy", "sample"])
def test_recorded_probabilities_are_the_models_softmax_at_each_step(model, search):
    decoder = Decoder(model, start_token=START, end_token=END)
    with record_generation(decoder, top=3) as tape:
        if search == "greedy":
            found = decoder.greedy(SOURCES, max_length=5)
        else:
            found = decoder.sample(SOURCES, max_length=5, temperature=1.5, seed=4)
    record = tape.search()
    assert record.kind == search and len(record.steps) == sum(len(h.tokens) for h in found)
    for step in record.steps:
        p = next_probabilities(model, SOURCES[step.source], step.prefix)
        order = np.argsort(-p, kind="stable")
        assert list(step.candidates) == list(order[:3])
        np.testing.assert_allclose(step.probabilities, p[order[:3]], rtol=1e-4)
        np.testing.assert_allclose(step.picked_probability, p[step.picked], rtol=1e-4)
    for source, h in enumerate(found):
        again = record.results(source)[0]
        assert again.tokens == h.tokens and again.ended == h.ended
        np.testing.assert_allclose(again.log_prob, h.log_prob, rtol=1e-4)


@pytest.mark.parametrize("length_penalty", [1.0, 0.0])
def test_recorded_beam_is_what_beam_search_returns(model, length_penalty):
    decoder = Decoder(model, start_token=START, end_token=END)
    with record_generation(decoder) as tape:
        found = decoder.beam_search(SOURCES, width=3, max_length=5, num_return_sequences=3,
                                    length_penalty=length_penalty)
    record = tape.search()
    for source, hypotheses in enumerate(found):
        assert record.results(source) == hypotheses
        steps = record.source_steps(source)
        assert [s.step for s in steps] == list(range(1, len(steps) + 1))
        for step, after in itertools.pairwise(steps):  # the kept continuations are the next beams
            kept = [(c.tokens, c.log_prob) for c in step.candidates if c.fate == "kept"]
            assert list(after.beams) == kept
        for step in steps:
            assert len(step.candidates) == 6 and len(step.beams) <= 3
            for c in step.candidates:
                assert len(c.tokens) == step.step
                np.testing.assert_allclose(c.score, c.log_prob / step.step ** length_penalty)
                np.testing.assert_allclose(
                    c.log_prob, teacher_forced_log_prob(model, list(c.tokens),
                                                        source=SOURCES[source]), atol=1e-4)
            assert sum(c.fate in ("kept", "max_length") for c in step.candidates) == 3


def test_attention_rows_sum_to_one_over_the_source_and_zero_on_padding(model):
    decoder = Decoder(model, start_token=START, end_token=END)
    with record_generation(decoder) as tape:
        found = decoder.beam_search(SOURCES, width=2, max_length=4)
    record = tape.search()
    padded = np.zeros((len(SOURCES), 4), dtype=np.int64)  # how the decoder batched them
    for i, s in enumerate(SOURCES):
        padded[i, :len(s)] = s
    assert np.array_equal(record.sources[0], padded)
    rows = record.attention["att"]
    assert rows and len({len(r) for r in rows.values()}) == 1
    for (source, _), weights in rows.items():
        n = len(SOURCES[source])
        np.testing.assert_allclose(weights[:n].sum(), 1.0, rtol=1e-5)
        assert np.all(weights[:n] > 0) and np.all(weights[n:] == 0)
    for source, hypotheses in enumerate(found):  # the same weights as a full forward pass
        tokens = hypotheses[0].tokens
        matrix = tape.attention(tokens, source=source)
        model([padded[source][None], np.array([[START, *tokens[:-1]]])])
        full = attention_weights(next(x for x in model.layers if x.name == "att"))[0]
        np.testing.assert_allclose(matrix, full, atol=1e-5)


def test_tables_and_report_show_every_step_with_labels(model):
    words = [f"w{i}" for i in range(V)]
    src = ["<pad>", *[f"s{i}" for i in range(1, V)]]
    decoder = Decoder(model, start_token=START, end_token=END)
    with record_generation(decoder, vocabulary=words, source_vocabulary=src, top=2) as tape:
        greedy = decoder.greedy(SOURCES[1], max_length=5)[0]
        beams = decoder.beam_search(SOURCES[1], width=2, max_length=5)[0]
    path, attention = tape.tables(search=0)
    assert path.columns[:4] == ["t", "so far", "rank", "next token"]
    picked = [row[3] for row in path.rows if row[-1] == "✓"]
    assert picked == [words[t] for t in greedy.tokens]
    assert attention.columns == ["target token", "s7", "s3"]
    assert [row[0] for row in attention.rows] == [words[t] for t in greedy.tokens]
    beam_tables = tape.tables(search=1, attention=False)
    assert len(beam_tables) == len(tape.search(1).source_steps(0))
    assert beam_tables[0].title.startswith("beam search step 1 (width 2")
    doc = Document("decoding")
    tape.add_to(doc, search=1)
    html = doc.render("html")
    assert " ".join(words[t] for t in beams[0].tokens) in html
    if seqlab.report.figures.available():
        assert html.count("<svg") == 1 and ">s7<" in html


def test_the_block_restores_the_decoder_and_lets_an_open_record_hear_too(model):
    decoder = Decoder(model, start_token=START, end_token=END)
    with record(model, layers="att", max_calls=None) as outer, \
            record_generation(decoder) as tape:
        assert decoder.observer is tape
        decoder.greedy(SOURCES[0], max_length=3)
    assert decoder.observer is None and trace_hook.ACTIVE.get() is None
    steps = tape.search().steps  # one attention call per step: the logits it chose from
    assert len(outer.records("att")) == len(steps) >= 2
    decoder.greedy(SOURCES[0], max_length=3)  # outside the block: nothing more recorded
    assert len(tape.searches) == 1


def test_bad_requests_say_what_was_expected(model):
    decoder = Decoder(model, start_token=START, end_token=END)
    with pytest.raises(TypeError, match="expected a seqlab.generate.Decoder, got Model"), \
            record_generation(model):
        pass
    with pytest.raises(ValueError, match=f"every one of the {V} ids, got 3 labels"), \
            record_generation(decoder, vocabulary=["a", "b", "c"]):
        pass
    with pytest.raises(ValueError, match="top must be a positive integer, got 0"), \
            record_generation(decoder, top=0):
        pass
    with record_generation(decoder) as tape:
        with pytest.raises(TraceError, match="no decoding call"):
            tape.tables()
        with pytest.raises(TraceError, match="already being recorded"), \
                record_generation(decoder):
            pass
        found = decoder.greedy(SOURCES[0], max_length=3)[0]
    assert decoder.observer is None
    with pytest.raises(TraceError, match="source 5 was not decoded"):
        tape.tables(source=5)
    with pytest.raises(TraceError, match="never continued the tokens"):
        tape.attention([*found.tokens[:1], (found.tokens[1] + 1) % V, 0])
    with pytest.raises(TraceError, match="no attention layer named 'nope'"):
        tape.attention(found.tokens, layer="nope")
    with pytest.raises(TraceError, match="search 3 was not recorded"):
        tape.search(3)


def test_a_model_without_attention_records_steps_but_no_weights():
    model = encoder_decoder(vocabulary=7, seed=5)
    decoder = Decoder(model, start_token=START, end_token=END)
    with record_generation(decoder) as tape:
        decoder.greedy(np.array([3, 4]), max_length=4)
    assert isinstance(tape, GenerationTape) and tape.attention_layers == []
    assert len(tape.tables()) == 1  # the step table only
    with pytest.raises(TraceError, match="no Attention or AdditiveAttention layer"):
        tape.attention_table()
