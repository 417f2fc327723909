"""benchmarks/bench_translate.py's PyTorch model computes what seqlab's translation model
computes, from the same weights: the same loss, the same training steps, the same greedy
translations."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import seqlab
from seqlab.translate import TextSide, build_model, make_batches

torch = pytest.importorskip("torch", reason="the PyTorch side of bench_translate needs torch")

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_translate.py"
LEARNING_RATE = 0.01


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_translate", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def sides_model_batch(kor_eng_pairs):
    """An untrained model (dropout 0) and one batch of every fixture pair: sources and
    targets of many lengths, padded after the end."""
    seqlab.set_random_seed(5)
    source = TextSide.build("char", [s for s, _ in kor_eng_pairs], max_length=30)
    target = TextSide.build("word", [t for _, t in kor_eng_pairs], max_length=12)
    model = build_model(source, target, embedding_dim=8, units=12, dropout=0.0,
                        learning_rate=LEARNING_RATE)
    (batch,), _ = make_batches(kor_eng_pairs, source, target, batch_size=len(kor_eng_pairs))
    lengths = (batch[0][0] != 0).sum(axis=1)
    assert lengths.min() < lengths.max() // 2  # padding matters in this batch
    return source, target, model, batch


def test_first_batch_loss_and_training_steps_equal_seqlabs(sides_model_batch, bench):
    _, _, model, batch = sides_model_batch
    module = bench.TorchTranslator.from_seqlab(model)
    assert sum(p.numel() for p in module.parameters()) == model.count_params()
    ours, theirs = bench.SeqlabRunner(model), bench.TorchRunner(module, LEARNING_RATE)
    first = ours.loss(batch)
    assert theirs.loss(batch) == pytest.approx(first, abs=1e-5)
    for _ in range(5):  # each step returns the loss before its update
        assert theirs.step(batch) == pytest.approx(ours.step(batch), abs=1e-5)
    trained = ours.loss(batch)
    assert trained < first - 0.1  # the steps moved the weights
    assert theirs.loss(batch) == pytest.approx(trained, abs=1e-5)


def test_greedy_translations_equal_seqlabs(translator, bench, kor_eng_pairs):
    module = bench.TorchTranslator.from_seqlab(translator.model)  # conftest's trained model
    sentences = [s for s, _ in kor_eng_pairs]
    ours = translator.translate(sentences)
    theirs = bench.torch_translate(module, sentences, translator.source, translator.target,
                                   batch_size=7)
    assert theirs == ours
    assert len({len(t) for t in theirs}) > 3, theirs  # rows end at different steps


def test_a_model_with_additive_attention_is_refused(sides_model_batch, bench):
    source, target, _, _ = sides_model_batch
    model = build_model(source, target, embedding_dim=4, units=3, attention="additive")
    with pytest.raises(ValueError, match="class Attention.*got class AdditiveAttention"):
        bench.TorchTranslator.from_seqlab(model)


def test_the_batch_stream_repeats_each_batch_once_per_epoch(bench):
    batches = [([np.full((1, 1), i)], np.full((1, 1), i)) for i in range(5)]
    stream, again = bench.BatchStream(batches, seed=1), bench.BatchStream(batches, seed=1)
    ids = [int(stream[k][1][0, 0]) for k in range(15)]
    assert [int(again[k][1][0, 0]) for k in range(15)] == ids  # the same for every reader
    for epoch in range(3):
        assert sorted(ids[5 * epoch:5 * epoch + 5]) == list(range(5))
    assert ids[:5] != ids[5:10] or ids[5:10] != ids[10:]  # epochs are reshuffled
