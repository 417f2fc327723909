"""KeyedVectors queries: 3CosAdd, 3CosMul, similarity, doesnt_match, errors,
the embedding matrix for a vocabulary."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlab.embeddings import KeyedVectors, MissingWordsError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

WORDS = {
    "king": [1.0, 1.0, 0.0],
    "man": [2.0, 0.0, 0.0],  # length does not matter: queries use unit vectors
    "woman": [0.0, 0.0, 3.0],
    "queen": [0.0, 1.0, 1.0],
    "apple": [1.0, -1.0, 0.5],
    "car": [-1.0, 0.2, -0.3],
}


@pytest.fixture
def kv() -> KeyedVectors:
    return KeyedVectors(np.array(list(WORDS.values())), list(WORDS))


def unit(v):
    v = np.asarray(v, dtype=np.float64)
    return v / np.linalg.norm(v)


def cos(a, b):
    return float(unit(a) @ unit(b))


def test_basics(kv):
    assert len(kv) == 6 and kv.vector_size == 3 and "queen" in kv and "prince" not in kv
    assert kv.vectors.dtype == np.float32
    np.testing.assert_array_equal(kv["woman"], [0, 0, 3])
    np.testing.assert_array_equal(kv[["man", "king"]], [[2, 0, 0], [1, 1, 0]])
    np.testing.assert_allclose(kv.get_vector("woman", norm=True), [0, 0, 1])
    assert kv.similarity("king", "queen") == pytest.approx(cos(WORDS["king"], WORDS["queen"]))


def test_most_similar_3cosadd_matches_the_definition(kv):
    mean = unit(WORDS["king"]) - unit(WORDS["man"]) + unit(WORDS["woman"])
    expected = sorted(((w, cos(v, mean)) for w, v in WORDS.items()
                       if w not in ("king", "man", "woman")), key=lambda p: -p[1])
    got = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=3)
    assert [w for w, _ in got] == [w for w, _ in expected]
    assert got[0][0] == "queen"
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-6)


def test_most_similar_excludes_the_query_and_accepts_vectors_and_weights(kv):
    assert "king" not in [w for w, _ in kv.most_similar("king", topn=10)]
    by_vector = kv.most_similar(positive=[np.array([1.0, 1.0, 0.0])], topn=1)
    assert by_vector[0][0] == "king"  # a raw vector is not excluded
    weighted = kv.most_similar(positive=[("king", 1.0), ("woman", 2.0)], negative=["man"], topn=1)
    mean = unit(WORDS["king"]) + 2 * unit(WORDS["woman"]) - unit(WORDS["man"])
    best = max((w for w in WORDS if w not in ("king", "woman", "man")),
               key=lambda w: cos(WORDS[w], mean))
    assert weighted[0][0] == best
    everything = kv.most_similar("king", topn=None)
    assert everything.shape == (6,)
    assert everything[0] == pytest.approx(1.0)
    assert kv.most_similar("king", topn=2, restrict_vocab=3)[0][0] in ("man", "woman")
    assert kv.most_similar("king", topn=0) == []


def test_most_similar_cosmul_matches_levy_goldberg(kv):
    def score(w):
        s = {q: (1 + cos(WORDS[w], WORDS[q])) / 2 for q in ("king", "woman", "man")}
        return s["king"] * s["woman"] / (s["man"] + 1e-6)

    expected = sorted((w for w in WORDS if w not in ("king", "man", "woman")), key=score,
                      reverse=True)
    got = kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=3)
    assert [w for w, _ in got] == expected
    np.testing.assert_allclose([s for _, s in got], [score(w) for w in expected], rtol=1e-5)


def test_doesnt_match(kv):
    assert kv.doesnt_match(["king", "queen", "woman", "car"]) == "car"
    with pytest.raises(ValueError, match="at least two words"):
        kv.doesnt_match(["king"])


def test_missing_words_are_all_named(kv):
    with pytest.raises(MissingWordsError) as info:
        kv.most_similar(positive=["king", "prince"], negative=["duke"])
    assert info.value.words == ["prince", "duke"]
    assert "most_similar: not in the vocabulary: 'prince', 'duke'" in str(info.value)
    assert isinstance(info.value, KeyError)
    for call in (lambda: kv.similarity("king", "emperor"), lambda: kv["emperor"],
                 lambda: kv.doesnt_match(["king", "emperor"]),
                 lambda: kv.most_similar_cosmul(["emperor"])):
        with pytest.raises(MissingWordsError, match="'emperor'"):
            call()


def test_dimension_and_construction_errors(kv):
    with pytest.raises(ValueError, match="query vectors must have 3 values, got 4"):
        kv.most_similar(positive=[np.ones(4)])
    with pytest.raises(ValueError, match="3 keys but vectors has 2 rows"):
        KeyedVectors(np.zeros((2, 3)), ["a", "b", "c"])
    with pytest.raises(ValueError, match="must be 2-D"):
        KeyedVectors(np.zeros(3), ["a", "b", "c"])
    with pytest.raises(ValueError, match="duplicate keys"):
        KeyedVectors(np.zeros((2, 3)), ["a", "a"])
    with pytest.raises(ValueError, match="at least one positive or negative"):
        kv.most_similar()


def test_real_glove_vectors_solve_king_man_woman():
    kv = KeyedVectors.load_word2vec_format(FIXTURES / "glove_6B_50d_sample.txt",
                                           errors="backslashreplace")
    assert kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
    assert kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"])[0][0] == "queen"
    assert kv.most_similar(positive=["paris", "italy"], negative=["france"], topn=1)[0][0] \
        != "paris"


def test_embedding_matrix_rows_follow_the_vocabulary(kv):
    tokens = ["", "[UNK]", "queen", "zebra", "king"]
    zeros = kv.embedding_matrix(tokens)
    assert zeros.shape == (5, 3) and zeros.dtype == np.float32
    np.testing.assert_array_equal(zeros[2], kv["queen"])
    np.testing.assert_array_equal(zeros[4], kv["king"])
    np.testing.assert_array_equal(zeros[[0, 1, 3]], 0)

    rand = kv.embedding_matrix(tokens, oov="random", seed=7)
    np.testing.assert_array_equal(rand[[2, 4]], zeros[[2, 4]])
    np.testing.assert_array_equal(rand[0], 0)  # padding stays zero
    assert np.all(rand[[1, 3]] != 0)
    np.testing.assert_array_equal(rand, kv.embedding_matrix(tokens, oov="random", seed=7))
    assert not np.array_equal(rand, kv.embedding_matrix(tokens, oov="random", seed=8))
    with pytest.raises(ValueError, match="oov must be 'zeros' or 'random', got 'mean'"):
        kv.embedding_matrix(tokens, oov="mean")
    with pytest.raises(TypeError, match="tokens must be str"):
        kv.embedding_matrix(["a", 3])


def test_embedding_matrix_for_a_seqlab_vocabulary(kv):
    vocab_mod = pytest.importorskip("seqlab.text.vocab")
    vocab = vocab_mod.Vocabulary.build([["king", "queen", "king", "zebra"]])
    matrix = kv.embedding_matrix(vocab)
    tokens = vocab.get_vocabulary()
    assert matrix.shape == (len(tokens), 3)
    for row, token in enumerate(tokens):
        expected = kv[token] if token in kv else np.zeros(3)
        np.testing.assert_array_equal(matrix[row], expected)


def test_save_and_load_round_trip(kv, tmp_path):
    for name in ("v.bin", "v.txt"):
        kv.save_word2vec_format(tmp_path / name)
        back = KeyedVectors.load_word2vec_format(tmp_path / name)
        assert back.index_to_key == kv.index_to_key
        assert back.vectors.tobytes() == kv.vectors.tobytes()
    assert (tmp_path / "v.bin").read_bytes()[:4] == b"6 3\n"
    assert (tmp_path / "v.txt").read_text(encoding="utf-8").startswith("6 3\nking 1.0 1.0 0.0\n")


def test_embedding_matrix_initialises_a_frozen_embedding_layer(kv):
    layers = pytest.importorskip("seqlab.layers")
    tokens = ["", "[UNK]", "king", "queen", "zebra"]
    matrix = kv.embedding_matrix(tokens)
    layer = layers.Embedding(len(tokens), kv.vector_size, weights=[matrix], trainable=False)
    ids = np.array([[2, 3, 0], [4, 1, 2]])
    out = layer(ids)
    np.testing.assert_array_equal(out[0, 0], kv["king"])
    np.testing.assert_array_equal(out[0, 1], kv["queen"])
    np.testing.assert_array_equal(out[1, 0], 0)
    assert not layer.trainable
