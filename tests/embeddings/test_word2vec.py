"""Word2Vec: learns planted structure, reproducible, kernels equal the NumPy
reference, vocabulary and sampling tables, corpora and errors."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

import seqlab
from seqlab.embeddings import KeyedVectors, NotFittedError, Word2Vec, sampling
from seqlab.embeddings.progress import TrainingProgress

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEE40 = FIXTURES / "lee_background_first40.cor"
SHARED_LEE = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "word2vec" / \
    "lee_background.cor"

ANIMALS = ["cat", "dog", "horse", "cow", "sheep", "goat"]
FRUITS = ["apple", "pear", "plum", "grape", "melon", "peach"]


def planted_corpus(n: int = 600, seed: int = 0,
                   topics: tuple[list[str], ...] = (ANIMALS, FRUITS)) -> list[list[str]]:
    """Sentences drawn from one topic each: words co-occur only within a topic."""
    rng = np.random.default_rng(seed)
    return [list(rng.choice(topics[i % len(topics)], size=8)) for i in range(n)]


def topic_gap(kv: KeyedVectors, topics: tuple[list[str], ...] = (ANIMALS, FRUITS)) -> float:
    """mean cosine within topics minus mean cosine across topics."""
    within = [kv.similarity(a, b) for group in topics
              for i, a in enumerate(group) for b in group[i + 1:]]
    across = [kv.similarity(a, b) for g, group in enumerate(topics)
              for other in topics[g + 1:] for a in group for b in other]
    return float(np.mean(within) - np.mean(across))


SMALL = {"vector_size": 16, "window": 3, "min_count": 1, "sample": 0, "epochs": 3, "negative": 4,
         "seed": 3}


@pytest.mark.parametrize("sg", [0, 1])
def test_planted_topics_are_learned(sg):
    model = Word2Vec(planted_corpus(), sg=sg, **SMALL)
    untrained = Word2Vec(**SMALL).build_vocab(planted_corpus())
    assert abs(topic_gap(untrained.wv)) < 0.3
    assert topic_gap(model.wv) > 0.5
    assert model.loss_history_[-1] < model.loss_history_[0]
    best = model.wv.most_similar("cat", topn=4)
    assert all(word in ANIMALS for word, _ in best)


def test_two_workers_learn_as_well_as_one():
    # Four topics of 20 words: on the 12-word corpus above the two Hogwild
    # workers collide on the same rows so often that the result swings from
    # run to run (gaps 0.3 to 1.0); with 80 words it is as stable as one worker.
    topics = tuple([f"topic{t}_word{i}" for i in range(20)] for t in range(4))
    corpus = planted_corpus(4000, topics=topics)
    one = Word2Vec(corpus, sg=1, workers=1, batch_words=500, **SMALL)
    two = Word2Vec(corpus, sg=1, workers=2, batch_words=500, **SMALL)
    assert np.isfinite(two.wv.vectors).all()
    assert topic_gap(one.wv, topics) > 0.5
    assert topic_gap(two.wv, topics) > topic_gap(one.wv, topics) - 0.1


@pytest.mark.parametrize("sg", [0, 1])
def test_one_worker_and_a_seed_reproduce_exactly(sg):
    a = Word2Vec(corpus_file=LEE40, sg=sg, vector_size=20, min_count=2, epochs=2, seed=11)
    b = Word2Vec(corpus_file=LEE40, sg=sg, vector_size=20, min_count=2, epochs=2, seed=11)
    c = Word2Vec(corpus_file=LEE40, sg=sg, vector_size=20, min_count=2, epochs=2, seed=12)
    assert a.wv.vectors.tobytes() == b.wv.vectors.tobytes()
    assert a.syn1neg.tobytes() == b.syn1neg.tobytes()
    assert not np.array_equal(a.wv.vectors, c.wv.vectors)


def test_file_iterable_and_streaming_corpora_train_identically():
    sentences = [line.split() for line in LEE40.read_text(encoding="utf-8").splitlines()]
    kw = {"vector_size": 12, "min_count": 2, "epochs": 2, "seed": 4, "batch_words": 700}
    from_file = Word2Vec(corpus_file=LEE40, **kw)
    from_list = Word2Vec(sentences, **kw)
    streamed = Word2Vec(corpus_file=LEE40, cache_corpus=False, **kw)
    assert from_file.wv.index_to_key == from_list.wv.index_to_key
    assert from_file.wv.vectors.tobytes() == from_list.wv.vectors.tobytes()
    assert from_file.wv.vectors.tobytes() == streamed.wv.vectors.tobytes()


@pytest.mark.parametrize("sg, cbow_mean", [(1, 1), (0, 1), (0, 0)])
def test_numba_kernels_equal_the_numpy_reference(sg, cbow_mean):
    sentences = [line.split() for line in LEE40.read_text(encoding="utf-8").splitlines()[:6]]
    kw = {"vector_size": 8, "window": 3, "min_count": 2, "negative": 3, "sample": 1e-3,
          "epochs": 2, "seed": 9, "batch_words": 300, "sg": sg, "cbow_mean": cbow_mean}
    fast = Word2Vec(sentences, **kw)
    with seqlab.use_kernels("numpy"):
        slow = Word2Vec(sentences, **kw)
    assert fast.examples_ == slow.examples_ > 0
    assert fast.trained_words_ == slow.trained_words_
    np.testing.assert_allclose(fast.wv.vectors, slow.wv.vectors, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(fast.syn1neg, slow.syn1neg, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(fast.loss_history_, slow.loss_history_, rtol=1e-5)
    assert np.abs(fast.syn1neg).max() > 1e-3  # something was trained


def test_vocabulary_order_counts_and_limits():
    sentences = [["b", "a", "c", "a"], ["c", "d", "b", "e"], ["a"]]
    model = Word2Vec(**{**SMALL, "min_count": 2}).build_vocab(sentences)
    # counts: a 3, b 2, c 2, d 1, e 1; ties keep first appearance (b before c)
    assert model.wv.index_to_key == ["a", "b", "c"]
    assert model.counts_.tolist() == [3, 2, 2]
    assert model.corpus_words_ == 9 and model.corpus_sentences_ == 3
    capped = Word2Vec(**{**SMALL, "max_vocab_size": 2}).build_vocab(sentences)
    assert capped.wv.index_to_key == ["a", "b"]


def test_vocabulary_matches_gensim():
    gensim_w2v = pytest.importorskip("gensim.models.word2vec")
    ours = Word2Vec(min_count=3).build_vocab(corpus_file=LEE40)
    theirs = gensim_w2v.Word2Vec(min_count=3)
    theirs.build_vocab(gensim_w2v.LineSentence(str(LEE40)))
    # same words and counts; ties differ on purpose: gensim puts the word seen
    # last first, seqlab the word seen first (as seqlab.text.Vocabulary does)
    assert sorted(ours.wv.index_to_key) == sorted(theirs.wv.index_to_key)
    assert ours.counts_.tolist() == [theirs.wv.get_vecattr(w, "count")
                                     for w in ours.wv.index_to_key]
    assert ours.counts_.tolist() == sorted(ours.counts_.tolist(), reverse=True)
    tied = [w for w, c in zip(ours.wv.index_to_key, ours.counts_) if c == ours.counts_[9]]
    first_seen = LEE40.read_text(encoding="utf-8").split()
    assert tied == sorted(tied, key=first_seen.index)


def test_subsampling_keeps_the_expected_share():
    # one word makes up 90% of the corpus; p_keep(v) = (sqrt(f/(s·T)) + 1)·(s·T)/f
    rng = np.random.default_rng(0)
    tokens = np.where(rng.random(40000) < 0.9, "the", rng.choice(["x", "y", "z"], 40000))
    sentences = [list(tokens[i:i + 20]) for i in range(0, tokens.size, 20)]
    model = Word2Vec(sentences, vector_size=4, min_count=1, sample=1e-3, epochs=1, seed=1)
    counts = model.counts_.astype(float)
    st = 1e-3 * counts.sum()
    keep = np.minimum((np.sqrt(counts / st) + 1) * st / counts, 1.0)
    expected = float((keep * counts).sum())
    assert model.trained_words_ == pytest.approx(expected, rel=0.03)
    assert model.trained_words_ < 0.2 * model.corpus_words_


def test_noise_distribution_is_unigram_to_the_075():
    cum = sampling.cumulative_table(np.array([16, 1, 81]), 0.75)
    share = np.diff(np.r_[0, cum.astype(np.int64)]) / float(cum[-1])
    np.testing.assert_allclose(share, np.array([8, 1, 27]) / 36, atol=1e-9)
    guide, shift = sampling.guide_table(cum)
    draws = sampling.draw_negatives_reference(cum, np.arange(0, 2**31 - 1, 2**20))
    for r, v in zip(np.arange(0, 2**31 - 1, 2**20), draws):
        assert guide[r >> shift] <= v  # the guide never points past the answer


def test_long_lines_are_cut_into_chunks(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(" ".join(["w"] * 25000) + "\n\nshort line\n", encoding="utf-8")
    model = Word2Vec(corpus_file=path, vector_size=4, min_count=1, epochs=1)
    assert model.corpus_sentences_ == 4  # 10,000 + 10,000 + 5,000 + "short line"
    assert model.corpus_words_ == 25002


def test_save_and_load(tmp_path):
    model = Word2Vec(planted_corpus(100), **SMALL)
    model.save(tmp_path / "v.bin")
    back = KeyedVectors.load_word2vec_format(tmp_path / "v.bin")
    assert back.index_to_key == model.wv.index_to_key
    assert back.vectors.tobytes() == model.wv.vectors.tobytes()
    assert Word2Vec(**model.get_config()).get_config() == model.get_config()


def test_verbose_progress_prints_rate_and_loss():
    stream = io.StringIO()
    progress = TrainingProgress(1000, verbose=True, stream=stream, interval=0.0)
    progress.update(500, 10, 25.0)
    progress.close()
    text = stream.getvalue()
    assert "words/s" in text and "loss 2.5000" in text and "50.0%" in text


@pytest.mark.parametrize("corpus", [[], [[]], [[], []]])
def test_empty_corpus(corpus):
    with pytest.raises(ValueError, match="the corpus is empty"):
        Word2Vec(corpus)


def test_empty_file_and_rare_words(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"corpus is empty: corpus_file .*empty.txt"):
        Word2Vec(corpus_file=empty)
    with pytest.raises(ValueError, match="no word occurs at least min_count=5 times"):
        Word2Vec([["a", "b", "a"]])


def test_bad_corpus_types():
    with pytest.raises(TypeError, match="sentence 0 is a str"):
        Word2Vec(["the cat sat", "on the mat"])
    with pytest.raises(TypeError, match="tokens must be str, but sentence 1 starts with a int"):
        Word2Vec([["a"], [1, 2]])
    with pytest.raises(TypeError, match="got a single str"):
        Word2Vec("the cat sat")
    with pytest.raises(ValueError, match="exactly one of sentences= .* or corpus_file="):
        Word2Vec().build_vocab([["a"]], corpus_file="x.txt")
    with pytest.raises(FileNotFoundError, match="corpus file not found"):
        Word2Vec(corpus_file="/nonexistent/corpus.txt")


def test_non_utf8_corpus_names_line_and_offset(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good line\nbad \xe9t\xe9 line\n")
    with pytest.raises(ValueError, match=r"bad.txt: line 2, byte offset 14: bytes b'\\xe9'"):
        Word2Vec(corpus_file=path, min_count=1)
    model = Word2Vec(corpus_file=path, min_count=1, errors="replace", vector_size=4, epochs=1)
    assert "\ufffdt\ufffd" in model.wv


@pytest.mark.parametrize("kwargs, message", [
    ({"vector_size": 0}, "vector_size must be an int >= 1, got 0"),
    ({"sg": 2}, "sg must be 0 \\(CBOW\\) or 1 \\(skip-gram\\), got 2"),
    ({"negative": 0}, "negative must be an int >= 1"),
    ({"window": 1.5}, "window must be an int >= 1, got 1.5"),
    ({"alpha": 0.01, "min_alpha": 0.1}, "min_alpha must be a number in \\[0.0, 0.01\\]"),
    ({"sample": -1}, "sample must be a number in"),
    ({"workers": 0}, "workers must be an int >= 1"),
])
def test_bad_hyperparameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Word2Vec(**kwargs)


def test_not_fitted_and_one_shot_iterators():
    with pytest.raises(NotFittedError, match="not fitted"):
        _ = Word2Vec().wv
    one_shot = (s for s in planted_corpus(50))
    model = Word2Vec(**{**SMALL, "epochs": 2, "cache_corpus": False})
    with pytest.raises(ValueError, match="one-shot iterator cannot be re-read"):
        model.fit(one_shot)
    cached = Word2Vec((s for s in planted_corpus(50)), **{**SMALL, "epochs": 2})
    assert cached.examples_ > 0  # cached in memory: a generator is enough


@pytest.mark.skipif(not SHARED_LEE.exists(), reason="../shared/data/word2vec is not available")
def test_full_lee_corpus_two_workers():
    model = Word2Vec(corpus_file=SHARED_LEE, sg=1, vector_size=32, min_count=5, epochs=2,
                     workers=2)
    assert model.corpus_sentences_ == 300 and model.corpus_words_ == 59890
    assert np.isfinite(model.wv.vectors).all()
    assert model.loss_history_[1] < model.loss_history_[0]
